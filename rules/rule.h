// The rule interface: a RuleDoc and a pure check function, registered from their own file.
//
//   namespace {
//   constexpr RuleDoc kDoc{ .id = "my-rule", ... };
//   void Check(const StatementContext& ctx, Reporter& report) { ... }
//   }  // namespace
//   PGSHIFT_REGISTER_RULE(kDoc, Check);
#pragma once

#include <string_view>
#include <vector>

#include "rules/context.h"
#include "rules/finding.h"

namespace pgshift::rules {

struct RuleDoc {
  std::string_view id;         // kebab-case, equal to the file name with '-' for '_'
  std::string_view summary;    // one line: the pattern it flags
  std::string_view rationale;  // why it hurts in production
  std::string_view bad;        // SQL that fires the rule
  std::string_view good;       // the safe way, which must not fire it
  int min_pg_version = 0;      // the rule only runs for targets at or above this version
  Severity severity = Severity::kError;
  bool enabled_by_default = true;
  // Flags a contract change (drop, rename): expected in a contract phase, where it does not run.
  bool contract_change = false;
  // Judges a migration against its release (--release, --changed-files): runs only when the
  // release is known. Its bad example assumes a release that also changes application code
  // using the names it touches; its good example a release of migrations only.
  bool needs_release = false;
  // Its hazard is also named by a lock, scan or rewrite rule when both fire on one statement:
  // the engine drops its finding on a statement that takes ACCESS EXCLUSIVE on an existing table
  // and already carries an error or warning, suppressed or not, of such a rule (LockHazardRules
  // in rules/analysis/lock_hazard_rules.h): that finding already says reads and writes wait.
  bool defers_to_other_findings = false;
  // Another rule that names the same hazard: where that rule reports on the same statement
  // (suppressed or not), this rule's finding goes, so that one hazard gets one finding.
  std::string_view defers_to = {};
};

using CheckFunction = void (*)(const StatementContext& ctx, Reporter& report);

struct RuleDefinition {
  const RuleDoc* doc;
  CheckFunction check;  // null for diagnostics the engine itself reports
  const char* source_file;  // where the rule is defined, for the guard tests
};

// Every registered rule, sorted by id.
const std::vector<RuleDefinition>& AllRules();
const RuleDefinition* FindRule(std::string_view id);

struct Registration {
  Registration(const RuleDoc& doc, CheckFunction check, const char* source_file);
};

}  // namespace pgshift::rules

#define PGSHIFT_REGISTER_RULE(doc, check) \
  static const ::pgshift::rules::Registration kPgshiftRuleRegistration{doc, check, __FILE__}
