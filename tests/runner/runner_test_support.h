// Shared by the runner's database tests: plans from text, quick settings, recorded events.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runner/events.h"
#include "runner/plan.h"
#include "runner/plan_review.h"
#include "runner/settings.h"

namespace pgshift::testing {

struct CheckedPlan {
  runner::Plan plan;
  runner::PlanReview review;
};

// Parses and reviews a plan, failing the test on any error.
inline CheckedPlan PlanFrom(const std::string& text) {
  auto parsed = runner::ParsePlan(text, "test.toml");
  if (auto* errors = std::get_if<runner::PlanErrors>(&parsed)) {
    ADD_FAILURE() << "plan errors: " << errors->messages.front();
    return {};
  }
  CheckedPlan checked{std::get<runner::Plan>(parsed), {}};
  checked.review = runner::ReviewPlan(checked.plan, {});
  for (const std::string& error : checked.review.errors) ADD_FAILURE() << error;
  return checked;
}

// Short waits so that lock tests finish quickly.
inline runner::RunSettings QuickSettings() {
  runner::RunSettings settings;
  settings.lock_timeout = runner::Millis(200);
  settings.retries = 2;
  settings.retry_delay = runner::Millis(50);
  return settings;
}

class Recorder : public runner::EventSink {
 public:
  void Emit(const runner::RunEvent& event) override {
    events.push_back(event);
    if (on_event) on_event(event);
  }
  int Count(const std::string& kind) const {
    int n = 0;
    for (const auto& e : events) n += e.kind == kind;
    return n;
  }
  bool Has(const std::string& kind, const std::string& fragment) const {
    for (const auto& e : events) {
      if (e.kind == kind && e.message.find(fragment) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<runner::RunEvent> events;
  std::function<void(const runner::RunEvent&)> on_event;
};

}  // namespace pgshift::testing
