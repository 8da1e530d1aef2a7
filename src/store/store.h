// Store: Vox's metadata database, as the aggregate of focused interfaces.
//
// New code should depend on the narrow interface it needs (JobStore,
// AccountStore, VoiceStore, ModelStore, CacheStore, UsageStore, ConsentStore); Store bundles them
// with the schema operations for the one place that opens the database.
//
// Backends: SQLite (embedded, src/store/sqlite) and PostgreSQL (scale-out,
// src/store/postgres), both behind one backend-neutral implementation of the
// rules (src/store/sql) and passing one conformance suite (store_conformance.h).
// Every method is thread-safe and returns vox::Result/Status. Errors are typed
// codes, never a driver's message to parse and never an API field name:
//   kUnavailable       busy, locked, timed out or unreachable (retrying may help)
//   kAlreadyExists     a unique key is taken
//   kInvalidArgument   a bad value or another constraint (e.g. an unknown user id)
//   kNotFound          no such row
//   kFailedPrecondition, kCanceled   as documented per method
// Callers never see SQL or a driver's exception; the API maps the codes to
// its protocols (and names the request field at fault) in one place.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/account_store.h"
#include "store/cache_store.h"
#include "store/consent_store.h"
#include "store/job_store.h"
#include "store/model_store.h"
#include "store/types.h"
#include "store/usage_store.h"
#include "store/voice_store.h"

namespace vox::store {

class Store : public JobStore,
              public AccountStore,
              public VoiceStore,
              public ModelStore,
              public CacheStore,
              public UsageStore,
              public ConsentStore {
 public:
  ~Store() override = default;

  // --- schema -------------------------------------------------------------
  // Applies every migration newer than the database's version, each in its
  // own transaction, recording it in schema_migrations(version, applied_at).
  // Idempotent; safe to run from several processes at once. Fails with
  // kFailedPrecondition when the database is newer than this binary.
  virtual Status Migrate() = 0;
  // The highest applied migration; 0 for an empty database.
  virtual Result<int> SchemaVersion() = 0;
  // The newest migration this binary knows.
  virtual int LatestSchemaVersion() const = 0;
  // Cheap round trip to the database (for /readyz).
  virtual Status Ping() = 0;
};

// Opens a store by URL (the VOX_DATABASE_URL setting):
//   sqlite:///abs/path/vox.db    absolute path
//   sqlite://relative/path.db    relative to the working directory
//   sqlite::memory:              a private in-memory database (tests)
//   postgresql://user[:password]@host[:port]/db[?pool_size=N&...]  (or postgres://);
//                                see store/postgres/pg_url.h; kUnavailable when unreachable
// Creates the file (not its directory) if missing; does not migrate: call
// Migrate(). Errors name the setting VOX_DATABASE_URL.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace vox::store
