// Flyway (github.com/flyway/flyway), SQL migrations on PostgreSQL.
//
// What pgshift relies on:
// - Names (Flyway's documentation, "Versioned migrations"): V<version>__<description>.sql, the
//   version's parts separated by `.` or `_` and compared as numbers; U<version>__ undoes the
//   migration of its version (Teams); R__<description>.sql are repeatable and run after the
//   versioned ones. Other files in a location are not migrations.
// - Each migration runs in a transaction (`executeInTransaction`, default true). A script
//   configuration file beside it, V2__x.sql.conf holding `executeInTransaction=false`, runs that
//   one without (Flyway's documentation, "Script Configuration"). An inline
//   `-- flyway:executeInTransaction=false` comment is not in that documentation and is not
//   taken for an opt-out here.
// - PostgreSQLParser.detectCanExecuteInTransaction marks statements that cannot run in a
//   transaction: CREATE/DROP [UNIQUE] INDEX CONCURRENTLY, REINDEX SCHEMA/DATABASE/SYSTEM,
//   VACUUM, DISCARD ALL, CREATE/DROP DATABASE/TABLESPACE/SUBSCRIPTION, ALTER SYSTEM (and ALTER
//   TYPE ... ADD VALUE before PostgreSQL 12, left out here). A script of such statements only
//   runs without a transaction; one that mixes them with others is refused unless `mixed` is
//   set (flyway/flyway issue 3854 shows the detection at work).
#include <algorithm>
#include <cctype>

#include "parser/splitter.h"
#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

enum class Kind { kVersioned, kUndo, kRepeatable, kOther };

struct FlywayName {
  Kind kind = Kind::kOther;
  std::vector<std::string_view> version;
};

FlywayName Parse(std::string_view base) {
  FlywayName name;
  if (!base.ends_with(".sql")) return name;
  if (base.starts_with("R__")) {
    name.kind = Kind::kRepeatable;
    return name;
  }
  if (base.size() < 4 || (base[0] != 'V' && base[0] != 'U' && base[0] != 'B')) return name;
  const std::size_t separator = base.find("__");
  if (separator == std::string_view::npos || separator < 2) return name;
  const std::string_view digits = base.substr(1, separator - 1);
  const bool numeric = std::all_of(digits.begin(), digits.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '_';
  });
  if (!numeric || digits.front() < '0' || digits.front() > '9') return name;
  name.version = rules::LeadingVersion(digits, "._");
  name.kind = base[0] == 'U' ? Kind::kUndo : Kind::kVersioned;
  return name;
}

// A statement's text as Flyway matches it: comments out, upper case, spaces collapsed.
std::string Simplified(std::string_view sql) {
  std::string out;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql.compare(i, 2, "--") == 0) {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) break;
    } else if (sql.compare(i, 2, "/*") == 0) {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) break;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
    }
  }
  return out;
}

bool CannotRunInTransaction(std::string_view sql) {
  const std::string s = Simplified(sql);
  const auto starts = [&](std::string_view prefix) { return s.starts_with(prefix); };
  return starts("CREATE INDEX CONCURRENTLY") || starts("CREATE UNIQUE INDEX CONCURRENTLY") ||
         starts("DROP INDEX CONCURRENTLY") || starts("DROP UNIQUE INDEX CONCURRENTLY") ||
         starts("REINDEX SCHEMA ") || starts("REINDEX DATABASE ") || starts("REINDEX SYSTEM ") ||
         starts("REINDEX VERBOSE SCHEMA ") || starts("REINDEX VERBOSE DATABASE ") ||
         starts("REINDEX VERBOSE SYSTEM ") || starts("VACUUM") || starts("DISCARD ALL") ||
         starts("CREATE DATABASE ") || starts("DROP DATABASE ") || starts("CREATE TABLESPACE ") ||
         starts("DROP TABLESPACE ") || starts("CREATE SUBSCRIPTION ") ||
         starts("DROP SUBSCRIPTION ") || starts("ALTER SYSTEM");
}

// Whether every statement of the script is one Flyway runs outside a transaction.
bool AllNonTransactional(std::string_view text) {
  const parser::SplitResult split = parser::SplitStatements(text);
  if (split.statements.empty()) return false;
  return std::all_of(split.statements.begin(), split.statements.end(),
                     [&](const parser::RawStatement& statement) {
                       return CannotRunInTransaction(
                           text.substr(statement.span.begin, statement.span.size()));
                     });
}

// Whether the script configuration file beside `path` turns the transaction off.
bool ConfiguredOutsideTransaction(const std::string& path, const FileSource& source) {
  const auto conf = source.Read(path + ".conf", kHeadBytes);
  if (!conf) return false;
  for (const Line& line : Lines(*conf)) {
    std::string setting;
    for (char c : line.text) {
      if (c != ' ' && c != '\t') setting += c;
    }
    if (setting == "executeInTransaction=false" || setting == "flyway.executeInTransaction=false") {
      return true;
    }
  }
  return false;
}

class Flyway : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "flyway",
        .recognised_by = "files named `V<version>__<description>.sql`",
        .order = "versions (`V1`, `V1.1`, `V1_2`) as numbers; `R__` repeatables after all",
        .pairing = "`U<version>__<description>.sql`: the `V` of the same version",
        .transaction = "each script in a transaction, except one whose every statement cannot "
                       "run in one (CREATE INDEX CONCURRENTLY, VACUUM, ...)",
        .opt_out = "`executeInTransaction=false` in `V<version>__<description>.sql.conf` beside "
                   "the script",
        .precedence = 100,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    const SqlFiles files = List(root, source);
    for (const std::string& file : *files) {
      if (Parse(BaseName(file)).kind == Kind::kVersioned) {
        return "files named `V<version>__<description>.sql`";
      }
    }
    return std::nullopt;
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    std::vector<std::string> repeatable;
    HistoryPlan plan = PlanByVersion(files, [&](const std::string& path) {
      Classified c;
      const FlywayName name = Parse(BaseName(path));
      c.version = name.version;
      switch (name.kind) {
        case Kind::kVersioned:
          c.kind = Classified::kUp;
          break;
        case Kind::kUndo:
          c.kind = Classified::kDown;
          break;
        case Kind::kRepeatable:
          repeatable.push_back(path);
          c.reason = "repeatable";
          break;
        case Kind::kOther:
          c.reason = "not named as a Flyway migration";
          break;
      }
      return c;
    });
    // Repeatable migrations run after every versioned one, by description.
    std::erase_if(plan.skipped, [](const NotMigration& m) { return m.reason == "repeatable"; });
    std::sort(repeatable.begin(), repeatable.end(), [](const std::string& a, const std::string& b) {
      return BaseName(a) < BaseName(b);
    });
    for (const std::string& path : repeatable) {
      plan.units.push_back(plan.files.size());
      plan.files.push_back(path);
    }
    return plan;
  }

  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource& source) const override {
    const Direction direction =
        Parse(BaseName(path)).kind == Kind::kUndo ? Direction::kDown : Direction::kUp;
    if (ConfiguredOutsideTransaction(path, source)) {
      return WholeFile(text, direction, rules::TransactionWrapping::kNone,
                       "`executeInTransaction=false` in " + std::string(BaseName(path)) + ".conf");
    }
    if (AllNonTransactional(text)) {
      return WholeFile(text, direction, rules::TransactionWrapping::kNone,
                       "every statement is one Flyway runs outside a transaction");
    }
    return WholeFile(text, direction, rules::TransactionWrapping::kPerFile);
  }

  bool RunsConcurrentScriptsOutsideTransaction() const override { return true; }

  std::string OptOut(const std::string& path) const override {
    return "Flyway runs each script in a transaction, except a script whose every statement "
           "cannot run in one: put the statement in a script of its own, or create " +
           std::string(BaseName(path)) +
           ".conf beside this one holding `executeInTransaction=false` (a script that mixes "
           "such statements with others is refused unless `mixed` is set).";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Flyway);
}  // namespace pgshift::project
