// `pgshift lint PATH...`: reads migration files, lints them with the configuration that applies
// to each, renders the findings and turns them into an exit code a CI gate can act on.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/exit_code.h"
#include "cli/fix_writer.h"
#include "cli/lint_inputs.h"
#include "cli/render/renderer.h"

namespace pgshift::cli {
namespace {

struct LintOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string fail_on = "error";
  std::string config;
  std::string stdin_filename;
  std::string color = "auto";
  std::string output;
  int pg_version = 0;
  std::string transactions;
  unsigned jobs = 0;
  bool verbose = false;
  bool fix = false;
};

bool UseColour(const LintOptions& options) {
  if (options.color == "always") return true;
  if (options.color == "never" || !options.output.empty()) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(STDOUT_FILENO) == 1;
}

// Lints every input on up to `jobs` threads; results keep the inputs' order.
std::vector<LintedFile> LintAll(const std::vector<LintInput>& inputs,
                                const std::vector<rules::LintSettings>& settings, unsigned jobs) {
  std::vector<std::optional<LintedFile>> slots(inputs.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < inputs.size(); i = next++) {
      std::string text;
      std::string error;
      const std::string path = inputs[i].path.string();
      if (!ReadInput(inputs[i], text, error)) {
        rules::FileReport report;
        report.path = path;
        report.unreadable = error;
        slots[i].emplace(LintedFile{parser::SourceText(path, ""), std::move(report)});
        continue;
      }
      parser::SourceText source(path, std::move(text));
      rules::FileReport report = rules::LintSource(source, settings[i]);
      slots[i].emplace(LintedFile{std::move(source), std::move(report)});
    }
  };
  // Standard input can be read by one thread only, and only once.
  const bool has_stdin = std::any_of(inputs.begin(), inputs.end(), [](auto& in) { return in.from_stdin; });
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, inputs.size()));
  if (has_stdin) jobs = 1;
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& thread : threads) thread.join();

  std::vector<LintedFile> results;
  results.reserve(slots.size());
  for (auto& slot : slots) results.push_back(std::move(*slot));
  return results;
}

// Applies the findings' exact fixes to each file in place, then lints the rewritten file again
// so that the report shows what is left. False when a file could not be written.
bool FixAll(const std::vector<LintInput>& inputs, const std::vector<rules::LintSettings>& settings,
            std::vector<LintedFile>& files) {
  bool ok = true;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (inputs[i].from_stdin || files[i].report.unreadable) continue;
    const FixOutcome fixed = ApplyFixes(files[i].source.text(), files[i].report.findings);
    if (fixed.applied == 0) continue;
    const std::string path = files[i].source.path();
    if (const auto error = WriteFileAtomically(inputs[i].path, fixed.text)) {
      std::cerr << "pgshift lint: " << *error << '\n';
      ok = false;
      continue;
    }
    std::cerr << "pgshift lint: " << path << ": applied " << fixed.applied << " fix"
              << (fixed.applied == 1 ? "" : "es")
              << (fixed.skipped > 0 ? ", " + std::to_string(fixed.skipped) + " overlapping left for another run" : "")
              << '\n';
    parser::SourceText source(path, fixed.text);
    rules::FileReport report = rules::LintSource(source, settings[i]);
    files[i] = LintedFile{std::move(source), std::move(report)};
  }
  return ok;
}

int RunLint(const LintOptions& options) {
  const std::optional<Format> format = ParseFormat(options.format);
  std::optional<rules::Severity> fail_on;
  if (options.fail_on != "never") {
    fail_on = rules::ParseSeverity(options.fail_on);
    if (!fail_on) {
      std::cerr << "pgshift lint: --fail-on must be error, warning, info or never\n";
      return ToInt(ExitCode::kUsage);
    }
  }
  if (!format) {
    std::cerr << "pgshift lint: unknown --format " << options.format << "\n";
    return ToInt(ExitCode::kUsage);
  }

  InputsResult collected = CollectInputs(options.paths, options.stdin_filename);
  bool unreadable_after_fix = false;
  if (options.fix && std::any_of(collected.inputs.begin(), collected.inputs.end(),
                                 [](const LintInput& in) { return in.from_stdin; })) {
    std::cerr << "pgshift lint: --fix rewrites files in place and cannot read standard input\n";
    return ToInt(ExitCode::kUsage);
  }
  for (const std::string& error : collected.errors) std::cerr << "pgshift lint: " << error << '\n';

  // Configuration per file, found from the file's directory upward (or --config).
  ConfigResolver resolver(options.config.empty() ? std::nullopt
                                                 : std::optional<std::filesystem::path>(options.config));
  std::vector<rules::LintSettings> settings;
  for (const LintInput& input : collected.inputs) {
    const std::filesystem::path directory =
        input.from_stdin ? std::filesystem::current_path() : input.path.parent_path();
    const ConfigResult& config = resolver.For(directory.empty() ? "." : directory);
    if (const auto* error = std::get_if<ConfigError>(&config)) {
      std::cerr << "pgshift: " << error->message << '\n';
      return ToInt(ExitCode::kUsage);
    }
    rules::LintSettings lint = std::get<Config>(config).lint;
    if (options.pg_version != 0) lint.pg_version = options.pg_version;
    if (options.transactions == "none") lint.transactions = rules::TransactionWrapping::kNone;
    if (options.transactions == "per-file") lint.transactions = rules::TransactionWrapping::kPerFile;
    if (options.transactions == "per-statement") lint.transactions = rules::TransactionWrapping::kPerStatement;
    settings.push_back(std::move(lint));
  }

  std::vector<LintedFile> files = LintAll(collected.inputs, settings, options.jobs);
  if (options.fix && !FixAll(collected.inputs, settings, files)) unreadable_after_fix = true;

  std::ofstream file_out;
  if (!options.output.empty()) {
    file_out.open(options.output, std::ios::binary);
    if (!file_out) {
      std::cerr << "pgshift lint: cannot write " << options.output << '\n';
      return ToInt(ExitCode::kUsage);
    }
  }
  std::ostream& out = options.output.empty() ? std::cout : file_out;
  Render(*format, files, {UseColour(options), options.verbose}, out);
  out.flush();

  bool unreadable = !collected.errors.empty() || unreadable_after_fix;
  bool failing = false;
  for (const LintedFile& file : files) {
    if (file.report.unreadable) {
      unreadable = true;
      if (*format != Format::kText) std::cerr << "pgshift lint: " << *file.report.unreadable << '\n';
    }
    for (const rules::Finding& finding : file.report.findings) {
      if (fail_on && finding.severity >= *fail_on) failing = true;
    }
  }
  if (unreadable) return ToInt(ExitCode::kUnreadable);
  return ToInt(failing ? ExitCode::kFindings : ExitCode::kClean);
}

}  // namespace

void AddLintCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LintOptions>();
  CLI::App* lint = app.add_subcommand("lint", "Check migration SQL for statements that lock, rewrite or break production");
  lint->add_option("paths", options->paths, "SQL files, directories (searched for *.sql), or - for stdin")
      ->required();
  lint->add_option("--format", options->format, "Output: text, json, sarif, github or gitlab")
      ->check(CLI::IsMember({"text", "json", "sarif", "github", "gitlab"}))
      ->capture_default_str();
  lint->add_option("--fail-on", options->fail_on,
                   "Exit 1 when a finding has this severity or higher: error, warning, info, never")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}))
      ->capture_default_str();
  lint->add_option("--config", options->config, "Use this pgshift.toml instead of searching upward")
      ->check(CLI::ExistingFile);
  lint->add_option("--pg-version", options->pg_version, "Target PostgreSQL major version (overrides config)")
      ->check(CLI::Range(10, 18));
  lint->add_option("--transactions", options->transactions,
                   "How the migration tool wraps files: none, per-file, per-statement (overrides config)")
      ->check(CLI::IsMember({"none", "per-file", "per-statement"}));
  lint->add_option("--stdin-filename", options->stdin_filename, "File name to report for input read from -");
  lint->add_option("--color", options->color, "Colour the text output: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  lint->add_option("-o,--output", options->output, "Write the report to this file instead of stdout");
  lint->add_option("-j,--jobs", options->jobs, "Files linted in parallel (default: one per core)");
  lint->add_flag("-v,--verbose", options->verbose, "Also say what was skipped and why");
  lint->add_flag("--fix", options->fix,
                 "Rewrite the files in place where the fix is exact (CONCURRENTLY outside a transaction, "
                 "NOT VALID plus a later VALIDATE), then report what is left");
  lint->footer(
      "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error,\n"
      "3 an input could not be read (takes precedence over 1).");
  lint->callback([options, &exit_code] { exit_code = RunLint(*options); });
}

}  // namespace pgshift::cli
