// pop (github.com/gobuffalo/pop), `soda migrate` and Buffalo's FileMigrator.
//
// What pgshift relies on, from pop's source:
// - migrator.go: files match `^(\d+)_([^.]+)(\.[a-z0-9]+)?\.(up|down)\.(sql|fizz)$`; the
//   optional part names a dialect (match.go; postgresql, pg and pgx are postgres), and a file
//   for another dialect does not run. Ups run in version order (compared as text, the same as
//   numbers for versions of one length); of two files of one version, the dialect's runs and
//   the other is skipped as applied.
// - migrator.go, UpTo and Down: every migration runs inside c.Transaction together with its
//   bookkeeping; there is no marker to run one outside a transaction.
// - file_migrator.go: the file is rendered as a Go template (text/template, with the
//   connection's details: `{{ index .Options "Namespace" }}`) and sent with one Exec.
// - Recognised by a go.mod (in the directory or up to four above) requiring gobuffalo/pop,
//   since the file names alone are golang-migrate's too.
#include <algorithm>

#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

struct PopName {
  std::string_view version;
  std::string_view dialect;  // "" when the file is for every dialect
  Direction direction = Direction::kUp;
};

// `<digits>_<name>[.<dialect>].(up|down).sql`, else nullopt.
std::optional<PopName> ParseName(std::string_view base) {
  PopName name;
  if (base.ends_with(".up.sql")) {
    base.remove_suffix(7);
  } else if (base.ends_with(".down.sql")) {
    base.remove_suffix(9);
    name.direction = Direction::kDown;
  } else {
    return std::nullopt;
  }
  const std::size_t underscore = base.find('_');
  if (underscore == 0 || underscore == std::string_view::npos) return std::nullopt;
  name.version = base.substr(0, underscore);
  for (char c : name.version) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::string_view rest = base.substr(underscore + 1);
  const std::size_t dot = rest.find('.');
  if (dot == 0 || rest.empty()) return std::nullopt;
  if (dot != std::string_view::npos) {
    name.dialect = rest.substr(dot + 1);
    if (name.dialect.empty() || name.dialect.find('.') != std::string_view::npos) {
      return std::nullopt;
    }
  }
  return name;
}

bool IsPostgres(std::string_view dialect) {
  return dialect == "postgres" || dialect == "postgresql" || dialect == "pg" || dialect == "pgx";
}

class Pop : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "pop",
        .recognised_by =
            "a go.mod requiring gobuffalo/pop, and files named `<version>_<name>.up.sql`",
        .order = "the version before the first `_`, as a number",
        .pairing = "`<version>_<name>.down.sql`: the up file of the same version",
        .transaction = "each migration in a transaction; the file is sent as one query",
        .opt_out = "none: every migration runs in a transaction",
        .precedence = 95,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    bool named = false;
    const SqlFiles files = List(root, source);
    for (const std::string& file : *files) {
      named = named || ParseName(BaseName(file)).has_value();
    }
    if (!named || !ManifestMentions(root, "go.mod", "github.com/gobuffalo/pop", source)) {
      return std::nullopt;
    }
    return "go.mod requires gobuffalo/pop; files named `<version>_<name>.up.sql`";
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    // The versions and directions that have a file of their own for PostgreSQL: pop runs that
    // one, and skips the file for every dialect as applied.
    std::vector<std::pair<std::string_view, Direction>> specific;
    for (const std::string& file : files) {
      const std::optional<PopName> name = ParseName(BaseName(file));
      if (name && IsPostgres(name->dialect)) specific.emplace_back(name->version, name->direction);
    }
    return PlanByVersion(files, [&](const std::string& path) {
      Classified c;
      const std::string_view base = BaseName(path);
      const std::optional<PopName> name = ParseName(base);
      if (!name) {
        c.reason = "not named <version>_<name>.up.sql or .down.sql";
      } else if (!name->dialect.empty() && !IsPostgres(name->dialect)) {
        c.reason = "for " + std::string(name->dialect);
      } else if (name->dialect.empty() &&
                 std::find(specific.begin(), specific.end(),
                           std::make_pair(name->version, name->direction)) != specific.end()) {
        c.reason = "its version has a file for postgres, which pop runs instead";
      } else {
        c.version = rules::LeadingVersion(base, "");
        c.kind = name->direction == Direction::kUp ? Classified::kUp : Classified::kDown;
      }
      return c;
    });
  }

  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource&) const override {
    const std::optional<PopName> name = ParseName(BaseName(path));
    return WholeFile(text, name ? name->direction : Direction::kUp,
                     rules::TransactionWrapping::kPerFile);
  }

  std::string OptOut(const std::string&) const override {
    return "pop runs every migration in a transaction and has no marker to run one outside: a "
           "statement that cannot run in a transaction block has to run outside pop's "
           "migrations.";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Pop);
}  // namespace pgshift::project
