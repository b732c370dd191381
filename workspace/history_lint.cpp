#include "workspace/history_lint.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "parser/large_stack.h"
#include "workspace/files_in_order.h"
#include "workspace/history_check.h"
#include "workspace/history_jobs.h"
#include "workspace/job_upgrades.h"
#include "workspace/parse_ahead.h"

namespace pgshift::workspace {
namespace {

// The look-aheads of the histories planned so far, for the threads that help them.
class AheadList {
 public:
  void Add(StepsAhead* ahead) {
    const std::lock_guard<std::mutex> lock(mutex_);
    list_.push_back(ahead);
  }
  void CopyTo(std::vector<StepsAhead*>& out) {
    const std::lock_guard<std::mutex> lock(mutex_);
    out.assign(list_.begin(), list_.end());
  }

 private:
  std::mutex mutex_;
  std::vector<StepsAhead*> list_;
};

// A part of the run's plan (JobPlanner) once planned: its jobs, and what they are checked with.
struct PlannedPart {
  std::vector<Job> jobs;
  std::vector<std::string> notes;  // the upgrades inferred, for --verbose
  std::vector<JobBasics> basics;   // with look-ahead: per job, for the threads parsing ahead
  std::vector<std::unique_ptr<StepsAhead>> aheads;  // with look-ahead: per job of 2 or more steps
};

}  // namespace

void LintWithHistory(const std::vector<LintInput>& inputs, const InputSettings& settings,
                     const std::vector<const Config*>& configs, const LintScope& scope, bool replay,
                     unsigned jobs, std::vector<std::string>* notes,
                     const std::function<void()>& on_planned, FileSink& sink) {
  // Standard input can be read by one thread only, and only once.
  const bool has_stdin =
      std::any_of(inputs.begin(), inputs.end(), [](const LintInput& in) { return in.from_stdin; });
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  if (has_stdin) jobs = 1;
  JobUpgrades upgrades(inputs, configs, settings, scope.infer_upgrades && replay);
  JobPlanner planner(inputs, configs, scope, replay, jobs);
  const std::size_t parts = planner.parts();
  // Without histories to parse ahead for, a thread beyond one per part would have nothing to do.
  if (!planner.HasHistory()) {
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(parts, 1)));
  }
  // The parts are planned on the threads that check them (JobPlanner): the longest history first,
  // by a thread that starts checking it at once while the others plan the rest; a file is handed
  // over once every part is planned and the notes told. With one thread, every part is planned
  // first, so that no file waits for the plan of the last.
  std::vector<std::size_t> plan_order;
  plan_order.reserve(parts);
  const std::size_t largest = jobs > 1 && parts > 0 ? planner.Largest() : parts;
  if (largest < parts) plan_order.push_back(largest);
  for (std::size_t p = 0; p < parts; ++p) {
    if (p != largest) plan_order.push_back(p);
  }
  std::vector<PlannedPart> planned(parts);
  const std::unique_ptr<FilesInOrder> order = FilesInOrder::Held(inputs.size(), sink);
  const auto all_planned = [&] {
    if (notes != nullptr) {
      planner.Notes(*notes);
      for (PlannedPart& part : planned) {
        for (std::string& note : part.notes) notes->push_back(std::move(note));
      }
    }
    if (on_planned) on_planned();
    order->Release();
  };
  if (parts == 0) all_planned();

  // A history's files are checked in order by one thread; a thread left without a history to
  // check parses the next files of those still being checked (parse_ahead.h).
  AheadSignal signal;
  AheadList aheads;
  std::atomic<std::size_t> next_plan{0}, parts_planned{0}, jobs_planned{0}, finished{0};
  std::mutex waiting_mutex;
  std::deque<std::pair<std::size_t, std::size_t>> waiting;  // planned jobs nobody took: part, job
  // Plans part p; its jobs wait for a thread (but for `keep`, which the caller checks itself).
  const auto plan = [&](std::size_t p, std::optional<std::size_t>* keep) {
    PlannedPart& part = planned[p];
    part.jobs = planner.Plan(p);
    upgrades.Infer(part.jobs, notes != nullptr ? &part.notes : nullptr);
    for (const Job& job : part.jobs) {
      for (const Step& step : job.steps) {
        if (step.input) order->AddSteps(*step.input, 1);
      }
    }
    if (jobs > 1) {
      part.basics.reserve(part.jobs.size());
      part.aheads.resize(part.jobs.size());
      for (std::size_t j = 0; j < part.jobs.size(); ++j) {
        part.basics.push_back(BasicsOf(part.jobs[j], settings));
        if (part.jobs[j].steps.size() < 2) continue;
        part.aheads[j] = std::make_unique<StepsAhead>(
            part.jobs[j].steps.size(),
            [&, p, j](std::size_t s) {
              return PrepareStep(planned[p].jobs[j], s, planned[p].basics[j], inputs, settings,
                                 scope);
            },
            [](const PreparedStep& step) { return step.text.size() + step.parsed.bytes(); },
            AheadLimits{}, &signal);
        aheads.Add(part.aheads[j].get());
      }
    }
    jobs_planned += part.jobs.size();
    {
      const std::lock_guard<std::mutex> lock(waiting_mutex);
      for (std::size_t j = 0; j < part.jobs.size(); ++j) {
        // The caller keeps the part's longest job, its history.
        if (keep != nullptr && j + 1 == part.jobs.size()) {
          *keep = j;
        } else {
          waiting.emplace_back(p, j);
        }
      }
    }
    if (++parts_planned == parts) all_planned();
    signal.Changed();
  };
  const auto check = [&](std::size_t p, std::size_t j) {
    PlannedPart& part = planned[p];
    StepsAhead* ahead = part.aheads.empty() ? nullptr : part.aheads[j].get();
    RunJob(part.jobs[j], inputs, settings, scope, *order, ahead);
    ++finished;
    if (ahead != nullptr) {
      ahead->Close();
    } else {
      signal.Changed();
    }
  };
  // Each worker runs on one large stack for all its files: parsing and linting need one, and a
  // thread started for every file cost more than linting a small migration does.
  const auto worker = [&](std::optional<std::size_t> first) {
    parser::RunWithLargeStack([&] {
      if (first) {
        std::optional<std::size_t> kept;
        plan(*first, &kept);
        if (kept) check(*first, *kept);
      }
      std::vector<StepsAhead*> helping;
      for (;;) {
        const std::uint64_t seen = signal.Generation();
        if (const std::size_t k = next_plan++; k < plan_order.size()) {
          plan(plan_order[k], nullptr);
          continue;
        }
        std::optional<std::pair<std::size_t, std::size_t>> next;
        {
          const std::lock_guard<std::mutex> lock(waiting_mutex);
          if (!waiting.empty()) {
            next = waiting.front();
            waiting.pop_front();
          }
        }
        if (next) {
          check(next->first, next->second);
          continue;
        }
        // No job left to start: parse ahead for those still running until they are all done.
        aheads.CopyTo(helping);
        if (std::any_of(helping.begin(), helping.end(),
                        [](StepsAhead* steps) { return steps->Help(); })) {
          continue;
        }
        if (parts_planned == parts && finished == jobs_planned) return;
        signal.WaitPast(seen);
      }
    });
  };
  std::optional<std::size_t> first;
  if (largest < parts) first = plan_order[next_plan++];
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(worker, std::nullopt);
  worker(first);
  for (std::thread& thread : threads) thread.join();
  order->Finish();
}

std::vector<LintedFile> LintWithHistory(const std::vector<LintInput>& inputs,
                                        const InputSettings& settings,
                                        const std::vector<const Config*>& configs,
                                        const LintScope& scope, bool replay, unsigned jobs,
                                        std::vector<std::string>* notes) {
  std::vector<LintedFile> results;
  WholeFileSink sink([&](LintedFile&& file) { results.push_back(std::move(file)); });
  LintWithHistory(inputs, settings, configs, scope, replay, jobs, notes, {}, sink);
  return results;
}

}  // namespace pgshift::workspace
