#include "tests/fuzz/fuzz_targets.h"

#include <cstdint>
#include <sstream>
#include <string>

#include "workspace/config.h"
#include "cli/render/renderer.h"
#include "parser/identifiers.h"
#include "parser/source_text.h"
#include "parser/splitter.h"
#include "rules/engine.h"
#include "rules/history/replay.h"
#include "rules/rule.h"
#include "runner/plan.h"
#include "runner/plan_render.h"
#include "runner/plan_review.h"

namespace pgshift::fuzz {
namespace {

std::uint64_t Hash(std::string_view data) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : data) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

// Settings derived from the input, so that one input always runs the same way and the fuzzer
// still reaches every server version, transaction wrapping, phase and release-aware rule.
rules::LintSettings SettingsFor(std::string_view data) {
  const std::uint64_t hash = Hash(data);
  rules::LintSettings settings;
  for (const rules::RuleDefinition& rule : rules::AllRules())
    settings.enabled.insert(std::string(rule.doc->id));
  settings.pg_version = 10 + static_cast<int>(hash % 9);
  settings.transactions = static_cast<rules::TransactionWrapping>((hash >> 8) % 3);
  const unsigned phase = (hash >> 16) % 5;
  if (phase < 4) settings.phase = static_cast<rules::Phase>(phase);
  if ((hash >> 24) % 2 == 1) {
    // A release whose application code is the SQL itself, as a query file, at its head and
    // (every other time) at its base.
    rules::evidence::CodeUsesBuilder code;
    code.AddFile("app/queries.sql", data);
    auto release = std::make_shared<rules::ReleaseFacts>();
    release->range = "fuzz";
    if ((hash >> 25) % 2 == 1) release->code_changes.push_back("app/queries.sql");
    release->head_code = code.Build();
    if ((hash >> 26) % 2 == 1) {
      release->base_code = code.Build();
      release->base = "fuzz-base";
    }
    settings.release = release;
  }
  return settings;
}

void RenderEverywhere(const std::vector<cli::LintedFile>& files) {
  for (const cli::Format format : {cli::Format::kText, cli::Format::kJson, cli::Format::kSarif,
                                   cli::Format::kGithub, cli::Format::kGitlab}) {
    std::ostringstream out;
    cli::Render(format, files, {/*color=*/true, /*verbose=*/true}, out);
  }
}

}  // namespace

void LintBytes(std::string_view data) {
  // The splitter must survive any bytes, even those the engine refuses as text.
  parser::SplitStatements(data);

  const rules::LintSettings settings = SettingsFor(data);
  std::vector<cli::LintedFile> files;
  parser::SourceText source("fuzz.sql", std::string(data));
  rules::FileReport report = rules::LintSource(source, settings);
  files.push_back({std::move(source), std::move(report)});

  // The same text as its own history: every statement applied to the catalog first.
  rules::Catalog history;
  if (rules::ReplayMigration(data, /*unreleased=*/false, history)) {
    parser::SourceText again("fuzz-again.sql", std::string(data));
    rules::FileReport replayed = rules::LintSource(again, settings, &history);
    files.push_back({std::move(again), std::move(replayed)});
  }
  RenderEverywhere(files);
}

void ConfigBytes(std::string_view data) { workspace::ParseConfig(data, "pgshift.toml"); }

void PlanBytes(std::string_view data) {
  auto parsed = runner::ParsePlan(data, "plan.toml");
  const auto* plan = std::get_if<runner::Plan>(&parsed);
  if (plan == nullptr) return;
  rules::LintSettings settings;
  settings.pg_version = 10 + static_cast<int>(Hash(data) % 9);
  const runner::PlanReview review = runner::ReviewPlan(*plan, settings);
  std::ostringstream text;
  runner::RenderPlanText(*plan, review, text);
  runner::PlanJson(*plan, review).dump();
}

}  // namespace pgshift::fuzz
