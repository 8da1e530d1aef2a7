// X-Request-Id: accept a caller's id when it is safe to log and echo, else make one.
#pragma once

#include <string>
#include <string_view>

namespace vox::http {

// 1..128 chars of [A-Za-z0-9._-]: safe in logs, headers and metric exemplars.
bool IsValidRequestId(std::string_view id);

// 32 lowercase hex chars (128 random bits) from a per-thread generator: no lock, no syscall.
std::string GenerateRequestId();

}  // namespace vox::http
