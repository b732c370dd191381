#include "runner/trace_file.h"

#include <algorithm>
#include <cstdlib>

#include "parser/ast.h"
#include "parser/parsed_file.h"
#include "rules/analysis/transactions.h"
#include "rules/engine.h"
#include "runner/schema_ddl.h"

namespace pgshift::runner {
namespace {

std::string At(const parser::SourceText& source, std::size_t offset) {
  const parser::LineColumn at = source.PositionOf(offset);
  return source.path() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": ";
}

// The model's locks for top-level statement `top` and the statements of a DO block in it, each
// judged against the catalog as the ones before it leave it. A function body's statements take
// their locks when the function is called, not when it is created.
std::vector<rules::TableLock> Predict(const parser::ParsedFile& file, std::size_t top,
                                      int pg_version, rules::Catalog catalog) {
  std::vector<rules::TableLock> locks;
  for (std::size_t i = top; i < file.statements.size() && file.TopLevelOf(i) == top; ++i) {
    if (!file.RunsWithTopLevel(i)) continue;
    for (rules::TableLock& lock : rules::LocksOf(file.statements[i].node, pg_version, catalog)) {
      locks.push_back(std::move(lock));
    }
    catalog.Apply(file.statements[i].node, /*is_new=*/true);
  }
  return locks;
}

bool IsTransactionControl(const parser::Statement& statement) {
  return statement.node != nullptr &&
         statement.node->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT;
}

}  // namespace

std::size_t TraceReport::Count(Verdict verdict) const {
  return std::count_if(statements.begin(), statements.end(), [&](const TracedStatement& s) {
    return s.observation.status == TraceStatus::kRan && s.verdict.verdict == verdict;
  });
}

std::size_t TraceReport::Count(TraceStatus status) const {
  return std::count_if(statements.begin(), statements.end(),
                       [&](const TracedStatement& s) { return s.observation.status == status; });
}

std::variant<TraceReport, std::string> TraceFile(Database& db, const parser::SourceText& source,
                                                 const TraceFileOptions& options) {
  if (auto error = parser::ValidateText(source.text())) {
    return At(source, error->offset) + error->message + "; nothing was run";
  }
  const parser::ParsedFile file = parser::ParseSql(source.text());
  for (const parser::Statement& statement : file.statements) {
    if (statement.error && !statement.nested()) {
      return At(source, statement.error->offset) + "syntax error: " + statement.error->message +
             "; nothing was run";
    }
  }
  TraceReport report;
  report.path = source.path();
  report.committed = options.mode.commit;
  auto version = db.Exec(
      "SELECT current_setting('server_version'),"
      " current_setting('server_version_num')::int / 10000");
  if (const DbError* error = ErrorOf(version))
    return "cannot read the server version: " + error->message;
  const Rows& rows = std::get<Rows>(version);
  report.server_version = rows.Scalar();
  report.server_version = report.server_version.substr(0, report.server_version.find(' '));
  report.pg_version = rows.rows.empty() || rows.rows[0].size() < 2 || !rows.rows[0][1]
                          ? 0
                          : std::atoi(rows.rows[0][1]->c_str());

  auto schema = CatalogOf(db);
  if (const DbError* error = ErrorOf(schema)) return "cannot read the schema: " + error->message;
  rules::LintSettings lint = options.lint;
  lint.pg_version = report.pg_version;
  const rules::FileReport linted =
      rules::LintSource(source, lint, &std::get<rules::Catalog>(schema));

  Tracer tracer(db, options.mode);
  if (auto error = tracer.Begin()) return "cannot begin the trace's transaction: " + error->message;
  for (std::size_t i = 0; i < file.statements.size(); ++i) {
    const parser::Statement& statement = file.statements[i];
    if (statement.nested()) continue;
    TracedStatement traced;
    traced.span = statement.span;
    traced.start = source.PositionOf(statement.span.begin);
    traced.sql = std::string(statement.text);
    if (!report.stopped.empty()) {
      traced.observation = {TraceStatus::kNotRun, "the trace stopped: " + report.stopped};
    } else if (IsTransactionControl(statement)) {
      traced.observation = {TraceStatus::kSkipped,
                            options.mode.commit
                                ? "transaction control: the trace runs each statement in a "
                                  "transaction of its own"
                                : "transaction control: the trace runs the file in one "
                                  "transaction and rolls it back"};
    } else {
      // The schema as this statement meets it, from the server (inside the trace's transaction).
      auto catalog = CatalogOf(db);
      if (const DbError* error = ErrorOf(catalog)) {
        traced.observation = {TraceStatus::kFailed, {}, *error};
      } else {
        traced.predicted = Predict(file, i, report.pg_version, std::get<rules::Catalog>(catalog));
        traced.observation =
            tracer.Run(statement.text, !rules::RefusedInTransactionBlock(statement.node).empty());
        if (traced.observation.status == TraceStatus::kRan) {
          traced.verdict = Judge(traced.predicted, traced.observation, report.pg_version);
        }
      }
      const auto& error = traced.observation.error;
      if (traced.observation.status == TraceStatus::kFailed &&
          (options.mode.commit || (error && error->connection_lost))) {
        const std::string line = "line " + std::to_string(traced.start.line);
        report.stopped = error && error->connection_lost
                             ? "the connection was lost at " + line
                             : line + " failed, and the statements before it are committed";
      }
    }
    report.statements.push_back(std::move(traced));
  }
  if (auto error = tracer.Finish(); error && report.stopped.empty()) {
    report.stopped = "the rollback at the end failed: " + error->message;
  }

  for (const rules::Finding& finding : linted.findings) {
    auto it = std::find_if(
        report.statements.begin(), report.statements.end(), [&](const TracedStatement& s) {
          return finding.span.begin >= s.span.begin && finding.span.begin <= s.span.end;
        });
    (it == report.statements.end() ? report.other_findings : it->findings).push_back(finding);
  }
  return report;
}

}  // namespace pgshift::runner
