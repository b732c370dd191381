// What the linter reports: one hazard at one place, with what to do instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parser/source_text.h"
#include "parser/splitter.h"

namespace pgshift::rules {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

std::string_view SeverityName(Severity severity);
std::optional<Severity> ParseSeverity(std::string_view name);

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
};

}  // namespace pgshift::rules
