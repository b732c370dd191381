#include "runner/fleet_rollout.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "runner/interrupt.h"
#include "runner/ledger.h"
#include "runner/pooler.h"
#include "runner/process.h"
#include "runner/redact.h"

namespace pgshift::runner {
namespace {

using Clock = std::chrono::steady_clock;

// libpq's messages span lines ("...failed: Connection refused\n\tIs the server running...");
// a fleet's report keeps one line per target.
std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    while (i + 1 < text.size() && (text[i + 1] == '\t' || text[i + 1] == ' ')) ++i;
    out += ' ';
  }
  return out;
}

std::string Duration(std::chrono::milliseconds ms) {
  if (ms.count() < 1000 || ms.count() % 1000 != 0) return std::to_string(ms.count()) + " ms";
  return std::to_string(ms.count() / 1000) + " s";
}

// Several targets report at once: one event at a time, each naming its target.
class TargetSink final : public EventSink {
 public:
  TargetSink(EventSink& sink, std::mutex& mutex, std::string target)
      : sink_(sink), mutex_(mutex), target_(std::move(target)) {}
  void Emit(const RunEvent& event) override {
    RunEvent named = event;
    if (!event.message.empty()) named.message = "[" + target_ + "] " + OneLine(event.message);
    named.detail["target"] = target_;
    std::lock_guard<std::mutex> lock(mutex_);
    sink_.Emit(named);
  }

 private:
  EventSink& sink_;
  std::mutex& mutex_;
  std::string target_;
};

// Whether every stage of [0, through) is done with the plan's checksum.
bool AlreadyThrough(const PlanRecord& record, const Plan& plan, std::size_t through) {
  if (record.checksum != plan.checksum) return false;
  for (std::size_t i = 0; i < through; ++i) {
    const StageRecord* stage = record.Find(plan.stages[i].id);
    if (stage == nullptr || stage->status != "done") return false;
  }
  return true;
}

bool HasRunHere(const PlanRecord& record) {
  for (const StageRecord& stage : record.stages) {
    if (stage.status == "done" || stage.status == "running" || stage.status == "failed" ||
        stage.status == "interrupted")
      return true;
  }
  return false;
}

class Rollout {
 public:
  Rollout(const Fleet& fleet, const Plan& plan, const PlanReview& review,
          const RunSettings& settings, EventSink& sink)
      : fleet_(fleet), plan_(plan), review_(review), settings_(settings), sink_(sink) {}

  FleetOutcome Run(const FleetRunRequest& request) {
    FleetOutcome outcome;
    for (const FleetWave& wave : fleet_.waves) {
      for (const FleetTarget& target : wave.targets)
        outcome.targets.push_back({wave.name, target.name});
    }
    std::size_t first = 0;
    for (std::size_t w = 0; w < fleet_.waves.size(); ++w) {
      const FleetWave& wave = fleet_.waves[w];
      Emit({"wave-started", "",
            "wave `" + wave.name + "` (" + std::to_string(wave.targets.size()) + " target" +
                (wave.targets.size() == 1 ? "" : "s") + (w == 0 ? ", the canary" : "") + ")"});
      RunWave(wave, first, request, outcome);
      first += wave.targets.size();
      if (!outcome.message.empty()) return outcome;  // halted
      const bool last = w + 1 == fleet_.waves.size();
      std::string failure;
      if (last || WaveBegun(fleet_.waves[w + 1])) {
        // The next wave only starts after this one's soak, so a begun next wave means the soak
        // passed in an earlier invocation: check the gate once.
        failure = CheckGate(wave, first - wave.targets.size(), outcome);
        const bool gated = !fleet_.gate.empty() || !fleet_.gate_command.empty();
        if (failure.empty() && gated)
          Emit({"gate-passed", "", "wave `" + wave.name + "`: the gate passed"});
      } else {
        failure = Soak(wave, first - wave.targets.size(), outcome);
      }
      if (Interrupted()) return Stopped(outcome, "during the soak of wave `" + wave.name + "`");
      if (!failure.empty()) {
        outcome.message = "halted after wave `" + wave.name + "`: " + failure;
        return outcome;
      }
      Emit({"wave-finished", "", "wave `" + wave.name + "` is through and healthy"});
    }
    outcome.ok = true;
    std::size_t skipped = 0;
    for (const auto& t : outcome.targets) skipped += t.state == "skipped-unreachable";
    outcome.message = "every wave is through `" + plan_.stages[request.run.through - 1].id + "`";
    if (skipped > 0)
      outcome.message += " except " + std::to_string(skipped) + " unreachable target" +
                         (skipped == 1 ? "" : "s") + " skipped";
    return outcome;
  }

  FleetOutcome Rollback(const RollbackRequest& request) {
    FleetOutcome outcome;
    for (const FleetWave& wave : fleet_.waves) {
      for (const FleetTarget& target : wave.targets)
        outcome.targets.push_back({wave.name, target.name});
    }
    std::size_t index = outcome.targets.size();
    std::vector<std::string> failures;
    for (auto wave = fleet_.waves.rbegin(); wave != fleet_.waves.rend(); ++wave) {
      for (auto target = wave->targets.rbegin(); target != wave->targets.rend(); ++target) {
        FleetTargetResult& result = outcome.targets[--index];
        if (Interrupted()) return Stopped(outcome, "before rolling back " + target->name);
        RollbackTarget(*target, request, result);
        if (result.state != "rolled-back" && result.state != "never-ran")
          failures.push_back(target->name + " (" + result.state + ": " + result.message + ")");
      }
    }
    outcome.ok = failures.empty();
    if (outcome.ok) {
      outcome.message = "every target the plan ran on is rolled back";
    } else {
      outcome.message = std::to_string(failures.size()) + " target" +
                        (failures.size() == 1 ? "" : "s") + " not rolled back: ";
      for (std::size_t i = 0; i < failures.size(); ++i)
        outcome.message += (i == 0 ? "" : "; ") + failures[i];
    }
    return outcome;
  }

 private:
  void Emit(const RunEvent& event) {
    std::lock_guard<std::mutex> lock(mutex_);
    sink_.Emit(event);
  }

  FleetOutcome& Stopped(FleetOutcome& outcome, const std::string& when) {
    outcome.interrupted = InterruptSignal();
    outcome.message =
        std::string("interrupted by ") + InterruptName(outcome.interrupted) + " " + when;
    return outcome;
  }

  // The targets of one wave, `parallel` at a time; the first failure stops new targets starting.
  void RunWave(const FleetWave& wave, std::size_t first, const FleetRunRequest& request,
               FleetOutcome& outcome) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> halt{false};
    auto work = [&] {
      for (;;) {
        if (halt.load() || Interrupted()) return;
        const std::size_t i = next.fetch_add(1);
        if (i >= wave.targets.size()) return;
        FleetTargetResult& result = outcome.targets[first + i];
        RunTarget(wave.targets[i], request.run, result);
        const bool fatal = result.state == "failed" || result.state == "refused" ||
                           result.state == "unreachable" || result.state == "interrupted";
        if (fatal) halt.store(true);
      }
    };
    const int threads =
        std::max(1, std::min<int>(request.parallel, static_cast<int>(wave.targets.size())));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& thread : pool) thread.join();

    for (std::size_t i = 0; i < wave.targets.size(); ++i) {
      const FleetTargetResult& result = outcome.targets[first + i];
      if (result.state == "interrupted") {
        outcome.interrupted = InterruptSignal();
        outcome.message =
            "interrupted in wave `" + wave.name + "`: " + result.target + ": " + result.message;
        return;
      }
    }
    for (std::size_t i = 0; i < wave.targets.size(); ++i) {
      const FleetTargetResult& result = outcome.targets[first + i];
      if (result.state == "failed" || result.state == "refused" || result.state == "unreachable") {
        outcome.preflight = outcome.preflight || result.state == "refused";
        outcome.message = "halted in wave `" + wave.name + "`: target " + result.target + " " +
                          result.state + ": " + result.message;
        return;
      }
    }
    if (Interrupted()) Stopped(outcome, "in wave `" + wave.name + "`");
  }

  void RunTarget(const FleetTarget& target, const RunRequest& request, FleetTargetResult& result) {
    TargetSink sink(sink_, mutex_, target.name);
    const Redactor redact(target.url);
    auto connected = Connect(target.url, "pgshift run");
    if (const auto* error = ErrorOf(connected)) {
      result.message = OneLine(redact.ConnectionFailure(error->message));
      const bool skip = fleet_.unreachable == UnreachablePolicy::kSkip;
      result.state = skip ? "skipped-unreachable" : "unreachable";
      sink.Emit({skip ? "target-skipped" : "target-unreachable", "",
                 std::string(skip ? "skipped, unreachable: " : "unreachable: ") + result.message});
      return;
    }
    Database& db = *std::get<std::unique_ptr<Database>>(connected);
    if (const auto refused = CheckSessionPinned(db, target.url)) {
      result.state = "refused";
      result.message = redact(*refused);
      sink.Emit({"run-failed", "", result.message});
      return;
    }
    const Plan plan = TenantPlan(target);
    auto read = ReadPlanRecord(db, plan.id);
    if (const auto* record = std::get_if<std::optional<PlanRecord>>(&read);
        record != nullptr && *record && AlreadyThrough(**record, plan, request.through)) {
      result.state = "already-through";
      result.message = "already through `" + plan_.stages[request.through - 1].id + "`";
      sink.Emit({"note", "", result.message});
      return;
    }
    sink.Emit(
        {"run-started", "", "running through `" + plan_.stages[request.through - 1].id + "`"});
    const Outcome run = RunPlan(db, plan, review_, settings_, request, sink);
    result.message = OneLine(redact(run.message));
    if (run.interrupted != 0) {
      result.state = "interrupted";
    } else if (run.preflight) {
      result.state = "refused";
    } else {
      result.state = run.ok ? "ran" : "failed";
    }
    sink.Emit({run.ok ? "run-finished" : "run-failed", "", result.message});
  }

  // Whether any target of `wave` has the plan in its ledger.
  bool WaveBegun(const FleetWave& wave) {
    for (const FleetTarget& target : wave.targets) {
      auto connected = Connect(target.url, "pgshift run");
      if (ErrorOf(connected) != nullptr) continue;
      auto read = ReadPlanRecord(*std::get<std::unique_ptr<Database>>(connected),
                                 LedgerPlanId(plan_.id, target));
      if (const auto* record = std::get_if<std::optional<PlanRecord>>(&read);
          record != nullptr && *record && HasRunHere(**record))
        return true;
    }
    return false;
  }

  // Empty when healthy; else which target (or the command) failed and why.
  std::string CheckGate(const FleetWave& wave, std::size_t first, const FleetOutcome& outcome) {
    for (std::size_t i = 0; i < wave.targets.size() && !fleet_.gate.empty(); ++i) {
      if (outcome.targets[first + i].state == "skipped-unreachable") continue;
      const FleetTarget& target = wave.targets[i];
      const Redactor redact(target.url);
      auto connected = Connect(target.url, "pgshift gate");
      if (const auto* error = ErrorOf(connected))
        return "the gate cannot reach " + target.name + ": " +
               OneLine(redact.ConnectionFailure(error->message));
      auto rows = std::get<std::unique_ptr<Database>>(connected)->Exec(fleet_.gate);
      if (const auto* error = ErrorOf(rows))
        return "the gate failed on " + target.name + ": " + OneLine(redact(error->message));
      const std::string value = std::get<Rows>(rows).Scalar();
      if (value != "t" && value != "true")
        return "the gate returned " + (value.empty() ? std::string("no value") : value) + " on " +
               target.name + " (it must return true)";
    }
    if (!fleet_.gate_command.empty()) {
      ProcessOptions options;
      options.env["PGSHIFT_FLEET_WAVE"] = wave.name;
      const ProcessResult run = RunProcess({"/bin/sh", "-c", fleet_.gate_command}, options);
      if (!run.started) return "the gate command did not start: " + run.error;
      if (run.exit_code != 0) {
        std::string err = run.err.substr(0, 300);
        while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
        return "the gate command exited with " + std::to_string(run.exit_code) +
               (err.empty() ? "" : ": " + err);
      }
    }
    return "";
  }

  std::string Soak(const FleetWave& wave, std::size_t first, const FleetOutcome& outcome) {
    const auto end = Clock::now() + fleet_.soak;
    if (fleet_.gate.empty() && fleet_.gate_command.empty()) {
      if (fleet_.soak.count() > 0) {
        Emit(
            {"soak-started", "",
             "wave `" + wave.name + "`: waiting " + Duration(fleet_.soak) + " (no gate to check)"});
        SleepUnlessInterrupted(fleet_.soak);
      }
      return "";
    }
    Emit({"soak-started", "",
          fleet_.soak.count() > 0 ? "wave `" + wave.name + "`: soaking " + Duration(fleet_.soak) +
                                        ", the gate checked every " + Duration(fleet_.check_every)
                                  : "wave `" + wave.name + "`: checking the gate"});
    int checks = 0;
    for (;;) {
      std::string failure = CheckGate(wave, first, outcome);
      ++checks;
      if (!failure.empty()) {
        Emit({"gate-failed", "", "wave `" + wave.name + "`: " + failure});
        return failure;
      }
      const auto left = end - Clock::now();
      if (left <= Clock::duration::zero() || Interrupted()) break;
      SleepUnlessInterrupted(
          std::min(fleet_.check_every, std::chrono::duration_cast<std::chrono::milliseconds>(left) +
                                           std::chrono::milliseconds(1)));
      if (Interrupted()) return "";
    }
    Emit({"gate-passed", "",
          "wave `" + wave.name + "`: the gate passed " + std::to_string(checks) + " check" +
              (checks == 1 ? "" : "s")});
    return "";
  }

  void RollbackTarget(const FleetTarget& target, const RollbackRequest& request,
                      FleetTargetResult& result) {
    TargetSink sink(sink_, mutex_, target.name);
    const Redactor redact(target.url);
    auto connected = Connect(target.url, "pgshift rollback");
    if (const auto* error = ErrorOf(connected)) {
      result.state = "unreachable";
      result.message = OneLine(redact.ConnectionFailure(error->message));
      sink.Emit({"rollback-failed", "", "unreachable: " + result.message});
      return;
    }
    Database& db = *std::get<std::unique_ptr<Database>>(connected);
    if (const auto refused = CheckSessionPinned(db, target.url)) {
      result.state = "refused";
      result.message = redact(*refused);
      sink.Emit({"rollback-failed", "", result.message});
      return;
    }
    const Plan plan = TenantPlan(target);
    auto read = ReadPlanRecord(db, plan.id);
    if (const auto* error = ErrorOf(read)) {
      result.state = "failed";
      result.message = "cannot read the ledger: " + redact(error->message);
      sink.Emit({"rollback-failed", "", result.message});
      return;
    }
    const auto& record = std::get<std::optional<PlanRecord>>(read);
    if (!record || !HasRunHere(*record)) {
      result.state = "never-ran";
      result.message = "nothing of the plan to undo here";
      return;
    }
    // RollbackPlan reports its own end.
    const Outcome undone = RollbackPlan(db, plan, review_, settings_, request, sink);
    result.state = undone.ok ? "rolled-back" : "failed";
    result.message = OneLine(redact(undone.message));
  }

  // The plan as one target's ledger knows it: keyed per tenant schema (see LedgerPlanId).
  Plan TenantPlan(const FleetTarget& target) const {
    Plan plan = plan_;
    plan.id = LedgerPlanId(plan_.id, target);
    return plan;
  }

  const Fleet& fleet_;
  const Plan& plan_;
  const PlanReview& review_;
  const RunSettings& settings_;
  EventSink& sink_;
  std::mutex mutex_;
};

}  // namespace

FleetOutcome RunFleet(const Fleet& fleet, const Plan& plan, const PlanReview& review,
                      const RunSettings& settings, const FleetRunRequest& request,
                      EventSink& sink) {
  return Rollout(fleet, plan, review, settings, sink).Run(request);
}

FleetOutcome RollbackFleet(const Fleet& fleet, const Plan& plan, const PlanReview& review,
                           const RunSettings& settings, const RollbackRequest& request,
                           EventSink& sink) {
  return Rollout(fleet, plan, review, settings, sink).Rollback(request);
}

}  // namespace pgshift::runner
