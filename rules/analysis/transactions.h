// Which statements run inside a transaction block, and which share one.
#pragma once

#include <string_view>
#include <vector>

#include "parser/ast.h"
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

// The first statement of the transaction that statement `i` runs in (i itself when it runs alone):
// rules that look back across statements look at [TransactionStart(i), i).
std::size_t TransactionStart(const std::vector<TransactionState>& transactions, std::size_t i);

std::vector<TransactionState> AnalyzeTransactions(const parser::ParsedFile& file,
                                                  TransactionWrapping wrapping);

// The statement forms PostgreSQL refuses inside a transaction block, by their parse tree:
// "CREATE INDEX CONCURRENTLY", "VACUUM", ...; empty for every other statement.
std::string_view RefusedInTransactionBlock(const parser::Node* statement);

}  // namespace pgshift::rules
