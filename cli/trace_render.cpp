#include "cli/trace_render.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pgshift::cli {
namespace {

using runner::TableVerdict;
using runner::TracedRelation;
using runner::TracedStatement;
using runner::TraceStatus;
using runner::Verdict;

// "users" for public.users, "app.users" otherwise.
std::string Display(const parser::QualifiedName& name) {
  return name.schema == "public" ? name.name : name.ToString();
}

std::string_view KindName(char kind) {
  switch (kind) {
    case 'r':
      return "table";
    case 'p':
      return "partitioned table";
    case 'm':
      return "materialized view";
    case 'f':
      return "foreign table";
    case 'i':
      return "index";
    case 'I':
      return "partitioned index";
    case 'S':
      return "sequence";
    case 'v':
      return "view";
  }
  return "relation";
}

std::string_view StatusName(TraceStatus status) {
  switch (status) {
    case TraceStatus::kRan:
      return "ran";
    case TraceStatus::kFailed:
      return "failed";
    case TraceStatus::kNotRun:
      return "not run";
    case TraceStatus::kSkipped:
      return "skipped";
  }
  return "";
}

// The statement's first line, shortened.
std::string Headline(const std::string& sql) {
  std::string line = sql.substr(0, sql.find('\n'));
  const bool more = line.size() < sql.size();
  if (line.size() > 100) return line.substr(0, 97) + "...";
  return more ? line + " ..." : line;
}

std::string Millis(double ms) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(ms < 10 ? 2 : 1) << ms << " ms";
  return out.str();
}

std::string Observed(const TableVerdict& v) {
  std::string out = v.observed ? std::string(rules::LockModeName(*v.observed)) : "no new lock";
  if (v.already_held)
    out += " (" + std::string(rules::LockModeName(v.predicted->mode)) +
           " held since an earlier statement)";
  if (v.new_storage) out += ", new storage";
  if (v.scanned && *v.scanned && !v.new_storage) out += ", scanned";
  return out;
}

std::string Predicted(const TableVerdict& v) {
  if (!v.predicted) return "no lock";
  const rules::TableLock& p = *v.predicted;
  std::string out(rules::LockModeName(p.mode));
  if (p.work != rules::TableWork::kCatalogOnly)
    out += ", " + std::string(rules::TableWorkName(p.work));
  if (v.predicted_new_storage && p.work != rules::TableWork::kRewrite) out += ", new storage";
  return out + " (" + runner::FormsText(v.forms) + ")";
}

void Statement(const TracedStatement& s, const runner::TraceReport& report, std::ostream& out) {
  const auto& o = s.observation;
  out << report.path << ':' << s.start.line << ':' << s.start.column << ": " << Headline(s.sql)
      << '\n';
  if (o.status != TraceStatus::kRan) {
    out << "    " << StatusName(o.status);
    if (o.error)
      out << ": " << (o.error->sqlstate.empty() ? "" : o.error->sqlstate + " ") << o.error->message;
    if (!o.reason.empty()) out << ": " << o.reason;
    out << '\n';
  } else {
    out << "    ran in " << Millis(o.duration_ms)
        << (o.sampled ? ", outside a transaction block (locks sampled from a second connection)"
                      : "")
        << '\n';
    if (!o.reason.empty()) out << "    note: " << o.reason << '\n';
    out << "    locks:";
    if (o.locks.empty()) out << " none new";
    for (std::size_t i = 0; i < o.locks.size(); ++i) {
      const runner::ObservedLock& lock = o.locks[i];
      out << (i == 0 ? " " : ", ") << Display(lock.relation.name) << ' '
          << rules::LockModeName(lock.mode) << (lock.granted ? "" : " (waited)") << " ("
          << KindName(lock.relation.kind) << ')';
    }
    out << "\n    new storage:";
    if (o.new_storage.empty()) out << " none";
    for (std::size_t i = 0; i < o.new_storage.size(); ++i) {
      out << (i == 0 ? " " : ", ") << Display(o.new_storage[i].name);
    }
    out << '\n';
    for (const TableVerdict& v : s.verdict.tables) {
      out << "    " << Display(v.table) << ": server " << Observed(v) << "; model "
          << Predicted(v) << ": "
          << (v.verdict == Verdict::kDisagree ? "DISAGREE" : VerdictName(v.verdict)) << '\n';
      for (const std::string& problem : v.problems) out << "      - " << problem << '\n';
    }
  }
  for (const rules::Finding& f : s.findings) {
    out << "    lint: " << rules::SeverityName(f.severity) << '[' << f.rule << "] " << f.message
        << '\n';
  }
}

}  // namespace

void RenderTraceText(const runner::TraceReport& report, const TraceHeader& header,
                     std::ostream& out) {
  out << "trace of " << report.path << " on " << header.target << " (PostgreSQL "
      << report.server_version << "), "
      << (report.committed ? "each statement committed" : "rolled back at the end") << "\n\n";
  for (const TracedStatement& s : report.statements) {
    Statement(s, report, out);
    out << '\n';
  }
  for (const rules::Finding& f : report.other_findings) {
    out << report.path << ':' << f.start.line << ':' << f.start.column
        << ": lint: " << rules::SeverityName(f.severity) << '[' << f.rule << "] " << f.message
        << '\n';
  }
  out << report.statements.size() << " statement(s): " << report.Count(Verdict::kAgree)
      << " agree with the lock model, " << report.Count(Verdict::kDisagree) << " disagree, "
      << report.Count(Verdict::kUnknown) << " cannot tell; " << report.Count(TraceStatus::kFailed)
      << " failed, " << report.Count(TraceStatus::kNotRun) << " not run, "
      << report.Count(TraceStatus::kSkipped) << " skipped\n";
  if (!report.stopped.empty()) out << "the trace stopped: " << report.stopped << '\n';
}

void RenderTraceJson(const runner::TraceReport& report, const TraceHeader& header,
                     std::ostream& out) {
  using json = nlohmann::ordered_json;
  auto relation = [](const TracedRelation& r) {
    return json{{"relation", Display(r.name)}, {"kind", KindName(r.kind)}};
  };
  json statements = json::array();
  for (const TracedStatement& s : report.statements) {
    const auto& o = s.observation;
    json locks = json::array();
    for (const runner::ObservedLock& lock : o.locks) {
      json entry = relation(lock.relation);
      entry["mode"] = rules::LockModeName(lock.mode);
      entry["granted"] = lock.granted;
      locks.push_back(entry);
    }
    json storage = json::array();
    for (const TracedRelation& r : o.new_storage) storage.push_back(relation(r));
    json tables = json::array();
    for (const TableVerdict& v : s.verdict.tables) {
      json predicted = nullptr;
      if (v.predicted) {
        predicted = {{"form", runner::FormsText(v.forms)},
                     {"mode", rules::LockModeName(v.predicted->mode)},
                     {"work", rules::TableWorkName(v.predicted->work)},
                     {"new_storage", v.predicted_new_storage}};
      }
      tables.push_back({{"table", Display(v.table)},
                        {"observed",
                         {{"mode", v.observed ? json(rules::LockModeName(*v.observed)) : json()},
                          {"already_held", v.already_held},
                          {"new_storage", v.new_storage},
                          {"scanned", v.scanned ? json(*v.scanned) : json()}}},
                        {"predicted", predicted},
                        {"verdict", VerdictName(v.verdict)},
                        {"problems", v.problems}});
    }
    json findings = json::array();
    for (const rules::Finding& f : s.findings) {
      findings.push_back({{"rule", f.rule},
                          {"severity", rules::SeverityName(f.severity)},
                          {"message", f.message},
                          {"line", f.start.line},
                          {"column", f.start.column}});
    }
    json entry = {
        {"line", s.start.line},
        {"column", s.start.column},
        {"sql", s.sql},
        {"status", StatusName(o.status)},
        {"reason", o.reason},
        {"error",
         o.error ? json{{"sqlstate", o.error->sqlstate}, {"message", o.error->message}} : json()},
        {"in_transaction", o.status == TraceStatus::kRan && o.in_transaction},
        {"sampled", o.sampled},
        {"duration_ms", o.duration_ms},
        {"locks", locks},
        {"new_storage", storage},
        {"tables", tables},
        {"verdict", VerdictName(s.verdict.verdict)},
        {"findings", findings}};
    statements.push_back(entry);
  }
  const json document = {
      {"version", 1},
      {"file", report.path},
      {"target", header.target},
      {"server_version", report.server_version},
      {"pg_version", report.pg_version},
      {"committed", report.committed},
      {"statements", statements},
      {"stopped", report.stopped.empty() ? json() : json(report.stopped)},
      {"summary",
       {{"statements", report.statements.size()},
        {"agree", report.Count(Verdict::kAgree)},
        {"disagree", report.Count(Verdict::kDisagree)},
        {"unknown", report.Count(Verdict::kUnknown)},
        {"failed", report.Count(TraceStatus::kFailed)},
        {"not_run", report.Count(TraceStatus::kNotRun)},
        {"skipped", report.Count(TraceStatus::kSkipped)}}},
  };
  out << document.dump(2) << '\n';
}

}  // namespace pgshift::cli
