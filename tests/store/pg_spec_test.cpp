// A PostgreSQL --db value as messages show it: without its password.
#include "store/pg_spec.h"

#include <gtest/gtest.h>

#include "store/store.h"

namespace refreshctl::testing {
namespace {

using pg::redact_spec;

TEST(PgSpec, AUrlLosesItsPasswordAndKeepsEverythingElse) {
  EXPECT_EQ(redact_spec("postgresql://app:s3cr%40t@db1:5432/refreshctl?sslmode=require"),
            "postgresql://app@db1:5432/refreshctl?sslmode=require");
  EXPECT_EQ(redact_spec("postgres://app@db1,db2/x?password=hunter2&connect_timeout=5"),
            "postgres://app@db1,db2/x?connect_timeout=5");
  EXPECT_EQ(redact_spec("postgresql://:only-a-password@db1/x"), "postgresql://db1/x");
  EXPECT_EQ(redact_spec("postgresql:///refreshctl"), "postgresql:///refreshctl");
}

// libpq would read these differently (or not at all); whatever it makes of
// them, no part of the password is shown.
TEST(PgSpec, AMalformedUrlStillLosesWhatLooksLikeItsPassword) {
  EXPECT_EQ(redact_spec("postgresql://app:pa/ss@w@rd@db1/x"), "postgresql://app@db1/x");
  EXPECT_EQ(redact_spec("postgresql://app:pa?ss@db1/x"), "postgresql://app:pa?ss@db1/x")
      << "a '?' starts the query string: there is no user info to remove";
}

TEST(PgSpec, AConninfoStringLosesItsPasswordPairWhateverItsQuoting) {
  EXPECT_EQ(redact_spec("host=db1 password=hunter2 dbname=refreshctl"),
            "host=db1 dbname=refreshctl");
  EXPECT_EQ(redact_spec("host=db1  password = 'a b\\'c' user=app"), "host=db1 user=app");
  EXPECT_EQ(redact_spec("dbname='postgresql://app:hunter2@db1/x' sslmode=require"),
            "dbname='postgresql://app@db1/x' sslmode=require");
  EXPECT_EQ(redact_spec("service=refreshctl"), "service=refreshctl");
}

TEST(PgSpec, WhatCannotBeReadIsNotShown) {
  EXPECT_EQ(redact_spec("host=db1 password='unterminated"), "host=db1 ...");
  EXPECT_EQ(redact_spec("host=db1 password=abc def"), "host=db1 ...")
      << "\"def\" may be the rest of the password";
}

TEST(PgSpec, EveryPasswordItHoldsIsScrubbedFromMessages) {
  auto secrets = pg::spec_secrets("postgresql://app:s3cr%40t@db1/x?password=other-one");
  std::string message = pg::scrub("failed for s3cr%40t, s3cr@t and other-one", secrets);
  EXPECT_EQ(message, "failed for ***, *** and ***");
  EXPECT_EQ(pg::scrub("host=db1 password='a b c d'", pg::spec_secrets("password='a b c d'")),
            "host=db1 password='***'");
}

TEST(PgSpec, LibpqsMultiLineMessagesBecomeOneLine) {
  EXPECT_EQ(pg::one_line("connection to server failed: Connection refused\n\tIs the server "
                         "running on that host?\n"),
            "connection to server failed: Connection refused Is the server running on that host?");
}

TEST(PgSpec, AMistypedSchemeIsNotADatabaseAndItsPasswordIsNotShown) {
  auto store = open_store("postgressql://app:hunter2@db1/x");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("\"postgressql://app@db1/x\" is not a database"), std::string::npos)
      << store.error();
}

TEST(PgSpec, UrlsAndConninfoStringsArePostgresAndPathsAreNot) {
  EXPECT_TRUE(is_postgres_spec("postgresql://db1/x"));
  EXPECT_TRUE(is_postgres_spec("postgres://db1/x"));
  EXPECT_TRUE(is_postgres_spec("host=db1 dbname=x"));
  EXPECT_TRUE(is_postgres_spec("service=refreshctl"));
  EXPECT_FALSE(is_postgres_spec("/var/lib/refreshctl/refreshctl.db"));
  EXPECT_FALSE(is_postgres_spec("refreshctl.db"));
}

}  // namespace
}  // namespace refreshctl::testing
