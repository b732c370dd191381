// `pgshift trace` without the command line: a migration file traced statement by statement on a
// real server (runner/trace.h), each statement's observed locks and storage held against the lock
// model's prediction (judged against the schema the statement meets, read from the server), with
// the lint findings of the file at each statement.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "parser/source_text.h"
#include "rules/analysis/lock_model.h"
#include "rules/finding.h"
#include "rules/lint_settings.h"
#include "runner/trace.h"
#include "runner/trace_verdict.h"

namespace pgshift::runner {

struct TracedStatement {
  parser::Span span;
  parser::LineColumn start;
  std::string sql;
  std::vector<rules::TableLock> predicted;  // its own and those of a DO block in it
  StatementObservation observation;
  StatementVerdict verdict;
  std::vector<rules::Finding> findings;
};

struct TraceReport {
  std::string path;
  std::string server_version;  // "15.6", without the packager's suffix
  int pg_version = 0;          // the server's major version: the model's and lint's
  bool committed = false;
  std::vector<TracedStatement> statements;
  std::vector<rules::Finding> other_findings;  // at no statement (a stray suppression comment)
  std::string stopped;                         // why the trace stopped before the end, or empty

  std::size_t Count(Verdict verdict) const;
  std::size_t Count(TraceStatus status) const;
};

struct TraceFileOptions {
  TraceMode mode;
  rules::LintSettings lint;  // its pg_version is replaced by the server's
};

// The report, or why nothing ran ("file:line:column: message"): text that is not SQL, a syntax
// error, or a server that cannot be read.
std::variant<TraceReport, std::string> TraceFile(Database& db, const parser::SourceText& source,
                                                 const TraceFileOptions& options);

}  // namespace pgshift::runner
