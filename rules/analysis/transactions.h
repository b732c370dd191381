// Which statements run inside a transaction block, and which share one.
#pragma once

#include <vector>

#include "parser/parsed_file.h"
#include "rules/lint_settings.h"

namespace pgshift::rules {

struct TransactionState {
  // Inside BEGIN ... COMMIT, explicit or added by the migration tool: CONCURRENTLY fails here,
  // and every lock taken is held until the block ends.
  bool in_block = false;
  // Statements with the same id run in the same transaction (autocommit statements get their own).
  int id = 0;
};

std::vector<TransactionState> AnalyzeTransactions(const parser::ParsedFile& file,
                                                  TransactionWrapping wrapping);

}  // namespace pgshift::rules
