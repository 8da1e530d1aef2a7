#include "piper/model_fetch.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <vector>

#include "common/crypto.h"

namespace vox::piper {
namespace {

// Hashes and writes what arrives; stops past the limit.
class Sink {
 public:
  Sink(int fd, std::uintmax_t max_bytes)
      : fd_(fd), max_bytes_(max_bytes), md_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(md_.get(), EVP_sha256(), nullptr);
  }

  bool Write(const char* data, std::size_t n) {
    if (bytes_ + n > max_bytes_) {
      too_large_ = true;
      return false;
    }
    for (std::size_t done = 0; done < n;) {
      const ssize_t w = ::write(fd_, data + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        io_error_ = true;
        return false;
      }
      done += static_cast<std::size_t>(w);
    }
    EVP_DigestUpdate(md_.get(), data, n);
    bytes_ += n;
    return true;
  }

  FetchedFile Finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(md_.get(), digest, &length);
    return {bytes_, HexEncode(std::string_view(reinterpret_cast<char*>(digest), length))};
  }

  bool too_large() const { return too_large_; }
  bool io_error() const { return io_error_; }

 private:
  int fd_;
  std::uintmax_t max_bytes_;
  std::uintmax_t bytes_ = 0;
  bool too_large_ = false;
  bool io_error_ = false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md_;
};

std::unexpected<Error> TooLarge(const std::string& location, std::uintmax_t max_bytes) {
  return MakeError(ErrorCode::kResourceExhausted,
                   fmt::format("'{}' is larger than the limit of {} bytes", location, max_bytes),
                   "source");
}

size_t OnData(char* data, size_t size, size_t n, void* user) {
  return static_cast<Sink*>(user)->Write(data, size * n) ? size * n : 0;
}

Status FetchUrl(const std::string& url, Sink& sink, std::uintmax_t max_bytes) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Unavailable("cannot start a download (libcurl)");
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);  // published voices redirect to a CDN
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);  // abort a stalled transfer
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "vox-models/0.1");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  const CURLcode code = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (sink.too_large() || code == CURLE_FILESIZE_EXCEEDED) return TooLarge(url, max_bytes);
  if (code != CURLE_OK) {
    return Unavailable(fmt::format("download of '{}' failed: {}", url, curl_easy_strerror(code)));
  }
  if (status == 404 || status == 410)
    return NotFound(fmt::format("'{}': HTTP {}", url, status), "source");
  if (status >= 400) {
    return Unavailable(fmt::format("download of '{}' failed: HTTP {}", url, status));
  }
  return {};
}

Status CopyLocal(const std::string& path, Sink& sink, std::uintmax_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound(fmt::format("'{}' is not a file", path), "source");
  }
  if (std::filesystem::file_size(path, ec) > max_bytes) return TooLarge(path, max_bytes);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable(fmt::format("cannot read '{}'", path));
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0 && !sink.Write(buffer.data(), static_cast<std::size_t>(in.gcount()))) {
      if (sink.too_large()) return TooLarge(path, max_bytes);
      break;
    }
  }
  if (in.bad()) return Unavailable(fmt::format("failed reading '{}'", path));
  return {};
}

}  // namespace

bool IsUrl(const std::string& location) {
  return location.starts_with("http://") || location.starts_with("https://");
}

Result<FetchedFile> FetchFile(const std::string& location, const std::filesystem::path& target,
                              std::uintmax_t max_bytes) {
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable(fmt::format("cannot create '{}'", target.string()));
  Sink sink(fd, max_bytes);
  Status copied =
      IsUrl(location) ? FetchUrl(location, sink, max_bytes) : CopyLocal(location, sink, max_bytes);
  if (copied && sink.io_error()) copied = Unavailable("cannot write " + target.string());
  if (copied && ::fsync(fd) != 0) copied = Unavailable("cannot sync " + target.string());
  ::close(fd);
  if (!copied) return std::unexpected(copied.error());
  return sink.Finish();
}

Result<std::string> FetchSmallText(const std::string& location, std::uintmax_t max_bytes) {
  char pattern[] = "/tmp/vox-fetch-XXXXXX";
  const int fd = ::mkstemp(pattern);
  if (fd < 0) return Unavailable("cannot create a temporary file");
  ::close(fd);
  auto fetched = FetchFile(location, pattern, max_bytes);
  std::string text;
  if (fetched) {
    std::ifstream in(pattern, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ::unlink(pattern);
  if (!fetched) return std::unexpected(fetched.error());
  return text;
}

}  // namespace vox::piper
