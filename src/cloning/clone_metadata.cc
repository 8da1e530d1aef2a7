#include "cloning/clone_metadata.h"

namespace vox::cloning {

using nlohmann::json;

std::string SampleKey(const std::string& voice_id) { return "voices/" + voice_id + "/sample.wav"; }
std::string ConsentKey(const std::string& voice_id) {
  return "voices/" + voice_id + "/consent.wav";
}

Result<CloneSynthesisData> ReadCloneSynthesisData(const std::string& metadata_json) {
  json metadata = json::parse(metadata_json, nullptr, /*allow_exceptions=*/false);
  if (!metadata.is_object() || !metadata.contains("conversion") ||
      !metadata.contains("embedding")) {
    return Internal("the voice's stored data is damaged (no conversion or embedding)");
  }
  auto conversion = engines::VoiceConversion::FromJson(metadata["conversion"]);
  if (!conversion)
    return Internal("the voice's stored conversion is damaged: " + conversion.error().message);
  auto embedding = voice::Embedding::FromJson(metadata["embedding"]);
  if (!embedding)
    return Internal("the voice's stored embedding is damaged: " + embedding.error().message);
  return CloneSynthesisData{std::move(*conversion), std::move(*embedding)};
}

json PublicCloneMetadata(const std::string& metadata_json) {
  json metadata = json::parse(metadata_json, nullptr, /*allow_exceptions=*/false);
  json out = json::object();
  if (!metadata.is_object()) return out;
  for (const char* key : {"description", "labels", "speaker_name", "job_id"}) {
    if (metadata.contains(key)) out[key] = metadata[key];
  }
  // Why a creation was refused, in the caller's terms (cloning/voice_creation.h).
  if (metadata.contains("rejection") && metadata["rejection"].is_object()) {
    const json& r = metadata["rejection"];
    out["rejection"] = {{"code", r.value("code", "")},
                        {"field", r.value("field", "")},
                        {"message", r.value("message", "")}};
  }
  // A revoked voice keeps only when and how (consent_revocation.h); never by whom.
  if (metadata.contains("revocation") && metadata["revocation"].is_object()) {
    const json& r = metadata["revocation"];
    out["revocation"] = {{"revoked_at", r.value("revoked_at", int64_t{0})},
                         {"via", r.value("via", "")}};
  }
  if (metadata.contains("sample") && metadata["sample"].is_object()) {
    out["sample_seconds"] = metadata["sample"].value("seconds", 0.0);
  }
  if (metadata.contains("consent") && metadata["consent"].is_object()) {
    const json& c = metadata["consent"];
    json consent = json::object();
    for (const char* key :
         {"required", "statement", "transcript", "wer", "similarity", "verified_at"}) {
      if (c.contains(key)) consent[key] = c[key];
    }
    out["consent"] = consent;
  }
  if (metadata.contains("fit") && metadata["fit"].is_object()) {
    const json& f = metadata["fit"];
    out["quality"] = {{"base_voice", f.value("base_voice", "")},
                      {"similarity", f.value("similarity", 0.0)},
                      {"base_similarity", f.value("base_similarity", 0.0)}};
    // Which conversion the fit's guard accepted and why (absent on older voices).
    for (const char* key : {"conversion", "reason", "wer", "base_wer"}) {
      if (f.contains(key)) out["quality"][key] = f[key];
    }
  }
  return out;
}

}  // namespace vox::cloning
