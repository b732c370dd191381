#include "runner/journal.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>

#include "runner/state_dir.h"

namespace pgshift::runner {
namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  target TEXT NOT NULL,
  runner TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  duration_ms INTEGER,
  outcome TEXT NOT NULL DEFAULT 'running',
  message TEXT
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  stage TEXT NOT NULL,
  message TEXT NOT NULL,
  duration_ms INTEGER,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_run ON events (run_id, id);
)SQL";

// UTC, with milliseconds: 2026-11-29T04:40:01.123Z
std::string Now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buffer, static_cast<long long>(ms % 1000));
  return out;
}

}  // namespace

std::string DefaultJournalPath() { return (StateDirectory() / "journal.db").string(); }

Journal::Journal(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
Journal::~Journal() = default;

std::variant<std::unique_ptr<Journal>, std::string> Journal::Open(const std::string& path) {
  try {
    std::error_code ignored;
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->setBusyTimeout(5000);
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = NORMAL");  // no fsync per event; WAL keeps it consistent
    db->exec(kSchema);
    return std::unique_ptr<Journal>(new Journal(std::move(db)));
  } catch (const std::exception& e) {
    return path + ": cannot open the journal: " + e.what();
  }
}

void Journal::StartRun(const std::string& command, const std::string& plan_id,
                       const std::string& target, const std::string& runner) {
  try {
    SQLite::Statement insert(
        *db_,
        "INSERT INTO runs (command, plan_id, target, runner, started_at) VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, command);
    insert.bind(2, plan_id);
    insert.bind(3, target);
    insert.bind(4, runner);
    insert.bind(5, Now());
    insert.exec();
    run_id_ = db_->getLastInsertRowid();
  } catch (const std::exception& e) {
    if (error_.empty()) error_ = e.what();
  }
}

void Journal::Emit(const RunEvent& event) {
  if (run_id_ == 0) return;
  try {
    SQLite::Statement insert(
        *db_,
        "INSERT INTO events (run_id, at, kind, stage, message, duration_ms, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, static_cast<int64_t>(run_id_));
    insert.bind(2, Now());
    insert.bind(3, event.kind);
    insert.bind(4, event.stage);
    insert.bind(5, event.message);
    if (event.duration_ms >= 0)
      insert.bind(6, static_cast<int64_t>(event.duration_ms));
    else
      insert.bind(6);
    insert.bind(7, event.detail.dump());
    insert.exec();
  } catch (const std::exception& e) {
    if (error_.empty()) error_ = e.what();
  }
}

void Journal::FinishRun(bool ok, const std::string& message, const std::string& outcome) {
  if (run_id_ == 0) return;
  try {
    SQLite::Statement update(*db_,
                             "UPDATE runs SET finished_at = ?1, outcome = ?2, message = ?3, "
                             "duration_ms = CAST(ROUND((julianday(?1) - julianday(started_at)) * "
                             "86400000) AS INTEGER) WHERE id = ?4");
    update.bind(1, Now());
    update.bind(2, !outcome.empty() ? outcome : ok ? "ok" : "failed");
    update.bind(3, message);
    update.bind(4, static_cast<int64_t>(run_id_));
    update.exec();
  } catch (const std::exception& e) {
    if (error_.empty()) error_ = e.what();
  }
}

std::vector<JournalRun> Journal::Runs(int limit, const std::string& plan_id) {
  return Select("?1 = '' OR plan_id = ?1", plan_id, limit);
}

std::optional<JournalRun> Journal::Run(long long id) {
  std::vector<JournalRun> runs = Select("id = CAST(?1 AS INTEGER)", std::to_string(id), 1);
  if (runs.empty()) return std::nullopt;
  return std::move(runs.front());
}

std::vector<JournalRun> Journal::Select(const std::string& where, const std::string& value,
                                        long long limit) {
  std::vector<JournalRun> runs;
  SQLite::Statement select(
      *db_,
      "SELECT id, command, plan_id, target, runner, started_at, coalesce(finished_at, ''), "
      "outcome, coalesce(message, ''), coalesce(duration_ms, -1) FROM runs WHERE " +
          where + " ORDER BY id DESC LIMIT ?2");
  select.bind(1, value);
  select.bind(2, static_cast<int64_t>(limit));
  while (select.executeStep()) {
    JournalRun run;
    run.id = select.getColumn(0).getInt64();
    run.command = select.getColumn(1).getString();
    run.plan_id = select.getColumn(2).getString();
    run.target = select.getColumn(3).getString();
    run.runner = select.getColumn(4).getString();
    run.started_at = select.getColumn(5).getString();
    run.finished_at = select.getColumn(6).getString();
    run.outcome = select.getColumn(7).getString();
    run.message = select.getColumn(8).getString();
    run.duration_ms = select.getColumn(9).getInt64();
    SQLite::Statement events(*db_,
                             "SELECT at, kind, stage, message, duration_ms, detail FROM events "
                             "WHERE run_id = ? ORDER BY id");
    events.bind(1, static_cast<int64_t>(run.id));
    while (events.executeStep()) {
      nlohmann::json event = {{"at", events.getColumn(0).getString()},
                              {"kind", events.getColumn(1).getString()},
                              {"stage", events.getColumn(2).getString()},
                              {"message", events.getColumn(3).getString()}};
      event["duration_ms"] = events.getColumn(4).isNull()
                                 ? nlohmann::json(nullptr)
                                 : nlohmann::json(events.getColumn(4).getInt64());
      event["detail"] = nlohmann::json::parse(events.getColumn(5).getString(), nullptr, false);
      run.events.push_back(std::move(event));
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace pgshift::runner
