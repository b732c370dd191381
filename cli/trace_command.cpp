// `pgshift trace FILE`: runs a migration on a real server, statement by statement, and shows the
// locks each one took, whether it rewrote a table, how long it ran, what the lock model predicted
// and whether they agree, with the file's lint findings at each statement (docs/trace.md).
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "workspace/config.h"
#include "cli/exit_code.h"
#include "cli/trace_render.h"
#include "runner/redact.h"
#include "runner/sandbox.h"
#include "runner/settings.h"
#include "runner/trace_file.h"

namespace pgshift::cli {
namespace {

struct TraceOptions {
  std::string path, db, seed, bin_dir, config, format = "text", lock_timeout = "5s";
  bool sandbox = false, commit = false;
};

int Fail(const std::string& message, ExitCode code) {
  std::cerr << "pgshift trace: " << message << '\n';
  return ToInt(code);
}

// Stops the throwaway sandbox however the trace ends.
struct SandboxGuard {
  std::optional<runner::SandboxInfo> info;
  ~SandboxGuard() {
    if (!info) return;
    if (auto error = runner::StopSandbox(*info))
      std::cerr << "pgshift trace: the sandbox was not removed: " << error->message << '\n';
  }
};

int Trace(const TraceOptions& options) {
  if (options.sandbox == !options.db.empty()) {
    return Fail("give --db URL or --sandbox (one of them)", ExitCode::kUsage);
  }
  if (!options.seed.empty() && !options.sandbox) {
    return Fail("--seed goes with --sandbox (against --db, the database is what it is)",
                ExitCode::kUsage);
  }
  const auto lock_timeout = runner::ParseDuration(options.lock_timeout);
  if (!lock_timeout) {
    return Fail("`" + options.lock_timeout + "` is not a duration (try 500ms, 5s, 1min; 0: none)",
                ExitCode::kUsage);
  }
  std::ifstream in(options.path, std::ios::binary);
  if (!in) return Fail(options.path + ": cannot read the file", ExitCode::kUnreadable);
  std::ostringstream text;
  text << in.rdbuf();

  workspace::Config config;
  const std::filesystem::path directory = std::filesystem::path(options.path).parent_path();
  const auto config_path = options.config.empty()
                               ? workspace::FindConfigFile(directory.empty() ? "." : directory)
                               : std::optional<std::filesystem::path>(options.config);
  if (config_path) {
    workspace::ConfigResult loaded = workspace::LoadConfigFile(*config_path);
    if (const auto* error = std::get_if<workspace::ConfigError>(&loaded)) {
      error->Print(std::cerr, "pgshift trace: ");
      return ToInt(ExitCode::kUsage);
    }
    config = std::get<workspace::Config>(std::move(loaded));
  }

  SandboxGuard sandbox;
  std::string url = options.db;
  std::string target = runner::RedactUrl(options.db);
  if (options.sandbox) {
    runner::SandboxOptions start;
    start.seed_file = options.seed;
    start.bin_dir = options.bin_dir;
    auto started = runner::StartSandbox(start);
    if (const auto* error = std::get_if<runner::SandboxError>(&started)) {
      return Fail("cannot start the sandbox: " + error->message, ExitCode::kUnreadable);
    }
    sandbox.info = std::get<runner::SandboxInfo>(started);
    url = sandbox.info->url;
    target = "a throwaway sandbox";
  }
  auto connected = runner::Connect(url, "pgshift trace");
  if (const auto* error = runner::ErrorOf(connected)) {
    return Fail("cannot connect to " + target + ": " + error->message, ExitCode::kUnreadable);
  }
  runner::Database& db = *std::get<std::unique_ptr<runner::Database>>(connected);
  if (auto error =
          runner::ExecError(db, "SET lock_timeout = " + std::to_string(lock_timeout->count()))) {
    return Fail(error->message, ExitCode::kUnreadable);
  }

  runner::TraceFileOptions trace;
  trace.mode.commit = options.commit || options.sandbox;
  trace.mode.observer_url = url;
  trace.lint = config.lint;
  const auto traced = runner::TraceFile(db, parser::SourceText(options.path, text.str()), trace);
  if (const auto* error = std::get_if<std::string>(&traced)) {
    return Fail(runner::Redactor(url)(*error), ExitCode::kUnreadable);
  }
  const auto& report = std::get<runner::TraceReport>(traced);
  if (options.format == "json") {
    RenderTraceJson(report, {target}, std::cout);
  } else {
    RenderTraceText(report, {target}, std::cout);
  }
  if (!report.stopped.empty() || report.Count(runner::TraceStatus::kFailed) > 0) {
    return ToInt(ExitCode::kUnreadable);
  }
  return ToInt(report.Count(runner::Verdict::kDisagree) > 0 ? ExitCode::kFindings
                                                            : ExitCode::kClean);
}

}  // namespace

void AddTraceCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<TraceOptions>();
  CLI::App* trace = app.add_subcommand(
      "trace",
      "Run a migration on a real server and show, per statement, the locks it took, rewrites, "
      "duration, the lock model's prediction and the lint findings");
  trace->add_option("file", options->path, "The migration (SQL)")->required();
  trace->add_option("--db", options->db,
                    "Database URL to trace on (a copy or staging, not production)");
  trace->add_flag("--sandbox", options->sandbox,
                  "Trace on a throwaway local server of its own, removed afterwards");
  trace
      ->add_option("--seed", options->seed, "With --sandbox: SQL file that builds the schema first")
      ->check(CLI::ExistingFile);
  trace->add_option("--bin-dir", options->bin_dir,
                    "With --sandbox: server binaries (default: newest /usr/lib/postgresql/*/bin)");
  trace->add_flag("--commit", options->commit,
                  "Commit each statement (default with --db: one transaction, rolled back)");
  trace->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  trace
      ->add_option("--lock-timeout", options->lock_timeout,
                   "Longest wait for a lock per statement (0: none)")
      ->capture_default_str();
  trace->add_option("--config", options->config, "Use this pgshift.toml for the lint findings")
      ->check(CLI::ExistingFile);
  trace->footer(
      "Without --commit the file runs in one transaction, each statement in a savepoint, and\n"
      "is rolled back; statements PostgreSQL refuses in a transaction block (CONCURRENTLY,\n"
      "VACUUM) are not run. With --commit, and always in the sandbox, each statement commits,\n"
      "and those run on their own while a second connection samples their locks. The trace\n"
      "takes the locks it reports. Exit codes: 0 every statement that ran agrees with the lock\n"
      "model, 1 some disagree, 2 usage or configuration, 3 the file cannot be read or parsed,\n"
      "the server cannot be reached, or a statement failed.");
  trace->callback([options, &exit_code] { exit_code = Trace(*options); });
}

}  // namespace pgshift::cli
