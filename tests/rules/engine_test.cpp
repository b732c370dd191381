#include "rules/engine.h"

#include <gtest/gtest.h>

#include "parser/source_text.h"

namespace pgshift::rules {
namespace {

// These tests count findings of particular rules; the once-per-file missing-lock-timeout would
// add one to nearly every case, so it is off here (its own fixtures test it).
LintSettings Quiet() {
  LintSettings settings;
  settings.disabled.insert("missing-lock-timeout");
  return settings;
}

FileReport Lint(const std::string& sql, LintSettings settings = Quiet()) {
  return LintSource(parser::SourceText("m.sql", sql), settings);
}

std::vector<std::string> Rules(const FileReport& report) {
  std::vector<std::string> out;
  for (const Finding& f : report.findings) out.push_back(f.rule);
  return out;
}

TEST(Engine, InvalidTextIsUnreadableWithAPosition) {
  const FileReport report = Lint("SELECT 1;\nSELECT '\xff';");
  ASSERT_TRUE(report.unreadable.has_value());
  EXPECT_EQ(*report.unreadable, "m.sql:2:9: invalid UTF-8 byte 0xff");
  EXPECT_TRUE(report.findings.empty());
}

TEST(Engine, FindingsCarryPositionsAndLock) {
  const FileReport report = Lint("\n\n  CREATE INDEX i ON users (a);");
  ASSERT_EQ(report.findings.size(), 1u);
  const Finding& f = report.findings[0];
  EXPECT_EQ(f.rule, "non-concurrent-index-creation");
  EXPECT_EQ(f.start.line, 3);
  EXPECT_EQ(f.start.column, 3);
  EXPECT_EQ(f.end.line, 3);
  EXPECT_EQ(f.end.column, 30);
  EXPECT_EQ(f.lock, "takes SHARE on users, blocking writes; scans the table");
}

TEST(Engine, TablesCreatedEarlierInTheFileNeverTriggerLockRules) {
  const FileReport report = Lint(
      "CREATE TABLE users (id int, email text);\n"
      "CREATE INDEX users_email ON users (email);\n"
      "ALTER TABLE users ADD COLUMN tenant int NOT NULL;\n"
      "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
      "ALTER TABLE users ADD CONSTRAINT c CHECK (id > 0);\n"
      "ALTER TABLE users RENAME COLUMN email TO mail;\n"
      "ALTER TABLE users RENAME TO people;\n"
      "ALTER TABLE people DROP COLUMN mail;\n"
      "DROP INDEX users_email;\n"
      "DROP TABLE people;\n");
  EXPECT_TRUE(report.findings.empty()) << Rules(report)[0];
}

// One hazard, one finding: a trigger change without lock_timeout is said once on the statement
// where missing-lock-timeout reports the file's missing lock_timeout, and by its own rule after.
TEST(Engine, TriggerChangeLeavesItsStatementToMissingLockTimeout) {
  const std::string sql =
      "CREATE TRIGGER a AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit();\n"
      "CREATE TRIGGER b AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit();\n";
  const FileReport both = Lint(sql, LintSettings{});
  EXPECT_EQ(Rules(both),
            (std::vector<std::string>{"missing-lock-timeout", "trigger-change-on-existing-table"}));
  ASSERT_EQ(both.findings.size(), 2u);
  EXPECT_EQ(both.findings[0].start.line, 1);
  EXPECT_EQ(both.findings[1].start.line, 2);
  // Without missing-lock-timeout, each trigger change is reported by its own rule.
  EXPECT_EQ(Rules(Lint(sql)), (std::vector<std::string>{"trigger-change-on-existing-table",
                                                        "trigger-change-on-existing-table"}));
  // Suppressed, missing-lock-timeout still stands for the statement (its reason judged it).
  const FileReport suppressed =
      Lint("-- pgshift-ignore missing-lock-timeout: the role sets one\n" + sql, LintSettings{});
  EXPECT_EQ(Rules(suppressed), (std::vector<std::string>{"trigger-change-on-existing-table"}));
}

TEST(Engine, SuppressionCoversTheNextStatementOnly) {
  const FileReport report = Lint(
      "-- pgshift-ignore non-concurrent-index-creation: small table\n"
      "CREATE INDEX a ON users (a);\n"
      "CREATE INDEX b ON users (b);\n");
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].start.line, 3);
}

TEST(Engine, FileSuppressionCoversEveryStatement) {
  const FileReport report = Lint(
      "-- pgshift-ignore-file non-concurrent-index-creation, drop-column: maintenance window\n"
      "CREATE INDEX a ON users (a);\n"
      "ALTER TABLE users DROP COLUMN b;\n"
      "CREATE INDEX c ON users (c);\n");
  EXPECT_TRUE(report.findings.empty());
}

TEST(Engine, SuppressionProblemsAreReported) {
  const FileReport report = Lint(
      "-- pgshift-ignore drop-column\n"
      "ALTER TABLE users DROP COLUMN b;\n"
      "-- pgshift-ignore no-such-rule: typo\n"
      "SELECT 1;\n"
      "-- pgshift-ignore drop-table: stale\n"
      "SELECT 2;\n");
  EXPECT_EQ(Rules(report), (std::vector<std::string>{"suppression-missing-reason",
                                                     "unused-suppression", "unused-suppression"}));
  EXPECT_NE(report.findings[1].message.find("no-such-rule"), std::string::npos);
  EXPECT_EQ(report.findings[1].start.line, 3);
}

// A file of comments only (found by the lint fuzzer: it read a statement that was not there).
TEST(Engine, SuppressionsInAFileWithoutStatementsAreReported) {
  const FileReport report = Lint("-- a comment\n-- pgshift-ignore drop-column: unused\n");
  EXPECT_EQ(Rules(report), std::vector<std::string>{"unused-suppression"});
  EXPECT_EQ(report.findings[0].start.line, 2);
  EXPECT_EQ(report.statements, 0u);
}

TEST(Engine, DisabledRulesDoNotRunAndSeverityCanChange) {
  LintSettings settings = Quiet();
  settings.disabled.insert("drop-column");
  settings.severity["rename-column"] = Severity::kWarning;
  const FileReport report = Lint(
      "ALTER TABLE users DROP COLUMN b;\nALTER TABLE users RENAME COLUMN a TO c;", settings);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].rule, "rename-column");
  EXPECT_EQ(report.findings[0].severity, Severity::kWarning);
}

TEST(Engine, SuppressionOfADisabledRuleIsNotStale) {
  LintSettings settings = Quiet();
  settings.disabled.insert("drop-column");
  const FileReport report =
      Lint("-- pgshift-ignore drop-column: retired\nALTER TABLE users DROP COLUMN b;", settings);
  EXPECT_TRUE(report.findings.empty());
}

TEST(Engine, TransactionWrappingMakesConcurrentlyFail) {
  const std::string sql = "CREATE INDEX CONCURRENTLY i ON users (a);";
  EXPECT_TRUE(Lint(sql).findings.empty());
  LintSettings per_file;
  per_file.transactions = TransactionWrapping::kPerFile;
  ASSERT_EQ(Lint(sql, per_file).findings.size(), 1u);
  EXPECT_NE(Lint(sql, per_file).findings[0].message.find("migration tool"), std::string::npos);
  LintSettings per_statement;
  per_statement.transactions = TransactionWrapping::kPerStatement;
  EXPECT_EQ(Lint(sql, per_statement).findings.size(), 1u);
  // After an explicit COMMIT the rest of a per-file migration runs outside the block.
  EXPECT_TRUE(Lint("COMMIT;\n" + sql, per_file).findings.empty());
}

TEST(Engine, SetNotNullIsQuietAfterAValidatedCheckFrom12) {
  const std::string sql =
      "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\n"
      "ALTER TABLE users VALIDATE CONSTRAINT c;\n"
      "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n";
  EXPECT_TRUE(Lint(sql).findings.empty());
  LintSettings pg11 = Quiet();
  pg11.pg_version = 11;
  EXPECT_EQ(Rules(Lint(sql, pg11)), std::vector<std::string>{"set-not-null"});
  // Not validated: still a scan.
  EXPECT_EQ(Rules(Lint("ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\n"
                       "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n")),
            std::vector<std::string>{"set-not-null"});
}

TEST(Engine, MetaCommandsAreNotedForVerbose) {
  const FileReport report = Lint("\\set ON_ERROR_STOP on\nSELECT 1;");
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_EQ(report.notes[0], "m.sql:1:1: skipped psql meta-command \\set ON_ERROR_STOP on");
  EXPECT_TRUE(report.findings.empty());
}

TEST(Engine, ContractChangesAreExpectedInAContractPhase) {
  const std::string sql = "ALTER TABLE users DROP COLUMN a;\nCREATE INDEX i ON users (b);";
  LintSettings contract = Quiet();
  contract.phase = Phase::kContract;
  EXPECT_EQ(Rules(Lint(sql, contract)), std::vector<std::string>{"non-concurrent-index-creation"});
  LintSettings expand = Quiet();
  expand.phase = Phase::kExpand;
  EXPECT_EQ(Rules(Lint(sql, expand)),
            (std::vector<std::string>{"drop-column", "non-concurrent-index-creation"}));
}

TEST(Engine, StatementsInsideBodiesAreCheckedAtTheirPlaceInTheFile) {
  const FileReport report = Lint(
      "DO $$\n"
      "BEGIN\n"
      "  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'users_a') THEN\n"
      "    CREATE INDEX users_a ON users (a);\n"
      "  END IF;\n"
      "END $$;\n"
      "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'ALTER TABLE users DROP COLUMN "
      "\"it''s\"';\n");
  ASSERT_EQ(Rules(report),
            (std::vector<std::string>{"non-concurrent-index-creation", "drop-column"}));
  EXPECT_EQ(report.findings[0].start.line, 4);
  EXPECT_EQ(report.findings[0].start.column, 5);
  EXPECT_EQ(report.findings[0].end.column, 38);
  EXPECT_EQ(report.findings[1].start.line, 7);
  EXPECT_EQ(report.findings[1].start.column, 51);
  EXPECT_EQ(report.statements, 2u);
}

TEST(Engine, SuppressionsCoverBodiesFromAboveOrInside) {
  EXPECT_TRUE(Lint("-- pgshift-ignore drop-column: retired in 4.1\n"
                   "DO $$ BEGIN ALTER TABLE users DROP COLUMN a; END $$;")
                  .findings.empty());
  const FileReport report = Lint(
      "DO $$ BEGIN\n"
      "  -- pgshift-ignore drop-column: retired in 4.1\n"
      "  ALTER TABLE users DROP COLUMN a;\n"
      "  ALTER TABLE users DROP COLUMN b;\n"
      "END $$;");
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].start.line, 4);
}

TEST(Engine, BodiesShareTheCatalogAndTheTransaction) {
  // A table created in a DO block is new afterwards; CONCURRENTLY cannot run in a DO block.
  const FileReport report = Lint(
      "DO $$ BEGIN CREATE TABLE t (id int); END $$;\n"
      "ALTER TABLE t DROP COLUMN id;\n"
      "DO $$ BEGIN CREATE INDEX CONCURRENTLY i ON users (a); END $$;");
  EXPECT_EQ(Rules(report), std::vector<std::string>{"concurrently-in-transaction"});
}

TEST(Engine, ConcurrentlyInABodyIsAdvisedOutOfTheBodyNotOutOfTheTransaction) {
  // Ending the transaction would not help: PostgreSQL refuses it from any function context.
  LintSettings per_file = Quiet();
  per_file.transactions = TransactionWrapping::kPerFile;
  for (const LintSettings& settings : {Quiet(), per_file}) {
    const FileReport report =
        Lint("DO $$ BEGIN CREATE INDEX CONCURRENTLY i ON users (a); END $$;", settings);
    ASSERT_EQ(report.findings.size(), 1u);
    const Finding& f = report.findings[0];
    EXPECT_EQ(f.message,
              "CREATE INDEX CONCURRENTLY cannot run inside a DO block (PostgreSQL refuses it from "
              "any function, DO block or procedure)");
    EXPECT_EQ(f.help.rfind("Take it out of the DO block and run it as a top-level statement", 0),
              0u)
        << f.help;
    EXPECT_EQ(f.help.find("BEGIN ... COMMIT"), std::string::npos) << f.help;
    EXPECT_EQ(f.help.find("tool's transaction"), std::string::npos) << f.help;
  }
}

TEST(Engine, LockTimeoutForADoBlockGoesBeforeItUnlessTheFileOpenedATransaction) {
  LintSettings settings;  // missing-lock-timeout on
  const std::string block = "DO $$ BEGIN ALTER TABLE users ADD COLUMN a text; END $$;";
  const FileReport alone = Lint(block, settings);
  ASSERT_EQ(Rules(alone), std::vector<std::string>{"missing-lock-timeout"});
  EXPECT_EQ(alone.findings[0].help.rfind("Set one at the top of the file:\n  SET lock_timeout", 0), 0u)
      << alone.findings[0].help;
  const FileReport in_transaction = Lint("BEGIN;\n" + block + "\nCOMMIT;", settings);
  ASSERT_EQ(Rules(in_transaction), std::vector<std::string>{"missing-lock-timeout"});
  EXPECT_EQ(in_transaction.findings[0].help.rfind("Set one at the start of the transaction:", 0), 0u)
      << in_transaction.findings[0].help;
}

TEST(Engine, AFunctionBodyTakesNoLocksWhileTheFileRuns) {
  // Its statements are checked, but they lock only when the function is called, under the
  // caller's settings: no lock_timeout is missing here.
  LintSettings settings;
  const FileReport report = Lint(
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\n"
      "BEGIN ALTER TABLE users ADD COLUMN a text; END $$;",
      settings);
  EXPECT_TRUE(report.findings.empty()) << report.findings[0].rule;
}

TEST(Engine, BodiesThatCannotBeAnalysedAreNoted) {
  const FileReport report = Lint("DO $$ BEGIN FOR r IN SELECT 1 LOOP NULL; END LOOP; END $$;");
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_EQ(report.notes[0].rfind("m.sql:1:6: body of DO block not analysed: ", 0), 0u)
      << report.notes[0];
}

TEST(Engine, BackfillHelpFoldsAMultiLineSetWithoutItsComments) {
  const FileReport report = Lint(
      "UPDATE users SET tier = CASE -- by spend\n"
      "  WHEN spend > 100 THEN 'gold' -- the big ones\n"
      "  ELSE 'basic' END;");
  ASSERT_EQ(Rules(report), std::vector<std::string>{"update-without-where"});
  // One line, and nothing after a `--` that would comment out the rest of the TOML.
  EXPECT_NE(report.findings[0].help.find(
                "set = \"tier = CASE WHEN spend > 100 THEN 'gold' ELSE 'basic' END\", "
                "where = \"<rows not yet done>\" }"),
            std::string::npos)
      << report.findings[0].help;
  // A `--` inside a string literal is the value, not a comment.
  const FileReport literal = Lint("UPDATE users SET note = 'a -- b';");
  ASSERT_EQ(Rules(literal), std::vector<std::string>{"update-without-where"});
  EXPECT_NE(literal.findings[0].help.find("set = \"note = 'a -- b'\""), std::string::npos)
      << literal.findings[0].help;
}

TEST(Engine, BackfillHelpForASetThatReadsItsOwnColumnSaysHowToMakeItIdempotent) {
  const FileReport report = Lint("UPDATE users SET active = NOT active;");
  ASSERT_EQ(Rules(report), std::vector<std::string>{"update-without-where"});
  const std::string& help = report.findings[0].help;
  EXPECT_EQ(help.rfind("Make the change idempotent before batching it", 0), 0u) << help;
  EXPECT_NE(help.find("WHERE active_new IS NULL"), std::string::npos) << help;
  EXPECT_EQ(help.find("set = \"active = NOT active\""), std::string::npos) << help;
  // Reading another column is idempotent: the usual backfill stage.
  const FileReport other = Lint("UPDATE users SET active = NOT banned;");
  ASSERT_EQ(Rules(other), std::vector<std::string>{"update-without-where"});
  EXPECT_NE(other.findings[0].help.find("set = \"active = NOT banned\""), std::string::npos)
      << other.findings[0].help;
}

TEST(Engine, TemplatePlaceholdersAreLintedThroughWithoutAutomaticFixes) {
  const FileReport templated =
      Lint("CREATE INDEX users_email_idx ON {{ index .Options \"Namespace\" }}.users (email);");
  ASSERT_EQ(Rules(templated), std::vector<std::string>{"non-concurrent-index-creation"});
  // The fix would be written into the file; its parse tree has a stand-in name.
  EXPECT_TRUE(templated.findings[0].fix.empty());
  EXPECT_EQ(templated.findings[0].help.find("--fix"), std::string::npos);
  EXPECT_NE(templated.findings[0].help.find("CONCURRENTLY"), std::string::npos);
  const FileReport plain = Lint("CREATE INDEX users_email_idx ON auth.users (email);");
  ASSERT_EQ(Rules(plain), std::vector<std::string>{"non-concurrent-index-creation"});
  EXPECT_FALSE(plain.findings[0].fix.empty());
  EXPECT_NE(plain.findings[0].help.find(kFixDoesThis), std::string::npos);
}

TEST(Engine, AForeignKeyToItsOwnTableNamesTheTableOnce) {
  const FileReport report = Lint(
      "ALTER TABLE categories ADD CONSTRAINT categories_parent_fk FOREIGN KEY (parent_id) "
      "REFERENCES categories (id);");
  ASSERT_EQ(Rules(report), std::vector<std::string>{"foreign-key-without-not-valid"});
  EXPECT_EQ(report.findings[0].message,
            "Adding a foreign key on categories validates every row while blocking writes to "
            "categories");
}

}  // namespace
// The help's first step is the statement as written without its CHECK: the default and the other
// constraints stay (concourse's `ADD COLUMN active_tasks integer DEFAULT 0 CHECK (...)` lost its
// default), and a named CHECK is added under its name once.
TEST(Engine, InlineCheckHelpKeepsTheRestOfTheColumn) {
  const FileReport report =
      Lint("ALTER TABLE w ADD COLUMN n int NOT NULL DEFAULT 1 CONSTRAINT n_pos CHECK (n > 0);");
  const Finding* check = nullptr;
  for (const Finding& f : report.findings) {
    if (f.rule == "check-without-not-valid") check = &f;
  }
  ASSERT_NE(check, nullptr);
  EXPECT_NE(check->help.find("  ALTER TABLE w ADD COLUMN n int NOT NULL DEFAULT 1;\n"),
            std::string::npos)
      << check->help;
  EXPECT_NE(check->help.find("ADD CONSTRAINT n_pos CHECK (n > 0) NOT VALID;"), std::string::npos)
      << check->help;
}

}  // namespace pgshift::rules
