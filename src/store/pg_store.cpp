#include "store/pg_store.h"

namespace refreshctl {

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& spec, OpenMode mode) {
  (void)spec;
  (void)mode;
  return make_error("PostgreSQL databases are not supported by this build yet; use a file path");
}

}  // namespace refreshctl
