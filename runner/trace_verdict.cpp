#include "runner/trace_verdict.h"

#include <algorithm>

namespace pgshift::runner {
namespace {

using rules::LockMode;
using rules::TableWork;

bool Contains(const std::vector<TracedRelation>& relations, const parser::QualifiedName& table) {
  return std::any_of(relations.begin(), relations.end(),
                     [&](const TracedRelation& r) { return r.IsTable() && table.Matches(r.name); });
}

// The strongest mode among locks on `table`, or none.
std::optional<LockMode> Strongest(const std::vector<ObservedLock>& locks,
                                  const parser::QualifiedName& table) {
  std::optional<LockMode> strongest;
  for (const ObservedLock& lock : locks) {
    if (!lock.relation.IsTable() || !table.Matches(lock.relation.name)) continue;
    if (!strongest || lock.mode > *strongest) strongest = lock.mode;
  }
  return strongest;
}

// The relation the observation knows by this name, for its kind.
const TracedRelation* Known(const StatementObservation& observed,
                            const parser::QualifiedName& table) {
  for (const auto* list : {&observed.locks, &observed.held_before}) {
    for (const ObservedLock& lock : *list) {
      if (lock.relation.IsTable() && table.Matches(lock.relation.name)) return &lock.relation;
    }
  }
  return nullptr;
}

std::string Work(const rules::TableLock& lock, bool new_storage) {
  if (new_storage && lock.work != TableWork::kRewrite) return "gives it new, empty storage";
  return std::string(rules::TableWorkName(lock.work));
}

void JudgePredicted(TableVerdict& v, bool sampled) {
  const rules::TableLock& p = *v.predicted;
  const std::string form = "`" + FormsText(v.forms) + "`";
  const std::string model = "the model (" + form + ") says ";
  if (p.named_by_index) {
    v.verdict = Verdict::kUnknown;
    v.problems.push_back("the model could not tell the table of index " + p.table.ToString());
    return;
  }
  bool disagree = false;
  bool unknown = false;
  if (v.observed != p.mode) {
    if (v.already_held && (!v.observed || *v.observed < p.mode)) {
      unknown = true;
    } else if (sampled && !v.observed) {
      unknown = true;
      v.problems.push_back("no lock seen: it was held for less than the time between two samples");
    } else {
      disagree = true;
      v.problems.push_back(
          "server takes " +
          (v.observed ? std::string(rules::LockModeName(*v.observed)) : std::string("no lock")) +
          ", " + model + std::string(rules::LockModeName(p.mode)));
    }
  }
  if (v.has_storage) {
    if (v.predicted_new_storage && !v.new_storage) {
      disagree = true;
      v.problems.push_back("not rewritten (relfilenode unchanged), " + model + Work(p, true));
    } else if (!v.predicted_new_storage && v.new_storage) {
      disagree = true;
      v.problems.push_back("rewritten (relfilenode changed), " + model + Work(p, false));
    }
    if (v.scanned && !v.new_storage) {
      if (p.work == TableWork::kScan && !*v.scanned) {
        disagree = true;
        v.problems.push_back("not scanned, " + model + "it scans the table");
      } else if (p.work == TableWork::kCatalogOnly && *v.scanned) {
        disagree = true;
        v.problems.push_back("scanned in full, " + model + "catalog only");
      }
    }
  }
  v.verdict = disagree ? Verdict::kDisagree : unknown ? Verdict::kUnknown : Verdict::kAgree;
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kNone:
      return "none";
    case Verdict::kAgree:
      return "agree";
    case Verdict::kDisagree:
      return "disagree";
    case Verdict::kUnknown:
      return "unknown";
    case Verdict::kUnjudged:
      return "unjudged";
  }
  return "";
}

std::string FormsText(const std::vector<rules::Form>& forms) {
  std::string out;
  for (const rules::Form form : forms) {
    if (!out.empty()) out += " + ";
    out += rules::LockFor(form, 0).sql;
  }
  return out;
}

StatementVerdict Judge(const std::vector<rules::TableLock>& predicted,
                       const StatementObservation& observed, int pg_version) {
  StatementVerdict out;
  // The model's locks merged per table: strongest mode, heaviest work, the strongest lock's form.
  for (const rules::TableLock& lock : predicted) {
    auto it = std::find_if(out.tables.begin(), out.tables.end(),
                           [&](const TableVerdict& v) { return v.table.Matches(lock.table); });
    const bool new_storage =
        lock.work == TableWork::kRewrite || rules::LockFor(lock.form, pg_version).new_storage;
    if (it == out.tables.end()) {
      TableVerdict v;
      v.table = lock.table;
      v.predicted = lock;
      v.predicted_new_storage = new_storage;
      v.forms.push_back(lock.form);
      out.tables.push_back(std::move(v));
      continue;
    }
    if (std::find(it->forms.begin(), it->forms.end(), lock.form) == it->forms.end())
      it->forms.push_back(lock.form);
    if (lock.mode > it->predicted->mode) {
      const TableWork work = std::max(it->predicted->work, lock.work);
      it->predicted = lock;
      it->predicted->work = work;
    } else {
      it->predicted->work = std::max(it->predicted->work, lock.work);
    }
    it->predicted_new_storage |= new_storage;
  }
  // Tables the server locked that the model does not name: ACCESS SHARE (reading) is no news.
  for (const ObservedLock& lock : observed.locks) {
    if (!lock.relation.IsTable() || lock.mode == LockMode::kAccessShare) continue;
    const bool named =
        std::any_of(out.tables.begin(), out.tables.end(),
                    [&](const TableVerdict& v) { return v.table.Matches(lock.relation.name); });
    if (!named) out.tables.push_back({lock.relation.name});
  }
  for (TableVerdict& v : out.tables) {
    v.observed = Strongest(observed.locks, v.table);
    if (const TracedRelation* known = Known(observed, v.table)) {
      v.table = known->name;
      v.has_storage = known->HasStorage();
    }
    v.new_storage = Contains(observed.new_storage, v.table);
    if (observed.in_transaction) v.scanned = Contains(observed.scanned, v.table);
    if (v.predicted) {
      v.already_held = std::any_of(
          observed.held_before.begin(), observed.held_before.end(), [&](const ObservedLock& l) {
            return l.relation.IsTable() && v.table.Matches(l.relation.name) &&
                   l.mode == v.predicted->mode;
          });
      JudgePredicted(v, observed.sampled);
    } else if (v.observed && *v.observed >= LockMode::kShareUpdateExclusive) {
      v.verdict = Verdict::kDisagree;
      v.problems.push_back("server takes " + std::string(rules::LockModeName(*v.observed)) +
                           ", the model predicts no lock on it");
    } else {
      v.verdict = Verdict::kUnjudged;
    }
  }
  for (const Verdict rank :
       {Verdict::kDisagree, Verdict::kAgree, Verdict::kUnknown, Verdict::kUnjudged}) {
    if (std::any_of(out.tables.begin(), out.tables.end(),
                    [&](const TableVerdict& v) { return v.verdict == rank; })) {
      out.verdict = rank;
      break;
    }
  }
  return out;
}

}  // namespace pgshift::runner
