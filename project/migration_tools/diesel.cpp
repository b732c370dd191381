// diesel (github.com/diesel-rs/diesel), `diesel migration run` and embed_migrations!.
//
// What pgshift relies on, from diesel's source:
// - diesel_migrations/migrations_internals/src/lib.rs: a migration is a folder holding up.sql;
//   its version is the folder name before the first `_` with every `-` removed
//   (version_from_string), and versions compare as strings. TomlMetadata reads metadata.toml
//   in the folder: `run_in_transaction` defaults to true when the file is missing or does not
//   parse, but a metadata.toml without the key reads false (`#[serde(default)]` on a bool).
// - diesel_migrations/src/file_based_migrations.rs: run and revert execute up.sql and down.sql
//   with batch_execute, which PgConnection sends as one simple query: PostgreSQL runs a query of
//   several statements as one implicit transaction, so with `run_in_transaction = false`
//   CONCURRENTLY still needs to be the only statement of up.sql. down.sql rolls back up.sql.
#include <toml++/toml.h>

#include "project/migration_tool.h"
#include "project/tool_helpers.h"

namespace pgshift::project {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The folder's version as diesel compares it: the name before `_`, without `-`.
std::string VersionOf(std::string_view folder) {
  std::string version;
  for (char c : folder.substr(0, folder.find('_'))) {
    if (c != '-') version += c;
  }
  return version;
}

// Whether the migration folder's metadata.toml has diesel run it in a transaction.
std::optional<bool> RunInTransaction(const std::string& folder, const FileSource& source) {
  const auto text = source.Read(JoinPath(folder, "metadata.toml"), kHeadBytes);
  if (!text) return std::nullopt;
  try {
    const toml::table table = toml::parse(*text);
    return table["run_in_transaction"].value_or(false);
  } catch (const toml::parse_error&) {
    return std::nullopt;  // diesel falls back to its default
  }
}

class Diesel : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "diesel",
        .recognised_by = "folders `<version>_<name>/` holding up.sql",
        .order = "the folder name before the first `_`, without `-`, as text",
        .pairing = "down.sql in the same folder",
        .transaction = "each migration in a transaction; up.sql is sent as one query",
        .opt_out = "`run_in_transaction = false` in the folder's metadata.toml (up.sql then still "
                   "runs as one implicit transaction when it holds several statements)",
        .precedence = 80,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    const SqlFiles files = List(root, source);
    for (const std::string& file : *files) {
      const std::string_view folder = BaseName(DirName(file));
      if (BaseName(file) == "up.sql" && !folder.empty() && IsDigit(folder[0]) &&
          DirName(DirName(file)) == root) {
        return "folders `<version>_<name>/` holding up.sql";
      }
    }
    return std::nullopt;
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    // Versions as text: kept alive here for the views PlanByVersion compares.
    std::vector<std::string> versions;
    versions.reserve(files.size());
    for (const std::string& file : files) versions.push_back(VersionOf(BaseName(DirName(file))));
    HistoryPlan plan = PlanByVersion(files, [&](const std::string& path) {
      Classified c;
      const std::string_view base = BaseName(path);
      const std::string_view folder = BaseName(DirName(path));
      if ((base != "up.sql" && base != "down.sql") || folder.empty() || !IsDigit(folder[0])) {
        c.reason = "not up.sql or down.sql of a migration folder";
        return c;
      }
      c.version = {versions[static_cast<std::size_t>(&path - files.data())]};
      c.kind = base == "up.sql" ? Classified::kUp : Classified::kDown;
      return c;
    });
    return plan;
  }

  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource& source) const override {
    const bool in_transaction = RunInTransaction(std::string(DirName(path)), source).value_or(true);
    return WholeFile(text, BaseName(path) == "down.sql" ? Direction::kDown : Direction::kUp,
                     in_transaction ? rules::TransactionWrapping::kPerFile
                                    : rules::TransactionWrapping::kOneQuery,
                     in_transaction ? "" : "`run_in_transaction = false` in metadata.toml");
  }

  std::string OptOut(const std::string& path) const override {
    return "diesel runs each migration in a transaction: add `run_in_transaction = false` to " +
           JoinPath(BaseName(DirName(path)), "metadata.toml") +
           " (beside up.sql). diesel then sends up.sql as one query, which PostgreSQL runs as "
           "one transaction when it holds several statements: keep the statement alone in that "
           "migration.";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Diesel);
}  // namespace pgshift::project
