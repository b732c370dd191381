// The local journal: every run, rollback and event on every target, in SQLite, for `pgshift
// history` and postmortems. Default: <state dir>/journal.db (see state_dir.h).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runner/events.h"

namespace SQLite {
class Database;
}

namespace pgshift::runner {

std::string DefaultJournalPath();

struct JournalRun {
  long long id = 0;
  std::string command, plan_id, target, runner, started_at, finished_at, outcome, message;
  long long duration_ms = -1;
  std::vector<nlohmann::json> events;  // {at, kind, stage, message, duration_ms, detail}
};

class Journal final : public EventSink {
 public:
  // Opens (creating it and its directory when missing) the journal at `path`.
  static std::variant<std::unique_ptr<Journal>, std::string> Open(const std::string& path);
  ~Journal() override;

  // Starts a run record; later events belong to it.
  void StartRun(const std::string& command, const std::string& plan_id, const std::string& target,
                const std::string& runner);
  void Emit(const RunEvent& event) override;
  // The outcome is "ok" or "failed", or `outcome` when given ("interrupted").
  void FinishRun(bool ok, const std::string& message, const std::string& outcome = "");

  // The most recent runs, newest first, with their events; `plan_id` filters when not empty.
  std::vector<JournalRun> Runs(int limit, const std::string& plan_id);
  // One run with its events, or nullopt when the journal has no run `id`.
  std::optional<JournalRun> Run(long long id);

  // A write that failed (the journal never stops a run): the first error, if any.
  const std::string& error() const { return error_; }

 private:
  explicit Journal(std::unique_ptr<SQLite::Database> db);
  std::vector<JournalRun> Select(const std::string& where, const std::string& value,
                                 long long limit);
  std::unique_ptr<SQLite::Database> db_;
  long long run_id_ = 0;
  std::string error_;
};

}  // namespace pgshift::runner
