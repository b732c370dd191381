// Directives written in SQL comments: suppressions, and (in fixtures) expectations.
//
//   -- pgshift-ignore rule-id[, rule-id...]: reason      the next statement
//   -- pgshift-ignore-file rule-id[, rule-id...]: reason  the whole file
//   -- expect: [rule-id] "part of the message"            fixtures: a finding on the next line
#pragma once

#include <string>
#include <vector>

#include "parser/parsed_file.h"

namespace pgshift::rules {

struct Suppression {
  std::vector<std::string> rules;  // "all" matches every rule
  std::string reason;
  bool whole_file = false;
  parser::Span comment;
  // Index of the statement it covers (the first starting after the comment); SIZE_MAX if none.
  std::size_t statement = static_cast<std::size_t>(-1);
};

std::vector<Suppression> FindSuppressions(const parser::ParsedFile& file);

}  // namespace pgshift::rules
