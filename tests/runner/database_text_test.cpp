#include <gtest/gtest.h>

#include "runner/database.h"

namespace pgshift::runner {
namespace {

TEST(RedactUrl, HidesPasswordsInEveryForm) {
  EXPECT_EQ(RedactUrl("postgresql://app:s3cret@db.example:5432/prod"),
            "postgresql://app:***@db.example:5432/prod");
  EXPECT_EQ(RedactUrl("postgres://app:p%40ss@h/db?sslmode=require"),
            "postgres://app:***@h/db?sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://h/db?user=a&password=xyz&sslmode=require"),
            "postgresql://h/db?user=a&password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("host=h user=a password=xyz dbname=d"),
            "host=h user=a password=*** dbname=d");
  EXPECT_EQ(RedactUrl("host=h password='a b' dbname=d"), "host=h password=*** dbname=d");
}

TEST(RedactUrl, LeavesUrlsWithoutPasswordsAlone) {
  EXPECT_EQ(RedactUrl("postgresql://postgres@127.0.0.1:5432/postgres"),
            "postgresql://postgres@127.0.0.1:5432/postgres");
  EXPECT_EQ(RedactUrl("postgresql:///db"), "postgresql:///db");
}

}  // namespace
}  // namespace pgshift::runner
