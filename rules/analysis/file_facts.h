// Facts about a whole file, computed once before any rule runs and read by many rules.
#pragma once

#include <vector>

#include "parser/parsed_file.h"
#include "rules/analysis/lock_model.h"
#include "rules/analysis/timeouts.h"
#include "rules/analysis/transactions.h"

namespace pgshift::rules {

struct FileFacts {
  std::vector<TransactionState> transactions;  // one per statement
  // What each statement locks. Filled in statement order as the engine goes, so a rule checking
  // statement i may read entries 0..i (looking back), never later ones.
  std::vector<std::vector<TableLock>> locks;
  // The 1-based line each statement starts on, for messages that point back at an earlier one.
  std::vector<int> lines;
  // The lock_timeout and statement_timeout in effect before each statement.
  std::vector<TimeoutsInEffect> timeouts;
};

}  // namespace pgshift::rules
