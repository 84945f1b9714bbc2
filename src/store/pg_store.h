// The PostgreSQL backend of Store (libpq), for several hosts and Kubernetes.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace refreshctl {

// Opens the database that `spec` names (a postgresql:// or postgres:// URL,
// or a libpq conninfo string) and migrates it (kReadWrite) under an advisory
// lock, so that processes starting at once migrate once.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& spec, OpenMode mode);

}  // namespace refreshctl
