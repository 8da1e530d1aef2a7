// What a cloned voice stores in voices.metadata (JSON), in one place: the
// writer (VoiceCloner) and the readers (VoiceResolver, the API's voice
// object) agree on the keys through these functions only.
//
// {
//   "description": "...", "labels": ["..."], "speaker_name": "...",
//   "job_id": "...",               the voice creation job (API uploads only)
//   "rejection": {"code": "unprocessable", "field": "consent_audio", "message": "...",
//                 "at": 1764000000000},   a rejected voice: why (nothing else is kept)
//   "embedding": {...},            voice::Embedding::ToJson
//   "profile": {...},              voice::VoiceProfile::ToJson
//   "conversion": {...},           engines::VoiceConversion::ToJson
//   "sample": {"key": "voices/<id>/sample.wav", "seconds": 61.2, "preprocess": {...}},
//   "consent": {"required": true, "statement": "...", "transcript": "...", "wer": 0.1,
//               "similarity": 0.97, "recording_key": "voices/<id>/consent.wav",
//               "verified_at": 1764000000000, "verified_by": "<user id>"},
//   "revocation": {"revoked_at": 1764000000000, "revoked_by": "<user id>" | null, "via": "api"},
//                                  a revoked voice: nothing else is kept
//   "fit": {"base_voice": "flite-slt", "similarity": 0.93, "base_similarity": 0.71,
//           "wer": 0.2, "base_wer": 0.18,   (null when no ASR judged the fit)
//           "conversion": "full",  the accepted step: full|no_warp|pitch_only|base_voice
//           "reason": "...", "seconds": 3.1, "candidates": [...], "guard": [...]}
// }
// Raw audio never goes here: the processed sample and the consent recording
// live in the blob store under the keys above.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"
#include "engines/voice_conversion.h"
#include "voice/speaker_encoder.h"

namespace vox::cloning {

// Blob keys of a voice's audio. Derived from the id, so a cleanup never needs the row.
std::string SampleKey(const std::string& voice_id);
std::string ConsentKey(const std::string& voice_id);

// The parts synthesis needs, read back strictly: a stored JSON that does not
// parse, or values out of bounds, are an error (internal: the row is damaged),
// never a silently different voice.
struct CloneSynthesisData {
  engines::VoiceConversion conversion;
  voice::Embedding embedding;
};
Result<CloneSynthesisData> ReadCloneSynthesisData(const std::string& metadata_json);

// The public part of the metadata for the API's voice object: description,
// labels, speaker_name, job id, rejection, revocation time, sample seconds, consent (statement,
// scores, time) and fit scores; never the embedding, the conversion or blob keys.
nlohmann::json PublicCloneMetadata(const std::string& metadata_json);

}  // namespace vox::cloning
