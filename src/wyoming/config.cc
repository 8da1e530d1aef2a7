#include "wyoming/config.h"

#include <nlohmann/json.hpp>

#include "http/config.h"

namespace vox::wyoming {

Status WyomingConfig::Validate() const {
  if (!listen.empty()) VOX_RETURN_IF_ERROR(http::ParseListenAddress(listen, "VOX_WYOMING_LISTEN"));
  if (max_connections < 1 || max_connections > 10'000) {
    return InvalidArgument("must be 1..10000", "VOX_WYOMING_MAX_CONNECTIONS");
  }
  if (synthesis_threads < 1 || synthesis_threads > 256) {
    return InvalidArgument("must be 1..256", "VOX_WYOMING_THREADS");
  }
  if (io_threads < 1 || io_threads > 64) return InvalidArgument("must be 1..64", "io_threads");
  VOX_RETURN_IF_ERROR(limits.Validate());
  if (idle_timeout.count() <= 0) {
    return InvalidArgument("must be > 0", "VOX_WYOMING_IDLE_TIMEOUT_MS");
  }
  if (write_timeout.count() <= 0) return InvalidArgument("must be > 0", "write_timeout");
  if (max_header_bytes < 1024) return InvalidArgument("must be >= 1 KiB", "max_header_bytes");
  if (max_buffered_bytes < 4096) return InvalidArgument("must be >= 4 KiB", "max_buffered_bytes");
  if (max_queued_events < 1) return InvalidArgument("must be >= 1", "max_queued_events");
  if (chunk_ms < 10 || chunk_ms > 1000) return InvalidArgument("must be 10..1000", "chunk_ms");
  return {};
}

std::string WyomingConfig::ToString() const {
  return nlohmann::json{{"listen", listen},
                        {"default_voice", default_voice},
                        {"max_connections", max_connections},
                        {"synthesis_threads", synthesis_threads},
                        {"idle_timeout_ms", idle_timeout.count()}}
      .dump();
}

}  // namespace vox::wyoming
