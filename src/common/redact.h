// RedactUrl: a service URL made fit for logs, error messages and ToString().
//
// Every URL Vox is given (database, queue, cache, rate limits, storage) may carry a secret:
// user info (`postgresql://user:pw@host`, `redis://:pw@host`) or a query parameter
// (`?password=…`, `?secret_access_key=…`). This is the one place that hides them; whatever
// prints a URL prints RedactUrl(url).
#pragma once

#include <string>
#include <string_view>

namespace vox {

// "postgresql://u:pw@db/vox?password=x&sslmode=require" ->
// "postgresql://***@db/vox?password=***&sslmode=require".
// User info (everything before the authority's last '@') becomes "***"; so does the value of
// every query parameter whose name, percent-decoded and lowercased, contains password, passwd,
// pwd, secret, token, key, credential, signature or auth. Other parts stay as they are.
std::string RedactUrl(std::string_view url);

}  // namespace vox
