#include "voice/voice_profile.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace vox::voice {
namespace {

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const double pos = p * (v.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

constexpr double kDbPerNeper = 10.0 / 2.302585092994046;  // log power (natural) -> dB

}  // namespace

VoiceProfile ProfileFromAnalysis(const SpeechAnalysis& a) {
  VoiceProfile p;
  std::vector<double> f0;
  for (float hz : a.pitch.f0_hz) {
    if (hz > 0.0f) f0.push_back(hz);
  }
  p.f0_median_hz = Percentile(f0, 0.5);
  p.f0_p5_hz = Percentile(f0, 0.05);
  p.f0_p95_hz = Percentile(f0, 0.95);
  p.formant_scale = a.formants.formant_scale;
  p.vocal_tract_cm = a.formants.vocal_tract_cm;
  p.formants_hz = a.formants.median_hz;

  // Envelope over voiced frames (vowels carry the timbre); all speech frames
  // when nothing is voiced (whisper), so the field is always filled.
  const bool use_voiced = a.num_voiced_frames() > 0;
  const FrameMatrix& mel = a.features.log_mel;
  const FrameMatrix& mfcc = a.features.mfcc;
  p.envelope_db.assign(mel.cols(), 0.0);
  p.mean_cepstrum.assign(mfcc.cols(), 0.0);
  int n = 0;
  for (int t = 0; t < mel.rows(); ++t) {
    if (!(use_voiced ? a.voiced[t] : a.speech[t])) continue;
    ++n;
    for (int b = 0; b < mel.cols(); ++b) p.envelope_db[b] += mel.at(t, b);
    for (int c = 0; c < mfcc.cols(); ++c) p.mean_cepstrum[c] += mfcc.at(t, c);
  }
  if (n > 0) {
    double level = 0.0;
    for (double& v : p.envelope_db) level += (v = v / n * kDbPerNeper);
    level /= std::max<std::size_t>(1, p.envelope_db.size());
    for (double& v : p.envelope_db) v -= level;
    for (double& v : p.mean_cepstrum) v /= n;
  }
  p.envelope_band_hz = a.features.band_center_hz;
  p.speaking_rate_sps = a.speaking_rate.syllables_per_second;
  p.speech_seconds = a.speech_seconds();
  const int speech = a.num_speech_frames();
  p.voiced_fraction = speech > 0 ? static_cast<double>(a.num_voiced_frames()) / speech : 0.0;
  return p;
}

Result<VoiceProfile> AnalyzeVoice(const audio::PcmBuffer& pcm) {
  VOX_ASSIGN_OR_RETURN(SpeechAnalysis analysis, AnalyzeSpeech(pcm));
  return ProfileFromAnalysis(analysis);
}

nlohmann::json VoiceProfile::ToJson() const {
  return {{"version", kVersion},
          {"f0_median_hz", f0_median_hz},
          {"f0_p5_hz", f0_p5_hz},
          {"f0_p95_hz", f0_p95_hz},
          {"formant_scale", formant_scale},
          {"vocal_tract_cm", vocal_tract_cm},
          {"formants_hz", formants_hz},
          {"envelope_db", envelope_db},
          {"envelope_band_hz", envelope_band_hz},
          {"mean_cepstrum", mean_cepstrum},
          {"speaking_rate_sps", speaking_rate_sps},
          {"speech_seconds", speech_seconds},
          {"voiced_fraction", voiced_fraction}};
}

namespace {

Status ReadNumber(const nlohmann::json& json, const char* key, bool allow_negative, double& out) {
  const std::string field = std::string("profile.") + key;
  if (!json.contains(key) || !json[key].is_number()) {
    return InvalidArgument(std::string("voice profile needs a number '") + key + "'", field);
  }
  out = json[key].get<double>();
  if (!std::isfinite(out) || (!allow_negative && out < 0.0)) {
    return InvalidArgument(std::string("voice profile '") + key + "' is out of range", field);
  }
  return {};
}

Status ReadNumbers(const nlohmann::json& json, const char* key, bool allow_negative,
                   std::vector<double>& out) {
  const std::string field = std::string("profile.") + key;
  if (!json.contains(key) || !json[key].is_array()) {
    return InvalidArgument(std::string("voice profile needs an array '") + key + "'", field);
  }
  out.clear();
  for (const auto& v : json[key]) {
    if (!v.is_number() || !std::isfinite(v.get<double>()) ||
        (!allow_negative && v.get<double>() < 0.0)) {
      return InvalidArgument(std::string("voice profile '") + key + "' has a bad entry", field);
    }
    out.push_back(v.get<double>());
  }
  return {};
}

}  // namespace

Result<VoiceProfile> VoiceProfile::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) return InvalidArgument("voice profile must be a JSON object", "profile");
  if (!json.contains("version") || !json["version"].is_number_integer() ||
      json["version"].get<int>() != kVersion) {
    return InvalidArgument("voice profile version must be " + std::to_string(kVersion),
                           "profile.version");
  }
  VoiceProfile p;
  VOX_RETURN_IF_ERROR(ReadNumber(json, "f0_median_hz", false, p.f0_median_hz));
  VOX_RETURN_IF_ERROR(ReadNumber(json, "f0_p5_hz", false, p.f0_p5_hz));
  VOX_RETURN_IF_ERROR(ReadNumber(json, "f0_p95_hz", false, p.f0_p95_hz));
  VOX_RETURN_IF_ERROR(ReadNumber(json, "formant_scale", false, p.formant_scale));
  VOX_RETURN_IF_ERROR(ReadNumber(json, "vocal_tract_cm", false, p.vocal_tract_cm));
  VOX_RETURN_IF_ERROR(ReadNumber(json, "speaking_rate_sps", false, p.speaking_rate_sps));
  VOX_RETURN_IF_ERROR(ReadNumber(json, "speech_seconds", false, p.speech_seconds));
  VOX_RETURN_IF_ERROR(ReadNumber(json, "voiced_fraction", false, p.voiced_fraction));
  std::vector<double> formants;
  VOX_RETURN_IF_ERROR(ReadNumbers(json, "formants_hz", false, formants));
  if (formants.size() != p.formants_hz.size()) {
    return InvalidArgument("voice profile 'formants_hz' needs 4 entries", "profile.formants_hz");
  }
  std::copy(formants.begin(), formants.end(), p.formants_hz.begin());
  VOX_RETURN_IF_ERROR(ReadNumbers(json, "envelope_db", true, p.envelope_db));
  VOX_RETURN_IF_ERROR(ReadNumbers(json, "envelope_band_hz", false, p.envelope_band_hz));
  VOX_RETURN_IF_ERROR(ReadNumbers(json, "mean_cepstrum", true, p.mean_cepstrum));
  if (p.envelope_db.size() != p.envelope_band_hz.size()) {
    return InvalidArgument("voice profile envelope and band arrays differ in length",
                           "profile.envelope_db");
  }
  if (p.f0_p5_hz > p.f0_median_hz || p.f0_median_hz > p.f0_p95_hz || p.voiced_fraction > 1.0) {
    return InvalidArgument("voice profile pitch range or voiced fraction is inconsistent",
                           "profile.f0_median_hz");
  }
  return p;
}

}  // namespace vox::voice
