#include "rules/analysis/transactions.h"

#include <algorithm>

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

bool HasConcurrentlyOption(parser::Node* const* items, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (items[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
        parser::Str(items[i]->def_elem->defname) == "concurrently") {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view RefusedInTransactionBlock(const parser::Node* node) {
  if (node == nullptr) return {};
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return node->index_stmt->concurrent ? "CREATE INDEX CONCURRENTLY" : "";
    case PG_QUERY__NODE__NODE_DROP_STMT:
      return node->drop_stmt->concurrent ? "DROP INDEX CONCURRENTLY" : "";
    case PG_QUERY__NODE__NODE_REINDEX_STMT: {
      const auto* reindex = node->reindex_stmt;
      if (HasConcurrentlyOption(reindex->params, reindex->n_params)) return "REINDEX CONCURRENTLY";
      return reindex->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA ||
                     reindex->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM ||
                     reindex->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE
                 ? "REINDEX SCHEMA / DATABASE / SYSTEM"
                 : "";
    }
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
      return node->vacuum_stmt->is_vacuumcmd ? "VACUUM" : "";
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
      return node->cluster_stmt->relation == nullptr ? "CLUSTER of every table" : "";
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
      return "CREATE DATABASE";
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
      return "DROP DATABASE";
    case PG_QUERY__NODE__NODE_CREATE_TABLE_SPACE_STMT:
      return "CREATE TABLESPACE";
    case PG_QUERY__NODE__NODE_DROP_TABLE_SPACE_STMT:
      return "DROP TABLESPACE";
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
      return "ALTER SYSTEM";
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      for (std::size_t i = 0; i < node->alter_table_stmt->n_cmds; ++i) {
        const parser::Node* cmd = node->alter_table_stmt->cmds[i];
        if (cmd->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
        const parser::Node* def = cmd->alter_table_cmd->def;
        if (def != nullptr && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
            def->partition_cmd->concurrent) {
          return "DETACH PARTITION CONCURRENTLY";
        }
      }
      return {};
    default:
      return {};
  }
}

std::size_t TransactionStart(const std::vector<TransactionState>& transactions, std::size_t i) {
  while (i > 0 && transactions[i - 1].id == transactions[i].id) --i;
  return i;
}

std::vector<TransactionState> AnalyzeTransactions(const parser::ParsedFile& file,
                                                  TransactionWrapping wrapping) {
  std::vector<TransactionState> states;
  states.reserve(file.statements.size());
  int next_id = 0;
  // Sent as one query, a file of several statements runs in an implicit transaction block:
  // BEGIN makes it explicit, and after a COMMIT the next statement opens another.
  const bool implicit =
      wrapping == TransactionWrapping::kOneQuery &&
      std::count_if(file.statements.begin(), file.statements.end(),
                    [](const parser::Statement& s) { return !s.nested(); }) > 1;
  // Per-file wrapping: the tool sends BEGIN before the file and COMMIT after it.
  bool in_block = wrapping == TransactionWrapping::kPerFile || implicit;
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
        in_block = implicit;
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
