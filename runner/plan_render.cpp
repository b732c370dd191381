#include "runner/plan_render.h"

#include <sstream>

#include "runner/redact.h"

namespace pgshift::runner {
namespace {

// Indents every line of `text` by `indent`.
void Indented(std::ostream& out, const std::string& text, const std::string& indent) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out << indent << line << '\n';
}

std::string Verdict(const StatementReview& statement) {
  if (statement.findings.empty()) return "ok";
  std::string text;
  for (const rules::Finding& finding : statement.findings) {
    if (!text.empty()) text += "; ";
    text += std::string(rules::SeverityName(finding.severity)) + "[" + finding.rule + "] " +
            finding.message;
  }
  return text;
}

void Statements(std::ostream& out, const std::vector<StatementReview>& statements, bool lint) {
  for (const StatementReview& statement : statements) {
    Indented(out, statement.sql + ";", "     ");
    for (const std::string& lock : statement.locks) out << "       lock: " << lock << '\n';
    if (statement.locks.empty()) out << "       lock: none on an existing table\n";
    if (statement.outside_transaction)
      out << "       runs outside a transaction (retried after cleanup)\n";
    if (lint) out << "       lint: " << Verdict(statement) << '\n';
  }
}

// The objects a plan names, by kind, in the order they are listed.
std::vector<std::pair<const char*, const std::vector<std::string>*>> ObjectLists(
    const CatalogObjects& objects) {
  return {{"tables", &objects.tables},       {"indexes", &objects.indexes},
          {"sequences", &objects.sequences}, {"views", &objects.views},
          {"functions", &objects.functions}, {"types", &objects.types}};
}

}  // namespace

void RenderPlanText(const Plan& plan, const PlanReview& review, std::ostream& out) {
  out << "plan " << plan.id;
  if (!plan.summary.empty()) out << ": " << plan.summary;
  out << "\n"
      << plan.stages.size() << (plan.stages.size() == 1 ? " stage" : " stages") << ", checksum "
      << plan.checksum;
  for (const auto& [kind, names] : ObjectLists(review.objects)) {
    if (names->empty()) continue;
    out << "; " << kind << ':';
    for (const std::string& name : *names) out << ' ' << name;
  }
  out << "\n";
  if (!plan.standbys.replicas.empty()) {
    // Standbys the backfill waits for (shown redacted: a plan is printed into CI logs).
    out << "standbys (backfill waits while one lags";
    if (plan.standbys.max_replica_lag) out << " more than " << plan.standbys.max_replica_lag->count() << " ms";
    out << "):";
    for (const std::string& url : plan.standbys.replicas) out << ' ' << RedactUrl(url);
    out << "\n";
  }
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    const Stage& stage = plan.stages[i];
    const StageReview& stage_review = review.stages[i];
    out << "\n" << (i + 1) << ". " << stage.id << " [" << rules::PhaseName(stage.phase) << "]";
    if (stage.phase == rules::Phase::kContract) out << "  (runs only with --through contract)";
    out << "\n";
    if (stage.gate) {
      out << "   gate (must return true first):\n";
      Indented(out, stage.gate->text, "     ");
    }
    if (stage.backfill) {
      const BackfillSpec& spec = *stage.backfill;
      out << "   backfill " << spec.table << " in keyset batches over "
          << (spec.key.empty() ? std::string("its primary key")
                               : "(" +
                                     [&] {
                                       std::string k;
                                       for (const std::string& c : spec.key)
                                         k += (k.empty() ? "" : ", ") + c;
                                       return k;
                                     }() +
                                     ")")
          << ", up to the largest key at start:\n     "
          << (!spec.insert_into.empty() ? "INSERT INTO " + spec.insert_into + " SELECT " +
                                              spec.select + " ... ON CONFLICT DO NOTHING"
              : spec.delete_rows ? "DELETE the rows"
                                 : "SET " + spec.set)
          << '\n';
      if (!spec.where.empty()) out << "     WHERE " << spec.where << '\n';
      if (!spec.insert_into.empty()) {
        out << "       lock: ROW EXCLUSIVE on the target per batch, ACCESS SHARE on " << spec.table
            << ": its rows are only read\n";
      } else {
        out << "       lock: ROW EXCLUSIVE on " << spec.table << " per batch, blocking nothing but "
            << "writers of the same rows\n";
      }
    } else {
      out << "   sql:\n";
      Statements(out, stage_review.sql, true);
    }
    if (stage.irreversible) {
      out << "   rollback: irreversible (cannot be undone once it runs)\n";
    } else if (stage.rollback.empty()) {
      out << "   rollback: nothing to undo\n";
    } else {
      out << "   rollback:\n";
      Statements(out, stage_review.rollback, false);
    }
  }
}

nlohmann::json PlanJson(const Plan& plan, const PlanReview& review) {
  auto statements = [](const std::vector<StatementReview>& list, bool lint) {
    nlohmann::json out = nlohmann::json::array();
    for (const StatementReview& s : list) {
      nlohmann::json item = {{"sql", s.sql},
                             {"line", s.line},
                             {"locks", s.locks},
                             {"outside_transaction", s.outside_transaction}};
      if (lint) {
        item["findings"] = nlohmann::json::array();
        for (const rules::Finding& f : s.findings) {
          item["findings"].push_back({{"rule", f.rule},
                                      {"severity", rules::SeverityName(f.severity)},
                                      {"message", f.message},
                                      {"line", f.start.line}});
        }
      }
      out.push_back(std::move(item));
    }
    return out;
  };
  nlohmann::json stages = nlohmann::json::array();
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    const Stage& stage = plan.stages[i];
    nlohmann::json item = {{"id", stage.id},
                           {"phase", rules::PhaseName(stage.phase)},
                           {"line", stage.line},
                           {"sql", statements(review.stages[i].sql, true)},
                           {"irreversible", stage.irreversible},
                           {"rollback", statements(review.stages[i].rollback, false)}};
    item["gate"] = stage.gate ? nlohmann::json(stage.gate->text) : nlohmann::json(nullptr);
    if (stage.backfill) {
      item["backfill"] = {{"table", stage.backfill->table},
                          {"set", stage.backfill->set},
                          {"where", stage.backfill->where},
                          {"key", stage.backfill->key}};
      if (stage.backfill->delete_rows) item["backfill"]["delete"] = true;
      if (!stage.backfill->insert_into.empty()) {
        item["backfill"]["insert_into"] = stage.backfill->insert_into;
        item["backfill"]["select"] = stage.backfill->select;
      }
    }
    stages.push_back(std::move(item));
  }
  nlohmann::json out = {{"id", plan.id}, {"summary", plan.summary}, {"checksum", plan.checksum}};
  for (const auto& [kind, names] : ObjectLists(review.objects)) out[kind] = *names;
  out["replicas"] = nlohmann::json::array();
  for (const std::string& url : plan.standbys.replicas) out["replicas"].push_back(RedactUrl(url));
  out["max_replica_lag_ms"] = plan.standbys.max_replica_lag ? nlohmann::json(plan.standbys.max_replica_lag->count())
                                                   : nlohmann::json(nullptr);
  out["stages"] = std::move(stages);
  return out;
}

}  // namespace pgshift::runner
