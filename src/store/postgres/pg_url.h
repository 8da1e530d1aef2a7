// Turns a VOX_DATABASE_URL (postgresql://user:pass@host:port/db?...) into
// pool options. Vox's own query options are removed before the URL reaches
// libpq (which rejects unknown ones); every other option (sslmode,
// connect_timeout, ...) passes through:
//   pool_size=N             connections per process (default 8)
//   statement_timeout_ms=N  server-side limit per statement (default 10000)
//   acquire_timeout_ms=N    wait for a free pooled connection (default 10000)
#pragma once

#include <string>

#include "common/status.h"
#include "store/postgres/pg_pool.h"

namespace vox::store::postgres {

Result<PoolOptions> ParsePostgresUrl(const std::string& url);

}  // namespace vox::store::postgres
