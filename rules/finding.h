// What the linter reports: one hazard at one place, with what to do instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/source_text.h"
#include "parser/splitter.h"

namespace pgshift::rules {

// How help says that `pgshift lint --fix` makes the change it shows; the engine takes it out of a
// finding whose edits it withholds.
inline constexpr std::string_view kFixDoesThis = " (pgshift lint --fix does this)";

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

std::string_view SeverityName(Severity severity);
std::optional<Severity> ParseSeverity(std::string_view name);

// A machine-applicable change to the file: replace the bytes of `span` (empty for an insertion)
// with `replacement`. Positions come from the parse tree and the scanner's tokens.
struct Edit {
  parser::Span span;
  std::string replacement;
};

struct Finding {
  std::string rule;
  Severity severity = Severity::kError;
  std::string message;  // the risk, stated
  std::string help;     // what to do instead, often the exact safe SQL
  std::string lock;     // what the statement locks and what that blocks; empty if not relevant
  std::string file;
  parser::Span span;    // bytes in the file
  parser::LineColumn start;
  parser::LineColumn end;
  // Where a rewrite is exact (adding CONCURRENTLY, NOT VALID plus a later VALIDATE), the edits
  // that make it, applied together by `pgshift lint --fix`; empty otherwise.
  std::vector<Edit> fix;
};

}  // namespace pgshift::rules
