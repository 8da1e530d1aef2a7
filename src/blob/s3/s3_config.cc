#include "blob/s3/s3_config.h"

#include <charconv>
#include <utility>
#include <vector>

#include "blob/blob_store.h"
#include "common/redact.h"
#include "common/secret_file.h"

namespace vox::blob {
namespace {

constexpr std::string_view kScheme = "s3://";
constexpr const char* kUrlField = "VOX_STORAGE_URL";

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16);
    if (ec != std::errc() || end != s.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

template <typename T>
Status ParseNumber(std::string_view name, std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("s3 URL parameter '" + std::string(name) +
                               "' must be an integer, got '" + std::string(text) + "'",
                           kUrlField);
  }
  return {};
}

bool IsIpv4(std::string_view host) {
  int dots = 0;
  for (char c : host) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return false;
  }
  return dots == 3;
}

// Host part of "host[:port]" (IPv6 literals keep their brackets).
std::string_view HostOnly(std::string_view host_port) {
  if (host_port.starts_with('[')) return host_port.substr(0, host_port.find(']') + 1);
  return host_port.substr(0, host_port.find(':'));
}

Status ValidateBucket(std::string_view b) {
  auto bad = [&](std::string why) {
    return InvalidArgument("s3 bucket name '" + std::string(b) + "' " + why, kUrlField);
  };
  if (b.size() < 3 || b.size() > 63) return bad("must be 3..63 characters");
  for (char c : b) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      return bad("may only contain [a-z0-9.-]");
    }
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(b.front()) || !alnum(b.back()))
    return bad("must start and end with a letter or digit");
  if (b.find("..") != std::string_view::npos) return bad("must not contain '..'");
  if (IsIpv4(b)) return bad("must not look like an IP address");
  return {};
}

}  // namespace

Result<S3Config> S3Config::FromUrl(const std::string& url, const GetEnv& getenv) {
  if (!url.starts_with(kScheme)) return InvalidArgument("s3 URL must start with s3://", kUrlField);
  S3Config config;
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  size_t slash = rest.find('/');
  config.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    while (prefix.ends_with('/')) prefix.remove_suffix(1);
    config.prefix = std::string(prefix);
  }

  std::optional<std::string> region = getenv("AWS_REGION");
  if (!region || region->empty()) region = getenv("AWS_DEFAULT_REGION");
  if (region && !region->empty()) config.region = *region;

  std::optional<bool> path_style;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!value)
      return InvalidArgument("s3 URL parameter '" + name + "' is badly encoded", kUrlField);
    if (name == "endpoint") {
      config.endpoint = *value;
      while (config.endpoint.ends_with('/')) config.endpoint.pop_back();
    } else if (name == "region") {
      config.region = *value;
    } else if (name == "path_style") {
      if (*value == "1" || *value == "true")
        path_style = true;
      else if (*value == "0" || *value == "false")
        path_style = false;
      else
        return InvalidArgument("s3 URL parameter path_style must be 0 or 1", kUrlField);
    } else if (name == "sse") {
      config.sse = *value;
    } else if (name == "connect_timeout_ms") {
      VOX_RETURN_IF_ERROR(ParseNumber(name, *value, config.connect_timeout_ms));
    } else if (name == "timeout_ms") {
      VOX_RETURN_IF_ERROR(ParseNumber(name, *value, config.request_timeout_ms));
    } else if (name == "max_attempts") {
      VOX_RETURN_IF_ERROR(ParseNumber(name, *value, config.max_attempts));
    } else {
      return InvalidArgument("unknown s3 URL parameter '" + name +
                                 "' (known: endpoint, region, path_style, sse, "
                                 "connect_timeout_ms, timeout_ms, max_attempts)",
                             kUrlField);
    }
  }
  config.path_style = path_style.value_or(!config.endpoint.empty());

  // Each is NAME or the file NAME_FILE names, as every secret (both: an error).
  for (auto [name, out] :
       {std::pair{"AWS_ACCESS_KEY_ID", &config.credentials.access_key_id},
        std::pair{"AWS_SECRET_ACCESS_KEY", &config.credentials.secret_access_key},
        std::pair{"AWS_SESSION_TOKEN", &config.credentials.session_token}}) {
    VOX_ASSIGN_OR_RETURN(std::optional<std::string> value, SecretFromEnv(name, getenv));
    *out = value.value_or("");
  }
  return config;
}

Status S3Config::Validate() const {
  VOX_RETURN_IF_ERROR(ValidateBucket(bucket));
  if (!prefix.empty() && !ValidateKey(prefix)) {
    return InvalidArgument(
        "s3 key prefix '" + prefix + "' must be '/'-separated [A-Za-z0-9._-] segments", kUrlField);
  }
  if (!endpoint.empty()) {
    size_t sep = endpoint.find("://");
    std::string scheme = endpoint.substr(0, sep);
    if (sep == std::string::npos || (scheme != "http" && scheme != "https")) {
      return InvalidArgument(
          "s3 endpoint '" + RedactUrl(endpoint) + "' must be http://host[:port] or https://...",
          kUrlField);
    }
    std::string_view host = std::string_view(endpoint).substr(sep + 3);
    if (host.empty() || host.find_first_of("/?#@ ") != std::string_view::npos) {
      return InvalidArgument(
          "s3 endpoint '" + RedactUrl(endpoint) + "' must be scheme://host[:port], no path",
          kUrlField);
    }
  }
  if (region.empty() ||
      region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return InvalidArgument("s3 region '" + region + "' must be like us-east-1", kUrlField);
  }
  if (!path_style) {
    const std::string endpoint_host = EndpointHost();
    std::string_view host = HostOnly(endpoint_host);
    if (IsIpv4(host) || host.starts_with('[')) {
      return InvalidArgument(
          "virtual-host-style addressing needs a DNS name, not an IP; set path_style=1", kUrlField);
    }
    if (Scheme() == "https" && bucket.find('.') != std::string::npos) {
      return InvalidArgument(
          "a bucket name with '.' breaks TLS in virtual-host style; set path_style=1", kUrlField);
    }
  }
  if (!sse.empty() && sse != "AES256" && sse != "aws:kms") {
    return InvalidArgument("s3 sse must be AES256 or aws:kms, got '" + sse + "'", kUrlField);
  }
  if (credentials.access_key_id.empty()) {
    return InvalidArgument(
        "S3 storage needs credentials: neither AWS_ACCESS_KEY_ID nor AWS_ACCESS_KEY_ID_FILE is set",
        "AWS_ACCESS_KEY_ID");
  }
  if (credentials.secret_access_key.empty()) {
    return InvalidArgument(
        "S3 storage needs credentials: neither AWS_SECRET_ACCESS_KEY nor "
        "AWS_SECRET_ACCESS_KEY_FILE is set",
        "AWS_SECRET_ACCESS_KEY");
  }
  if (connect_timeout_ms <= 0 || request_timeout_ms <= 0) {
    return InvalidArgument("s3 timeouts must be positive milliseconds", kUrlField);
  }
  if (max_attempts < 1 || max_attempts > 20) {
    return InvalidArgument("s3 max_attempts must be 1..20", kUrlField);
  }
  if (backoff_base_ms < 0 || backoff_max_ms < backoff_base_ms) {
    return InvalidArgument("s3 backoff must satisfy 0 <= base <= max", kUrlField);
  }
  if (list_page_size < 1 || list_page_size > 1000) {
    return InvalidArgument("s3 list page size must be 1..1000", kUrlField);
  }
  return {};
}

std::string S3Config::ToString() const {
  auto secret = [](const std::string& s) { return s.empty() ? "<unset>" : "<redacted>"; };
  return "s3://" + bucket + (prefix.empty() ? "" : "/" + prefix) +
         " endpoint=" + RedactUrl(BaseUrl()) + " region=" + region +
         " path_style=" + (path_style ? "1" : "0") + " sse=" + (sse.empty() ? "none" : sse) +
         " access_key_id=" + secret(credentials.access_key_id) +
         " secret_access_key=" + secret(credentials.secret_access_key) +
         " session_token=" + secret(credentials.session_token) +
         " connect_timeout_ms=" + std::to_string(connect_timeout_ms) +
         " timeout_ms=" + std::to_string(request_timeout_ms) +
         " max_attempts=" + std::to_string(max_attempts);
}

std::string S3Config::Scheme() const {
  if (endpoint.empty()) return "https";
  return endpoint.substr(0, endpoint.find("://"));
}

std::string S3Config::EndpointHost() const {
  if (endpoint.empty()) return "s3." + region + ".amazonaws.com";
  size_t sep = endpoint.find("://");
  return sep == std::string::npos ? endpoint : endpoint.substr(sep + 3);
}

std::string S3Config::HostHeader() const {
  return path_style ? EndpointHost() : bucket + "." + EndpointHost();
}

std::string S3Config::BaseUrl() const { return Scheme() + "://" + HostHeader(); }

std::string S3Config::ObjectKey(std::string_view key) const {
  if (prefix.empty()) return std::string(key);
  return prefix + "/" + std::string(key);
}

std::string S3Config::RequestPath(std::string_view object_key) const {
  std::string path = path_style ? "/" + bucket : "";
  if (!object_key.empty() || !path_style) path += "/" + s3::UriEncode(object_key, false);
  return path;
}

}  // namespace vox::blob
