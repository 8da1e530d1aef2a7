#include "engines/voice_conversion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace vox::engines {
namespace {

constexpr const char* kFields[] = {"version",           "base_voice",        "source_log_f0_mean",
                                   "source_log_f0_std", "target_log_f0_mean", "target_log_f0_std",
                                   "frequency_warp",    "mcep_bias"};

std::string Field(std::string_view name) { return fmt::format("conversion.{}", name); }

// Written as !(in range) so NaN fails too.
Status CheckRange(double value, double lo, double hi, std::string_view name) {
  if (!(value >= lo && value <= hi)) {
    return InvalidArgument(fmt::format("conversion {} must be between {} and {}, got {}", name, lo,
                                       hi, value),
                           Field(name));
  }
  return {};
}

Result<double> GetNumber(const nlohmann::json& json, const char* name) {
  const auto it = json.find(name);
  if (it == json.end()) return InvalidArgument(fmt::format("missing '{}'", name), Field(name));
  if (!it->is_number()) return InvalidArgument(fmt::format("'{}' must be a number", name), Field(name));
  return it->get<double>();
}

}  // namespace

bool IsConversionBaseVoice(std::string_view voice_id) {
  return std::find(VoiceConversion::kBaseVoices.begin(), VoiceConversion::kBaseVoices.end(),
                   voice_id) != VoiceConversion::kBaseVoices.end();
}

VoiceConversion VoiceConversion::Identity(std::string base_voice) {
  VoiceConversion c;
  c.base_voice = std::move(base_voice);
  return c;  // equal source and target statistics, no warp, no bias
}

double VoiceConversion::MapF0(double f0_hz) const {
  if (!(f0_hz > 0.0)) return 0.0;
  const double ratio = target_log_f0_std / source_log_f0_std;
  const double mapped = target_log_f0_mean + ratio * (std::log(f0_hz) - source_log_f0_mean);
  return std::clamp(std::exp(mapped), kMinF0Hz, kMaxF0Hz);
}

Status VoiceConversion::Validate() const {
  if (version != kVersion) {
    return InvalidArgument(fmt::format("unknown conversion version {} (this build reads {})",
                                       version, kVersion),
                           Field("version"));
  }
  if (!IsConversionBaseVoice(base_voice)) {
    return InvalidArgument(fmt::format("base voice '{}' is not one of flite-slt, flite-rms, "
                                       "flite-awb (the clustergen voices)",
                                       base_voice),
                           Field("base_voice"));
  }
  VOX_RETURN_IF_ERROR(CheckRange(source_log_f0_mean, kMinLogF0, kMaxLogF0, "source_log_f0_mean"));
  VOX_RETURN_IF_ERROR(CheckRange(target_log_f0_mean, kMinLogF0, kMaxLogF0, "target_log_f0_mean"));
  VOX_RETURN_IF_ERROR(
      CheckRange(source_log_f0_std, kMinLogF0Std, kMaxLogF0Std, "source_log_f0_std"));
  VOX_RETURN_IF_ERROR(
      CheckRange(target_log_f0_std, kMinLogF0Std, kMaxLogF0Std, "target_log_f0_std"));
  const double ratio = target_log_f0_std / source_log_f0_std;
  if (!(ratio >= 1.0 / kMaxStdRatio && ratio <= kMaxStdRatio)) {
    return InvalidArgument(
        fmt::format("conversion target_log_f0_std / source_log_f0_std must be within 1/{} .. {}, "
                    "got {}",
                    kMaxStdRatio, kMaxStdRatio, ratio),
        Field("target_log_f0_std"));
  }
  VOX_RETURN_IF_ERROR(
      CheckRange(frequency_warp, -kMaxFrequencyWarp, kMaxFrequencyWarp, "frequency_warp"));
  if (mcep_bias.size() > static_cast<size_t>(kMaxBiasCoefficients)) {
    return InvalidArgument(fmt::format("conversion mcep_bias has {} coefficients, at most {}",
                                       mcep_bias.size(), kMaxBiasCoefficients),
                           Field("mcep_bias"));
  }
  double l1 = 0.0;
  for (double b : mcep_bias) {
    VOX_RETURN_IF_ERROR(
        CheckRange(b, -kMaxBiasCoefficient, kMaxBiasCoefficient, "mcep_bias"));
    l1 += std::abs(b);
  }
  if (!(l1 <= kMaxBiasL1)) {
    return InvalidArgument(
        fmt::format("conversion mcep_bias magnitudes sum to {}, at most {}", l1, kMaxBiasL1),
        Field("mcep_bias"));
  }
  return {};
}

nlohmann::json VoiceConversion::ToJson() const {
  return {{"version", version},
          {"base_voice", base_voice},
          {"source_log_f0_mean", source_log_f0_mean},
          {"source_log_f0_std", source_log_f0_std},
          {"target_log_f0_mean", target_log_f0_mean},
          {"target_log_f0_std", target_log_f0_std},
          {"frequency_warp", frequency_warp},
          {"mcep_bias", mcep_bias}};
}

Result<VoiceConversion> VoiceConversion::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) return InvalidArgument("conversion must be a JSON object", "conversion");
  const std::set<std::string> known(std::begin(kFields), std::end(kFields));
  for (const auto& [key, value] : json.items()) {
    if (!known.contains(key)) {
      return InvalidArgument(fmt::format("unknown conversion field '{}'", key), Field(key));
    }
  }
  VoiceConversion c;
  const auto version = json.find("version");
  if (version == json.end() || !version->is_number_integer()) {
    return InvalidArgument("conversion 'version' must be an integer", Field("version"));
  }
  // Compare as the JSON's own integer before narrowing, so 2^32 + 1 is not read as 1.
  if (version->get<long long>() != kVersion) {
    return InvalidArgument(fmt::format("unknown conversion version {} (this build reads {})",
                                       version->dump(), kVersion),
                           Field("version"));
  }
  const auto base = json.find("base_voice");
  if (base == json.end() || !base->is_string()) {
    return InvalidArgument("conversion 'base_voice' must be a string", Field("base_voice"));
  }
  c.base_voice = base->get<std::string>();
  VOX_ASSIGN_OR_RETURN(c.source_log_f0_mean, GetNumber(json, "source_log_f0_mean"));
  VOX_ASSIGN_OR_RETURN(c.source_log_f0_std, GetNumber(json, "source_log_f0_std"));
  VOX_ASSIGN_OR_RETURN(c.target_log_f0_mean, GetNumber(json, "target_log_f0_mean"));
  VOX_ASSIGN_OR_RETURN(c.target_log_f0_std, GetNumber(json, "target_log_f0_std"));
  VOX_ASSIGN_OR_RETURN(c.frequency_warp, GetNumber(json, "frequency_warp"));
  const auto bias = json.find("mcep_bias");
  if (bias == json.end() || !bias->is_array()) {
    return InvalidArgument("conversion 'mcep_bias' must be an array of numbers",
                           Field("mcep_bias"));
  }
  if (bias->size() > static_cast<size_t>(kMaxBiasCoefficients)) {
    return InvalidArgument(fmt::format("conversion mcep_bias has {} coefficients, at most {}",
                                       bias->size(), kMaxBiasCoefficients),
                           Field("mcep_bias"));
  }
  for (const auto& b : *bias) {
    if (!b.is_number()) {
      return InvalidArgument("conversion 'mcep_bias' must be an array of numbers",
                             Field("mcep_bias"));
    }
    c.mcep_bias.push_back(b.get<double>());
  }
  VOX_RETURN_IF_ERROR(c.Validate());
  return c;
}

}  // namespace vox::engines
