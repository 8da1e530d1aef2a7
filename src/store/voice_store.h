// VoiceStore: voices (built-in and cloned) and the protected-voice registry.
// Thread-safe; errors as in store.h (typed ErrorCodes, never a driver's text).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/field_cipher.h"
#include "common/status.h"
#include "store/types.h"

namespace vox::store {

class VoiceStore {
 public:
  virtual ~VoiceStore() = default;

  // --- voices ----------------------------------------------------------------
  virtual Result<Voice> CreateVoice(Voice voice) = 0;
  // kNotFound when absent; a deleted voice is returned with status deleted.
  virtual Result<Voice> GetVoice(const std::string& id) = 0;
  // Non-deleted voices of `user_id` (none when nullopt), plus built-in voices
  // when include_builtin; built-ins first, then by name.
  virtual Result<std::vector<Voice>> ListVoices(const std::optional<std::string>& user_id,
                                                bool include_builtin) = 0;
  // kNotFound when absent; kFailedPrecondition for a deleted or revoked voice
  // (both are final) or one not in update.only_if; kInvalidArgument for status
  // deleted or revoked (use DeleteVoice, RevokeVoice).
  virtual Result<Voice> UpdateVoice(const VoiceUpdate& update) = 0;
  // Voices in `status` of every owner, least recently updated first, at most
  // `limit`: for sweeps (voices whose creation ended without finishing them).
  virtual Result<std::vector<Voice>> ListVoicesInStatus(VoiceStatus status, int limit) = 0;
  // Soft delete: status deleted, deleted_at = updated_at = at (0 = now), and
  // metadata replaced by '{}': the embedding, profile and consent details go
  // with the voice (the audit log keeps the record). Idempotent: deleting
  // again keeps the first deleted_at and updated_at. kNotFound if absent.
  virtual Status DeleteVoice(const std::string& id, int64_t at) = 0;
  // Consent revocation: status revoked, updated_at = at (0 = now), and
  // metadata replaced by `metadata` (the revocation record: no embedding,
  // profile, conversion or consent details). Idempotent: a revoked voice is
  // returned as it is (the first record and time stay). kNotFound if absent;
  // kFailedPrecondition for a deleted voice (nothing left to revoke). A
  // revoked voice may still be deleted.
  virtual Result<Voice> RevokeVoice(const std::string& id, const std::string& metadata,
                                    int64_t at) = 0;

  // --- protected voices ------------------------------------------------------
  // Fills an empty id / zero created_at. kInvalidArgument when name or
  // embedding is empty; kAlreadyExists when the id is taken.
  virtual Result<ProtectedVoiceRecord> CreateProtectedVoice(ProtectedVoiceRecord voice) = 0;
  // All of them, oldest first (created_at, then id).
  virtual Result<std::vector<ProtectedVoiceRecord>> ListProtectedVoices() = 0;
  // Removes it for good. kNotFound when absent.
  virtual Status DeleteProtectedVoice(const std::string& id) = 0;

  // --- encryption of biometric data (VOX_ENCRYPTION_KEY_FILE) ------------------
  // With a cipher, voices.metadata (a clone's embedding, profile and conversion) and
  // protected_voices.embedding are sealed when written and opened when read; rows written
  // before stay readable as they are. Without one, reading a sealed row is kFailedPrecondition
  // naming VOX_ENCRYPTION_KEY_FILE. Set once, before the store is shared between threads.
  virtual void UseFieldCipher(std::shared_ptr<const FieldCipher> cipher) = 0;
  // Seals every such field not yet sealed with the cipher's current key (after encryption is
  // turned on or a key rotated); returns how many rows changed. kFailedPrecondition without a
  // cipher. Safe beside live traffic: a row that changes meanwhile is left to its writer.
  virtual Result<int64_t> ResealVoiceFields() = 0;
};

}  // namespace vox::store
