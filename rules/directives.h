// Directives written in SQL comments: suppressions, and (in fixtures) expectations.
//
//   -- pgshift-ignore rule-id[, rule-id...]: reason      the next statement
//   -- pgshift-ignore-file rule-id[, rule-id...]: reason  the whole file
//   -- squawk-ignore[-file] squawk-rule[, ...]             the same, in Squawk's rule names
//   -- expect: [rule-id] "part of the message"            fixtures: a finding on the next line
//   -- pgshift: phase=contract                            the file's phase (top of the file)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "parser/parsed_file.h"
#include "rules/phase.h"

namespace pgshift::rules {

struct Suppression {
  std::vector<std::string> rules;  // "all" matches every rule
  std::string reason;
  bool whole_file = false;
  // A `-- squawk-ignore` comment, its Squawk names mapped to pgshift's (rules/squawk_rules.h).
  // Squawk asks no reason, and a team's old suppressions of hazards pgshift does not see are not
  // stale: neither is reported.
  bool from_squawk = false;
  parser::Span comment;
  // Index of the statement it covers (the first starting after the comment); SIZE_MAX if none.
  std::size_t statement = static_cast<std::size_t>(-1);
};

std::vector<Suppression> FindSuppressions(const parser::ParsedFile& file);

// A `-- pgshift: key=value ...` directive about the whole file. Only `phase` is known; it must
// sit among the comments before the first statement.
struct FileDirective {
  std::optional<Phase> phase;
  parser::Span comment;
  std::string error;  // set when the directive is not understood: the rest is then empty
};

std::vector<FileDirective> FindFileDirectives(const parser::ParsedFile& file);

}  // namespace pgshift::rules
