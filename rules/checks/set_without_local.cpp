// A session-level SET in a migration that runs through a transaction pooler (opt-in).
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "set-without-local",
    .summary = "SET without LOCAL, for migrations that run through a transaction pooler (opt-in)",
    .rationale =
        "Behind a pooler in transaction mode (PgBouncer, Supavisor) consecutive transactions may "
        "run on different server connections. A session-level SET outside a transaction block "
        "may not apply to the next statement at all, and one inside a block stays on the "
        "server connection after COMMIT, changing lock_timeout or search_path for whichever "
        "client gets that connection next. Wrap the statements in BEGIN ... COMMIT and use SET "
        "LOCAL, which lasts exactly to the end of the transaction. Turn the rule on with "
        "`[rules] enable = [\"set-without-local\"]` when migrations go through such a pooler.",
    .bad = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;",
    .good =
        "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname "
        "text;\nCOMMIT;",
    .severity = Severity::kWarning,
    .enabled_by_default = false,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_VARIABLE_SET_STMT)) return;
  const auto& set = *ctx.node()->variable_set_stmt;
  // SET TRANSACTION ... (VAR_SET_MULTI) and RESET are not session settings to move.
  if (set.is_local || (set.kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE &&
                       set.kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT)) {
    return;
  }
  const std::string name(parser::Str(set.name));
  report.Add(
      std::string(
          ctx.transaction().in_block
              ? "SET " + name + " outlives the transaction on a pooled server connection"
              : "SET " + name +
                    " outside a transaction may not reach the next statement through a pooler"),
      "Inside BEGIN ... COMMIT, use SET LOCAL " + name + " = ...;");
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
