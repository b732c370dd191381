// `pgshift lint PATH...`: reads migration files, lints them with the configuration that applies
// to each, renders the findings and turns them into an exit code a CI gate can act on.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "cli/render/renderer.h"
#include "cli/render/report_paths.h"
#include "cli/render/report_sink.h"
#include "rules/closest_name.h"
#include "rules/rule.h"
#include "rules/snapshot/schema.h"
#include "workspace/baseline.h"
#include "workspace/config.h"
#include "workspace/fix_writer.h"
#include "workspace/lint_run.h"

namespace pgshift::cli {
namespace {

using workspace::BaselineEntry;

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
  std::string max_memory;
  bool verbose = false;
  // Migration history and release awareness (docs/history-and-releases.md).
  bool no_history = false;
  std::string release;
  std::string changed_files;
  std::string changed_since;
  std::string baseline;        // --baseline: hide the findings it holds
  std::string write_baseline;  // `pgshift baseline`: write them instead of a report
  bool fix = false;            // --fix: apply the exact rewrites in place
  std::string schema;          // --schema: a snapshot from `pgshift snapshot`
  std::vector<std::string> only_rules;     // --rule: run these rules and no other
  std::vector<std::string> exclude_rules;  // --exclude-rule: do not run these
};

bool UseColour(const LintOptions& options) {
  if (options.color == "always") return true;
  if (options.color == "never" || !options.output.empty()) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");  // a terminal that cannot show colour says so
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) == 1;
}

// `pgshift baseline`: every finding, accepted, in a file for --baseline.
int WriteBaseline(const std::vector<LintedFile>& files, const std::string& path) {
  const std::vector<BaselineEntry> entries = workspace::BaselineOf(files, path);
  std::ofstream out(path, std::ios::binary);
  out << workspace::BaselineJson(entries);
  out.close();
  if (!out) {
    std::cerr << "pgshift baseline: cannot write " << path << '\n';
    return ToInt(ExitCode::kUsage);
  }
  bool unreadable = false;
  for (const LintedFile& file : files) {
    if (file.report.unreadable) {
      std::cerr << "pgshift baseline: " << *file.report.unreadable << '\n';
      unreadable = true;
    }
  }
  std::cout << "Wrote " << entries.size() << " accepted finding(s) in " << files.size()
            << " file(s) to " << path << '\n';
  return ToInt(unreadable ? ExitCode::kUnreadable : ExitCode::kClean);
}

// Applies the findings' exact fixes to each file in place. Returns how many files changed, and
// sets `ok` false when one could not be written.
std::size_t FixAll(const std::vector<LintedFile>& files, bool& ok) {
  std::size_t changed = 0;
  for (const LintedFile& file : files) {
    if (file.report.unreadable) continue;
    const workspace::FixOutcome fixed = workspace::ApplyFixes(file.source.text(), file.report.findings);
    if (fixed.applied == 0) continue;
    const std::string& path = file.source.path();
    if (const auto error = workspace::WriteFileAtomically(path, fixed.text)) {
      std::cerr << "pgshift lint: " << *error << '\n';
      ok = false;
      continue;
    }
    ++changed;
    std::cerr << "pgshift lint: " << path << ": applied " << fixed.applied << " fix"
              << (fixed.applied == 1 ? "" : "es")
              << (fixed.skipped > 0
                      ? ", " + std::to_string(fixed.skipped) + " overlapping left for another run"
                      : "")
              << '\n';
  }
  return changed;
}

// The process exits once the report is out: the files' texts and findings are left for it to
// drop at once, rather than freed one by one (half a percent of a lint run). A pointer that lives
// as long as the process holds them, so that leak checkers see them reachable; they are kept
// whole even if lint were run twice.
void KeepUntilExit(std::vector<LintedFile> files) {
  static auto* const kept = new std::vector<std::vector<LintedFile>>();
  kept->push_back(std::move(files));
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

  for (const auto* names : {&options.only_rules, &options.exclude_rules}) {
    for (const std::string& name : *names) {
      if (rules::FindRule(name) != nullptr) continue;
      std::cerr << "pgshift lint: " << (names == &options.only_rules ? "--rule" : "--exclude-rule")
                << " names `" << name << "`, which is no rule"
                << rules::DidYouMean(name, rules::RuleIds()) << " (see `pgshift rules`)\n";
      return ToInt(ExitCode::kUsage);
    }
  }

  std::optional<std::size_t> max_memory;
  if (!options.max_memory.empty()) {
    max_memory = workspace::ParseSize(options.max_memory);
    if (!max_memory || *max_memory < (std::size_t{64} << 20)) {
      std::cerr << "pgshift lint: --max-memory must be a size of at least 64MiB, such as 4GiB\n";
      return ToInt(ExitCode::kUsage);
    }
  }

  std::shared_ptr<const rules::SchemaSnapshot> schema;
  if (!options.schema.empty()) {
    auto loaded = rules::LoadSchemaSnapshot(options.schema);
    if (const auto* error = std::get_if<rules::SchemaError>(&loaded)) {
      std::cerr << "pgshift lint: " << error->message << '\n';
      return ToInt(ExitCode::kUsage);
    }
    schema = std::get<std::shared_ptr<const rules::SchemaSnapshot>>(std::move(loaded));
  }

  // --fix rewrites files in place: there is no file behind standard input.
  if (options.fix && std::find(options.paths.begin(), options.paths.end(), "-") != options.paths.end()) {
    std::cerr << "pgshift lint: --fix rewrites files in place and cannot read standard input\n";
    return ToInt(ExitCode::kUsage);
  }
  workspace::LintRequest request;
  request.paths = options.paths;
  request.config = options.config;
  request.stdin_filename = options.stdin_filename;
  request.pg_version = options.pg_version;
  request.transactions = options.transactions;
  request.max_memory = max_memory;
  request.schema = schema;
  request.only_rules = options.only_rules;
  request.exclude_rules = options.exclude_rules;
  request.history = !options.no_history;
  request.release = options.release;
  request.changed_files = options.changed_files;
  request.changed_since = options.changed_since;
  request.baseline = options.baseline;
  // `lint` only: the baseline command writes one.
  request.config_baseline = options.write_baseline.empty();
  request.jobs = options.jobs;
  request.verbose = options.verbose;
  // A malloc arena for each thread that checks files and one for the rest, not glibc's eight per
  // core: each arena keeps the memory freed in it, and the short-lived threads that read folders
  // and ask git would each leave one behind (peak RSS -0.4 MiB at 1x, -3.5 MiB at 16x).
  mallopt(
      M_ARENA_MAX,
      static_cast<int>(std::min(
          (options.jobs == 0 ? std::thread::hardware_concurrency() : options.jobs) + 1, 1024u)));
  auto prepared = workspace::PreparedLint::Prepare(request);
  if (const auto* error = std::get_if<workspace::LintRunError>(&prepared)) {
    for (const std::string& message : error->messages) {
      std::cerr << (error->configuration ? "pgshift: " : "pgshift lint: ") << message << '\n';
    }
    return ToInt(ExitCode::kUsage);
  }
  workspace::PreparedLint& run = std::get<workspace::PreparedLint>(prepared);
  for (const std::string& error : run.input_errors()) std::cerr << "pgshift lint: " << error << '\n';

  std::ofstream file_out;
  if (options.write_baseline.empty() && !options.output.empty()) {
    file_out.open(options.output, std::ios::binary);
    if (!file_out) {
      std::cerr << "pgshift lint: cannot write " << options.output << '\n';
      return ToInt(ExitCode::kUsage);
    }
  }
  std::ostream& out = options.output.empty() ? std::cout : file_out;
  RenderOptions render{UseColour(options), options.verbose, {}};
  // Code scanning and GitLab place findings by repository-relative paths.
  if (*format == Format::kSarif || *format == Format::kGithub || *format == Format::kGitlab) {
    render.root = ReportRoot();
  }

  // Warnings and (with --verbose) notes not shown yet: those of the plan before the report, the
  // baseline's after the run.
  std::size_t warnings_shown = 0, notes_shown = 0;
  const auto tell = [&] {
    for (; warnings_shown < run.warnings().size(); ++warnings_shown) {
      std::cerr << "pgshift lint: warning: " << run.warnings()[warnings_shown] << '\n';
    }
    for (; options.verbose && notes_shown < run.notes().size(); ++notes_shown) {
      std::cerr << "pgshift lint: note: " << run.notes()[notes_shown] << '\n';
    }
  };
  bool unreadable = !run.input_errors().empty();
  bool failing = false;
  std::vector<std::string> unreadable_messages;  // told after the report, but in text
  const auto judge = [&](const FileFacts& file) {
    if (file.unreadable) {
      unreadable = true;
      if (*format != Format::kText) unreadable_messages.push_back(*file.unreadable);
    }
    if (fail_on && file.worst && *file.worst >= *fail_on) failing = true;
  };

  // Text, compact and JSON are written as the files are done, each file let go once written;
  // --fix and the baseline need every file first, and SARIF, GitHub and GitLab reports are
  // written from all of them.
  std::unique_ptr<ReportWriter> writer;
  if (!options.fix && options.write_baseline.empty()) writer = MakeReportWriter(*format, render, out);
  if (writer) {
    ReportSink sink(*writer, judge);
    run.LintEach(sink, tell);
    run.NoteBaseline();
    writer->Finish();
    out.flush();
    tell();
  } else {
    std::vector<LintedFile> files = run.Lint();
    bool written = true;
    // The report after --fix is of the rewritten files, judged again with their history.
    if (options.fix && FixAll(files, written) > 0) files = run.Lint();
    unreadable = unreadable || !written;
    run.NoteBaseline();
    tell();
    if (!options.write_baseline.empty()) return WriteBaseline(files, options.write_baseline);
    Render(*format, files, render, out);
    out.flush();
    for (const LintedFile& file : files) judge(FileFacts::Of(file));
    KeepUntilExit(std::move(files));
  }
  for (const std::string& message : unreadable_messages) {
    std::cerr << "pgshift lint: " << message << '\n';
  }
  if (unreadable) return ToInt(ExitCode::kUnreadable);
  return ToInt(failing ? ExitCode::kFindings : ExitCode::kClean);
}

}  // namespace

// Options `lint` and `baseline` share: what to read and how to judge it.
void AddInputOptions(CLI::App* command, const std::shared_ptr<LintOptions>& options) {
  command->add_option("paths", options->paths, "SQL files, directories (searched for *.sql), or - for stdin")
      ->required();
  command->add_option("--config", options->config, "Use this pgshift.toml instead of searching upward")
      ->check(CLI::ExistingFile);
  command->add_option("--pg-version", options->pg_version, "Target PostgreSQL major version (overrides config)")
      ->check(CLI::Range(10, 18));
  command->add_option("--transactions", options->transactions,
                      "How every file is wrapped in transactions: none, per-file, per-statement "
                      "(overrides config and the recognised migration tool's own wrapping)")
      ->check(CLI::IsMember({"none", "per-file", "per-statement"}));
  command->add_option("--stdin-filename", options->stdin_filename, "File name to report for input read from -");
  command->add_flag("--no-history", options->no_history,
                    "Judge each file on its own, not against the migrations before it");
  command->add_option("--release", options->release,
                      "BASE..HEAD (git): check the migrations this release adds, "
                      "against the application code of BASE (still running during the deploy) "
                      "and HEAD; migrations and code are read from the commits, not the working tree");
  command->add_option("--changed-files", options->changed_files,
                      "FILE listing the release's changed paths (one a line, or git --name-status "
                      "output), instead of --release; code is read from the working tree")
      ->check(CLI::ExistingFile)
      ->excludes(command->get_option("--release"));
  command->add_option("--changed-since", options->changed_since,
                      "REF (git): check only migrations added or changed since REF");
  command->add_option("--schema", options->schema,
                      "A schema snapshot (`pgshift snapshot`): judge against the database's real "
                      "types, and treat size-bound findings on its small tables as notes");
  command->add_option("--rule", options->only_rules,
                      "Run only this rule (repeatable; opt-in rules included)");
  command->add_option("--exclude-rule", options->exclude_rules,
                      "Do not run this rule (repeatable; wins over --rule and pgshift.toml)");
  command->add_option("-j,--jobs", options->jobs, "Files linted in parallel (default: one per core)");
  command->add_option("--max-memory", options->max_memory,
                      "What linting one file may hold, e.g. 4GiB (default 2GiB, or the config's); "
                      "larger files are refused");
  command->add_flag("-v,--verbose", options->verbose,
                    "Also say which migration tool each history was recognised as and why, what was "
                    "skipped or read as a name (template placeholders), what history and release each file was judged against, and why "
                    "release rules are off");
}

void AddLintCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LintOptions>();
  CLI::App* lint = app.add_subcommand("lint", "Check migration SQL for statements that lock, rewrite or break production");
  AddInputOptions(lint, options);
  lint->add_option("--format", options->format,
                   "Output: text, compact (one line a finding: file:line:col: severity[rule] "
                   "message), json, sarif, github or gitlab")
      ->check(CLI::IsMember({"text", "compact", "json", "sarif", "github", "gitlab"}))
      ->capture_default_str();
  lint->add_option("--fail-on", options->fail_on,
                   "Exit 1 when a finding has this severity or higher: error, warning, info, never")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}))
      ->capture_default_str();
  lint->add_option("--baseline", options->baseline,
                   "Do not report the findings this file accepts (written by `pgshift baseline`); "
                   "default: the `baseline` of pgshift.toml");
  lint->add_option("--color", options->color, "Colour the text output: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  lint->add_option("-o,--output", options->output, "Write the report to this file instead of stdout");
  lint->add_flag("--fix", options->fix,
                 "Rewrite the files in place where the fix is exact (CONCURRENTLY outside a transaction, "
                 "NOT VALID plus a later VALIDATE), then report what is left");
  lint->footer(
      "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error\n"
      "(a --schema snapshot that cannot be read or used, or a directory holding no .sql file,\n"
      "included),\n"
      "3 an input could not be read (takes precedence over 1).");
  lint->callback([options, &exit_code] { exit_code = RunLint(*options); });
}

void AddBaselineCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LintOptions>();
  options->write_baseline = "pgshift-baseline.json";
  CLI::App* baseline = app.add_subcommand(
      "baseline", "Accept the findings a repository has today: write them to a file that "
                  "`pgshift lint --baseline` reads, so only new findings fail");
  AddInputOptions(baseline, options);
  baseline->add_option("-o,--output", options->write_baseline, "The baseline file to write")
      ->capture_default_str();
  baseline->footer(
      "Findings are matched by rule, file and a fingerprint of their statement (comments and\n"
      "whitespace aside), not by line. Exit codes: 0 written, 2 usage or configuration error,\n"
      "3 an input could not be read.");
  baseline->callback([options, &exit_code] { exit_code = RunLint(*options); });
}

}  // namespace pgshift::cli
