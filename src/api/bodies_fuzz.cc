// libFuzzer entry for every parser that turns a client's request body into a typed request
// (target api_fuzz_bodies). Byte 0 picks the route (a letter of kRoutes, other bytes modulo),
// the rest is the body:
//   s  POST /v1/tts/synthesize             ParseSynthesizeRequest (small TextLimits)
//   o  POST /v1/audio/speech               openai::ParseSpeechRequest
//   e  POST /v1/text-to-speech/{voice_id}  elevenlabs::ParseTtsRequest
//   v  its voice_settings object           elevenlabs::ParseVoiceSettings
//   c  POST /v1/voice/create               ParseCloneForm       (multipart, boundary "b")
//   p  POST /v1/admin/protected-voices     ParseProtectedVoiceForm
//   k  POST /v1/audio/voice_consents       openai::ParseConsentForm
//   n  POST /v1/audio/voices               openai::ParseVoiceForm
//   q  POST /v1/oauth/token's form         http::ParseQuery, then ParseScopes on "scope"
// Beyond sanitizers it traps when an exception escapes, an error is not kInvalidArgument
// (kUnprocessable for synthesize's documented 422s) naming a field (only a body that is not
// a JSON object may name none, or "body", unless it has such a key), a parse differs on the
// same input, or a parsed value breaks its documented bounds (OpenAI: input 1..4096
// characters, speed 0.25..4, voice 1..128 bytes, a known format; ElevenLabs: text 1..10000
// characters, speed 0.25..4, a known model, seed 0..2^32-1; synthesize: text within the
// limits, finite speed and pitch, its canonical JSON (the Idempotency-Key hash)
// serializable; forms: names within bounds, file parts non-empty views into the body).
// OpenAI and ElevenLabs bodies are parsed again with VOX_COMPAT_SSML on: SSML exactly when
// the text opens with <speak, errors in the same shape.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/clone_form.h"
#include "api/compat_ssml.h"
#include "api/elevenlabs/tts_request.h"
#include "api/openai/speech_request.h"
#include "api/openai/voice_forms.h"
#include "api/scopes.h"
#include "api/synthesize_request.h"
#include "http/url.h"
#include "text/utf8.h"

namespace {

using nlohmann::json;
constexpr std::string_view kRoutes = "soevcpknq";
constexpr std::string_view kMultipart = "multipart/form-data; boundary=b";

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// The field a refusal names is one of the body's, or the body itself only when it is not a
// JSON object ("body" for synthesize, "" for the others).
bool NamesAField(std::string_view body, const std::string& field) {
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (!j.is_object()) return true;
  if (field.empty() || field == "body") return j.contains(field);
  return true;
}

// The shape every parser's refusal shares: a client error naming the field at fault.
template <typename T>
void CheckError(const vox::Result<T>& r, std::string_view body, bool json_body,
                bool unprocessable_ok = false) {
  if (r) return;
  const auto& e = r.error();
  Check(e.code == vox::ErrorCode::kInvalidArgument ||
        (unprocessable_ok && e.code == vox::ErrorCode::kUnprocessable));
  Check(!e.message.empty());
  if (json_body) Check(NamesAField(body, e.field));
}

// Two parses of one body agree (no hidden state, no uninitialized reads that happen to pass).
template <typename T>
void CheckSame(const vox::Result<T>& a, const vox::Result<T>& b) {
  Check(a.has_value() == b.has_value());
  if (!a) Check(a.error().message == b.error().message && a.error().field == b.error().field);
}

bool Inside(std::string_view part, std::string_view body) {
  return part.data() >= body.data() && part.data() + part.size() <= body.data() + body.size();
}

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") == s.npos; }

void Synthesize(std::string_view body) {
  vox::text::TextLimits limits;
  limits.max_chars = 64;  // small, so the fuzzer reaches it
  auto r = vox::api::ParseSynthesizeRequest(body, limits);
  CheckError(r, body, true, /*unprocessable_ok=*/true);
  CheckSame(r, vox::api::ParseSynthesizeRequest(body, limits));
  if (r) Check(r->ToJson() == vox::api::ParseSynthesizeRequest(body, limits)->ToJson());
  if (!r) return;
  Check(!Blank(r->text) && vox::text::CountCodePoints(r->text) <= limits.max_chars);
  Check(r->text_type == "text" || r->text_type == "ssml");
  Check(r->voice_id.size() <= 128 && r->format.size() <= 16 && r->language.size() <= 35);
  Check(!r->sample_rate || (*r->sample_rate > 0 && *r->sample_rate <= 1'000'000));
  Check(std::isfinite(r->speed) && std::isfinite(r->pitch));
  Check(!r->webhook_url || r->webhook_url->size() <= 2048);
  (void)r->ToJson().dump();  // strict: throws on bytes the job's hash could not carry
}

void OpenAiSpeech(std::string_view body) {
  auto r = vox::api::openai::ParseSpeechRequest(body);
  CheckError(r, body, true);
  CheckSame(r, vox::api::openai::ParseSpeechRequest(body));
  if (!r) return;
  const size_t chars = vox::text::CountCodePoints(r->input);
  Check(chars >= 1 && chars <= vox::api::openai::kMaxInputChars && !Blank(r->input));
  Check(r->speed >= 0.25 && r->speed <= 4.0);
  Check(!r->voice.empty() && r->voice.size() <= 128);
  static constexpr std::string_view kFormats[] = {"mp3", "opus", "aac", "flac", "wav", "pcm"};
  bool known = false;
  for (auto f : kFormats) known = known || f == r->response_format;
  Check(known && (r->stream_format == "audio" || r->stream_format == "sse"));
  Check(!r->ssml);
  auto ssml = vox::api::openai::ParseSpeechRequest(body, true);
  CheckError(ssml, body, true);
  if (ssml) Check(ssml->ssml == vox::api::StartsAsSsml(ssml->input));
}

void ElevenLabsTts(std::string_view body) {
  auto r = vox::api::elevenlabs::ParseTtsRequest(body);
  CheckError(r, body, true);
  CheckSame(r, vox::api::elevenlabs::ParseTtsRequest(body));
  if (!r) return;
  const size_t chars = vox::text::CountCodePoints(r->text);
  Check(chars >= 1 && chars <= vox::api::elevenlabs::kMaxTextChars && !Blank(r->text));
  Check(r->speed >= 0.25 && r->speed <= 4.0);
  Check(vox::api::elevenlabs::CheckModelId(r->model_id).has_value());
  Check(!r->seed || (*r->seed >= 0 && *r->seed <= 4294967295LL));
  Check(!r->ssml);
  auto ssml = vox::api::elevenlabs::ParseTtsRequest(body, true);
  CheckError(ssml, body, true);
  if (ssml) Check(ssml->ssml == vox::api::StartsAsSsml(ssml->text));
}

void VoiceSettings(std::string_view body) {
  const json settings = json::parse(body.begin(), body.end(), nullptr, false);
  if (settings.is_discarded()) return;
  double speed = 1.0;
  auto status = vox::api::elevenlabs::ParseVoiceSettings(settings, &speed);
  if (!status) {
    Check(status.error().code == vox::ErrorCode::kInvalidArgument);
    Check(status.error().field.starts_with("voice_settings"));
    return;
  }
  Check(speed >= 0.25 && speed <= 4.0);
}

void CloneForm(std::string_view body) {
  auto r = vox::api::ParseCloneForm(body, kMultipart);
  CheckError(r, body, false);
  if (!r) return;
  Check(!r->name.empty() && !r->files.empty());
  for (const auto& f : r->files) Check(!f.bytes.empty() && Inside(f.bytes, body));
  if (r->consent_audio) Check(!r->consent_audio->bytes.empty());
  auto p = vox::api::ParseProtectedVoiceForm(body, kMultipart);
  // The protected-voice form takes a subset of the clone form's fields.
  if (p) Check(p->name == r->name && p->files.size() == r->files.size());
}

void ProtectedForm(std::string_view body) {
  auto r = vox::api::ParseProtectedVoiceForm(body, kMultipart);
  CheckError(r, body, false);
  if (!r) return;
  Check(!r->name.empty() && !r->files.empty());
  for (const auto& f : r->files) Check(!f.bytes.empty() && Inside(f.bytes, body));
}

bool ValidName(const std::string& name) {
  return !name.empty() && vox::text::ValidateUtf8(name).has_value() &&
         vox::text::CountCodePoints(name) <= vox::api::openai::kMaxVoiceNameChars;
}

void ConsentForm(std::string_view body) {
  auto r = vox::api::openai::ParseConsentForm(body, kMultipart);
  CheckError(r, body, false);
  if (!r) return;
  Check(ValidName(r->name) && r->language.size() <= 35);
  Check(r->language.size() == 2 || r->language.size() > 3);  // "en", or "en-" and more
  Check(!r->recording.bytes.empty() && Inside(r->recording.bytes, body));
}

void VoiceForm(std::string_view body) {
  auto r = vox::api::openai::ParseVoiceForm(body, kMultipart);
  CheckError(r, body, false);
  if (!r) return;
  Check(ValidName(r->name) && !r->consent.empty() && r->consent.size() <= 64 * 4);
  Check(!r->audio_sample.bytes.empty() && Inside(r->audio_sample.bytes, body));
}

void OAuthForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> form;
  if (!vox::http::ParseQuery(body, form)) return;
  for (const auto& [name, value] : form) {
    if (name != "scope") continue;
    auto scopes = vox::api::ParseScopes(value, "scope");
    if (!scopes) {
      Check(scopes.error().code == vox::ErrorCode::kInvalidArgument);
      Check(scopes.error().field == "scope");
      continue;
    }
    // What a token grants reads back as the same set.
    auto again = vox::api::ParseScopes(scopes->ToString(), "scope");
    Check(again.has_value() && *again == *scopes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t at = kRoutes.find(static_cast<char>(data[0]));
  const char route = kRoutes[at != kRoutes.npos ? at : data[0] % kRoutes.size()];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (route) {
      case 's':
        Synthesize(body);
        break;
      case 'o':
        OpenAiSpeech(body);
        break;
      case 'e':
        ElevenLabsTts(body);
        break;
      case 'v':
        VoiceSettings(body);
        break;
      case 'c':
        CloneForm(body);
        break;
      case 'p':
        ProtectedForm(body);
        break;
      case 'k':
        ConsentForm(body);
        break;
      case 'n':
        VoiceForm(body);
        break;
      case 'q':
        OAuthForm(body);
        break;
    }
  } catch (...) {
    __builtin_trap();  // a handler would answer 500 (or the thread would die)
  }
  return 0;
}
