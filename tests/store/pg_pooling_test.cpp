// Session advisory locks need a session: through PgBouncer in transaction
// mode they would silently stop meaning anything, so refreshctl refuses it;
// session mode is fine. Against a real pgbouncer on a loopback port.
#include <gtest/gtest.h>

#include "support/pg_servers.h"
#include "support/process.h"
#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

TimePoint at(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

TEST(PostgresPooling, PgBouncerInTransactionModeIsRefusedWithAMessageThatSaysWhy) {
  TestDb db(Backend::kPostgres);
  PgBouncer bouncer(conninfo_port(test_cluster_conninfo()), "transaction");
  auto store = open_store(bouncer.spec(db.name()));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("transaction or statement mode"), std::string::npos)
      << store.error();
  EXPECT_NE(store.error().find("pool_mode = session"), std::string::npos) << store.error();
  auto r = refreshctl({"--db", bouncer.spec(db.name()), "run"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("session advisory locks"), std::string::npos) << r.err;
}

TEST(PostgresPooling, PgBouncerInSessionModeWorksAndItsLocksHold) {
  TestDb db(Backend::kPostgres);
  PgBouncer bouncer(conninfo_port(test_cluster_conninfo()), "session");
  auto first = open_store(bouncer.spec(db.name()));
  ASSERT_TRUE(first.ok()) << first.error();
  auto second = open_store(bouncer.spec(db.name()));
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(*(*first)->try_lock_targets(1, {3}, at(1)), std::vector<bool>{true});
  EXPECT_EQ(*(*second)->try_lock_targets(2, {3, 4}, at(2)), (std::vector<bool>{false, true}));
  auto direct = db.open();
  EXPECT_EQ(*direct->try_lock_targets(3, {3, 4}, at(3)), (std::vector<bool>{false, false}));
}

}  // namespace
}  // namespace refreshctl::testing
