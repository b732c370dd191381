// golang-migrate (github.com/golang-migrate/migrate), the postgres and pgx drivers.
//
// What pgshift relies on:
// - Files are {version}_{title}.up.sql and {version}_{title}.down.sql, the version an unsigned
//   integer; they apply in version order and a down file rolls back the up file of its version
//   (MIGRATIONS.md in golang-migrate).
// - database/postgres/postgres.go, Run: unless `x-multi-statement` is set in the URL, the whole
//   file is read and sent with one ExecContext, a simple query of all its statements. PostgreSQL
//   runs such a query as one implicit transaction, so CREATE INDEX CONCURRENTLY fails there
//   unless it is the file's only statement. golang-migrate itself opens no transaction and has
//   no marker to change this; `x-multi-statement=true` splits on semicolons and runs the
//   statements one by one (a connection setting pgshift cannot see).
// - A Cargo.toml naming sqlx next to the files means sqlx, which names files the same way.
#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

// `<digits>_<title>.up.sql` / `.down.sql`: the direction, or nullopt.
std::optional<Direction> DirectionOf(std::string_view base) {
  const std::size_t underscore = base.find('_');
  if (underscore == 0 || underscore == std::string_view::npos) return std::nullopt;
  for (char c : base.substr(0, underscore)) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (base.ends_with(".up.sql")) return Direction::kUp;
  if (base.ends_with(".down.sql")) return Direction::kDown;
  return std::nullopt;
}

class GolangMigrate : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "golang-migrate",
        .recognised_by = "files named `<version>_<title>.up.sql` (no Cargo.toml naming sqlx)",
        .order = "the version before the first `_`, as a number",
        .pairing = "`<version>_<title>.down.sql`: the up file of the same version",
        .transaction = "none of its own, but the file is sent as one query: PostgreSQL runs "
                       "several statements as one implicit transaction",
        .opt_out = "none: a statement alone in its file runs outside a transaction "
                   "(`x-multi-statement=true` in the URL runs statements one by one)",
        .precedence = 110,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    bool up = false;
    const SqlFiles files = List(root, source);
    for (const std::string& file : *files) {
      up = up || DirectionOf(BaseName(file)) == Direction::kUp;
    }
    if (!up || ManifestMentions(root, "Cargo.toml", "sqlx", source)) return std::nullopt;
    return "files named `<version>_<title>.up.sql`";
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    return PlanByVersion(files, [](const std::string& path) {
      Classified c;
      const std::string_view base = BaseName(path);
      const std::optional<Direction> direction = DirectionOf(base);
      if (!direction) {
        c.reason = "not named <version>_<title>.up.sql or .down.sql";
        return c;
      }
      c.version = rules::LeadingVersion(base, "");
      c.kind = *direction == Direction::kUp ? Classified::kUp : Classified::kDown;
      return c;
    });
  }

  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource&) const override {
    return WholeFile(text, DirectionOf(BaseName(path)).value_or(Direction::kUp),
                     rules::TransactionWrapping::kOneQuery);
  }

  std::string OptOut(const std::string&) const override {
    return "golang-migrate sends the whole file as one query, which PostgreSQL runs as one "
           "transaction when it holds more than one statement: put the statement alone in a "
           "migration of its own (or set `x-multi-statement=true` in the database URL, which "
           "runs the statements one by one).";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(GolangMigrate);
}  // namespace pgshift::project
