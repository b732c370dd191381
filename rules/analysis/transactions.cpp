#include "rules/analysis/transactions.h"

#include "parser/ast.h"

namespace pgshift::rules {
namespace {

enum class Control { kNone, kBegin, kEnd };

Control ControlOf(const parser::Statement& statement) {
  const parser::Node* node = statement.node;
  if (node == nullptr || node->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT) {
    return Control::kNone;
  }
  switch (node->transaction_stmt->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
      return Control::kBegin;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
      return Control::kEnd;
    default:
      return Control::kNone;
  }
}

}  // namespace

std::size_t TransactionStart(const std::vector<TransactionState>& transactions, std::size_t i) {
  while (i > 0 && transactions[i - 1].id == transactions[i].id) --i;
  return i;
}

std::vector<TransactionState> AnalyzeTransactions(const parser::ParsedFile& file,
                                                  TransactionWrapping wrapping) {
  std::vector<TransactionState> states;
  states.reserve(file.statements.size());
  int next_id = 0;
  // Per-file wrapping: the tool sends BEGIN before the file and COMMIT after it.
  bool in_block = wrapping == TransactionWrapping::kPerFile;
  int current = next_id++;
  for (const parser::Statement& statement : file.statements) {
    if (statement.nested()) {
      // A DO block or function body runs inside one transaction: its caller's.
      states.push_back({true, states[statement.parent].id});
      continue;
    }
    switch (ControlOf(statement)) {
      case Control::kBegin:
        if (!in_block) current = next_id++;
        in_block = true;
        states.push_back({true, current});
        continue;
      case Control::kEnd:
        states.push_back({in_block, current});
        in_block = false;
        current = next_id++;
        continue;
      case Control::kNone:
        break;
    }
    if (in_block) {
      states.push_back({true, current});
    } else {
      // Outside an explicit block each statement is its own transaction; a per-statement
      // wrapping tool makes that a transaction block.
      states.push_back({wrapping == TransactionWrapping::kPerStatement, next_id++});
    }
  }
  return states;
}

}  // namespace pgshift::rules
