// The PostgreSQL backend of Store (libpq), for several hosts and Kubernetes.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "store/store.h"

namespace refreshctl {

// The first keys of refreshctl's two-key advisory locks, so that they meet
// no other application's (and can be found in pg_locks: classid = the class,
// objid = the second key, objsubid = 2).
constexpr int kPgTargetLockClass = 72'430'001;     // session locks, objid = target id
constexpr int kPgMigrationLockClass = 72'430'002;  // session lock while migrating, objid 0
constexpr int kPgApplyLockClass = 72'430'003;      // transaction lock of apply, objid 0

// Opens the database that `spec` names (a postgresql:// or postgres:// URL,
// or a libpq conninfo string), sets up the session (server-side TCP
// keepalives, so that a vanished host's locks go within about two minutes),
// refuses a pooler in transaction mode, and migrates the schema under an
// advisory lock, so that processes starting at once migrate once. kReadOnly
// never creates the schema: an empty database is an error that says so.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& spec, OpenMode mode);

// The settings the store's own session runs with (tcp_keepalives_idle,
// client_connection_check_interval, ...; as pg_settings shows them), for
// doctor and tests. Fails for a store of another backend.
Result<std::map<std::string, std::string>> postgres_session_settings(Store& store);

}  // namespace refreshctl
