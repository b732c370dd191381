// What a run reports as it goes: the CLI prints these and writes them to the local journal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace pgshift::runner {

struct RunEvent {
  // run-started, run-finished, run-failed, stage-started, stage-done, stage-failed,
  // stage-interrupted, run-interrupted, gate-passed,
  // gate-failed, lock-retry, statement, batch, backfill-started, rollback-started,
  // stage-rolled-back, rollback-finished, rollback-failed, checkpoint, note
  std::string kind;
  std::string stage;    // empty for run-wide events
  std::string message;  // one line, for people
  long long duration_ms = -1;
  nlohmann::json detail = nlohmann::json::object();
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Emit(const RunEvent& event) = 0;
};

}  // namespace pgshift::runner
