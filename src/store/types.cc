#include "store/types.h"

#include <string>

namespace vox::store {
namespace {

template <typename E, size_t N>
Result<E> ParseEnum(std::string_view name, const E (&values)[N], std::string_view (*to_name)(E),
                    const char* what) {
  for (E v : values) {
    if (to_name(v) == name) return v;
  }
  return InvalidArgument("unknown " + std::string(what) + " '" + std::string(name) + "'");
}

}  // namespace

std::string_view VoiceKindName(VoiceKind kind) {
  return kind == VoiceKind::kBuiltin ? "builtin" : "clone";
}

Result<VoiceKind> ParseVoiceKind(std::string_view name) {
  static constexpr VoiceKind kAll[] = {VoiceKind::kBuiltin, VoiceKind::kClone};
  return ParseEnum(name, kAll, &VoiceKindName, "voice kind");
}

std::string_view VoiceStatusName(VoiceStatus status) {
  switch (status) {
    case VoiceStatus::kProcessing:
      return "processing";
    case VoiceStatus::kReady:
      return "ready";
    case VoiceStatus::kRejected:
      return "rejected";
    case VoiceStatus::kDeleted:
      return "deleted";
    case VoiceStatus::kRevoked:
      return "revoked";
  }
  return "unknown";
}

Result<VoiceStatus> ParseVoiceStatus(std::string_view name) {
  static constexpr VoiceStatus kAll[] = {VoiceStatus::kProcessing, VoiceStatus::kReady,
                                         VoiceStatus::kRejected, VoiceStatus::kDeleted,
                                         VoiceStatus::kRevoked};
  return ParseEnum(name, kAll, &VoiceStatusName, "voice status");
}

std::string_view JobKindName(JobKind kind) {
  return kind == JobKind::kVoiceCreation ? "voice_creation" : "synthesis";
}

Result<JobKind> ParseJobKind(std::string_view name) {
  static constexpr JobKind kAll[] = {JobKind::kSynthesis, JobKind::kVoiceCreation};
  return ParseEnum(name, kAll, &JobKindName, "job kind");
}

std::string_view ModelStatusName(ModelStatus status) {
  switch (status) {
    case ModelStatus::kActive:
      return "active";
    case ModelStatus::kCanary:
      return "canary";
    case ModelStatus::kRetired:
      return "retired";
  }
  return "unknown";
}

Result<ModelStatus> ParseModelStatus(std::string_view name) {
  static constexpr ModelStatus kAll[] = {ModelStatus::kActive, ModelStatus::kCanary,
                                         ModelStatus::kRetired};
  return ParseEnum(name, kAll, &ModelStatusName, "model status");
}

std::string_view RolloutName(Rollout rollout) {
  switch (rollout) {
    case Rollout::kNone:
      return "";
    case Rollout::kStable:
      return "stable";
    case Rollout::kCanary:
      return "canary";
    case Rollout::kRetired:
      return "retired";
  }
  return "unknown";
}

Result<Rollout> ParseRollout(std::string_view name) {
  static constexpr Rollout kAll[] = {Rollout::kNone, Rollout::kStable, Rollout::kCanary,
                                     Rollout::kRetired};
  return ParseEnum(name, kAll, &RolloutName, "rollout tag");
}

}  // namespace vox::store
