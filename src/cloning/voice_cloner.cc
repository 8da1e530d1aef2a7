#include "cloning/voice_cloner.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "audio/encode.h"
#include "cloning/clone_metadata.h"
#include "cloning/voice_resolver.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "text/utf8.h"
#include "voice/voice_profile.h"

namespace vox::cloning {
namespace {

using nlohmann::json;

constexpr size_t kMaxNameChars = 100;
constexpr size_t kMaxDescriptionChars = 1000;
constexpr size_t kMaxLabels = 20;
constexpr size_t kMaxLabelChars = 64;

// Printable UTF-8 of 1..max_chars code points (0.. when optional).
Status ValidateText(std::string_view value, const std::string& field, size_t max_chars,
                    bool required) {
  if (required && value.find_first_not_of(" \t") == std::string_view::npos) {
    return InvalidArgument(field + " is required", field);
  }
  if (!text::ValidateUtf8(value)) return InvalidArgument(field + " is not valid UTF-8", field);
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7F)
      return InvalidArgument(field + " contains control characters", field);
  }
  if (text::CountCodePoints(value) > max_chars) {
    return InvalidArgument(field + " is longer than " + std::to_string(max_chars) + " characters",
                           field);
  }
  return {};
}

Status ValidateInput(const CloneInput& in) {
  VOX_RETURN_IF_ERROR(ValidateText(in.name, "name", kMaxNameChars, true));
  VOX_RETURN_IF_ERROR(ValidateText(in.description, "description", kMaxDescriptionChars, false));
  if (in.labels.size() > kMaxLabels) {
    return InvalidArgument("at most " + std::to_string(kMaxLabels) + " labels", "labels");
  }
  for (const std::string& label : in.labels) {
    VOX_RETURN_IF_ERROR(ValidateText(label, "labels", kMaxLabelChars, true));
  }
  if (in.files.empty()) return InvalidArgument("at least one audio file is required", "files");
  return {};
}

json StatsJson(const voice::PreprocessStats& s) {
  return {{"files", s.files},
          {"input_seconds", s.input_seconds},
          {"speech_seconds", s.speech_seconds},
          {"output_seconds", s.output_seconds},
          {"clipping_fraction", s.clipping_fraction},
          {"snr_db", s.snr_db},
          {"loudness_before_lufs", s.loudness_before_lufs},
          {"loudness_after_lufs", s.loudness_after_lufs},
          {"gain_db", s.gain_db}};
}

Result<std::string> Wav(const audio::PcmBuffer& pcm) {
  audio::EncodeOptions options;
  options.format = audio::Format::kWav;
  return audio::Encode(pcm, options);
}

// Deletes the blobs written so far unless released: the cleanup on every
// early return of Create.
class BlobRollback {
 public:
  explicit BlobRollback(blob::BlobStore& blobs) : blobs_(blobs) {}
  ~BlobRollback() {
    for (const auto& key : keys_) {
      if (auto s = blobs_.Delete(key); !s) {
        spdlog::error("voice cloning: could not remove {} after a failure: {}", key,
                      s.error().message);
      }
    }
  }
  void Add(std::string key) { keys_.push_back(std::move(key)); }
  void Release() { keys_.clear(); }

 private:
  blob::BlobStore& blobs_;
  std::vector<std::string> keys_;
};

// A slot among max_concurrent, or nothing.
class Slot {
 public:
  Slot(std::atomic<int>& running, int max) : running_(running) {
    acquired_ = running_.fetch_add(1) < max;
  }
  ~Slot() { running_.fetch_sub(1); }
  bool acquired() const { return acquired_; }

 private:
  std::atomic<int>& running_;
  bool acquired_ = false;
};

}  // namespace

VoiceCloner::VoiceCloner(store::Store& store, blob::BlobStore& blobs,
                         engines::VoiceConversionEngine& flite, asr::Transcriber* transcriber,
                         voice::SpeakerEncoder& encoder, ClonerConfig config, const Clock& clock)
    : store_(store),
      blobs_(blobs),
      flite_(flite),
      transcriber_(transcriber),
      encoder_(encoder),
      config_(std::move(config)),
      clock_(clock) {}

Result<std::string> VoiceCloner::ConsentStatement(std::string_view speaker_name,
                                                  std::string_view challenge) const {
  return voice::ConsentStatement(speaker_name, config_.platform_name, challenge);
}

Result<store::ConsentChallenge> VoiceCloner::IssueChallenge(std::string_view speaker_name,
                                                            const Actor& actor) const {
  VOX_RETURN_IF_ERROR(ConsentStatement(speaker_name));  // the name is valid
  store::ConsentChallenge c;
  c.user_id = actor.user_id;
  c.key_id = actor.key_id;
  c.speaker_name = std::string(speaker_name);
  c.challenge = voice::NewConsentChallenge();
  c.created_at = clock_.NowMs();
  c.expires_at = c.created_at + int64_t{config_.challenge_ttl_s} * 1000;
  return store_.CreateConsentChallenge(std::move(c));
}

Status VoiceCloner::UseChallenge(CloneInput& input, const Actor& actor,
                                 const std::string& voice_id) const {
  if (!config_.require_consent || !config_.require_challenge || !input.consent_audio) return {};
  auto issued = store_.GetConsentChallenge(input.challenge_id, actor.user_id);
  if (!issued && issued.error().code == ErrorCode::kNotFound) {
    return NotFound("no consent challenge '" + input.challenge_id +
                        "' was issued to you: get one with GET /v1/voice/consent-statement",
                    "challenge_id");
  }
  if (!issued) return std::unexpected(issued.error());
  // The statement read names the speaker the challenge was issued for.
  if (*ConsentStatement(issued->speaker_name) != ConsentStatement(input.speaker_name)) {
    return InvalidArgument("consent challenge '" + issued->id + "' was issued for speaker '" +
                               issued->speaker_name + "', not for this speaker_name",
                           "speaker_name");
  }
  store::ConsentUse use{input.challenge_id, actor.user_id, voice_id,
                        Sha256Hex(input.consent_audio->bytes), clock_.NowMs()};
  auto used = store_.UseConsent(use);
  if (!used) {
    Error e = used.error();
    if (e.code == ErrorCode::kAlreadyExists) {
      e.field = "consent_audio";
    } else if (e.code == ErrorCode::kNotFound || e.code == ErrorCode::kFailedPrecondition) {
      e.field = "challenge_id";
    }
    return std::unexpected(e);
  }
  input.challenge = used->challenge;
  return {};
}

void VoiceCloner::Audit(const Actor& actor, std::string action, const std::string& target_id,
                        json detail) {
  store::AuditEvent event;
  event.at = clock_.NowMs();
  if (!actor.user_id.empty()) event.actor_user_id = actor.user_id;
  event.actor_key_id = actor.key_id;
  event.action = std::move(action);
  event.target_type = event.action.starts_with("protected_voice") ? "protected_voice" : "voice";
  event.target_id = target_id;
  event.request_id = actor.request_id;
  detail["via"] = actor.via;
  event.detail = detail.dump();
  if (auto s = store_.AppendAudit(event); !s) {
    spdlog::error("audit {} {}: {}", event.action, target_id, s.error().message);
  }
}

UploadLimits VoiceCloner::Limits(std::string_view field) const {
  UploadLimits limits;
  limits.max_file_bytes = config_.max_file_bytes;
  limits.max_seconds = field == "consent_audio"
                           ? voice::PreprocessOptions::ForConsent().max_input_seconds
                           : config_.preprocess.max_input_seconds;
  return limits;
}

Status VoiceCloner::CheckInput(const CloneInput& input) const {
  VOX_RETURN_IF_ERROR(ValidateInput(input));
  if (config_.require_consent) {
    if (!transcriber_) return Unavailable("consent checks need a speech recognizer");
    VOX_RETURN_IF_ERROR(ConsentStatement(input.speaker_name));
    if (!input.consent_audio) {
      return InvalidArgument(
          "consent_audio is required: a recording of the speaker reading the "
          "consent statement (GET /v1/voice/consent-statement)",
          "consent_audio");
    }
    if (config_.require_challenge && input.challenge_id.empty()) {
      return InvalidArgument(
          "challenge_id is required: the id GET /v1/voice/consent-statement returned with the "
          "statement (and its challenge) that the consent recording reads",
          "challenge_id");
    }
  } else if (!input.speaker_name.empty()) {
    VOX_RETURN_IF_ERROR(ConsentStatement(input.speaker_name));  // still validate the name
  }
  return {};
}

Result<store::Voice> VoiceCloner::Create(const CloneInput& in, const Actor& actor) {
  VOX_RETURN_IF_ERROR(CheckInput(in));
  Slot slot(running_, config_.max_concurrent);
  if (!slot.acquired()) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "voice creation is at capacity; retry in a few seconds");
  }
  // The challenge is spent when the creation starts, and stays spent once the consent was
  // judged: refused, or the speaker found protected. Any other failure (samples that cannot
  // be cloned, an error) leaves it for another try.
  CloneInput input = in;
  const std::string id = NewUuid();
  VOX_RETURN_IF_ERROR(UseChallenge(input, actor, id));
  auto built = Build(id, input, actor, nullptr);
  if (!built) {
    const Error& e = built.error();
    const bool judged = e.code == ErrorCode::kPermissionDenied ||
                        (e.code == ErrorCode::kUnprocessable && e.field == "consent_audio");
    if (!judged) ReleaseConsent(id);
  }
  if (!built) return std::unexpected(built.error());
  auto created = store_.CreateVoice(*built);
  if (!created) {
    RemoveBlobs(built->id);
    ReleaseConsent(id);
    return created;
  }
  return created;
}

Result<store::Voice> VoiceCloner::Complete(const std::string& voice_id, const CloneInput& input,
                                           const Actor& actor, const StepCallback& step) {
  VOX_RETURN_IF_ERROR(CheckInput(input));
  Slot slot(running_, config_.max_concurrent);
  if (!slot.acquired()) {
    return MakeError(ErrorCode::kResourceExhausted, "voice creation is at capacity");
  }
  VOX_ASSIGN_OR_RETURN(store::Voice pending, store_.GetVoice(voice_id));
  VOX_ASSIGN_OR_RETURN(store::Voice built, Build(voice_id, input, actor, step));
  // The row keeps what the API recorded when it accepted the upload (its job).
  json metadata = json::parse(built.metadata);
  json before = json::parse(pending.metadata, nullptr, false);
  if (before.is_object() && before.contains("job_id")) metadata["job_id"] = before["job_id"];
  store::VoiceUpdate update;
  update.id = voice_id;
  update.status = store::VoiceStatus::kReady;
  update.only_if = store::VoiceStatus::kProcessing;
  update.metadata = metadata.dump();
  update.at = built.updated_at;
  auto ready = store_.UpdateVoice(update);
  if (!ready) RemoveBlobs(voice_id);  // deleted meanwhile, or the database failed
  return ready;
}

void VoiceCloner::ReleaseConsent(const std::string& voice_id) {
  if (auto s = store_.ReleaseConsent(voice_id); !s) {
    spdlog::error("voice {}: consent challenge not released: {}", voice_id, s.error().message);
  }
}

void VoiceCloner::RemoveBlobs(const std::string& voice_id) {
  for (const std::string& key : {SampleKey(voice_id), ConsentKey(voice_id)}) {
    if (auto s = blobs_.Delete(key); !s) {
      spdlog::error("voice cloning: could not remove {}: {}", key, s.error().message);
    }
  }
}

Result<store::Voice> VoiceCloner::Build(const std::string& id, const CloneInput& input,
                                        const Actor& actor, const StepCallback& step) {
  auto announce = [&](CreationStep s) -> Status { return step ? step(s) : Status{}; };
  const auto started = std::chrono::steady_clock::now();
  std::string statement;  // CheckInput validated the speaker's name
  if (config_.require_consent) {
    if (config_.require_challenge && input.challenge.empty()) {
      return Internal("the creation's consent challenge was not used (UseChallenge)");
    }
    VOX_ASSIGN_OR_RETURN(statement, ConsentStatement(input.speaker_name, input.challenge));
  }

  // 2. Decode and preprocess the samples.
  VOX_RETURN_IF_ERROR(announce(CreationStep::kDecoding));
  VOX_ASSIGN_OR_RETURN(auto decoded, DecodeUploads(input.files, "files", Limits("files")));
  VOX_RETURN_IF_ERROR(CheckNotVoxOutput(decoded, "files", input, actor));
  auto sample = voice::PreprocessVoiceSample(decoded, config_.preprocess);
  if (!sample) return std::unexpected(AudioError(sample.error(), "files", "files"));
  decoded.clear();

  // 3. Who is this? Refuse protected voices before anything else is learned.
  auto embedding = encoder_.Embed(sample->audio);
  if (!embedding) return std::unexpected(AudioError(embedding.error(), "files", "files"));
  if (auto s = CheckProtected(sample->audio, actor); !s) {
    if (s.error().field == "audio") return std::unexpected(AudioError(s.error(), "files", "files"));
    return std::unexpected(s.error());
  }

  // 4. Consent, by the same speaker.
  VOX_RETURN_IF_ERROR(announce(CreationStep::kConsent));
  json consent_record = {{"required", config_.require_consent}};
  std::optional<audio::PcmBuffer> consent_audio;
  if (config_.require_consent) {
    VOX_ASSIGN_OR_RETURN(
        auto consent_decoded,
        DecodeUploads({&*input.consent_audio, 1}, "consent_audio", Limits("consent_audio")));
    VOX_RETURN_IF_ERROR(CheckNotVoxOutput(consent_decoded, "consent_audio", input, actor));
    auto consent =
        voice::PreprocessVoiceSample(consent_decoded, voice::PreprocessOptions::ForConsent());
    if (!consent) {
      return std::unexpected(AudioError(consent.error(), "consent_audio", "consent_audio"));
    }
    // source/1: the conversion maximises encoder_'s similarity, so a Vox clone of the samples
    // would pass on it alone (voice/source_speaker_encoder.h).
    auto source_embedding = source_encoder_.Embed(sample->audio);
    if (!source_embedding) {
      return std::unexpected(AudioError(source_embedding.error(), "files", "files"));
    }
    VOX_ASSIGN_OR_RETURN(
        voice::ConsentCheck check,
        voice::VerifyConsent(consent->audio, statement, *embedding, *transcriber_, encoder_,
                             config_.consent,
                             voice::SecondSpeakerModel{source_encoder_, *source_embedding}));
    consent_record.update(
        {{"statement", statement},
         {"challenge_id", input.challenge_id},
         {"challenge_missed", check.challenge_missed ? json(*check.challenge_missed) : json()},
         {"transcript", check.transcript},
         {"wer", check.wer},
         {"similarity", check.similarity ? json(*check.similarity) : json()},
         {"source_similarity", check.source_similarity ? json(*check.source_similarity) : json()},
         {"min_source_similarity", config_.consent.min_source_similarity},
         {"max_wer", config_.consent.max_wer},
         {"min_similarity", config_.consent.min_similarity},
         {"verified_at", clock_.NowMs()},
         {"verified_by", actor.user_id}});
    if (!check.passed) {
      json detail = consent_record;
      detail["reason"] = check.reason;
      detail["name"] = input.name;
      Audit(actor, "voice.create.consent_failed", "", detail);
      return MakeError(ErrorCode::kUnprocessable,
                       "the consent recording was not accepted: " + check.reason, "consent_audio");
    }
    consent_audio = std::move(consent->audio);
  }

  // 5. What the voice is like, and how to get there from a built-in voice.
  VOX_RETURN_IF_ERROR(announce(CreationStep::kFitting));
  auto profile = voice::AnalyzeVoice(sample->audio);
  if (!profile) return std::unexpected(AudioError(profile.error(), "files", "files"));
  voice::ConversionFitReport report;
  // The fit accepts only a conversion more similar to the speaker than its base
  // voice and, with the ASR, about as intelligible; otherwise it falls back to a
  // safer one (down to the base voice unchanged) and says which and why.
  auto conversion =
      voice::FitConversion(*profile, sample->audio, flite_, config_.fit, &report, transcriber_);
  if (!conversion) return std::unexpected(AudioError(conversion.error(), "files", "files"));
  // ... and the clone must not become a protected voice at any pitch it can be asked for.
  VOX_RETURN_IF_ERROR(CheckCloneOutput(*conversion, actor));

  // 6. Blobs first, then the row: a row never points at missing audio.
  VOX_RETURN_IF_ERROR(announce(CreationStep::kStoring));
  BlobRollback rollback(blobs_);
  VOX_ASSIGN_OR_RETURN(std::string sample_wav, Wav(sample->audio));
  rollback.Add(SampleKey(id));
  VOX_RETURN_IF_ERROR(blobs_.Put(SampleKey(id), sample_wav, "audio/wav"));
  if (consent_audio) {
    VOX_ASSIGN_OR_RETURN(std::string consent_wav, Wav(*consent_audio));
    rollback.Add(ConsentKey(id));
    VOX_RETURN_IF_ERROR(blobs_.Put(ConsentKey(id), consent_wav, "audio/wav"));
    consent_record["recording_key"] = ConsentKey(id);
  }

  json candidates = json::array();
  for (const auto& c : report.candidates) {
    candidates.push_back({{"base_voice", c.base_voice},
                          {"similarity", c.similarity},
                          {"score", c.score},
                          {"f0_median_hz", c.f0_median_hz},
                          {"formant_scale", c.formant_scale}});
  }
  auto wer_json = [](double wer) { return wer < 0 ? json() : json(wer); };  // -1: no ASR
  json guard_steps = json::array();
  for (const auto& g : report.guard.steps) {
    guard_steps.push_back({{"step", g.step},
                           {"similarity", g.similarity},
                           {"wer", wer_json(g.wer)},
                           {"accepted", g.accepted},
                           {"reason", g.reason}});
  }
  const auto& accepted = report.guard.steps.back();  // the guard ends on the accepted step
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  json metadata = {{"description", input.description},
                   {"labels", input.labels},
                   {"speaker_name", input.speaker_name},
                   {"embedding", embedding->ToJson()},
                   {"profile", profile->ToJson()},
                   {"conversion", conversion->ToJson()},
                   {"sample",
                    {{"key", SampleKey(id)},
                     {"seconds", sample->audio.duration_s()},
                     {"preprocess", StatsJson(sample->stats)}}},
                   {"consent", consent_record},
                   {"fit",
                    {{"base_voice", conversion->base_voice},
                     {"similarity", accepted.similarity},
                     {"base_similarity", report.guard.base_similarity},
                     {"wer", wer_json(accepted.wer)},
                     {"base_wer", wer_json(report.guard.base_wer)},
                     {"conversion", report.guard.chosen},
                     {"reason", accepted.reason},
                     {"seconds", seconds},
                     {"candidates", candidates},
                     {"guard", guard_steps}}}};

  store::Voice voice;
  voice.id = id;
  voice.user_id = actor.user_id;
  voice.name = input.name;
  voice.kind = store::VoiceKind::kClone;
  voice.status = store::VoiceStatus::kReady;
  voice.engine = "flite";
  voice.base_voice = conversion->base_voice;
  voice.language = "en-US";  // the conversion keeps the base voice's English front end
  voice.metadata = metadata.dump();
  voice.created_at = voice.updated_at = clock_.NowMs();
  rollback.Release();  // the caller writes the row, or removes the blobs (RemoveBlobs)

  Audit(actor, "voice.create", id,
        {{"name", input.name},
         {"speaker_name", input.speaker_name},
         {"base_voice", conversion->base_voice},
         {"sample_seconds", sample->audio.duration_s()},
         {"consent", consent_record},
         {"seconds", seconds}});
  return voice;
}

Status ClonerConfig::Validate() const {
  if (max_concurrent < 1 || max_concurrent > 64) {
    return InvalidArgument("must be 1..64", "VOX_CLONE_CONCURRENCY");
  }
  if (max_file_bytes < 1024) return InvalidArgument("must be >= 1024", "VOX_MAX_UPLOAD_BYTES");
  if (challenge_ttl_s < 60 || challenge_ttl_s > 86400) {
    return InvalidArgument("must be 60..86400", "VOX_CONSENT_CHALLENGE_TTL_S");
  }
  return {};
}

Status VoiceCloner::Delete(const std::string& voice_id, const Actor& actor, bool as_admin) {
  VOX_ASSIGN_OR_RETURN(
      std::optional<store::Voice> voice,
      VoiceResolver(store_).ForManagement(voice_id, Caller{actor.user_id, as_admin}));
  if (!voice) {
    return MakeError(ErrorCode::kPermissionDenied, "built-in voices cannot be deleted", "voice_id");
  }
  const bool first = voice->status != store::VoiceStatus::kDeleted;
  // The row first: from here on the id is unusable, whatever happens to the blobs.
  VOX_RETURN_IF_ERROR(store_.DeleteVoice(voice_id, clock_.NowMs()));
  for (const std::string& key : {SampleKey(voice_id), ConsentKey(voice_id)}) {
    VOX_RETURN_IF_ERROR(blobs_.Delete(key));  // idempotent: absent is fine
  }
  if (first) Audit(actor, "voice.delete", voice_id, {{"name", voice->name}});
  return {};
}

Result<store::ProtectedVoiceRecord> VoiceCloner::AddProtected(
    const std::string& name, const std::vector<UploadedAudio>& files, const Actor& actor) {
  VOX_RETURN_IF_ERROR(ValidateText(name, "name", kMaxNameChars, true));
  if (files.empty()) return InvalidArgument("at least one audio file is required", "files");
  VOX_ASSIGN_OR_RETURN(auto decoded, DecodeUploads(files, "files", Limits("files")));
  voice::PreprocessOptions options = config_.preprocess;
  options.min_speech_seconds = config_.protected_min_speech_seconds;
  std::vector<voice::Embedding> embeddings;
  for (size_t i = 0; i < decoded.size(); ++i) {
    std::string what = "files[" + std::to_string(i) + "]";
    auto sample = voice::PreprocessVoiceSample({&decoded[i], 1}, options);
    if (!sample) return std::unexpected(AudioError(sample.error(), "files", what));
    auto embedding = encoder_.Embed(sample->audio);
    if (!embedding) return std::unexpected(AudioError(embedding.error(), "files", what));
    embeddings.push_back(std::move(*embedding));
  }
  VOX_ASSIGN_OR_RETURN(voice::Embedding enrolled, voice::AverageEmbeddings(embeddings));
  store::ProtectedVoiceRecord record;
  record.name = name;
  record.embedding = enrolled.ToJson().dump();
  record.created_by = actor.user_id.empty() ? std::nullopt : std::optional(actor.user_id);
  record.created_at = clock_.NowMs();
  VOX_ASSIGN_OR_RETURN(store::ProtectedVoiceRecord created, store_.CreateProtectedVoice(record));
  Audit(actor, "protected_voice.add", created.id,
        {{"name", name}, {"recordings", files.size()}, {"encoder", enrolled.encoder}});
  return created;
}

Status VoiceCloner::RemoveProtected(const std::string& id, const Actor& actor) {
  auto removed = store_.DeleteProtectedVoice(id);
  if (!removed) {
    if (removed.error().code == ErrorCode::kNotFound)
      return NotFound("no such protected voice", "id");
    return removed;
  }
  Audit(actor, "protected_voice.remove", id, json::object());
  return {};
}

}  // namespace vox::cloning
