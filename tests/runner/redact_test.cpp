#include "runner/redact.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace pgshift::runner {
namespace {

TEST(RedactUrl, HidesPasswordsInEveryForm) {
  EXPECT_EQ(RedactUrl("postgresql://app:s3cret@db.example:5432/prod"),
            "postgresql://app:***@db.example:5432/prod");
  EXPECT_EQ(RedactUrl("postgres://app:p%40ss@h/db?sslmode=require"),
            "postgres://app:***@h/db?sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://h/db?user=a&password=xyz&sslmode=require"),
            "postgresql://h/db?user=a&password=***&sslmode=require");
  // libpq decodes the parameter's name too.
  EXPECT_EQ(RedactUrl("postgresql://h/db?pass%77ord=xyz"), "postgresql://h/db?pass%77ord=***");
  EXPECT_EQ(RedactUrl("host=h user=a password=xyz dbname=d"),
            "host=h user=a password=*** dbname=d");
  EXPECT_EQ(RedactUrl("host=h password='a b' dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(RedactUrl("host=h password = 'it\\'s' dbname=d"), "host=h password = *** dbname=d");
  EXPECT_EQ(RedactUrl("host=h password=a\\ b dbname=d"), "host=h password=*** dbname=d");
  // A dbname that is a connection string of its own.
  EXPECT_EQ(RedactUrl("dbname='postgresql://u:inner@h/d' user=x"),
            "dbname='postgresql://u:***@h/d' user=x");
}

TEST(RedactUrl, HidesPasswordsWrittenWithoutPercentEncoding) {
  // libpq ends the user information at the first '@'; the password meant is hidden whole.
  EXPECT_EQ(RedactUrl("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
  EXPECT_EQ(RedactUrl("postgres://u:pa/ss@h/db"), "postgres://u:***@h/db");
  EXPECT_EQ(RedactUrl("postgres://u:pa?ss@h/db?sslmode=disable"),
            "postgres://u:***@h/db?sslmode=disable");
}

TEST(RedactUrl, LeavesUrlsWithoutPasswordsAlone) {
  for (const char* url :
       {"postgresql://postgres@127.0.0.1:5432/postgres", "postgresql:///db",
        "postgresql://h:5432/db?application_name=me@host", "service=prod",
        "host=/tmp user=app dbname=app", "postgresql://app@h/db?sslmode=require"}) {
    EXPECT_EQ(RedactUrl(url), url);
  }
}

TEST(Redactor, HidesTheSecretsOfEveryConnectionAdded) {
  Redactor redact("postgresql://app:primary-pw@db/app");
  EXPECT_EQ(redact("standby-pw and postgresql://mon:standby-pw@s1/app"),
            "standby-pw and postgresql://mon:standby-pw@s1/app");
  redact.Add("postgresql://mon:standby-pw@s1/app");
  redact.Add("host=s2 password='other pw' dbname=app");
  EXPECT_EQ(redact("at postgresql://mon:standby-pw@s1/app, standby-pw, \"other pw\", primary-pw"),
            "at postgresql://mon:***@s1/app, ***, \"***\", ***");
  EXPECT_EQ(redact("host=s2 password='other pw' dbname=app"), "host=s2 password=*** dbname=app");
  // Pieces of a password libpq split at an unencoded delimiter, in its connection failures.
  redact.Add("postgresql://mon:half/other@s3/app");
  EXPECT_EQ(redact.ConnectionFailure("invalid port \"half\""), "invalid port \"***\"");
}

TEST(PasswordsIn, ReadsTheConnectionStringAsLibpqDoes) {
  EXPECT_EQ(PasswordsIn("postgres://u:p%40ss@h/db"), std::vector<std::string>{"p@ss"});
  EXPECT_EQ(PasswordsIn("host=h password='a b'"), std::vector<std::string>{"a b"});
  EXPECT_TRUE(PasswordsIn("host=h user=u").empty());
  EXPECT_TRUE(PasswordsIn("not a connection string").empty());
}

TEST(Redactor, HidesTheUrlAndItsPasswordInLibpqMessages) {
  const std::string url = "postgres://u:sek/ret@127.0.0.1:1/db";
  const Redactor redact(url);
  // What libpq says of this URL: it reads "sek" as the port of host "u".
  EXPECT_EQ(
      redact.ConnectionFailure("invalid integer value \"sek\" for connection option \"port\""),
      "invalid integer value \"***\" for connection option \"port\"");
  EXPECT_EQ(redact("no such host in " + url), "no such host in postgres://u:***@127.0.0.1:1/db");
  EXPECT_EQ(redact("the password sek/ret"), "the password ***");
  // Pieces stay outside messages about the connection: they would hide ordinary words.
  EXPECT_EQ(redact("secret retry"), "secret retry");
  const Redactor at("postgres://u:sek@ret@127.0.0.1:1/db");
  EXPECT_EQ(at.ConnectionFailure("could not translate host name \"ret@127.0.0.1\" to address"),
            "could not translate host name \"***@127.0.0.1\" to address");
  const Redactor encoded("postgres://u:sek%zzret@127.0.0.1:1/db");
  EXPECT_EQ(encoded("invalid percent-encoded token: \"sek%zzret\""),
            "invalid percent-encoded token: \"***\"");
  // Percent-encoded, the password is not split, and its pieces are left alone.
  const Redactor whole("postgres://u:sek%2Fret@127.0.0.1:1/db");
  EXPECT_EQ(whole.ConnectionFailure("sek/ret secret"), "*** secret");
  // A short password is hidden where libpq quotes it, not in every word.
  const Redactor short_one("postgres://u:ab/c@h/db");
  EXPECT_EQ(short_one.ConnectionFailure("invalid integer value \"ab\" for option \"port\", about"),
            "invalid integer value \"***\" for option \"port\", about");
}

TEST(Redactor, HidesPgpassword) {
  setenv("PGPASSWORD", "from-the-environment", 1);
  const Redactor redact("postgresql://u@h/db");
  unsetenv("PGPASSWORD");
  EXPECT_EQ(redact("echo from-the-environment"), "echo ***");
  nlohmann::json detail = {
      {"error", "x from-the-environment"}, {"n", 3}, {"list", {"from-the-environment"}}};
  redact.Apply(detail);
  EXPECT_EQ(detail, (nlohmann::json{{"error", "x ***"}, {"n", 3}, {"list", {"***"}}}));
}

TEST(Redactor, LeavesTextWithoutSecretsAlone) {
  const Redactor redact("postgresql://postgres@127.0.0.1:5432/postgres");
  EXPECT_EQ(redact("connected to postgresql://postgres@127.0.0.1:5432/postgres"),
            "connected to postgresql://postgres@127.0.0.1:5432/postgres");
  EXPECT_EQ(Redactor()("anything"), "anything");
}

}  // namespace
}  // namespace pgshift::runner
