// UsageTags: which usage row a job charges, carried in its params ("usage")
// from the API that accepted it to the worker that finishes it, so both add to
// the same (user, project, key, route, voice kind) row.
//
// Characters are charged when a request is accepted, audio seconds when its
// audio is finished, each on the UTC day it happens (docs/DECISIONS.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/types.h"
#include "store/usage_store.h"

namespace vox::store {

struct UsageTags {
  std::string project;  // '' for none
  std::string key_id;   // '' for none
  std::string route;
  std::string voice_kind;  // VoiceKindOf

  nlohmann::json ToJson() const;
  // The tags of a job's params; nullopt for jobs accepted before metering.
  static std::optional<UsageTags> FromParams(const nlohmann::json& usage);
};

// "clone" for a cloned voice, "piper" for a neural (Piper) engine, else "builtin".
std::string_view VoiceKindOf(bool is_clone, std::string_view engine);

// "YYYY-MM-DD" of `unix_ms` in UTC.
std::string UsageDay(int64_t unix_ms);

// `characters`, `audio_seconds` and `requests` for the tags' row of `user_id` on the day of
// `at`.
UsageDelta UsageDeltaOf(const std::string& user_id, const UsageTags& tags, int64_t at,
                        int64_t characters, double audio_seconds, int64_t requests);

// Adds UsageDeltaOf(...) to the usage table.
Status Charge(UsageStore& store, const std::string& user_id, const UsageTags& tags, int64_t at,
              int64_t characters, double audio_seconds, int64_t requests);

// The worker's half: the audio seconds of `job`, done at `at`, on the row its params name.
// Jobs without tags (accepted before metering) are charged to no key or project.
Status ChargeJobAudio(UsageStore& store, const Job& job, double audio_seconds, int64_t at);

}  // namespace vox::store
