#include "runner/rollback.h"

#include "runner/drift.h"
#include "runner/fingerprint.h"
#include "runner/ledger.h"
#include "runner/session.h"
#include "runner/steps.h"

namespace pgshift::runner {
namespace {

// A stage that changed something: done, or interrupted after committing part of its work.
bool Applied(const StageRecord& record) {
  if (record.status == "done") return true;
  return (record.status == "running" || record.status == "failed" ||
          record.status == "interrupted") &&
         (record.steps_done > 0 || record.rows_done > 0);
}

Outcome Undo(Database& db, const Plan& plan, const PlanReview& review, const RunSettings& settings,
             const RollbackRequest& request, EventSink& sink) {
  // The runner's own queries wait for locks as its statements do, and name the blocker.
  StepContext plan_context{db, settings, sink, review.objects, ""};
  auto read = QueryWithLockRetries<std::optional<PlanRecord>>(
      plan_context, "reading the ledger", [&] { return ReadPlanRecord(db, plan.id); });
  if (const auto* failure = std::get_if<StepFailure>(&read)) return {false, failure->message};
  const auto& found = std::get<std::optional<PlanRecord>>(read);
  if (!found)
    return {false, "plan `" + plan.id + "` never ran on this database: nothing to roll back"};
  const PlanRecord& record = *found;
  if (record.checksum != plan.checksum && !request.force) {
    return {false, "plan `" + plan.id + "` changed since it ran here (checksum " + record.checksum +
                       " recorded, " + plan.checksum +
                       " now); its rollbacks may not match what ran. "
                       "Use the plan as it ran, or pass --force"};
  }
  std::size_t keep = 0;  // stages [0, keep) stay
  if (!request.to.empty()) {
    const Stage* stage = FindStage(plan, request.to);
    if (stage == nullptr)
      return {false, "--to " + request.to + " is not a stage of plan `" + plan.id + "`"};
    keep = static_cast<std::size_t>(stage - plan.stages.data()) + 1;
    const StageRecord* kept = record.Find(request.to);
    if (kept == nullptr || kept->status != "done") {
      return {false,
              "stage `" + request.to + "` is not done, so it has no checkpoint to roll back to"};
    }
  }
  std::vector<std::size_t> undo;
  for (std::size_t i = plan.stages.size(); i-- > keep;) {
    const StageRecord* stage_record = record.Find(plan.stages[i].id);
    if (stage_record != nullptr && Applied(*stage_record)) undo.push_back(i);
  }
  for (std::size_t i : undo) {
    if (plan.stages[i].irreversible) {
      return {false, "stage `" + plan.stages[i].id + "` (" +
                         std::string(rules::PhaseName(plan.stages[i].phase)) +
                         ") has run and cannot be undone; roll back --to `" + plan.stages[i].id +
                         "` or a later stage"};
    }
  }
  // The rollbacks were written for the catalog the last applied stage left.
  if (!undo.empty()) {
    const Stage& latest = plan.stages[undo.front()];
    const StageRecord* latest_record = record.Find(latest.id);
    if (latest_record->status == "done") {
      if (auto drift = CheckDrift(plan_context,
                                  {"the checkpoint of stage `" + latest.id + "`",
                                   latest_record->fingerprint_detail},
                                  "the rollback", request.accept_drift)) {
        sink.Emit({"rollback-failed", "", drift->message});
        return {false, drift->message};
      }
    } else {
      sink.Emit({"note", latest.id,
                 "partly applied: the catalog is not compared with a checkpoint before undoing it"});
    }
  }
  const std::string checkpoint_name =
      keep == 0 ? "the baseline" : "the checkpoint of `" + request.to + "`";
  const Fingerprint checkpoint = FingerprintFromDetail(
      keep == 0 ? record.baseline_detail : record.Find(request.to)->fingerprint_detail);
  sink.Emit({"rollback-started", "",
             "undoing " + std::to_string(undo.size()) + " stage(s) back to " + checkpoint_name});
  for (std::size_t i : undo) {
    const Stage& stage = plan.stages[i];
    StepContext context{db, settings, sink, review.objects, stage.id};
    const std::string reset =
        "status = 'rolled back', steps_done = 0, rows_done = 0, rows_scanned = 0, "
        "rows_total = NULL, cursor = NULL, max_key = NULL, batch_size = NULL, "
        "fingerprint = NULL, fingerprint_detail = NULL, error = NULL, finished_at = now()";
    std::optional<StepFailure> failure;
    if (review.stages[i].rollback.empty()) {
      failure = WithLockRetries(context, "recording the rollback of `" + stage.id + "`", [&] {
        return ExecError(db, StageUpdate(db, plan.id, stage.id, reset));
      });
    } else {
      failure = RunStatements(
          context, review.stages[i].rollback, 0,
          [&](int, bool last) -> DbResult<std::string> {
            return last ? StageUpdate(db, plan.id, stage.id, reset) : std::string("SELECT 1");
          },
          true);
    }
    if (failure) {
      sink.Emit({"rollback-failed", stage.id, failure->message});
      return {false, "rollback of stage `" + stage.id + "` failed: " + failure->message +
                         "; the ledger still records it as applied, and the stages before it were "
                         "not touched"};
    }
    sink.Emit({"stage-rolled-back", stage.id, "rolled back"});
  }
  auto now = QueryWithLockRetries<Fingerprint>(plan_context, "taking the fingerprint",
                                               [&] { return TakeFingerprint(db, review.objects); });
  if (const auto* failure = std::get_if<StepFailure>(&now)) return {false, failure->message};
  const auto diff = FingerprintDiff(checkpoint, std::get<Fingerprint>(now));
  if (!diff.empty()) {
    std::string message = "rolled back, but the catalog differs from " + checkpoint_name + ":";
    for (const std::string& line : diff) message += "\n  " + line;
    sink.Emit({"rollback-failed", "", message});
    return {false, message};
  }
  const std::string message = "rolled back " + std::to_string(undo.size()) +
                              " stage(s); the catalog matches " + checkpoint_name +
                              " (fingerprint " + checkpoint.hash + ")";
  sink.Emit({"rollback-finished", "", message});
  return {true, message};
}

}  // namespace

Outcome RollbackPlan(Database& db, const Plan& plan, const PlanReview& review,
                     const RunSettings& settings, const RollbackRequest& request, EventSink& sink) {
  if (auto error = ConfigureSession(db, settings))
    return {false, "cannot configure the session: " + error->message};
  if (!LedgerExists(db)) return {false, "no pgshift ledger in this database: nothing to roll back"};
  auto locked = LockPlan(db, plan.id);
  if (const DbError* error = ErrorOf(locked))
    return {false, "cannot take the plan's lock: " + error->message};
  if (const auto& refused = std::get<std::optional<std::string>>(locked)) return {false, *refused};
  Outcome outcome = Undo(db, plan, review, settings, request, sink);
  if (db.Connected()) UnlockPlan(db, plan.id);
  return outcome;
}

}  // namespace pgshift::runner
