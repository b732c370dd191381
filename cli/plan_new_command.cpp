// `pgshift plan new MIGRATION.sql [-o plan.toml]`: a migration written as one shot, turned into a
// phased plan for `pgshift run` (planner/). The plan written always passes `pgshift plan`; what
// could not be made safe is left out of it, said in it and on stderr, and exits 1.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "parser/source_text.h"
#include "planner/plan_check.h"
#include "planner/planner.h"
#include "workspace/config.h"

namespace pgshift::cli {

namespace {

struct PlanNewOptions {
  std::string migration, output, config, id;
  std::vector<std::string> schema;
  int pg_version = 0;
};

// The file as SQL text, or nullopt after saying why.
std::optional<std::string> ReadSql(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "pgshift plan new: cannot read " << path << '\n';
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string sql = buffer.str();
  if (auto error = parser::ValidateText(sql)) {
    std::cerr << path << ": byte " << error->offset << ": " << error->message << '\n';
    return std::nullopt;
  }
  return sql;
}

int RunPlanNew(const PlanNewOptions& options) {
  std::error_code same_error;
  if (!options.output.empty() &&
      std::filesystem::equivalent(options.output, options.migration, same_error)) {
    std::cerr << "pgshift plan new: -o " << options.output
              << " is the migration itself; write the plan to another file\n";
    return ToInt(ExitCode::kUsage);
  }
  const std::optional<std::string> sql = ReadSql(options.migration);
  if (!sql) return ToInt(ExitCode::kUnreadable);
  std::vector<std::string> schema;
  for (const std::string& path : options.schema) {
    std::optional<std::string> text = ReadSql(path);
    if (!text) return ToInt(ExitCode::kUnreadable);
    schema.push_back(std::move(*text));
  }
  // The configuration that will apply to the plan: next to where it is written.
  workspace::Config config;
  std::optional<std::filesystem::path> found;
  if (!options.config.empty()) {
    found = options.config;
  } else {
    const std::filesystem::path where =
        std::filesystem::path(options.output.empty() ? options.migration : options.output)
            .parent_path();
    found = workspace::FindConfigFile(where.empty() ? "." : where);
  }
  if (found) {
    workspace::ConfigResult loaded = workspace::LoadConfigFile(*found);
    if (auto* error = std::get_if<workspace::ConfigError>(&loaded)) {
      error->Print(std::cerr, "pgshift: ");
      return ToInt(ExitCode::kUsage);
    }
    config = std::get<workspace::Config>(std::move(loaded));
  }
  if (options.pg_version != 0) config.lint.pg_version = options.pg_version;

  planner::MigrationPlan plan = planner::PlanMigration(*sql, options.migration, schema);
  if (!options.id.empty()) plan.id = options.id;
  planner::CheckedPlan checked = planner::CheckPlan(
      std::move(plan), options.output.empty() ? "plan.toml" : options.output, config.lint);

  if (options.output.empty()) {
    std::cout << checked.toml;
  } else {
    std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
    out << checked.toml;
    out.close();
    if (!out) {
      std::cerr << "pgshift plan new: cannot write " << options.output << '\n';
      return ToInt(ExitCode::kUnreadable);
    }
  }
  for (const planner::NotMadeSafe& item : checked.plan.not_made_safe) {
    std::string first_line = item.statement.substr(0, item.statement.find('\n'));
    std::cerr << options.migration << ':' << item.line << ':' << item.column
              << ": NOT MADE SAFE: " << item.reason << "\n  " << first_line << '\n';
  }
  for (const std::string& error : checked.errors) std::cerr << error << '\n';
  const std::size_t stages = checked.plan.stages.size();
  std::cerr << "pgshift plan new: " << stages << (stages == 1 ? " stage" : " stages");
  if (!options.output.empty()) std::cerr << " written to " << options.output;
  if (!checked.plan.not_made_safe.empty()) {
    std::cerr << "; " << checked.plan.not_made_safe.size()
              << " statement(s) NOT MADE SAFE need a person";
  }
  std::cerr << '\n';
  if (stages == 0) {
    std::cerr << "pgshift plan new: the plan has no stage, so `pgshift plan` refuses it\n";
  }
  const bool needs_person =
      !checked.plan.not_made_safe.empty() || !checked.errors.empty() || stages == 0;
  return ToInt(needs_person ? ExitCode::kFindings : ExitCode::kClean);
}

}  // namespace

CLI::App* AddPlanNewCommand(CLI::App& plan, int& exit_code) {
  auto options = std::make_shared<PlanNewOptions>();
  CLI::App* command = plan.add_subcommand(
      "new", "Turn a migration written as one shot into a phased plan for `pgshift run`");
  command->add_option("migration", options->migration, "The migration (SQL)")->required();
  command->add_option("-o,--output", options->output,
                      "Write the plan here (default: standard output)");
  command
      ->add_option("--id", options->id,
                   "The plan's id (default: from the file name, or its folder for up.sql or "
                   "migration.sql, cut after a whole word within 63 characters)")
      ->check([](const std::string& id) -> std::string {
        const bool ok =
            !id.empty() && id.size() <= 63 && std::all_of(id.begin(), id.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            });
        return ok ? "" : "an id is a-z, 0-9, - and _, up to 63 characters";
      });
  command->add_option("--schema", options->schema,
                      "SQL that creates the database as it is before the migration (a schema "
                      "dump, a seed); repeatable. A column rename or type change needs the column's "
                      "type, keys and indexes");
  command
      ->add_option("--config", options->config,
                   "Use this pgshift.toml instead of searching upward from the output")
      ->check(CLI::ExistingFile);
  command
      ->add_option("--pg-version", options->pg_version,
                   "Target PostgreSQL major version for the check of the stages")
      ->check(CLI::Range(10, 18));
  command->footer(
      "Each hazardous statement becomes its safe sequence of stages (expand, backfill, switch,\n"
      "contract), with rollbacks, gates and comments saying what the application must deploy\n"
      "between stages; an UPDATE, or a DELETE of many rows, runs in batches; safe statements\n"
      "pass through. A table rename keeps the old name as an updatable view until contract.\n"
      "What cannot be made safe automatically is\n"
      "left out, marked NOT MADE SAFE in the plan and on stderr. The plan written passes\n"
      "`pgshift plan`. See docs/plan-new.md.\n"
      "Exit codes: 0 planned, 1 planned but something needs a person (NOT MADE SAFE), 2 usage,\n"
      "3 the migration cannot be read or the plan cannot be written.");
  command->callback([options, &exit_code] { exit_code = RunPlanNew(*options); });
  return command;
}

}  // namespace pgshift::cli
