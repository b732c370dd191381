#include "cli/runner_support.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <utility>

#include "cli/exit_code.h"
#include "runner/progress.h"
#include "runner/sandbox_state.h"
#include "runner/throttle.h"

namespace pgshift::cli {

std::optional<LoadedPlan> LoadCheckedPlan(const std::string& path, const std::string& config_path,
                                          int pg_version, const std::string& command,
                                          int& exit_code) {
  auto read = runner::ReadPlanFile(path);
  if (auto* errors = std::get_if<runner::PlanErrors>(&read)) {
    for (const std::string& message : errors->messages) std::cerr << message << '\n';
    if (errors->unreadable) {
      exit_code = ToInt(ExitCode::kUnreadable);
      return std::nullopt;
    }
    std::cerr << "pgshift " << command << ": the plan is invalid; nothing was run\n";
    exit_code = ToInt(ExitCode::kUsage);
    return std::nullopt;
  }
  LoadedPlan loaded{std::get<runner::Plan>(std::move(read)), {}, {}};
  std::optional<std::filesystem::path> found;
  if (!config_path.empty()) {
    found = config_path;
  } else {
    const std::filesystem::path directory = std::filesystem::path(path).parent_path();
    found = workspace::FindConfigFile(directory.empty() ? "." : directory);
  }
  if (found) {
    workspace::ConfigResult config = workspace::LoadConfigFile(*found);
    if (auto* error = std::get_if<workspace::ConfigError>(&config)) {
      error->Print(std::cerr, "pgshift: ");
      exit_code = ToInt(ExitCode::kUsage);
      return std::nullopt;
    }
    loaded.config = std::get<workspace::Config>(std::move(config));
  }
  if (pg_version != 0) loaded.config.lint.pg_version = pg_version;
  loaded.review = runner::ReviewPlan(loaded.plan, loaded.config.lint);
  if (!loaded.review.errors.empty()) {
    for (const std::string& message : loaded.review.errors) std::cerr << message << '\n';
    std::cerr << "pgshift " << command << ": the plan is invalid; nothing was run\n";
    exit_code = ToInt(ExitCode::kUsage);
    return std::nullopt;
  }
  return loaded;
}

void AddTargetOptions(CLI::App& command, TargetOptions& target, CLI::Option* plan) {
  command.add_option(
      "--db", target.db,
      "Target database: a URL, key=value string or service=NAME, as libpq reads "
      "it (PGPASSWORD, ~/.pgpass and service files apply; or $PGSHIFT_DATABASE_URL); "
      "shown with its password as ***");
  command
      .add_option("--sandbox", target.sandbox,
                  "Use the sandbox started by `pgshift sandbox start` (optionally its --name)")
      ->type_name("[NAME]")
      ->expected(0, 1)
      ->default_str("default")
      ->check(CLI::Validator(
          [plan](std::string& word) -> std::string {
            if (word.empty() || runner::ValidSandboxName(word)) return "";
            if (plan != nullptr && plan->count() == 0) {
              // Validation runs before CLI11 checks required options, so the plan still counts.
              plan->add_result(word);
              plan->run_callback();
              word.clear();  // the default sandbox
              return "";
            }
            return "`" + word + "` is not a sandbox name (letters, digits, - and _)" +
                   (plan != nullptr ? ", and the plan is already given" : "");
          },
          ""));
}

std::optional<std::string> ResolveTarget(const TargetOptions& target, const std::string& command,
                                         int& exit_code) {
  if (target.sandbox && !target.db.empty()) {
    std::cerr << "pgshift " << command << ": give --db or --sandbox, not both\n";
    exit_code = ToInt(ExitCode::kUsage);
    return std::nullopt;
  }
  if (target.sandbox) {
    const std::string name = target.sandbox->empty() ? "default" : *target.sandbox;
    const auto loaded = runner::LoadSandboxState(name);
    if (const auto* error = std::get_if<runner::SandboxError>(&loaded)) {
      std::cerr << "pgshift " << command << ": " << error->message << '\n';
      exit_code = ToInt(ExitCode::kUsage);
      return std::nullopt;
    }
    return std::get<runner::SandboxInfo>(loaded).url;
  }
  if (!target.db.empty()) return target.db;
  if (const char* env = std::getenv("PGSHIFT_DATABASE_URL"); env != nullptr && *env != '\0')
    return env;
  std::cerr << "pgshift " << command
            << ": no target: pass --db URL, --sandbox, or set PGSHIFT_DATABASE_URL\n";
  exit_code = ToInt(ExitCode::kUsage);
  return std::nullopt;
}

void AddSettingsFlags(CLI::App& command, SettingsFlags& flags, bool backfill) {
  command.add_option("--lock-timeout", flags.lock_timeout,
                     "Longest wait for a lock per attempt (default 500ms)");
  command
      .add_option("--retries", flags.retries,
                  "Attempts after the first when a lock is not granted (default 5)")
      ->check(CLI::Range(0, 100));
  command.add_option("--retry-delay", flags.retry_delay,
                     "First backoff; doubles per attempt, with jitter (default 500ms)");
  command.add_option("--statement-timeout", flags.statement_timeout,
                     "Longest statement (default 10min; 0: none)");
  command.add_option("--idle-timeout", flags.idle_timeout,
                     "idle_in_transaction_session_timeout of the runner's session (default 1min)");
  if (!backfill) return;
  command
      .add_option("--batch-size", flags.batch_size, "First backfill batch, in rows (default 1000)")
      ->check(CLI::Range(1L, 10000000L));
  command.add_option("--batch-time", flags.batch_time,
                     "Batch duration the batch size adapts toward (default 50ms; a fifth of it, "
                     "not under 10ms, while the application waits on the batches' rows)");
  command.add_option("--throttle", flags.throttle, "Pause after each backfill batch (default 0)");
  command.add_option("--pause-file", flags.pause_file,
                     "While this file exists, the backfill waits");
  command.add_option("--max-replica-lag", flags.max_replica_lag,
                     "Wait between batches while a standby replays further behind than this "
                     "(seconds, or 500ms, 2s; default: the plan's max_replica_lag, else "
                     "pgshift.toml's, else not checked)");
  command.add_option("--replica", flags.replicas,
                     "A standby to read replay lag from directly, besides pg_stat_replication "
                     "on the target (repeatable; with --max-replica-lag). Replaces the plan's "
                     "`replicas`, which replace those of pgshift.toml");
  command.add_option("--throttle-query", flags.throttle_query,
                     "Wait between batches while this query returns a value above 0");
  command
      .add_option("--max-load", flags.max_load,
                  "Wait between batches while more than N other sessions are active")
      ->check(CLI::Range(1, 1000000));
  command
      .add_option("--critical-load", flags.critical_load,
                  "Stop at a batch boundary (resumable, exit code 3) when more than N other "
                  "sessions are active")
      ->check(CLI::Range(1, 1000000));
}

bool ApplyPlanSettings(const runner::Plan& plan, const SettingsFlags& flags,
                       runner::RunSettings& settings, const std::string& command, int& exit_code) {
  const runner::PlanStandbys& standbys = plan.standbys;
  if (standbys.max_replica_lag) settings.max_replica_lag = *standbys.max_replica_lag;
  if (!standbys.replicas.empty()) settings.replicas = standbys.replicas;
  if (!standbys.replicas.empty() && settings.max_replica_lag.count() <= 0 &&
      flags.max_replica_lag.empty()) {
    std::cerr << standbys.replicas_at
              << ": `replicas` needs max_replica_lag (in the plan, in [runner] of pgshift.toml "
                 "or --max-replica-lag)\n"
              << "pgshift " << command << ": the plan is invalid; nothing was run\n";
    exit_code = ToInt(ExitCode::kUsage);
    return false;
  }
  return true;
}

bool ApplySettingsFlags(const SettingsFlags& flags, runner::RunSettings& settings,
                        const std::string& command, int& exit_code) {
  const std::pair<const std::string*, runner::Millis*> durations[] = {
      {&flags.lock_timeout, &settings.lock_timeout},
      {&flags.statement_timeout, &settings.statement_timeout},
      {&flags.idle_timeout, &settings.idle_in_transaction_timeout},
      {&flags.retry_delay, &settings.retry_delay},
      {&flags.batch_time, &settings.batch_time},
      {&flags.throttle, &settings.throttle}};
  for (const auto& [text, target] : durations) {
    if (text->empty()) continue;
    const auto parsed = runner::ParseDuration(*text);
    if (!parsed) {
      std::cerr << "pgshift " << command << ": `" << *text
                << "` is not a duration of up to 24 days (try 500ms, 1s, 2min)\n";
      exit_code = ToInt(ExitCode::kUsage);
      return false;
    }
    *target = *parsed;
  }
  if (flags.retries >= 0) settings.retries = flags.retries;
  if (flags.batch_size > 0) settings.batch_size = flags.batch_size;
  if (!flags.pause_file.empty()) settings.pause_file = flags.pause_file;
  if (!flags.max_replica_lag.empty()) {
    const auto lag = runner::ParseReplicaLag(flags.max_replica_lag);
    if (!lag || lag->count() <= 0) {
      std::cerr << "pgshift " << command << ": --max-replica-lag `" << flags.max_replica_lag
                << "` is not a positive number of seconds or a duration (try 2, 500ms, 1min)\n";
      exit_code = ToInt(ExitCode::kUsage);
      return false;
    }
    settings.max_replica_lag = *lag;
  }
  if (!flags.replicas.empty()) settings.replicas = flags.replicas;
  if (!flags.throttle_query.empty()) settings.throttle_query = flags.throttle_query;
  if (flags.max_load > 0) settings.max_load = flags.max_load;
  if (flags.critical_load > 0) settings.critical_load = flags.critical_load;
  if (!flags.replicas.empty() && settings.max_replica_lag.count() <= 0) {
    std::cerr << "pgshift " << command
              << ": --replica needs --max-replica-lag (or max_replica_lag in the plan or in "
                 "[runner])\n";
    exit_code = ToInt(ExitCode::kUsage);
    return false;
  }
  return true;
}

ConsoleSink::ConsoleSink(std::string progress, runner::Journal* journal, runner::Redactor redact)
    : progress_(std::move(progress)), journal_(journal), redact_(std::move(redact)) {}

ConsoleSink::~ConsoleSink() {
  EndBar();
  Print(std::exchange(held_failure_, ""));
}

void ConsoleSink::Print(const std::string& line) {
  if (!line.empty() && !quiet_) std::cout << line << '\n' << std::flush;
}

void ConsoleSink::EndBar() {
  if (bar_open_) std::cerr << '\n';
  bar_open_ = false;
}

void ConsoleSink::Emit(const runner::RunEvent& raw) {
  runner::RunEvent event = raw;
  event.message = redact_(std::move(event.message));
  redact_.Apply(event.detail);
  if (journal_ != nullptr) journal_->Emit(event);
  if (event.kind == "batch") {
    if (progress_ == "bar") {
      std::cerr << '\r' << runner::ProgressLine(event.stage, event.detail) << "\x1b[K"
                << std::flush;
      bar_open_ = true;
    } else if (progress_ == "json") {
      nlohmann::json line = event.detail;
      line["event"] = "batch";
      line["stage"] = event.stage;
      line["duration_ms"] = event.duration_ms;
      std::cerr << line.dump() << '\n';
    }
    return;
  }
  if (event.kind == "statement") return;  // the journal keeps them; the console stays short
  EndBar();
  if (event.message.empty()) return;
  const std::string line = (event.stage.empty() ? std::string() : event.stage + ": ") + event.message;
  const bool failure = event.kind == "stage-failed" || event.kind == "rollback-failed" ||
                       event.kind == "run-failed" || event.kind == "run-interrupted";
  // A stage's failure is said again by the run's (or the command's), which follows at once: it is
  // held until then, and shown once, there.
  const std::string held = std::exchange(held_failure_, "");
  if (failure && !event.stage.empty()) {
    Print(held);
    held_failure_ = line;
    held_detail_ = event.message;
    return;
  }
  if (!(failure && event.message.find(held_detail_) != std::string::npos)) Print(held);
  Print(line);
  shown_failure_ = failure ? event.message : "";
}

bool ConsoleSink::Tell(const std::string& message) {
  const std::string shown = redact_(message);
  const bool together = ErrorsGoWithOutput();
  const std::string held = std::exchange(held_failure_, "");
  if (!(together && shown.find(held_detail_) != std::string::npos)) Print(held);
  return quiet_ || !together || shown_failure_ != shown;
}

void TellFailure(ConsoleSink& sink, const std::string& command, const std::string& message) {
  if (sink.Tell(message)) std::cerr << "pgshift " << command << ": " << message << '\n';
}

bool ErrorsGoWithOutput() {
  struct stat out {}, err {};
  if (fstat(STDOUT_FILENO, &out) != 0 || fstat(STDERR_FILENO, &err) != 0) return false;
  return out.st_dev == err.st_dev && out.st_ino == err.st_ino;
}

std::unique_ptr<runner::Journal> OpenJournal(const std::string& flag, const workspace::Config& config) {
  std::string path = flag;
  if (path.empty()) path = config.journal;
  if (path.empty()) {
    const char* env = std::getenv("PGSHIFT_JOURNAL");
    path = env != nullptr && *env != '\0' ? env : runner::DefaultJournalPath();
  }
  auto opened = runner::Journal::Open(path);
  if (auto* error = std::get_if<std::string>(&opened)) {
    std::cerr << "pgshift: warning: " << *error << "; this run is not journaled\n";
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<runner::Journal>>(opened));
}

std::string ProgressMode(const std::string& requested) {
  if (requested != "auto") return requested;
  return isatty(STDERR_FILENO) == 1 ? "bar" : "json";
}

}  // namespace pgshift::cli
