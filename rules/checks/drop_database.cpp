// DROP DATABASE in a migration.
#include <algorithm>
#include <string>

#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-database",
    .summary = "DROP DATABASE",
    .rationale =
        "A migration runs unattended against every environment, production included: a DROP "
        "DATABASE there deletes every table and row in it, and no transaction can undo it "
        "(PostgreSQL refuses DROP DATABASE inside one). Dropping a database is an operation "
        "for a person at a console, with a backup, not a step in a migration.",
    .bad = "DROP DATABASE analytics;",
    .good =
        "-- not in a migration: by hand, after a backup\n"
        "--   pg_dump -Fc analytics > analytics.dump && dropdb analytics",
    .severity = Severity::kError,
};

// A word for the shell: as it is when it is plain, else in single quotes (a database name is
// taken as written, case and spaces included).
std::string ShellWord(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
  if (plain) return word;
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_DROPDB_STMT)) return;
  const std::string name(parser::Str(ctx.node()->dropdb_stmt->dbname));
  const std::string shell = ShellWord(name), dump = ShellWord(name + ".dump");
  report.Add("DROP DATABASE " + QuoteIdent(name) + " deletes the whole database, irrevocably",
             "Take it out of the migration; drop the database by hand after a backup:\n"
             "  pg_dump -Fc " +
                 shell + " > " + dump + " && dropdb " + shell);
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
