#include "rules/squawk_rules.h"

namespace pgshift::rules {

const std::vector<SquawkRule>& SquawkRules() {
  // Squawk's rules as its documentation lists them (squawkhq.com/docs/rules).
  static const std::vector<SquawkRule> table = {
      {"adding-field-with-default", {"add-column-volatile-default"}},
      {"adding-foreign-key-constraint", {"foreign-key-without-not-valid"}},
      {"adding-not-nullable-field", {"set-not-null"}},
      {"adding-required-field", {"not-null-column-without-default"}},
      {"adding-serial-primary-key-field", {"add-constraint-builds-index"}},
      {"ban-alter-domain-with-add-constraint", {"domain-constraint-scans-tables"}},
      {"ban-char-field", {"char-column"}},
      {"ban-concurrent-index-creation-in-transaction", {"concurrently-in-transaction"}},
      {"ban-create-domain-with-constraint", {}},
      {"ban-drop-column", {"drop-column"}},
      {"ban-drop-database", {"drop-database"}},
      {"ban-drop-not-null", {"drop-not-null"}},
      {"ban-drop-table", {"drop-table"}},
      {"ban-truncate-cascade", {"truncate-table"}},
      {"ban-uncommitted-transaction", {}},
      {"changing-column-type",
       {"alter-column-type-rebuilds-index", "alter-column-type-rewrite",
        "incompatible-type-change"}},
      {"constraint-missing-not-valid",
       {"check-without-not-valid", "foreign-key-without-not-valid"}},
      {"disallowed-unique-constraint", {"add-constraint-builds-index"}},
      {"identifier-too-long", {"identifier-too-long"}},
      {"prefer-bigint-over-int", {"int-key-may-overflow"}},
      {"prefer-bigint-over-smallint", {"int-key-may-overflow"}},
      {"prefer-identity", {"serial-column"}},
      {"prefer-repack", {"table-rewriting-command"}},
      {"prefer-robust-stmts", {}},
      {"prefer-text-field", {}},
      {"prefer-timestamptz", {"timestamp-without-time-zone"}},
      {"renaming-column", {"rename-column"}},
      {"renaming-table", {"rename-table"}},
      {"require-concurrent-index-creation", {"non-concurrent-index-creation"}},
      {"require-concurrent-index-deletion", {"non-concurrent-index-drop"}},
      {"require-concurrent-partition-detach", {"non-concurrent-detach-partition"}},
      {"require-concurrent-reindex", {"non-concurrent-reindex"}},
      {"require-enum-value-ordering", {"enum-value-without-position"}},
      {"require-table-schema", {}},
      {"require-timeout-settings", {"missing-lock-timeout"}},
      {"syntax-error", {"syntax-error"}},
      {"transaction-nesting", {}},
  };
  return table;
}

std::vector<std::string_view> PgshiftRulesForSquawk(std::string_view squawk) {
  for (const SquawkRule& rule : SquawkRules()) {
    if (rule.squawk == squawk) return rule.pgshift;
  }
  return {};
}

}  // namespace pgshift::rules
