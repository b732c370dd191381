// Hands a lint run's files over in input order as soon as each and every input before it are
// done, while the threads go on with the rest: a report can be written, and each file let go, as
// the run goes, rather than every file kept until the last is done.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "workspace/linted_file.h"

namespace pgshift::workspace {

// Takes each file, in input order; called on one thread at a time (whichever finished it).
using FileSink = std::function<void(LintedFile&&)>;

class FilesInOrder {
 public:
  // `steps[i]`: how many steps of the run will report input i done (zero: it is done already).
  FilesInOrder(std::vector<std::size_t> steps, FileSink take)
      : slots_(steps.size()), steps_(std::move(steps)), take_(std::move(take)) {}
  // For a run planned while it goes: each input's steps are counted as its part is planned
  // (AddSteps), and nothing is handed over until every part is (Release).
  static std::unique_ptr<FilesInOrder> Held(std::size_t inputs, FileSink take) {
    auto order =
        std::make_unique<FilesInOrder>(std::vector<std::size_t>(inputs, 0), std::move(take));
    order->held_ = true;
    return order;
  }

  // Input i has `steps` more steps to be over; before any of them can be.
  void AddSteps(std::size_t input, std::size_t steps) {
    const std::lock_guard<std::mutex> lock(mutex_);
    steps_[input] += steps;
  }
  // Every input's steps are counted: hands over what is done.
  void Release() {
    const std::lock_guard<std::mutex> lock(mutex_);
    held_ = false;
    HandOver(false);
  }

  // Puts input i's file in its place: by the one step that checks it, before it says Done.
  LintedFile& Put(std::size_t input, LintedFile file) {
    slots_[input] = std::make_unique<LintedFile>(std::move(file));
    return *slots_[input];
  }
  // Whether input i's file waits in its place (it is not handed over yet).
  bool Holds(std::size_t input) const { return slots_[input] != nullptr; }

  // One step of input i is over (its file in its slot, or no file for it).
  void Done(std::size_t input) {
    const std::lock_guard<std::mutex> lock(mutex_);
    --steps_[input];
    HandOver(false);
  }
  // After every step: hands over what is left.
  void Finish() {
    const std::lock_guard<std::mutex> lock(mutex_);
    HandOver(true);
  }

 private:
  void HandOver(bool all) {
    if (held_ && !all) return;
    for (; next_ < slots_.size() && (all || steps_[next_] == 0); ++next_) {
      if (!slots_[next_]) continue;
      take_(std::move(*slots_[next_]));
      slots_[next_].reset();
    }
  }

  std::mutex mutex_;
  // A pointer per input, not the file: most inputs are handed over soon after they are put,
  // and a slot as large as a file for each of thousands would be held the whole run.
  std::vector<std::unique_ptr<LintedFile>> slots_;
  std::vector<std::size_t> steps_;  // steps not yet over, per input
  std::size_t next_ = 0;            // the first input not handed over
  bool held_ = false;               // some inputs' steps are not counted yet
  FileSink take_;
};

// Says input `input` done when the step that checks it ends, however it ends.
class StepDone {
 public:
  StepDone(FilesInOrder& order, std::optional<std::size_t> input) : order_(order), input_(input) {}
  ~StepDone() {
    if (input_) order_.Done(*input_);
  }
  StepDone(const StepDone&) = delete;
  StepDone& operator=(const StepDone&) = delete;

 private:
  FilesInOrder& order_;
  std::optional<std::size_t> input_;
};

}  // namespace pgshift::workspace
