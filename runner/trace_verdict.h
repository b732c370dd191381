// Holds what a traced statement did against what the lock model predicts for it, table by table:
// the lock mode, new storage (a rewrite), and a full scan where the server lets it be seen.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/analysis/lock_model.h"
#include "runner/trace.h"

namespace pgshift::runner {

enum class Verdict {
  kNone,  // nothing to compare: no prediction and no lock the model speaks of
  kAgree,
  kDisagree,
  kUnknown,   // cannot tell: the transaction already held the predicted mode
  kUnjudged,  // a ROW SHARE / ROW EXCLUSIVE lock outside the model (foreign-key checks,
              // SELECT FOR UPDATE): shown, not judged
};

std::string_view VerdictName(Verdict verdict);  // "agree", "disagree", ...

// "ADD COLUMN ... + CREATE INDEX": the forms of a table's prediction, as users write them.
std::string FormsText(const std::vector<rules::Form>& forms);

struct TableVerdict {
  parser::QualifiedName table;
  // The model's lock on the table (strongest mode, heaviest work of its forms), if any.
  std::optional<rules::TableLock> predicted;
  std::vector<rules::Form> forms;  // every form the model sees on the table, in order
  bool predicted_new_storage = false;       // a rewrite, or new empty storage (TRUNCATE)
  std::optional<rules::LockMode> observed;  // strongest mode the statement took or waited for
  bool already_held = false;                // the predicted mode was held before the statement
  bool has_storage = true;      // false for a partitioned parent: its partitions do the work
  bool new_storage = false;     // relfilenode changed
  std::optional<bool> scanned;  // unset when not observable
  Verdict verdict = Verdict::kNone;
  std::vector<std::string> problems;  // for a disagreement: what differs, naming the form
};

struct StatementVerdict {
  std::vector<TableVerdict> tables;
  Verdict verdict = Verdict::kNone;  // disagree if any table does, else agree if any does, ...
};

// The predicted locks of one statement (with those of statements nested in it) against what the
// trace saw it do, at server major version `pg_version`.
StatementVerdict Judge(const std::vector<rules::TableLock>& predicted,
                       const StatementObservation& observed, int pg_version);

}  // namespace pgshift::runner
