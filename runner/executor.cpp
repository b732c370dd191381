#include "runner/executor.h"

#include <chrono>
#include <cmath>

#include "runner/backfill.h"
#include "runner/drift.h"
#include "runner/fingerprint.h"
#include "runner/interrupt.h"
#include "runner/ledger.h"
#include "runner/preflight.h"
#include "runner/session.h"
#include "runner/steps.h"

namespace pgshift::runner {
namespace {

using Clock = std::chrono::steady_clock;

// One cancel request can cancel at most a statement or two after the one it aimed at.
constexpr int kInterruptionRecordAttempts = 3;

// Whether no stage has changed anything yet (a failed gate or a first statement that failed
// changes nothing): then a changed plan is simply the plan.
bool Untouched(const PlanRecord& record) {
  for (const StageRecord& stage : record.stages) {
    if (stage.status == "done" || stage.status == "running") return false;
    if ((stage.status == "failed" || stage.status == "interrupted") &&
        (stage.steps_done > 0 || stage.has_max_key || stage.rows_done > 0)) {
      return false;
    }
  }
  return true;
}

// A stage that committed part of its work resumes from there; one that failed before doing
// anything (a gate, a first statement) simply starts again. An interrupted stage may have finished
// a CONCURRENTLY statement without its ledger commit.
bool Resuming(const StageRecord& before) {
  return before.status == "running" || before.status == "interrupted" ||
         (before.status == "failed" &&
          (before.steps_done > 0 || before.has_cursor || before.has_max_key));
}

class Runner {
 public:
  Runner(Database& db, const Plan& plan, const PlanReview& review, const RunSettings& settings,
         EventSink& sink)
      : db_(db), plan_(plan), review_(review), settings_(settings), sink_(sink) {}

  Outcome Run(const RunRequest& request) {
    if (Interrupted()) return Stopped("before it connected");
    if (auto error = ConfigureSession(db_, settings_))
      return Fail("cannot configure the session: " + error->message);
    if (auto failure =
            Retrying("creating the ledger (schema pgshift)", [&] { return EnsureLedger(db_); })) {
      return Fail(failure->message);
    }
    auto locked = LockPlan(db_, plan_.id);
    if (const DbError* error = ErrorOf(locked))
      return Fail("cannot take the plan's lock: " + error->message);
    if (const auto& refused = std::get<std::optional<std::string>>(locked)) return Fail(*refused);
    Outcome outcome = RunLocked(request);
    if (db_.Connected()) UnlockPlan(db_, plan_.id);
    return outcome;
  }

 private:
  // The runner's own reads and writes (the ledger, fingerprints) wait for locks as its statements
  // do: at most lock_timeout per attempt, retried, and the blocker named when it gives up.
  std::optional<StepFailure> Retrying(const std::string& what,
                                      const std::function<std::optional<DbError>()>& work) {
    StepContext context{db_, settings_, sink_, review_.objects, ""};
    return WithLockRetries(context, what, work);
  }

  std::variant<std::optional<PlanRecord>, StepFailure> ReadRecord() {
    StepContext context{db_, settings_, sink_, review_.objects, ""};
    return QueryWithLockRetries<std::optional<PlanRecord>>(
        context, "reading the ledger", [&] { return ReadPlanRecord(db_, plan_.id); });
  }

  // Takes the baseline fingerprint and records it, in one transaction.
  std::optional<StepFailure> RecordBaseline() {
    std::string hash;
    auto failure = Retrying("taking the baseline fingerprint", [&]() -> std::optional<DbError> {
      if (auto error = ExecError(db_, BeginWithTimeouts(settings_))) return error;
      auto baseline = TakeFingerprint(db_, review_.objects);
      if (const DbError* error = ErrorOf(baseline)) return *error;
      const Fingerprint& f = std::get<Fingerprint>(baseline);
      hash = f.hash;
      return ExecError(
          db_, "UPDATE pgshift.plans SET baseline_fingerprint = " + db_.QuoteLiteral(f.hash) +
                   ", baseline_detail = " + db_.QuoteLiteral(f.Detail()) +
                   " WHERE plan_id = " + db_.QuoteLiteral(plan_.id) + "; COMMIT");
    });
    if (!failure) sink_.Emit({"checkpoint", "", "baseline fingerprint " + hash});
    return failure;
  }

  Outcome RunLocked(const RunRequest& request) {
    auto read = ReadRecord();
    if (const auto* failure = std::get_if<StepFailure>(&read)) return Fail(failure->message);
    const auto& existing = std::get<std::optional<PlanRecord>>(read);
    if (existing && existing->checksum != plan_.checksum && !Untouched(*existing)) {
      if (!request.force) {
        return Fail("plan `" + plan_.id + "` changed since its stages ran here (checksum " +
                    existing->checksum + " recorded, " + plan_.checksum +
                    " now); roll back first, or pass --force to run the changed plan as it stands");
      }
      sink_.Emit({"note", "",
                  "the plan changed since it last ran (checksum " + existing->checksum + " → " +
                      plan_.checksum + "); running it anyway (--force)"});
    }
    if (auto refused = CheckFirst(existing ? &*existing : nullptr, request.through)) {
      return *refused;
    }
    const std::string runner = RunnerIdentity();
    if (auto failure = Retrying("registering the plan in the ledger",
                                [&] { return RegisterPlan(db_, plan_, runner); })) {
      return Fail(failure->message);
    }
    if (!existing || existing->baseline.empty() || Untouched(*existing)) {
      if (auto failure = RecordBaseline()) return Fail(failure->message);
    }
    auto reread = ReadRecord();
    if (const auto* failure = std::get_if<StepFailure>(&reread)) return Fail(failure->message);
    const PlanRecord record = *std::get<std::optional<PlanRecord>>(reread);

    // The checkpoint the next stage starts from: the baseline, then each done stage's.
    DriftCheck checkpoint{"the baseline", record.baseline_detail};
    for (std::size_t i = 0; i < request.through; ++i) {
      const Stage& stage = plan_.stages[i];
      const StageRecord* stage_record = record.Find(stage.id);
      if (Interrupted() && !(stage_record != nullptr && stage_record->status == "done")) {
        return Stopped("before stage `" + stage.id + "` started");
      }
      if (stage_record != nullptr && stage_record->status == "done") {
        sink_.Emit({"note", stage.id, "already done"});
        checkpoint = {"the checkpoint of stage `" + stage.id + "`",
                      stage_record->fingerprint_detail};
        continue;
      }
      if (stage_record == nullptr || !Resuming(*stage_record)) {
        StepContext context{db_, settings_, sink_, review_.objects, stage.id};
        if (auto drift =
                CheckDrift(context, checkpoint, "stage `" + stage.id + "`", request.accept_drift)) {
          if (drift->interrupted != 0) return Stopped("before stage `" + stage.id + "` started");
          return Fail(drift->message);
        }
      } else {
        sink_.Emit({"note", stage.id,
                    "resuming partial work: the catalog is not compared with the checkpoint"});
      }
      if (stage.phase == rules::Phase::kContract) {
        sink_.Emit({"note", stage.id, "contract stage: once it runs it cannot be undone"});
      }
      if (auto failure = RunStage(i, stage_record ? *stage_record : StageRecord{})) {
        if (failure->interrupted != 0) return Interrupt(stage, *failure);
        if (!failure->connection_lost) {
          ExecError(
              db_, StageUpdate(db_, plan_.id, stage.id,
                               "status = 'failed', finished_at = now(), error = " +
                                   db_.QuoteLiteral(failure->message)));
        }
        sink_.Emit({"stage-failed", stage.id, failure->message});
        return Fail("stage `" + stage.id + "` failed: " + failure->message);
      }
      auto after = ReadRecord();
      if (const auto* failure = std::get_if<StepFailure>(&after)) return Fail(failure->message);
      const StageRecord* done = std::get<std::optional<PlanRecord>>(after)->Find(stage.id);
      // Its duration as the ledger has it (`pgshift status` shows the same): from its first
      // start, if it resumed, to its end.
      const long long took =
          done != nullptr ? std::llround(done->seconds * 1000) : 0;
      sink_.Emit({"stage-done", stage.id, "done in " + FormatDuration(Millis(took)), took});
      checkpoint = {"the checkpoint of stage `" + stage.id + "`",
                    done != nullptr ? done->fingerprint_detail : ""};
    }
    std::string message = "ran through stage `" + plan_.stages[request.through - 1].id + "`";
    if (request.through < plan_.stages.size()) {
      message += "; next: `" + plan_.stages[request.through].id + "` (" +
                 std::string(rules::PhaseName(plan_.stages[request.through].phase)) + ")";
    }
    return {true, message};
  }

  // Preflight against the live catalog, before any stage's statement.
  std::optional<Outcome> CheckFirst(const PlanRecord* record, std::size_t through) {
    StepContext context{db_, settings_, sink_, review_.objects, ""};
    auto checked = QueryWithLockRetries<std::vector<std::string>>(
        context, "reading the catalog for the preflight check",
        [&] { return Preflight(db_, plan_, review_, record, through); });
    if (const auto* failure = std::get_if<StepFailure>(&checked)) return Fail(failure->message);
    const auto& problems = std::get<std::vector<std::string>>(checked);
    if (problems.empty()) {
      sink_.Emit({"preflight-passed", "", ""});
      return std::nullopt;
    }
    std::string message = "preflight failed; nothing was run:";
    for (const std::string& problem : problems) {
      sink_.Emit({"preflight-failed", "", problem});
      message += "\n  " + problem;
    }
    Outcome outcome = Fail(message);
    outcome.preflight = true;
    return outcome;
  }

  std::optional<StepFailure> RunStage(std::size_t index, const StageRecord& before) {
    const Stage& stage = plan_.stages[index];
    StepContext context{db_, settings_, sink_, review_.objects, stage.id};
    if (stage.gate) {
      auto gate = QueryWithLockRetries<Rows>(context, "its gate",
                                             [&] { return db_.Exec(stage.gate->text); });
      if (const StepFailure* failure = std::get_if<StepFailure>(&gate)) {
        sink_.Emit({"gate-failed", stage.id, failure->message});
        return *failure;
      }
      const std::string value = std::get<Rows>(gate).Scalar();
      if (value != "t") {
        sink_.Emit({"gate-failed", stage.id, "gate returned " + Shown(value)});
        return StepFailure{"its gate returned " + Shown(value) +
                           ", not true; the stage did not start"};
      }
      sink_.Emit({"gate-passed", stage.id, "gate returned true"});
    }
    const bool resuming = Resuming(before);
    const bool fresh = !resuming;
    const std::string restart =
        fresh ? ", started_at = now(), finished_at = NULL, steps_done = 0, "
                "rows_done = 0, rows_scanned = 0, rows_total = NULL, cursor = NULL, "
                "max_key = NULL, batch_size = NULL, fingerprint = NULL"
              : "";
    const std::string running =
        "status = 'running', attempts = attempts + 1, error = NULL" + restart;
    if (auto failure = WithLockRetries(context, "marking it running in the ledger", [&] {
          return ExecError(db_, StageUpdate(db_, plan_.id, stage.id, running));
        })) {
      return failure;
    }
    sink_.Emit({"stage-started", stage.id,
                std::string(resuming ? "resuming " : "starting ") +
                    std::string(rules::PhaseName(stage.phase)) + " stage" +
                    (resuming && before.steps_done > 0
                         ? " after statement " + std::to_string(before.steps_done)
                         : "")});
    std::optional<StepFailure> failure;
    if (stage.backfill) {
      StageRecord current = fresh ? StageRecord{} : before;
      failure = RunBackfill(context, plan_.id, *stage.backfill, current);
    } else {
      failure = RunStatements(
          context, review_.stages[index].sql, fresh ? 0 : before.steps_done,
          [&](int end, bool last) -> DbResult<std::string> {
            std::string sql =
                StageUpdate(db_, plan_.id, stage.id, "steps_done = " + std::to_string(end));
            if (!last) return sql;
            auto done = DoneAssignments(db_, review_.objects);
            if (const DbError* error = ErrorOf(done)) return *error;
            return sql + "; " + StageUpdate(db_, plan_.id, stage.id, std::get<std::string>(done));
          },
          resuming);
    }
    if (failure) return failure;
    return std::nullopt;
  }

  static std::string Shown(const std::string& value) {
    return value.empty() ? "no row or NULL" : "`" + value + "`";
  }

  Outcome Fail(const std::string& message) { return {false, message}; }

  // A signal arrived between stages: nothing is in flight and the ledger is already right.
  Outcome Stopped(const std::string& when) {
    const int signal = InterruptSignal();
    const std::string message = std::string("interrupted by ") + InterruptName(signal) + " " + when;
    sink_.Emit({"note", "", message});
    return {false, message, signal};
  }

  // A cancel request is asynchronous: the one the signal sent can reach the server after the
  // statement it aimed at has ended and cancel the next one, this record. So the cancelling
  // thread is first told to leave the session alone (which also waits out a request it is
  // sending), and a record that a late cancel still hits is tried again.
  std::optional<DbError> RecordInterruption(const Stage& stage, const std::string& message) {
    SetCancelTarget(nullptr);
    const std::string update =
        StageUpdate(db_, plan_.id, stage.id,
                    "status = 'interrupted', finished_at = now(), error = " +
                        db_.QuoteLiteral(message)) +
        " AND status = 'running'";
    std::optional<DbError> error;
    for (int attempt = 0; attempt < kInterruptionRecordAttempts; ++attempt) {
      if (!db_.Connected()) return DbError{"", "the connection is gone", true};
      // A cancel that hit the failed statement's ROLLBACK left its transaction open.
      error = ExecError(db_, "ROLLBACK");
      if (!error) error = ExecError(db_, update);
      if (!error || !error->QueryCanceled()) return error;
    }
    return error;
  }

  // A signal stopped a stage: what it committed stays, and the ledger says it was interrupted
  // (a stage whose last commit already marked it done keeps that).
  Outcome Interrupt(const Stage& stage, const StepFailure& failure) {
    std::string message = failure.message;
    const std::optional<DbError> unrecorded = RecordInterruption(stage, failure.message);
    // The ledger then still says `running`, which the next run also resumes from; say so
    // rather than let the reader believe the interruption was recorded.
    if (unrecorded) {
      message += "; the interruption could not be recorded in the ledger (" + unrecorded->message +
                 "), which still shows the stage as running";
    }
    sink_.Emit({"stage-interrupted", stage.id, message});
    return {false, "stage `" + stage.id + "` " + message, failure.interrupted};
  }

  Database& db_;
  const Plan& plan_;
  const PlanReview& review_;
  const RunSettings& settings_;
  EventSink& sink_;
};

}  // namespace

std::variant<std::size_t, std::string> ResolveThrough(const Plan& plan,
                                                      const std::string& through) {
  const std::string name = through.empty() ? "switch" : through;
  if (const auto phase = rules::ParsePhase(name)) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < plan.stages.size(); ++i) {
      if (plan.stages[i].phase <= *phase) count = i + 1;
    }
    if (count == 0)
      return "no stage of plan `" + plan.id + "` is at or before the " + name + " phase";
    return count;
  }
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    if (plan.stages[i].id == name) return i + 1;
  }
  return "--through " + name +
         " names neither a phase (expand, backfill, switch, contract) nor a stage of plan `" +
         plan.id + "`";
}

Outcome RunPlan(Database& db, const Plan& plan, const PlanReview& review,
                const RunSettings& settings, const RunRequest& request, EventSink& sink) {
  SetCancelTarget(&db);
  Outcome outcome = Runner(db, plan, review, settings, sink).Run(request);
  SetCancelTarget(nullptr);
  return outcome;
}

DbResult<std::string> DoneAssignments(Database& db, const CatalogObjects& objects) {
  auto fingerprint = TakeFingerprint(db, objects);
  if (const DbError* error = ErrorOf(fingerprint)) return *error;
  const Fingerprint& f = std::get<Fingerprint>(fingerprint);
  return "status = 'done', finished_at = now(), error = NULL, fingerprint = " +
         db.QuoteLiteral(f.hash) + ", fingerprint_detail = " + db.QuoteLiteral(f.Detail());
}

}  // namespace pgshift::runner
