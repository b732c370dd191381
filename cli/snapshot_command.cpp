// `pgshift snapshot --db URL -o schema.json`: the target's schema and table sizes, for
// `pgshift lint --schema`. The file names the database with its password hidden.
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "workspace/fix_writer.h"
#include "cli/runner_support.h"
#include "runner/redact.h"
#include "runner/snapshot.h"

namespace pgshift::cli {
namespace {

struct SnapshotOptions {
  TargetOptions target;
  std::string output = "-";
};

int Snapshot(const SnapshotOptions& options) {
  int exit_code = 0;
  const auto url = ResolveTarget(options.target, "snapshot", exit_code);
  if (!url) return exit_code;
  const runner::Redactor redact(*url);
  const std::string shown = runner::RedactUrl(*url);
  auto connected = runner::Connect(*url, "pgshift snapshot");
  if (const auto* error = runner::ErrorOf(connected)) {
    std::cerr << "pgshift snapshot: cannot connect to " << shown << ": "
              << redact.ConnectionFailure(error->message) << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  auto& db = *std::get<std::unique_ptr<runner::Database>>(connected);
  auto taken = runner::TakeSnapshot(db, shown);
  if (const auto* error = runner::ErrorOf(taken)) {
    std::cerr << "pgshift snapshot: cannot read the schema of " << shown << ": "
              << redact(error->message) << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  const rules::Schema& schema = std::get<rules::Schema>(taken);
  const std::string json = rules::SchemaJson(schema);
  if (options.output == "-") {
    std::cout << json;
  } else if (const auto error = workspace::WriteFileAtomically(options.output, json)) {
    std::cerr << "pgshift snapshot: " << *error << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  std::size_t indexes = 0, unknown = 0;
  for (const rules::SnapshotTable& table : schema.tables) {
    indexes += table.indexes.size();
    unknown += table.rows ? 0 : 1;
  }
  std::cerr << "pgshift snapshot: " << schema.tables.size() << " table(s), " << indexes
            << " index(es), " << schema.enums.size() << " enum type(s) from " << shown
            << (options.output == "-" ? "" : " written to " + options.output) << '\n';
  if (unknown > 0) {
    std::cerr << "pgshift snapshot: " << unknown
              << " table(s) never analysed: their rows are unknown (run ANALYZE for estimates)\n";
  }
  return ToInt(ExitCode::kClean);
}

}  // namespace

void AddSnapshotCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SnapshotOptions>();
  CLI::App* command = app.add_subcommand(
      "snapshot",
      "Record a database's tables, column types, constraints, indexes and size estimates in a "
      "file that `pgshift lint --schema` judges migrations against");
  AddTargetOptions(*command, options->target);
  command->add_option("-o,--output", options->output,
                      "The snapshot file to write (JSON; - for stdout)")
      ->capture_default_str();
  command->footer(
      "Read-only: one repeatable-read transaction over pg_catalog. Row estimates are the\n"
      "server's (reltuples, as of the last ANALYZE or VACUUM); bytes are pg_relation_size and\n"
      "pg_total_relation_size. The target is recorded with its password hidden.\n"
      "Needs PostgreSQL 12 or later. Exit codes: 0 written, 2 usage error,\n"
      "3 cannot connect, read the schema or write the file.");
  command->callback([options, &exit_code] { exit_code = Snapshot(*options); });
}

}  // namespace pgshift::cli
