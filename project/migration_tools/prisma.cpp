// Prisma Migrate (github.com/prisma/prisma, its schema engine in prisma/prisma-engines).
//
// What pgshift relies on:
// - prisma/migrations holds migration_lock.toml and one folder per migration,
//   <timestamp>_<name>/migration.sql; `prisma migrate deploy` applies the folders in name order.
// - prisma-engines, schema-engine's PostgreSQL connector (apply_migration_script): the whole
//   migration.sql is sent with `simple_query`, one simple query: PostgreSQL runs a query of
//   several statements as one implicit transaction, and a single statement outside any. Prisma
//   has no marker to change that: CONCURRENTLY works only alone in its migration.sql.
// - Prisma keeps no down migrations; a down.sql written beside migration.sql (as Prisma's docs
//   suggest for `prisma db execute`) is taken as its rollback.
#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

class Prisma : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "prisma",
        .recognised_by = "migration_lock.toml, or folders `<timestamp>_<name>/` holding "
                         "migration.sql",
        .order = "folder names",
        .pairing = "down.sql in the same folder, if one was written",
        .transaction = "none of its own, but migration.sql is sent as one query: PostgreSQL runs "
                       "several statements as one implicit transaction",
        .opt_out = "none: a statement alone in its migration.sql runs outside a transaction",
        .precedence = 40,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    if (source.IsFile(JoinPath(root, "migration_lock.toml"))) return "migration_lock.toml";
    const SqlFiles files = List(root, source);
    for (const std::string& file : *files) {
      if (BaseName(file) == "migration.sql" && DirName(DirName(file)) == root) {
        return "folders `<timestamp>_<name>/` holding migration.sql";
      }
    }
    return std::nullopt;
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    return PlanByVersion(files, [](const std::string& path) {
      Classified c;
      const std::string_view base = BaseName(path);
      const std::string_view folder = BaseName(DirName(path));
      c.version = rules::LeadingVersion(folder, "");
      if (c.version.empty() || (base != "migration.sql" && base != "down.sql")) {
        c.reason = "not migration.sql of a migration folder";
        return c;
      }
      c.kind = base == "migration.sql" ? Classified::kUp : Classified::kDown;
      return c;
    });
  }

  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource&) const override {
    return WholeFile(text, BaseName(path) == "down.sql" ? Direction::kDown : Direction::kUp,
                     rules::TransactionWrapping::kOneQuery);
  }

  std::string OptOut(const std::string&) const override {
    return "Prisma sends migration.sql as one query, which PostgreSQL runs as one transaction "
           "when it holds more than one statement: put the statement alone in a migration of its "
           "own (`prisma migrate dev --create-only`, then leave only it in migration.sql).";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Prisma);
}  // namespace pgshift::project
