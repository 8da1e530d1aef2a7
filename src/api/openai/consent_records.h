// ConsentRecords: OpenAI's voice consents ("cons_…"), kept in the blob store.
//
// OpenAI uploads a speaker's consent recording first and names it when a voice is created;
// Vox verifies consent together with the voice's sample (the worker's VoiceCloner), so a
// consent is only held here until a voice uses it. Per consent, under the owner's prefix
// openai/consents/<user_id>/:
//   <id>.json   {"id","name","language","created_at" (unix ms),"voice_id" (once used),
//                "challenge_id" (the consent challenge the recording reads)}
//   <id>.audio  the recording, until a voice creation is accepted with it
// A consent makes one voice: once used, its recording is deleted (the voice's creation job
// keeps its own copy, and the voice keeps the consent it was verified with, so a revocation
// of that voice leaves no copy behind here) and it cannot be used again.
// Keys carry the owner, so another user's consent id is simply not found.
//
// Thread-safe. Claim keeps two creations of this process from racing for one consent; across
// processes the store decides: accepting a creation spends the consent's challenge and
// records its recording's hash in one transaction (store::ConsentStore::UseConsent), so of
// two API processes racing with the same consent only one accepts a voice.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "blob/blob_store.h"
#include "common/status.h"

namespace vox::api::openai {

// "cons_" and 32 lowercase hex digits: the only ids that reach the blob store.
bool IsConsentId(std::string_view id);

struct ConsentRecord {
  std::string id;
  std::string name;  // the speaker's name, as read in Vox's consent statement
  std::string language;
  int64_t created_at = 0;               // unix ms
  std::optional<std::string> voice_id;  // the voice it made
  // The consent challenge (store/consent_store.h) the recording reads; spent when a voice
  // creation using this consent is accepted.
  std::optional<std::string> challenge_id;
};

class ConsentRecords {
 public:
  explicit ConsentRecords(blob::BlobStore& blobs) : blobs_(blobs) {}

  // Stores a new consent (recording first, then the record: a record never lacks its
  // recording). On error nothing remains.
  Result<ConsentRecord> Create(const std::string& user_id, std::string name, std::string language,
                               std::string_view recording, int64_t now_ms,
                               std::optional<std::string> challenge_id = std::nullopt);
  // kNotFound (field "consent") for an unknown id, a malformed one or another user's.
  Result<ConsentRecord> Get(const std::string& user_id, std::string_view id);
  // The user's consents, newest first.
  Result<std::vector<ConsentRecord>> List(const std::string& user_id);
  // The unused consent's recording; kFailedPrecondition when it was used.
  Result<std::string> Recording(const std::string& user_id, const ConsentRecord& record);
  // Records that `voice_id` was made with it and deletes its recording.
  Status MarkUsed(const std::string& user_id, ConsentRecord record, const std::string& voice_id);
  // Removes the record and any recording; kNotFound as Get.
  Status Delete(const std::string& user_id, std::string_view id);

  // Marks `id` in use by one voice creation of this process until the Claim ends.
  class Claim {
   public:
    Claim(ConsentRecords& records, std::string id) : records_(&records), id_(std::move(id)) {}
    Claim(Claim&& other) noexcept
        : records_(std::exchange(other.records_, nullptr)), id_(other.id_) {}
    Claim(const Claim&) = delete;
    ~Claim();

   private:
    ConsentRecords* records_;
    std::string id_;
  };
  // kFailedPrecondition (field "consent") when another creation holds it.
  Result<Claim> TryClaim(const std::string& id);

 private:
  Status Write(const std::string& user_id, const ConsentRecord& record);

  blob::BlobStore& blobs_;
  std::mutex mu_;
  std::set<std::string> claimed_;  // guarded by mu_
};

}  // namespace vox::api::openai
