// The release check on evidence, end to end: real git repositories whose base and head hold
// application code, linted with `pgshift lint --release BASE..HEAD`. The code is read from the
// commits, as the database sees names; comments, documentation, images, generated, vendored and
// binary files are no evidence.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/support/git_repo.h"

namespace pgshift::testing {
namespace {

std::vector<std::string> ErrorRules(const ProcessResult& r) {
  std::vector<std::string> rules;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& finding : report["findings"]) {
    if (finding["severity"] == "error") rules.push_back(finding["rule"]);
  }
  return rules;
}

std::string FirstMessage(const ProcessResult& r) {
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& finding : report["findings"]) {
    if (finding["severity"] == "error") return finding["message"];
  }
  return {};
}

std::string FirstHelp(const ProcessResult& r) {
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& finding : report["findings"]) {
    if (finding["severity"] == "error") return finding["help"];
  }
  return {};
}

// Release 1: a documents table, mapped by a Prisma model and read by SQL in a TypeScript file.
void FirstRelease(GitRepo& repo) {
  repo.Write(
      "db/migrations/V1__documents.sql",
      "CREATE TABLE documents (id bigint PRIMARY KEY, title text, signed_at timestamptz);\n");
  repo.Write("prisma/schema.prisma",
             "model Document {\n"
             "  id       BigInt    @id\n"
             "  title    String\n"
             "  signedAt DateTime? @map(\"signed_at\")\n"
             "  @@map(\"documents\")\n"
             "}\n");
  repo.Write("src/report.ts",
             "// signed_at is read here\n"
             "export const q = `SELECT title, signed_at FROM documents WHERE id = $1`;\n");
  repo.Commit("release 1", "r1");
}

constexpr const char* kModelWithoutSignedAt =
    "model Document {\n"
    "  id       BigInt    @id\n"
    "  title    String\n"
    "  @@map(\"documents\")\n"
    "}\n";

TEST(ReleaseEvidence, TheBaseUsingTheColumnIsAnErrorCitingTheStrongestUse) {
  GitRepo repo("evidence-base-uses");
  FirstRelease(repo);
  repo.Write("prisma/schema.prisma", kModelWithoutSignedAt);
  repo.Write("src/report.ts", "export const q = `SELECT title FROM documents WHERE id = $1`;\n");
  repo.Write("db/migrations/V2__drop_signed_at.sql",
             "SET lock_timeout = '2s';\nALTER TABLE documents DROP COLUMN signed_at;\n");
  repo.Commit("release 2: stop using signed_at and drop it");
  const ProcessResult r =
      repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(ErrorRules(r), std::vector<std::string>{"contract-with-code-change"}) << r.out;
  // The ORM's mapping of the column is stronger evidence than the SQL string, which is counted.
  EXPECT_EQ(FirstMessage(r),
            "This migration drops column documents.signed_at in release r1..HEAD, but the "
            "version still running during the deploy (r1) uses signed_at at "
            "prisma/schema.prisma:4 (and 1 more): an ORM model maps the column (Prisma model "
            "Document, field signedAt @map(\"signed_at\"))");
  // The help lists each use the message counts, so that "(and 1 more)" can be looked up.
  EXPECT_NE(FirstHelp(r).find("The uses at r1:\n  prisma/schema.prisma:4: Prisma model Document, "
                              "field signedAt @map(\"signed_at\")\n  src/report.ts:2: "),
            std::string::npos)
      << FirstHelp(r);
}

TEST(ReleaseEvidence, AUseRemovedInAnEarlierReleaseIsQuietAndVerboseSaysWhy) {
  GitRepo repo("evidence-earlier-release");
  FirstRelease(repo);
  repo.Write("prisma/schema.prisma", kModelWithoutSignedAt);
  repo.Write("src/report.ts", "export const q = `SELECT title FROM documents WHERE id = $1`;\n");
  repo.Commit("release 2: stop using signed_at", "r2");
  repo.Write("db/migrations/V2__drop_signed_at.sql",
             "SET lock_timeout = '2s';\nALTER TABLE documents DROP COLUMN signed_at;\n");
  repo.Commit("release 3: drop it");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r2..HEAD", "-v"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No findings in 1 file"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("V2__drop_signed_at.sql:2:1: contract-with-code-change: quiet: column "
                       "documents.signed_at: the code at the release's base (r2) no longer uses "
                       "it (the use went in an earlier release)"),
            std::string::npos)
      << r.out;
  // The same drop with r1 as the base, whose code still mapped the column, is an error.
  const ProcessResult early =
      repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD", "--format", "json"});
  EXPECT_EQ(ErrorRules(early), std::vector<std::string>{"contract-with-code-change"}) << early.out;
}

TEST(ReleaseEvidence, AnObjectAddedInTheSameReleaseIsQuietAndVerboseSaysWhy) {
  GitRepo repo("evidence-same-release");
  FirstRelease(repo);
  repo.Write("db/migrations/V2__add_draft.sql",
             "SET lock_timeout = '2s';\nALTER TABLE documents ADD COLUMN draft text;\n"
             "CREATE TABLE scratch (id bigint);\n");
  repo.Write("db/migrations/V3__drop_draft.sql",
             "SET lock_timeout = '2s';\nALTER TABLE documents DROP COLUMN draft;\n"
             "DROP TABLE scratch;\n");
  // The head's code uses neither; a use at the base is impossible: they did not exist.
  repo.Commit("release 2: add and drop again");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD", "-v"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("V3__drop_draft.sql:2:1: contract-with-code-change: quiet: column "
                       "documents.draft is added in this release, so no running version uses it"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("V3__drop_draft.sql:3:1: contract-with-code-change: quiet: table scratch "
                       "is added in this release"),
            std::string::npos)
      << r.out;
}

TEST(ReleaseEvidence, CommentsDocsImagesGeneratedVendoredAndBinaryFilesAreNoEvidence) {
  GitRepo repo("evidence-not-code");
  repo.Write("db/migrations/V1__users.sql",
             "CREATE TABLE users (id bigint PRIMARY KEY, legacy_flag boolean);\n");
  const std::string sql = "SELECT legacy_flag FROM users WHERE id = 1";
  // A stale diagram of the schema, 200 KB of it.
  repo.Write("assets/schema.svg",
             "<svg><text>" + sql + "</text>" + std::string(200 * 1024, ' ') + "</svg>\n");
  repo.Write("docs/queries.md", "    " + sql + "\n");
  repo.Write("app/queries.py",
             "# " + sql + "\n\"\"\"\n\"\"\"\ndef q():\n    pass  # users.legacy_flag\n");
  repo.Write("app/gen/models.pb.go", "package gen\nvar q = \"" + sql + "\"\n");
  repo.Write("app/schema_gen.go",
             "// Code generated by sqlc. DO NOT EDIT.\npackage app\nconst q = \"" + sql + "\"\n");
  repo.Write("vendor/lib/q.go", "package lib\nconst q = \"" + sql + "\"\n");
  repo.Write("app/blob.js", std::string("var a = \"\0\";\nvar q = \"", 22) + sql + "\";\n");
  repo.Write("app/report_test.go", "package app\nconst q = \"" + sql + "\"\n");
  repo.Write("app/main.go", "package app\nconst q = \"SELECT id FROM users\"\n");
  repo.Commit("release 1", "r1");
  repo.Write("db/migrations/V2__drop_legacy_flag.sql",
             "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Commit("release 2: drop legacy_flag");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD", "-v"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No findings in 1 file"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("evidence at the base (r1, read from git): 2 application file(s) read "
                       "(not evidence: 2 generated, 1 test, 1 binary)"),
            std::string::npos)
      << r.err;

  // The same SQL in application code is evidence: the control for the test above.
  repo.Write("app/main.go", "package app\nconst q = \"" + sql + "\"\n");
  repo.Commit("release 3", "r3");
  repo.Write("db/migrations/V3__drop_again.sql",
             "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Write("app/main.go", "package app\n");
  repo.Commit("release 4");
  const ProcessResult used =
      repo.Pgshift({"lint", "db/migrations", "--release", "r3..HEAD", "--format", "json"});
  EXPECT_EQ(ErrorRules(used), std::vector<std::string>{"contract-with-code-change"}) << used.out;
  EXPECT_NE(FirstMessage(used).find("at app/main.go:2: SQL names the table and the column"),
            std::string::npos)
      << used.out;
}

// A Diesel project: schema.rs lists every column, a model selects its own fields, and an API
// type of a handler has a field named like a column.
void DieselRelease(GitRepo& repo, const std::string& model_fields) {
  repo.Write("migrations/V1__users.sql",
             "CREATE TABLE users (id bigint PRIMARY KEY, legacy_token text);\n");
  repo.Write("src/schema.rs",
             "// @generated automatically by Diesel CLI.\n"
             "diesel::table! {\n    users (id) {\n        id -> Int8,\n"
             "        legacy_token -> Nullable<Text>,\n    }\n}\n");
  repo.Write("src/models.rs",
             "use diesel::prelude::*;\n"
             "#[derive(Queryable, Selectable)]\n"
             "#[diesel(table_name = crate::schema::users)]\n"
             "pub struct User {\n" + model_fields + "}\n");
  repo.Write("src/api.rs",
             "use crate::schema::users;\n"
             "#[derive(serde::Serialize)]\n"
             "pub struct UserView { pub id: i64, pub legacy_token: Option<String> }\n");
  repo.Commit("release 1", "r1");
  // The head drops the column, stops listing it, and its model has no field for it.
  repo.Write("src/models.rs",
             "use diesel::prelude::*;\n"
             "#[derive(Queryable, Selectable)]\n"
             "#[diesel(table_name = crate::schema::users)]\n"
             "pub struct User {\n    pub id: i64,\n}\n");
  repo.Write("src/schema.rs",
             "// @generated automatically by Diesel CLI.\n"
             "diesel::table! {\n    users (id) {\n        id -> Int8,\n    }\n}\n");
  repo.Write("migrations/V2__drop_legacy_token.sql",
             "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN legacy_token;\n");
  repo.Commit("release 2: drop legacy_token");
}

TEST(ReleaseEvidence, DieselDropNoModelReadsIsQuietAndAModelFieldIsAnError) {
  // The model never read the column: the API type's field of that name is no use of it.
  GitRepo safe("evidence-diesel-safe");
  DieselRelease(safe, "    pub id: i64,\n");
  const ProcessResult quiet =
      safe.Pgshift({"lint", "migrations", "--release", "r1..HEAD", "--format", "json"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.out << quiet.err;
  EXPECT_TRUE(ErrorRules(quiet).empty()) << quiet.out;
  // The model at the base read it: the version still running breaks once it is dropped.
  GitRepo used("evidence-diesel-used");
  DieselRelease(used, "    pub id: i64,\n    #[diesel(column_name = legacy_token)]\n"
                      "    pub token: Option<String>,\n");
  const ProcessResult flagged =
      used.Pgshift({"lint", "migrations", "--release", "r1..HEAD", "--format", "json"});
  EXPECT_EQ(flagged.exit_code, 1) << flagged.out << flagged.err;
  EXPECT_EQ(ErrorRules(flagged), std::vector<std::string>{"contract-with-code-change"})
      << flagged.out;
  EXPECT_NE(FirstMessage(flagged).find("uses legacy_token at src/models.rs:7"), std::string::npos)
      << FirstMessage(flagged);
  EXPECT_NE(FirstMessage(flagged).find("Diesel model User field token"), std::string::npos)
      << FirstMessage(flagged);
}

TEST(ReleaseEvidence, CodeIsReadFromTheCommitsNotTheWorkingTree) {
  GitRepo repo("evidence-commits");
  FirstRelease(repo);
  repo.Write("prisma/schema.prisma", kModelWithoutSignedAt);
  repo.Write("src/report.ts", "export const q = `SELECT title FROM documents`;\n");
  repo.Commit("release 2", "r2");
  repo.Write("db/migrations/V2__drop_signed_at.sql",
             "SET lock_timeout = '2s';\nALTER TABLE documents DROP COLUMN signed_at;\n");
  repo.Commit("release 3");
  // An edit not committed is in neither end of the release.
  repo.Write("src/report.ts", "export const q = `SELECT signed_at FROM documents`;\n");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r2..HEAD"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(ReleaseEvidence, MigrationsAreReadFromTheHeadCommitNotTheWorkingTree) {
  GitRepo repo("evidence-migrations-at-head");
  FirstRelease(repo);
  repo.Write("prisma/schema.prisma", kModelWithoutSignedAt);
  repo.Write("src/report.ts", "export const q = `SELECT title FROM documents`;\n");
  repo.Write("db/migrations/V2__drop_signed_at.sql",
             "SET lock_timeout = '2s';\nALTER TABLE documents DROP COLUMN signed_at;\n");
  repo.Commit("release 2", "r2");
  // Edited since: the release shipped the drop, and is judged on what it shipped.
  repo.Write("db/migrations/V2__drop_signed_at.sql", "SELECT 1;\n");
  const ProcessResult r =
      repo.Pgshift({"lint", "db/migrations", "--release", "r1..r2", "--format", "json", "-v"});
  EXPECT_EQ(ErrorRules(r), std::vector<std::string>{"contract-with-code-change"}) << r.out << r.err;
  EXPECT_NE(r.err.find("r1..r2: migrations read from the head commit"), std::string::npos) << r.err;
  // Without --release, the working tree is what is linted.
  const ProcessResult now = repo.Pgshift({"lint", "db/migrations/V2__drop_signed_at.sql"});
  EXPECT_EQ(now.exit_code, 0) << now.out;
}

TEST(ReleaseEvidence, AMigrationOnlyTheHeadCommitHoldsIsLinted) {
  GitRepo repo("evidence-migration-only-at-head");
  FirstRelease(repo);
  repo.Write("prisma/schema.prisma", kModelWithoutSignedAt);
  repo.Write("db/migrations/V2__drop_signed_at.sql",
             "SET lock_timeout = '2s';\nALTER TABLE documents DROP COLUMN signed_at;\n");
  repo.Write("db/changes/V3__drop_title.sql",
             "SET lock_timeout = '2s';\nALTER TABLE documents DROP COLUMN title;\n");
  repo.Commit("release 2", "r2");
  // The working tree is back at r1: V2 is not there, and db/changes not at all.
  ASSERT_EQ(repo.Git({"checkout", "-q", "r1"}).exit_code, 0);
  ASSERT_FALSE(std::filesystem::exists(repo.Path("db/migrations/V2__drop_signed_at.sql")));
  const ProcessResult r = repo.Pgshift(
      {"lint", "db/migrations", "db/changes", "--release", "r1..r2", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // The head's code still reads both columns.
  EXPECT_EQ(ErrorRules(r), (std::vector<std::string>{"contract-still-referenced",
                                                     "contract-still-referenced"}))
      << r.out << r.err;
  EXPECT_NE(r.out.find("db/migrations/V2__drop_signed_at.sql"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("db/changes/V3__drop_title.sql"), std::string::npos) << r.out;
  // Without --release the working tree is what there is: db/changes does not exist.
  const ProcessResult now = repo.Pgshift({"lint", "db/changes"});
  EXPECT_NE(now.exit_code, 0) << now.out << now.err;
  EXPECT_NE(now.err.find("db/changes: no such file or directory"), std::string::npos) << now.err;
}

TEST(ReleaseEvidence, ARangeWithNoMigrationSaysSo) {
  GitRepo repo("evidence-no-migration");
  FirstRelease(repo);
  repo.Write("src/other.ts", "export const x = 1;\n");
  repo.Commit("release 2: code only", "r2");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r1..r2"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: r1..r2 holds no migration among the 1 file(s) given: nothing in "
                       "it to check"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace pgshift::testing
