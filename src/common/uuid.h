// Random identifiers for rows (users, jobs, voices, keys, ...).
#pragma once

#include <string>
#include <string_view>

namespace vox {

// A random (version 4) UUID in canonical lowercase form, e.g.
// "2f1c9a4e-7b3d-4c2a-9e8f-0a1b2c3d4e5f". The 122 random bits come from the
// kernel CSPRNG (getrandom(2)), so ids are unguessable as well as unique:
// job ids appear in URLs and must not let one client enumerate another's jobs.
std::string NewUuid();

// True for the canonical 36-character form (any version, hex in either case).
// Lets the API reject a malformed id with 400 before touching the database.
bool IsUuid(std::string_view s);

}  // namespace vox
