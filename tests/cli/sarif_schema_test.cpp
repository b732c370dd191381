// pgshift's SARIF, validated against the OASIS SARIF 2.1.0 schema (tests/fixtures/sarif) by a real
// JSON-schema validator (Debian's python3-jsonschema, with python3-rfc3987 checking the URI
// formats), for file names that need escaping, fixes and unreadable inputs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSchema = fs::path(PGSHIFT_SOURCE_DIR) / "tests/fixtures/sarif/sarif-schema-2.1.0.json";

// Debian's interpreter, where python3-jsonschema and python3-rfc3987 are installed
// (ci/install-deps). Prints the first error and exits 1 when the document is invalid; refuses to
// judge (exit 2) when the URI formats would go unchecked.
constexpr const char* kValidator = R"(
import json, sys, jsonschema
checker = jsonschema.FormatChecker()
if not {"uri", "uri-reference"} <= set(checker.checkers):
    print("no URI format checks: install python3-rfc3987"); sys.exit(2)
schema = json.load(open(sys.argv[1]))
errors = list(jsonschema.Draft4Validator(schema, format_checker=checker).iter_errors(json.load(open(sys.argv[2]))))
for e in errors[:5]:
    print("/".join(map(str, e.absolute_path)), e.message)
sys.exit(1 if errors else 0)
)";

class SarifSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgshift-sarif-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "db");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  // The validator's verdict on `document`: exit 0 valid, 1 invalid (output says why).
  ProcessResult Validate(const nlohmann::json& document) {
    const fs::path file = dir_ / "report.sarif";
    std::ofstream(file) << document.dump(2);
    return RunProcess({"/usr/bin/python3", "-c", kValidator, kSchema.string(), file.string()});
  }
  fs::path dir_;
};

TEST_F(SarifSchema, ReportsWithEscapedNamesFixesAndUnreadableInputsAreValid) {
  // A space, '#', ':' and a non-ASCII letter in the names; a finding with an exact fix; one file
  // that is not UTF-8.
  Write("db/add index.sql", "CREATE INDEX i ON users (email);\n");
  Write("db/v#2.sql", "SET lock_timeout = '1s';\nDROP TABLE t;\n");
  Write("db/a:b.sql", "SET lock_timeout = '1s';\nALTER TABLE t DROP COLUMN c;\n");
  Write("db/caf\xc3\xa9.sql", "SET lock_timeout = '1s';\nALTER TABLE t RENAME TO u;\n");
  Write("db/broken.sql", "SELECT '\xff';\n");
  const ProcessResult r = RunPgshift({"lint", "--format", "sarif", "db"}, {.cwd = dir_.string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;  // the unreadable file
  const nlohmann::json sarif = nlohmann::json::parse(r.out);

  const ProcessResult verdict = Validate(sarif);
  ASSERT_TRUE(verdict.started) << verdict.error;
  EXPECT_EQ(verdict.exit_code, 0) << verdict.out << verdict.err;

  const auto& run = sarif["runs"][0];
  // Relative to the root (this directory: it is in no git repository), through %SRCROOT%.
  const std::string root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"];
  EXPECT_EQ(root.rfind("file:///", 0), 0u) << root;
  EXPECT_EQ(root.back(), '/');
  std::set<std::string> uris;
  for (const auto& result : run["results"]) {
    const auto& location = result["locations"][0]["physicalLocation"]["artifactLocation"];
    EXPECT_EQ(location["uriBaseId"], "%SRCROOT%");
    uris.insert(location["uri"].get<std::string>());
  }
  for (const char* expected : {"db/add%20index.sql", "db/v%232.sql", "db/a%3Ab.sql", "db/caf%C3%A9.sql"}) {
    EXPECT_EQ(uris.count(expected), 1u) << expected;
  }
  // The unreadable input: a notification, and a run that did not succeed.
  const auto& invocation = run["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], false);
  ASSERT_EQ(invocation["toolExecutionNotifications"].size(), 1u);
  EXPECT_EQ(invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]
                      ["artifactLocation"]["uri"],
            "db/broken.sql");
  // Per rule a name and a link to its documentation.
  for (const auto& rule : run["tool"]["driver"]["rules"]) {
    EXPECT_FALSE(rule["name"].get<std::string>().empty());
    const std::string help = rule["helpUri"];
    EXPECT_NE(help.find("/docs/rules.md#" + rule["id"].get<std::string>()), std::string::npos);
  }
  // The index's exact fix: CONCURRENTLY inserted after CREATE INDEX.
  bool fixed = false;
  for (const auto& result : run["results"]) {
    if (result["ruleId"] != "non-concurrent-index-creation") continue;
    const auto& replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    EXPECT_EQ(replacement["insertedContent"]["text"], " CONCURRENTLY");
    EXPECT_EQ(replacement["deletedRegion"]["startLine"], 1);
    EXPECT_EQ(replacement["deletedRegion"]["startColumn"], 13);
    EXPECT_EQ(replacement["deletedRegion"]["endColumn"], 13);
    fixed = true;
  }
  EXPECT_TRUE(fixed) << r.out;
}

TEST_F(SarifSchema, TheValidatorRejectsWhatTheSchemaForbids) {
  // The check above can fail: a URI with a raw space, or a result without a message, is refused.
  Write("db/ok.sql", "SET lock_timeout = '1s';\nDROP TABLE t;\n");
  const ProcessResult r = RunPgshift({"lint", "--format", "sarif", "db"}, {.cwd = dir_.string()});
  nlohmann::json sarif = nlohmann::json::parse(r.out);
  ASSERT_EQ(Validate(sarif).exit_code, 0);
  nlohmann::json bad_uri = sarif;
  bad_uri["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
      "db/add index.sql";
  EXPECT_EQ(Validate(bad_uri).exit_code, 1);
  nlohmann::json no_message = sarif;
  no_message["runs"][0]["results"][0].erase("message");
  EXPECT_EQ(Validate(no_message).exit_code, 1);
}

}  // namespace
}  // namespace pgshift::testing
