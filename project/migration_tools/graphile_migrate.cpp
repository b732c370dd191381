// graphile-migrate (github.com/graphile/migrate).
//
// What pgshift relies on, from graphile-migrate's README and docs/comments.md:
// - migrations/committed/ holds the committed migrations, 000001.sql (or 000001-message.sql),
//   applied in number order, each starting with `--! Previous:` / `--! Hash:` headers
//   (`--! Message:`, `--! AllowInvalidHash` too) separated from the body by an empty line.
//   migrations/current.sql, or the files of migrations/current/ joined in number order, is the
//   migration being written: applied after the committed ones, as one migration.
// - There are no down migrations.
// - "To disable wrapping a given migration file in a transaction, use the special comment
//   `--! no-transaction` at the top of the migration file"; it has to be the very first line
//   after the headers, and is refused in current/*.sql. "pg always runs multi-statement queries
//   in a pseudo-transaction, so --! no-transaction migrations must contain exactly one
//   statement."
#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

bool IsHeader(std::string_view line) {
  return line.starts_with("--! ") && line.size() > 4 && line[4] >= 'A' && line[4] <= 'Z';
}

// Whether the body's first line, after the headers and empty lines, is `--! no-transaction`.
bool NoTransaction(std::string_view text) {
  for (const Line& line : Lines(text)) {
    const std::string_view trimmed = TrimSpace(line.text);
    if (trimmed.empty() || IsHeader(line.text)) continue;
    return trimmed == "--! no-transaction";
  }
  return false;
}

bool InCurrentFolder(std::string_view path) { return BaseName(DirName(path)) == "current"; }

class GraphileMigrate : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "graphile-migrate",
        .recognised_by = "committed/ (and current.sql or current/) as graphile-migrate keeps them",
        .order = "committed/ by number, then current.sql or current/ (one migration)",
        .pairing = "none: there are no down migrations",
        .transaction = "each migration in a transaction; the file is sent as one query",
        .opt_out = "`--! no-transaction` as the first line after the headers (the migration must "
                   "then hold a single statement)",
        .precedence = 30,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    const std::string committed = JoinPath(root, "committed");
    for (const DirectoryEntry& entry : source.List(committed)) {
      if (entry.is_directory || !entry.name.ends_with(".sql")) continue;
      const auto head = source.Read(JoinPath(committed, entry.name), 256);
      if (head && head->starts_with("--! Previous:")) {
        return "committed/ migrations with `--! Previous:` headers";
      }
    }
    if (source.IsFile(JoinPath(root, "current.sql")) && FindUpward(root, ".gmrc", source, 3)) {
      return "current.sql and .gmrc";
    }
    return std::nullopt;
  }

  std::optional<std::string> RootOf(const std::string& path,
                                    const FileSource& source) const override {
    const std::string_view folder = BaseName(DirName(path));
    if (folder != "committed" && folder != "current") return std::nullopt;
    const std::string root(DirName(DirName(path)));
    if (!source.IsDirectory(JoinPath(root, "committed"))) return std::nullopt;
    return root;
  }

  SqlFiles List(const std::string& root, const FileSource& source) const override {
    std::vector<std::string> files;
    for (const char* folder : {"committed", "current"}) {
      const std::string dir = JoinPath(root, folder);
      for (const DirectoryEntry& entry : source.List(dir)) {
        if (!entry.is_directory && entry.name.ends_with(".sql")) {
          files.push_back(JoinPath(dir, entry.name));
        }
      }
    }
    if (source.IsFile(JoinPath(root, "current.sql"))) files.push_back(JoinPath(root, "current.sql"));
    return std::make_shared<const std::vector<std::string>>(std::move(files));
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    HistoryPlan plan = PlanByVersion(files, [](const std::string& path) {
      Classified c;
      const std::string_view folder = BaseName(DirName(path));
      const std::string_view base = BaseName(path);
      if (base == "current.sql" && folder != "committed" && folder != "current") {
        c.kind = Classified::kUp;
        c.version = {"999999999999999999999"};  // after every committed migration
        return c;
      }
      c.version = rules::LeadingVersion(base, "");
      if ((folder != "committed" && folder != "current") || c.version.empty()) {
        c.reason = "not a graphile-migrate migration";
        return c;
      }
      c.kind = Classified::kUp;
      if (folder == "current") c.version.insert(c.version.begin(), "999999999999999999999");
      return c;
    });
    // The files of current/ are one migration.
    for (std::size_t i = 1; i < plan.files.size(); ++i) {
      if (InCurrentFolder(plan.files[i]) && InCurrentFolder(plan.files[i - 1])) {
        plan.units[i] = plan.units[i - 1];
      }
    }
    return plan;
  }

  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource&) const override {
    const bool no_transaction = !InCurrentFolder(path) && NoTransaction(text);
    return WholeFile(text, Direction::kUp,
                     no_transaction ? rules::TransactionWrapping::kOneQuery
                                    : rules::TransactionWrapping::kPerFile,
                     no_transaction ? "`--! no-transaction`" : "");
  }

  std::string OptOut(const std::string&) const override {
    return "graphile-migrate runs each migration in a transaction: put `--! no-transaction` as "
           "the first line of the migration (after the `--! Previous` and `--! Hash` headers of "
           "a committed one). The migration is then sent as one query, which PostgreSQL runs as "
           "one transaction when it holds several statements: it must hold only this statement.";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(GraphileMigrate);
}  // namespace pgshift::project
