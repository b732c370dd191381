#include "workspace/config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace pgshift::workspace {
namespace {

std::string ErrorOf(const ConfigResult& result) {
  const auto* error = std::get_if<ConfigError>(&result);
  return error != nullptr ? error->message : "";
}

TEST(Config, ReadsEveryKey) {
  const ConfigResult result = ParseConfig(
      "pg_version = 12\ntransactions = \"per-file\"\n[rules]\ndisable = [\"drop-column\"]\n"
      "severity = { rename-column = \"warning\" }\n",
      "pgshift.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(result)) << ErrorOf(result);
  const Config& config = std::get<Config>(result);
  EXPECT_EQ(config.lint.pg_version, 12);
  EXPECT_EQ(config.lint.transactions, rules::TransactionWrapping::kPerFile);
  EXPECT_EQ(config.lint.disabled.count("drop-column"), 1u);
  EXPECT_EQ(config.lint.severity.at("rename-column"), rules::Severity::kWarning);
}

TEST(Config, UnknownKeysNameFileLineAndKey) {
  EXPECT_EQ(ErrorOf(ParseConfig("pg_version = 15\nrulez = 1\n", "a/pgshift.toml")),
            "a/pgshift.toml:2:1: unknown key `rulez` (did you mean `rules`?)");
  EXPECT_EQ(ErrorOf(ParseConfig("[rules]\nskip = []\n", "p.toml")), "p.toml:2:1: unknown key `rules.skip`");
}

TEST(Config, BadValuesAreErrors) {
  EXPECT_EQ(ErrorOf(ParseConfig("pg_version = 9\n", "p.toml")),
            "p.toml:1:14: `pg_version` must be a server major version from 10 to 18");
  EXPECT_NE(ErrorOf(ParseConfig("transactions = \"always\"\n", "p.toml")).find("`transactions` must be"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(ParseConfig("[rules]\ndisable = [\"nope\"]\n", "p.toml")),
            "p.toml:2:12: `rules.disable` names `nope`, which is no rule (see `pgshift rules`)");
  EXPECT_NE(ErrorOf(ParseConfig("[rules.severity]\ndrop-column = \"fatal\"\n", "p.toml"))
                .find("`rules.severity.drop-column` must be"),
            std::string::npos);
}

TEST(Config, BaselineIsRelativeToTheConfigFile) {
  const ConfigResult result = ParseConfig("baseline = \"accepted.json\"\n", "db/pgshift.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(result)) << ErrorOf(result);
  EXPECT_EQ(std::get<Config>(result).baseline, "db/accepted.json");
  EXPECT_EQ(ErrorOf(ParseConfig("baseline = 3\n", "p.toml")), "p.toml:1:12: `baseline` must be a file path");
}

TEST(Config, SyntaxErrorsArePositioned) {
  EXPECT_EQ(ErrorOf(ParseConfig("pg_version = \n", "p.toml")).rfind("p.toml:1:", 0), 0u);
}

TEST(Config, FoundFromTheFileDirectoryUpward) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("pgshift-config-" + std::to_string(::getpid()));
  fs::create_directories(root / "a" / "b");
  std::ofstream(root / "pgshift.toml") << "pg_version = 13\n";
  std::ofstream(root / "a" / "b" / "pgshift.toml") << "pg_version = 11\n";
  ConfigResolver resolver(std::nullopt);
  EXPECT_EQ(std::get<Config>(resolver.For(root / "a")).lint.pg_version, 13);
  EXPECT_EQ(std::get<Config>(resolver.For(root / "a" / "b")).lint.pg_version, 11);
  ConfigResolver explicit_config(root / "pgshift.toml");
  EXPECT_EQ(std::get<Config>(explicit_config.For(root / "a" / "b")).lint.pg_version, 13);
  fs::remove_all(root);
}

TEST(Config, HistoryReleaseAndPhases) {
  const ConfigResult result = ParseConfig(
      "[history]\nreplay = false\norder = \"name\"\nroots = [\"db/migrate\"]\nexclude = [\"**/seed*.sql\"]\n"
      "[release]\nmigrations = [\"db/**\"]\ncode = [\"app/**\", \"lib/**\"]\nexclude = []\n"
      "[phases]\ncontract = [\"db/contract/**\"]\nexpand = [\"db/expand/**\"]\n",
      "pgshift.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(result)) << ErrorOf(result);
  const Config& config = std::get<Config>(result);
  EXPECT_FALSE(config.history.replay);
  EXPECT_EQ(config.history.order, rules::MigrationOrderStyle::kName);
  EXPECT_EQ(config.history.roots, std::vector<std::string>{"db/migrate"});
  EXPECT_EQ(config.history.exclude, std::vector<std::string>{"**/seed*.sql"});
  EXPECT_EQ(config.release.migrations, std::vector<std::string>{"db/**"});
  EXPECT_EQ(config.release.code, (std::vector<std::string>{"app/**", "lib/**"}));
  EXPECT_TRUE(config.release.exclude.empty());
  EXPECT_EQ(config.phases.at(rules::Phase::kContract), std::vector<std::string>{"db/contract/**"});
  EXPECT_EQ(config.phases.at(rules::Phase::kExpand), std::vector<std::string>{"db/expand/**"});
}

TEST(Config, ReleaseDefaultsExcludeDocumentation) {
  const Config config = std::get<Config>(ParseConfig("", "pgshift.toml"));
  EXPECT_TRUE(config.history.replay);
  EXPECT_EQ(config.release.code, std::vector<std::string>{"**"});
  EXPECT_NE(std::find(config.release.exclude.begin(), config.release.exclude.end(), "**/*.md"),
            config.release.exclude.end());
}

TEST(Config, UnknownAndBadHistoryKeysNameFileLineAndKey) {
  EXPECT_EQ(ErrorOf(ParseConfig("[release]\ncodes = []\n", "p.toml")),
            "p.toml:2:1: unknown key `release.codes` (did you mean `release.code`?)");
  EXPECT_EQ(ErrorOf(ParseConfig("[phases]\ncleanup = []\n", "p.toml")),
            "p.toml:2:1: unknown key `phases.cleanup`");
  EXPECT_EQ(ErrorOf(ParseConfig("[history]\nreplay = \"yes\"\n", "p.toml")),
            "p.toml:2:10: `history.replay` must be true or false");
  EXPECT_EQ(ErrorOf(ParseConfig("[history]\norder = \"date\"\n", "p.toml")),
            "p.toml:2:9: `history.order` must be \"auto\" or \"name\"");
  EXPECT_EQ(ErrorOf(ParseConfig("[release]\ncode = \"app/**\"\n", "p.toml")),
            "p.toml:2:8: `release.code` must be a list of strings");
  EXPECT_EQ(ErrorOf(ParseConfig("[release]\ncode = [\"\"]\n", "p.toml")),
            "p.toml:2:9: `release.code` must hold non-empty strings");
  EXPECT_EQ(ErrorOf(ParseConfig("release = 1\n", "p.toml")), "p.toml:1:11: `release` must be a table");
}

TEST(Config, HistoryToolNamesARegisteredToolOrNone) {
  EXPECT_EQ(std::get<Config>(ParseConfig("[history]\ntool = \"goose\"\n", "p.toml")).history.tool,
            "goose");
  EXPECT_EQ(std::get<Config>(ParseConfig("[history]\ntool = \"none\"\n", "p.toml")).history.tool,
            "none");
  EXPECT_TRUE(std::get<Config>(ParseConfig("", "p.toml")).history.tool.empty());
  const std::string error = ErrorOf(ParseConfig("[history]\ntool = \"liquibase\"\n", "p.toml"));
  EXPECT_TRUE(error.starts_with("p.toml:2:8: `history.tool` must name a migration tool: atlas, "))
      << error;
  EXPECT_TRUE(error.ends_with("sqlx, and none")) << error;
  EXPECT_TRUE(ErrorOf(ParseConfig("[history]\ntool = 1\n", "p.toml"))
                  .starts_with("p.toml:2:8: `history.tool` must name a migration tool"));
}

TEST(Config, SizesTakeBinaryAndDecimalUnits) {
  EXPECT_EQ(ParseSize("2GiB"), std::size_t{2} << 30);
  EXPECT_EQ(ParseSize("512 MiB"), std::size_t{512} << 20);
  EXPECT_EQ(ParseSize("1.5GB"), std::size_t{1500000000});
  EXPECT_EQ(ParseSize("800MB"), std::size_t{800000000});
  EXPECT_EQ(ParseSize("4096"), std::size_t{4096});
  for (const char* bad : {"", "GiB", "2 gallons", "-1GB", "1e9", "99999999TB"})
    EXPECT_FALSE(ParseSize(bad).has_value()) << bad;
  const ConfigResult config = ParseConfig("max_memory = \"4GiB\"\n", "p.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(config)) << ErrorOf(config);
  EXPECT_EQ(std::get<Config>(config).lint.max_memory, std::size_t{4} << 30);
  EXPECT_EQ(ErrorOf(ParseConfig("max_memory = \"1MiB\"\n", "p.toml")),
            "p.toml:1:14: `max_memory` must be a size of at least 64MiB, such as \"2GiB\"");
}

}  // namespace
}  // namespace pgshift::workspace
