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

TEST(RedactPassword, HidesTheUrlsPasswordInAMessage) {
  EXPECT_EQ(RedactPassword("invalid percent-encoded token: \"pw%zzsecret\"",
                           "postgresql://u:pw%zzsecret@h/db"),
            "invalid percent-encoded token: \"***\"");
  EXPECT_EQ(RedactPassword("auth failed for p@ss", "postgres://u:p%40ss@h/db"),
            "auth failed for ***");
  EXPECT_EQ(RedactPassword("bad value xyz", "postgresql://h/db?user=a&password=xyz"),
            "bad value ***");
  EXPECT_EQ(RedactPassword("it was a b here", "host=h password='a b' dbname=d"), "it was *** here");
  EXPECT_EQ(RedactPassword("nothing secret", "postgresql://u@h/db"), "nothing secret");
}

}  // namespace
}  // namespace pgshift::runner
