// Which lock_timeout and statement_timeout are in effect before each statement, as set by the
// file itself (SET, SET LOCAL, RESET, SELECT set_config(...)). SET LOCAL lasts to the end of its
// transaction block and does nothing outside one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "parser/ast.h"
#include "parser/parsed_file.h"
#include "rules/analysis/transactions.h"

namespace pgshift::rules {

struct TimeoutValue {
  long milliseconds = 0;      // 0: no limit
  std::size_t statement = 0;  // the statement that set it
  bool by_tool = false;       // set by the tool running the file (value not known here)
};

struct TimeoutsInEffect {
  std::optional<TimeoutValue> lock_timeout;  // unset: the server's (or role's) setting
  std::optional<TimeoutValue> statement_timeout;
};

// One assignment of a timeout in a statement.
struct TimeoutAssignment {
  std::string name;                  // "lock_timeout" or "statement_timeout"
  std::optional<long> milliseconds;  // nullopt: RESET or DEFAULT
  bool local = false;                // SET LOCAL, or set_config(..., true)
};

// The timeouts a statement sets, if any.
std::vector<TimeoutAssignment> TimeoutsSetBy(const parser::Node* statement);

// A GUC time value in milliseconds, as PostgreSQL reads it for these settings ('5s', '500ms',
// '1min', '2h', '1d', or a bare number of milliseconds); nullopt when it cannot tell.
std::optional<long> ParseMilliseconds(std::string_view value);

// The timeouts in effect before each statement of the file; `tool_sets_lock_timeout` starts the
// session with a lock_timeout set by the tool that runs the file.
std::vector<TimeoutsInEffect> AnalyzeTimeouts(const parser::ParsedFile& file,
                                              const std::vector<TransactionState>& transactions,
                                              bool tool_sets_lock_timeout = false);

}  // namespace pgshift::rules
