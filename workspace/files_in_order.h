// Hands a lint run's files over in input order as soon as each and every input before it are
// done, while the threads go on with the rest: a report can be written, and each file let go, as
// the run goes, rather than every file kept until the last is done. A file is made into what is
// kept of it (FileSink::Keep) by the thread that finished it, when its step ends.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "workspace/file_sink.h"
#include "workspace/linted_file.h"

namespace pgshift::workspace {

class FilesInOrder {
 public:
  // `steps[i]`: how many steps of the run will report input i done (zero: it is done already).
  FilesInOrder(std::vector<std::size_t> steps, FileSink& sink)
      : slots_(steps.size()), steps_(std::move(steps)), sink_(sink) {}
  // For a run planned while it goes: each input's steps are counted as its part is planned
  // (AddSteps), and nothing is handed over until every part is (Release).
  static std::unique_ptr<FilesInOrder> Held(std::size_t inputs, FileSink& sink) {
    auto order = std::make_unique<FilesInOrder>(std::vector<std::size_t>(inputs, 0), sink);
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

  // Whether what is kept of input i's file waits in its place (it is not handed over yet).
  bool Holds(std::size_t input) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return slots_[input] != nullptr;
  }

  // One step of input i is over, with the input's file when it is the one step that checks it
  // (else null). The file is made into what is kept of it here, on the step's thread.
  void Done(std::size_t input, std::unique_ptr<LintedFile> file = nullptr) {
    std::unique_ptr<FileSink::Kept> kept;
    if (file) kept = sink_.Keep(std::move(*file));
    file.reset();
    const std::lock_guard<std::mutex> lock(mutex_);
    if (kept) slots_[input] = std::move(kept);
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
      if (slots_[next_]) sink_.Take(std::move(slots_[next_]));
    }
  }

  mutable std::mutex mutex_;
  // What is kept of each input's file, until it is handed over.
  std::vector<std::unique_ptr<FileSink::Kept>> slots_;
  std::vector<std::size_t> steps_;  // steps not yet over, per input
  std::size_t next_ = 0;            // the first input not handed over
  bool held_ = false;               // some inputs' steps are not counted yet
  FileSink& sink_;
};

// One step of an input (or of none): says the input done when the step ends, however it ends,
// with the file the step put.
class StepDone {
 public:
  StepDone(FilesInOrder& order, std::optional<std::size_t> input) : order_(order), input_(input) {}
  ~StepDone() {
    if (input_) order_.Done(*input_, std::move(file_));
  }
  StepDone(const StepDone&) = delete;
  StepDone& operator=(const StepDone&) = delete;

  // The input's file, by the one step that checks it; the step may read it until it ends.
  LintedFile& Put(LintedFile file) {
    file_ = std::make_unique<LintedFile>(std::move(file));
    return *file_;
  }

 private:
  FilesInOrder& order_;
  std::optional<std::size_t> input_;
  std::unique_ptr<LintedFile> file_;
};

}  // namespace pgshift::workspace
