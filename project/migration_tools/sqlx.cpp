// sqlx (github.com/launchbadge/sqlx), `sqlx migrate` and `sqlx::migrate!`.
//
// What pgshift relies on, from sqlx's source:
// - sqlx-core/src/migrate/source.rs: files are <VERSION>_<DESCRIPTION>.sql, the version an
//   i64; reversible migrations are <VERSION>_<DESCRIPTION>.up.sql and .down.sql. Migrations
//   are sorted by version. The opt-out is `sql.starts_with("-- no-transaction")`: the very
//   first bytes of the file.
// - sqlx-postgres/src/migrate.rs, apply and revert: a migration runs in a transaction together
//   with its bookkeeping unless no_tx; either way its SQL is sent with one execute() of a query
//   without arguments, which sqlx-postgres sends as a simple Query message: PostgreSQL runs a
//   query of several statements as one implicit transaction, so with `-- no-transaction`
//   CONCURRENTLY still needs to be the file's only statement.
// - Recognised by a Cargo.toml (in the directory or up to four above) that names sqlx, since
//   the file names alone are golang-migrate's too.
#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

constexpr std::string_view kMarker = "-- no-transaction";

class Sqlx : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "sqlx",
        .recognised_by = "a Cargo.toml naming sqlx, and files named `<version>_<description>.sql`",
        .order = "the version before the first `_`, as a number",
        .pairing = "`<version>_<description>.down.sql`: the `.up.sql` of the same version",
        .transaction = "each file in a transaction; the file is sent as one query",
        .opt_out = "`-- no-transaction` as the file's first bytes (the file then still runs as "
                   "one implicit transaction when it holds several statements)",
        .precedence = 90,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    if (!ManifestMentions(root, "Cargo.toml", "sqlx", source)) return std::nullopt;
    bool named = false;
    const SqlFiles files = List(root, source);
    for (const std::string& file : *files) {
      const std::string_view base = BaseName(file);
      named = named || (!rules::LeadingVersion(base, "").empty() &&
                        base.find('_') != std::string_view::npos);
    }
    if (!named) return std::nullopt;
    return "Cargo.toml names sqlx; files named `<version>_<description>.sql`";
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    return PlanByLeadingVersion(files, {.expected = "<version>_<description>.sql",
                                        .needs_underscore = true,
                                        .down_suffix = ".down.sql"});
  }

  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource&) const override {
    const bool no_transaction = text.starts_with(kMarker);
    return WholeFile(text, path.ends_with(".down.sql") ? Direction::kDown : Direction::kUp,
                     no_transaction ? rules::TransactionWrapping::kOneQuery
                                    : rules::TransactionWrapping::kPerFile,
                     no_transaction ? "`-- no-transaction`" : "");
  }

  std::string OptOut(const std::string&) const override {
    return "sqlx runs each migration in a transaction unless the file begins with "
           "`-- no-transaction` (its very first bytes). sqlx then sends the file as one query, "
           "which PostgreSQL runs as one transaction when it holds several statements: keep "
           "the statement alone in that migration.";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Sqlx);
}  // namespace pgshift::project
