// ConsentStore: one-time consent challenges and the consent recordings already used.
//
// A challenge is issued with the consent statement (GET /v1/voice/consent-statement) to one
// user, for one speaker's name, and expires minutes later; the speaker reads it at the end of
// the statement. UseConsent spends it on one voice creation and records the SHA-256 of the
// recording's bytes, in one transaction, so neither can serve a second creation -- in any
// API process, for any user. Thread-safe; errors as in store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace vox::store {

struct ConsentChallenge {
  std::string id;  // "chl_" and 24 random characters when empty on creation
  std::string user_id;
  std::optional<std::string> key_id;  // who asked (audit); the binding is to the user
  std::string speaker_name;
  std::string challenge;  // the words to read, e.g. "seven two nine four one six"
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> used_at;
  std::optional<std::string> voice_id;  // the creation that used it
};

struct ConsentUse {
  std::string challenge_id;
  std::string user_id;           // the caller: another user's challenge is not found
  std::string voice_id;          // the creation being accepted
  std::string recording_sha256;  // lower-case hex of the recording's bytes as uploaded
  int64_t at = 0;                // 0: now
};

class ConsentStore {
 public:
  virtual ~ConsentStore() = default;

  // Fills an empty id and a zero created_at. kInvalidArgument when user_id, speaker_name or
  // challenge is empty or expires_at is not after created_at; kAlreadyExists for a taken id.
  virtual Result<ConsentChallenge> CreateConsentChallenge(ConsentChallenge challenge) = 0;
  // kNotFound when absent or `user_id`'s is another user's.
  virtual Result<ConsentChallenge> GetConsentChallenge(const std::string& id,
                                                       const std::string& user_id) = 0;
  // Spends the challenge on use.voice_id and records the recording's hash, atomically:
  // kNotFound for an unknown challenge or another user's; kFailedPrecondition when it was
  // used already (message "... was already used ...") or has expired ("... expired ...");
  // kAlreadyExists when a recording with this hash was used before (by anyone). On any
  // error nothing changed.
  virtual Result<ConsentChallenge> UseConsent(const ConsentUse& use) = 0;
  // Undoes UseConsent for `voice_id` when its creation was not accepted after all (the
  // voice row could not be written): the challenge is unused again, the hash forgotten.
  // Idempotent.
  virtual Status ReleaseConsent(const std::string& voice_id) = 0;
  // Deletes challenges that expired before `before` and were never used; returns how many.
  virtual Result<int64_t> DeleteExpiredConsentChallenges(int64_t before) = 0;
};

}  // namespace vox::store
