// A password in --db reaches libpq and nothing else: not describe(), not an
// error about a wrong password or an unreachable server, not the output of
// the binary, which exits 3 with a message that says what went wrong.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/pg_servers.h"
#include "support/process.h"
#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

// A login role that must give its password (pg_hba.conf asks members of
// refreshctl_password_users for one), allowed to use the test's database.
class PasswordRole {
 public:
  PasswordRole(const TestDb& db, std::string password)
      : db_(db), name_("pw_" + db.name()), password_(std::move(password)) {
    pg_query(test_cluster_conninfo(),
             fmt::format("CREATE ROLE {} LOGIN PASSWORD '{}' IN ROLE refreshctl_password_users",
                         name_, password_));
    db_.execute(fmt::format("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}", name_));
  }
  ~PasswordRole() {
    try {
      db_.execute("DROP OWNED BY " + name_);
      pg_query(test_cluster_conninfo(), "DROP ROLE " + name_);
    } catch (const std::exception&) {
      // the cluster goes at the end of the suite anyway
    }
  }
  PasswordRole(const PasswordRole&) = delete;
  PasswordRole& operator=(const PasswordRole&) = delete;

  const std::string& name() const { return name_; }
  // A URL for this role with `password` (the right one or not).
  std::string url(const std::string& password) const {
    return fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}", name_, password,
                       conninfo_port(test_cluster_conninfo()), db_.name());
  }
  // A URL for this role without a password: libpq finds one elsewhere.
  std::string bare_url() const {
    return fmt::format("postgresql://{}@127.0.0.1:{}/{}", name_,
                       conninfo_port(test_cluster_conninfo()), db_.name());
  }

 private:
  const TestDb& db_;
  std::string name_;
  std::string password_;
};

class PostgresPasswords : public ::testing::Test {
 protected:
  TestDb db_{Backend::kPostgres};
  std::unique_ptr<Store> schema_ = db_.open();  // made by the superuser, before the role
  PasswordRole role_{db_, "Right-Pw-4f9e2c"};
};

TEST_F(PostgresPasswords, APasswordInTheUrlIsUsedButNotDescribed) {
  auto store = open_store(role_.url("Right-Pw-4f9e2c"));
  ASSERT_TRUE(store.ok()) << store.error();
  std::string described = (*store)->describe();
  EXPECT_EQ(described.find("Right-Pw-4f9e2c"), std::string::npos) << described;
  EXPECT_NE(described.find(role_.name() + "@127.0.0.1"), std::string::npos) << described;
}

TEST_F(PostgresPasswords, AWrongPasswordIsAnErrorThatNamesTheProblemButNotThePassword) {
  std::vector<std::string> specs = {
      role_.url("Wrong-Pw-81b3d7"),
      fmt::format("postgresql://{}@127.0.0.1:{}/{}?password=Wrong-Pw-81b3d7", role_.name(),
                  conninfo_port(test_cluster_conninfo()), db_.name()),
      fmt::format("host=127.0.0.1 port={} user={} password='Wrong Pw 81b3d7' dbname={}",
                  conninfo_port(test_cluster_conninfo()), role_.name(), db_.name())};
  for (const auto& spec : specs) {
    auto store = open_store(spec);
    ASSERT_FALSE(store.ok()) << spec;
    EXPECT_NE(store.error().find("password authentication failed"), std::string::npos)
        << store.error();
    EXPECT_EQ(store.error().find("81b3d7"), std::string::npos) << store.error();
  }
}

TEST_F(PostgresPasswords, TheBinaryExitsThreeOnAWrongPasswordWithoutPrintingIt) {
  auto r = refreshctl({"--db", role_.url("Wrong-Pw-81b3d7"), "list"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("refreshctl: error: cannot connect to postgresql://" + role_.name() +
                       "@127.0.0.1:"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
  EXPECT_EQ((r.out + r.err).find("81b3d7"), std::string::npos) << r.out << r.err;
}

TEST_F(PostgresPasswords, TheBinaryExitsThreeWhenTheServerIsUnreachableWithoutThePassword) {
  std::string url =
      fmt::format("postgresql://someone:Secret-Pw-5a1c0e@127.0.0.1:{}/x", free_loopback_port());
  auto r = refreshctl({"--db", url, "run"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("Connection refused"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("postgresql://someone@127.0.0.1:"), std::string::npos) << r.err;
  EXPECT_EQ((r.out + r.err).find("5a1c0e"), std::string::npos) << r.out << r.err;
}

// libpq reads PGPASSWORD itself; refreshctl never sees it to print it.
TEST_F(PostgresPasswords, APasswordFromPgpasswordWorksAndIsNeverPrinted) {
  auto ok =
      refreshctl({"--db", role_.bare_url(), "list"}, {.env = {{"PGPASSWORD", "Right-Pw-4f9e2c"}}});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto wrong =
      refreshctl({"--db", role_.bare_url(), "list"}, {.env = {{"PGPASSWORD", "Wrong-Pw-81b3d7"}}});
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_EQ((wrong.out + wrong.err).find("81b3d7"), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace refreshctl::testing
