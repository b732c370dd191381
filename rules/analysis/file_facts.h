// Facts about a whole file, computed once before any rule runs and read by many rules.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "parser/parsed_file.h"
#include "rules/analysis/built_indexes.h"
#include "rules/analysis/lock_model.h"
#include "rules/analysis/timeouts.h"
#include "rules/analysis/transactions.h"

namespace pgshift::rules {

struct FileFacts {
  std::vector<TransactionState> transactions;  // one per statement
  // What each statement locks. Filled in statement order as the engine goes, so a rule checking
  // statement i may read entries 0..i (looking back), never later ones.
  std::vector<std::vector<TableLock>> locks;
  // Whether each statement runs when the file does: false inside a function body, which runs
  // only when the function is called, under its caller's transaction and settings.
  std::vector<bool> runs_with_file;
  BuiltIndexes built_indexes;  // the indexes each statement builds
  // The 1-based line each statement starts on, for messages that point back at an earlier one.
  std::vector<int> lines;
  // The lock_timeout and statement_timeout in effect before each statement.
  std::vector<TimeoutsInEffect> timeouts;
  // Tables the file drops (DROP TABLE run with the file), with the statement that drops each.
  std::vector<std::pair<std::size_t, parser::QualifiedName>> dropped_tables;

  // Whether a statement after `i` drops `table`: whatever `i` does to it is gone by the end of
  // the file, and the drop is the one change the application sees. A drop itself stays the
  // drop, even when the file drops the name again.
  bool DroppedLater(std::size_t i, const parser::QualifiedName& table) const {
    bool later = false;
    for (const auto& [at, name] : dropped_tables) {
      if (!name.Matches(table)) continue;
      if (at == i) return false;
      later |= at > i;
    }
    return later;
  }

  // The first statement before `i` in its transaction that took ACCESS EXCLUSIVE on `table`, an
  // existing one: the table is closed to reads and writes from then until the transaction ends.
  std::optional<std::size_t> AccessExclusiveSince(std::size_t i,
                                                  const parser::QualifiedName& table) const {
    if (!transactions[i].in_block) return std::nullopt;
    for (std::size_t k = TransactionStart(transactions, i); k < i; ++k) {
      for (const TableLock& lock : LocksWithFile(k)) {
        if (!lock.new_table && lock.mode == LockMode::kAccessExclusive &&
            lock.table.Matches(table)) {
          return k;
        }
      }
    }
    return std::nullopt;
  }

  // What statement i locks while the file runs: nothing for a statement in a function body.
  // Rules about the file's order of locks and settings read these; a rule about a statement
  // itself reads `locks`, since the body does take them whenever it is called.
  const std::vector<TableLock>& LocksWithFile(std::size_t i) const {
    static const std::vector<TableLock> kNone;
    return runs_with_file[i] ? locks[i] : kNone;
  }
};

}  // namespace pgshift::rules
