// The lint settings of each input. The files under one configuration share one copy: a
// LintSettings is some 300 bytes, held for each of thousands of files the whole run; an input
// whose settings change (a phase, the release it belongs to) gets a copy of its own.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "rules/lint_settings.h"

namespace pgshift::workspace {

class InputSettings {
 public:
  // The next input's settings.
  void Add(rules::LintSettings settings) {
    of_.push_back(std::make_shared<rules::LintSettings>(std::move(settings)));
  }
  // The next input's settings: the same as the input before's.
  void AddSameAsLast() { of_.push_back(of_.back()); }
  void reserve(std::size_t inputs) { of_.reserve(inputs); }

  std::size_t size() const { return of_.size(); }
  bool empty() const { return of_.empty(); }
  const rules::LintSettings& operator[](std::size_t input) const { return *of_[input]; }
  // Input `input`'s settings, to change: its own copy first, if others share them.
  rules::LintSettings& Own(std::size_t input) {
    if (of_[input].use_count() > 1) of_[input] = std::make_shared<rules::LintSettings>(*of_[input]);
    return *of_[input];
  }

 private:
  std::vector<std::shared_ptr<rules::LintSettings>> of_;
};

}  // namespace pgshift::workspace
