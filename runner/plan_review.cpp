#include "runner/plan_review.h"

#include <pg_query/pg_query.pb-c.h>

#include <algorithm>

#include "parser/ast.h"
#include "parser/large_stack.h"
#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"
#include "rules/analysis/lock_model.h"
#include "rules/analysis/transactions.h"
#include "rules/engine.h"
#include "runner/backfill_copy.h"
#include "runner/database.h"
#include "runner/statement_objects.h"

namespace pgshift::runner {
namespace {

using parser::Node;

// The name of the index a CREATE INDEX CONCURRENTLY builds (schema-qualified as written, in the
// written form of runner/database.h), or empty: the runner drops it when the build fails and
// leaves an invalid index behind.
std::string ConcurrentIndexName(const Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_INDEX_STMT || !node->index_stmt->concurrent)
    return "";
  const auto* index = node->index_stmt;
  if (parser::Str(index->idxname).empty()) return "";
  const std::string_view schema =
      index->relation ? parser::Str(index->relation->schemaname) : std::string_view();
  return NameText(schema, index->idxname);
}

// The one index a DROP INDEX CONCURRENTLY names, in the same form, or empty.
std::string DroppedIndexName(const Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_DROP_STMT || !node->drop_stmt->concurrent) return "";
  const PgQuery__DropStmt& drop = *node->drop_stmt;
  if (drop.remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX || drop.n_objects != 1 ||
      drop.objects[0]->node_case != PG_QUERY__NODE__NODE_LIST) {
    return "";
  }
  const std::vector<std::string> parts = parser::StringList(drop.objects[0]->list);
  if (parts.size() == 1) return NameText("", parts[0]);
  if (parts.size() == 2) return NameText(parts[0], parts[1]);
  return "";
}

int LineWithin(std::string_view text, std::size_t offset) {
  return static_cast<int>(
      std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

class Reviewer {
 public:
  Reviewer(const Plan& plan, const rules::LintSettings& settings, PlanReview& out)
      : plan_(plan), settings_(settings), out_(out) {}

  // Splits, parses and (for `lint`) lints a list of SQL pieces; applies them to `catalog` when
  // `apply` is set.
  std::vector<StatementReview> Review(const Stage& stage, const std::vector<PlanSql>& pieces,
                                      const std::string& what, bool lint, bool apply) {
    std::vector<StatementReview> reviews;
    std::string joined;
    std::vector<std::pair<std::size_t, const PlanSql*>> starts;  // offset in joined → piece
    for (const PlanSql& piece : pieces) {
      starts.emplace_back(joined.size(), &piece);
      joined += piece.text;
      joined += ";\n";
    }
    auto piece_at = [&](std::size_t offset) {
      auto it = std::upper_bound(starts.begin(), starts.end(), offset,
                                 [](std::size_t o, const auto& s) { return o < s.first; });
      return *(it - 1);
    };
    auto line_of = [&](std::size_t offset) {
      const auto [start, piece] = piece_at(offset);
      return piece->line + LineWithin(std::string_view(joined).substr(start), offset - start);
    };
    const std::string where = "stage `" + stage.id + "` " + what;
    if (auto bad = parser::ValidateText(joined)) {
      Error(line_of(bad->offset), where, bad->message);
      return reviews;
    }
    const parser::ParsedFile parsed = parser::ParseSql(joined);
    std::vector<const Node*> nodes;
    std::vector<std::size_t> begins;
    std::vector<std::pair<rules::TableLock, int>> held;  // locks taken earlier in this transaction
    for (std::size_t index = 0; index < parsed.statements.size(); ++index) {
      const parser::Statement& statement = parsed.statements[index];
      if (statement.nested()) {
        Nested(parsed, index, reviews, held, where, lint, nodes);
        continue;
      }
      begins.push_back(statement.span.begin);
      StatementReview review;
      review.sql = std::string(statement.text);
      review.line = line_of(statement.span.begin);
      if (statement.error) {
        Error(line_of(statement.error->offset), where, "syntax error: " + statement.error->message);
      } else if (statement.node != nullptr) {
        const Node* node = statement.node;
        if (node->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) {
          Error(review.line, where,
                "`" + review.sql +
                    "`: the runner manages transactions itself (each stage is one "
                    "transaction; CONCURRENTLY statements run outside one)");
        }
        review.outside_transaction = !rules::RefusedInTransactionBlock(node).empty();
        review.concurrent_index = ConcurrentIndexName(node);
        if (node->node_case == PG_QUERY__NODE__NODE_INDEX_STMT && node->index_stmt->concurrent &&
            parser::Str(node->index_stmt->idxname).empty()) {
          Error(review.line, where,
                "`" + review.sql +
                    "`: CREATE INDEX CONCURRENTLY needs a name: an unnamed index cannot be found "
                    "again (to drop it if INVALID, or to see it finished) after an interruption");
        }
        review.dropped_index = DroppedIndexName(node);
        if (review.outside_transaction) held.clear();  // a transaction ends before it
        for (const rules::TableLock& lock : rules::LocksOf(node, settings_.pg_version, catalog_)) {
          review.locks.push_back(rules::DescribeLock(lock));
          if (lint) CheckHeldLock(lock, held, review, where);
        }
        objects_.Add(node);
        nodes.push_back(node);
      }
      reviews.push_back(std::move(review));
    }
    if (lint) Lint(stage, joined, where, reviews, begins, line_of);
    if (apply) {
      for (const Node* node : nodes) catalog_.Apply(node, false);
    }
    return reviews;
  }

  // A statement written inside a DO block or a function body runs as part of it, never on its
  // own: a DO block's at once, so its locks and schema changes are the DO statement's; a
  // function's when it is called, so only the objects it names count (for the checkpoints).
  void Nested(const parser::ParsedFile& parsed, std::size_t index,
              std::vector<StatementReview>& reviews,
              std::vector<std::pair<rules::TableLock, int>>& held, const std::string& where,
              bool lint, std::vector<const Node*>& nodes) {
    const Node* node = parsed.statements[index].node;
    if (node == nullptr || reviews.empty()) return;
    objects_.Add(node);
    if (!parsed.RunsWithTopLevel(index)) return;
    StatementReview& container = reviews.back();
    for (const rules::TableLock& lock : rules::LocksOf(node, settings_.pg_version, catalog_)) {
      container.locks.push_back(rules::DescribeLock(lock));
      if (lint) CheckHeldLock(lock, held, container, where);
    }
    nodes.push_back(node);
  }

  // A stage's statements share one transaction, so a lock taken by one is held through the rest:
  // a scan or rewrite after a lock that blocks the application keeps it blocked for the whole scan.
  void CheckHeldLock(const rules::TableLock& lock,
                     std::vector<std::pair<rules::TableLock, int>>& held,
                     const StatementReview& review, const std::string& where) {
    if (lock.work != rules::TableWork::kCatalogOnly) {
      for (const auto& [earlier, line] : held) {
        if (earlier.table.Matches(lock.table) && rules::BlocksWrites(earlier.mode) &&
            !review.outside_transaction) {
          Error(review.line, where,
                "`" + review.sql.substr(0, 80) + "` " +
                    std::string(rules::TableWorkName(lock.work)) + " " + lock.table.ToString() +
                    " while an earlier statement of the same transaction (line " +
                    std::to_string(line) + ") holds " +
                    std::string(rules::LockModeName(earlier.mode)) +
                    " on it, blocking the application for the whole time; put it in a stage of its "
                    "own");
          break;
        }
      }
    }
    held.emplace_back(lock, review.line);
  }

  void Finish() { out_.objects = objects_.Result(); }
  // A plan's own spelling of a table, in the form statements give it (app.users, not "app".users).
  void AddTable(const std::string& table) {
    const std::vector<std::string> parts = NameParts(table);
    if (parts.size() == 1) {
      objects_.AddTable(NameText("", parts[0]));
    } else if (parts.size() == 2) {
      objects_.AddTable(NameText(parts[0], parts[1]));
    } else {
      objects_.AddTable(table);
    }
  }

  void Error(int line, const std::string& where, const std::string& message) {
    out_.errors.push_back(plan_.path + ":" + std::to_string(line) + ": " + where + ": " + message);
  }

 private:
  template <class LineOf>
  void Lint(const Stage& stage, const std::string& joined, const std::string& where,
            std::vector<StatementReview>& reviews, const std::vector<std::size_t>& begins,
            const LineOf& line_of) {
    rules::LintSettings settings = settings_;
    settings.phase = stage.phase;
    settings.transactions = rules::TransactionWrapping::kNone;
    settings.tool_sets_lock_timeout = true;  // the runner sets lock_timeout on every transaction
    const parser::SourceText source(plan_.path, joined);
    const rules::FileReport report = rules::LintSource(source, settings, &catalog_);
    for (const rules::Finding& finding : report.findings) {
      if (finding.rule == "syntax-error") continue;  // reported above, with the plan's line
      if (finding.severity == rules::Severity::kError) {
        Error(line_of(finding.span.begin), where,
              "error[" + finding.rule + "] " + finding.message + " (not allowed in the " +
                  std::string(rules::PhaseName(stage.phase)) + " phase)");
      }
      // Attach the finding to the statement it falls in.
      for (std::size_t i = reviews.size(); i-- > 0;) {
        if (begins[i] <= finding.span.begin || i == 0) {
          rules::Finding located = finding;
          located.start.line = line_of(finding.span.begin);
          reviews[i].findings.push_back(std::move(located));
          break;
        }
      }
    }
  }

  const Plan& plan_;
  const rules::LintSettings& settings_;
  PlanReview& out_;
  rules::Catalog catalog_;
  ObjectCollector objects_;
};

PlanReview ReviewHere(const Plan& plan, const rules::LintSettings& settings);

}  // namespace

PlanReview ReviewPlan(const Plan& plan, const rules::LintSettings& settings) {
  // Reviewing walks parse trees recursively, as deep as the parser allows.
  return parser::OnLargeStack([&] { return ReviewHere(plan, settings); });
}

namespace {

PlanReview ReviewHere(const Plan& plan, const rules::LintSettings& settings) {
  PlanReview out;
  Reviewer reviewer(plan, settings, out);
  for (const Stage& stage : plan.stages) {
    StageReview review;
    review.sql = reviewer.Review(stage, stage.sql, "sql", true, true);
    if (stage.gate) reviewer.Review(stage, {*stage.gate}, "gate", false, false);
    if (stage.backfill) {
      const BackfillSpec& spec = *stage.backfill;
      // The backfill's pieces must parse as parts of an UPDATE (a DELETE, an INSERT ...
      // SELECT), on their own.
      const bool copy = !spec.insert_into.empty();
      std::string probe = spec.delete_rows
                              ? "DELETE FROM " + QuotedName(spec.table)
                              : "UPDATE " + QuotedName(spec.table) + " SET " + spec.set;
      if (!spec.where.empty()) probe += " WHERE (" + spec.where + ")";
      if (copy) probe = CopyProbe(spec, QuotedName(spec.table));
      const auto probed = reviewer.Review(stage, {{probe, spec.line}}, "backfill", false, false);
      if (probed.size() != 1) {
        reviewer.Error(spec.line, "stage `" + stage.id + "` backfill",
                       copy ? "`insert_into` must be one table and its column list, `select` one "
                              "select list and `where` one condition"
                       : spec.delete_rows ? "`where` must be one condition"
                                          : "`set` must be one SET list and `where` one condition");
      }
      reviewer.AddTable(spec.table);
    }
    review.rollback = reviewer.Review(stage, stage.rollback, "rollback", false, false);
    out.stages.push_back(std::move(review));
  }
  reviewer.Finish();
  return out;
}

}  // namespace
}  // namespace pgshift::runner
