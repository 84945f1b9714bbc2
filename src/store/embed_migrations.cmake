# Writes OUTPUT, a C++ file holding every migrations/*.sql as a string.
file(GLOB sql_files "${MIGRATIONS_DIR}/*.sql")
list(SORT sql_files)
set(body "")
foreach(f IN LISTS sql_files)
  get_filename_component(stem "${f}" NAME_WE)
  string(REGEX MATCH "^[0-9]+" number "${stem}")
  math(EXPR version "${number}")
  file(READ "${f}" sql)
  string(APPEND body "      {${version}, \"${stem}\", R\"refreshctl_sql(${sql})refreshctl_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from src/store/migrations/*.sql; do not edit.
#include \"store/migrations.h\"

namespace refreshctl {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all{
${body}  };
  return all;
}

}  // namespace refreshctl
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
