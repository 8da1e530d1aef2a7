// The audit log's hash chain: how one row's hash is made from the row before.
//
// hash(row) = lowercase hex SHA-256 of the bytes  prev_hash || canonical(row)
// where prev_hash is the previous row's hash (64 lowercase hex characters;
// kAuditGenesisHash for the first row) and canonical(row) is the RFC 8785
// (JCS) JSON of every column but id, prev_hash and hash:
//
//   {"action":…,"actor_key_id":…|null,"actor_user_id":…|null,"at":…,
//    "detail":…,"request_id":…,"target_id":…,"target_type":…}
//
// keys in that (byte) order, no whitespace, `at` an integer, `detail` the
// stored JSON text as a string (its exact bytes are what is protected).
// Strings escape `"` and `\`, \b \t \n \f \r, other bytes below 0x20 as
// \u00xx (lowercase hex); every other byte is written as it is. The id is not
// hashed: order is protected by the links, and ids are the database's to
// assign. src/store/README.md has a worked example.
#pragma once

#include <string>
#include <string_view>

#include "store/types.h"

namespace vox::store {

// What the first row chains from.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

std::string CanonicalAuditJson(const AuditEvent& event);
std::string AuditRowHash(std::string_view prev_hash, const AuditEvent& event);

}  // namespace vox::store
