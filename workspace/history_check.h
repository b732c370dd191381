// Checks one history's files in order (a Job of the plan, history_jobs.h): each against the
// catalog the migrations before it leave, down files as rollbacks of what they undo (never
// replayed). A file is handed over (files_in_order.h) as soon as its check ends. Threads with
// nothing else to do may read and parse the job's next files ahead of its check (parse_ahead.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "parser/limits.h"
#include "parser/parsed_texts.h"
#include "project/migration_tool.h"
#include "rules/snapshot/schema.h"
#include "workspace/files_in_order.h"
#include "workspace/history_jobs.h"
#include "workspace/input_settings.h"
#include "workspace/lint_inputs.h"
#include "workspace/lint_scope.h"
#include "workspace/migration_upgrades.h"
#include "workspace/parse_ahead.h"

namespace pgshift::workspace {

// What the steps of a job are read and replayed with.
struct JobBasics {
  // A schema snapshot is the database the earlier migrations built: it is the history, and only
  // the files being checked (and the release's own) are replayed onto it.
  const rules::SchemaSnapshot* snapshot = nullptr;
  // Earlier migrations are read within the limit of the job's inputs.
  std::size_t max_bytes = parser::ParseLimits{}.FileBytes();
  // With upgrades: the upgrade of each migration (not with a snapshot).
  const MigrationUpgrades* upgrades = nullptr;
};

JobBasics BasicsOf(const Job& job, const InputSettings& settings);

// A step read and parsed ahead of RunJob (parse_ahead.h): its text, how its tool runs it, and the
// parses RunJob will ask for.
struct PreparedStep {
  std::string text;
  project::FileRun run;
  parser::ParsedTexts parsed;
};

// Step s of the job read and parsed, or null to leave it to RunJob (standard input, a large file,
// a step skipped). Safe to call from any thread while the job is checked.
std::shared_ptr<PreparedStep> PrepareStep(const Job& job, std::size_t s, const JobBasics& basics,
                                          const std::vector<LintInput>& inputs,
                                          const InputSettings& settings, const LintScope& scope);

using StepsAhead = ParseAhead<PreparedStep>;

// Checks the job's steps in order and puts each checked input's file into `order`; `ahead`, when
// set, holds steps prepared by other threads.
void RunJob(const Job& job, const std::vector<LintInput>& inputs, const InputSettings& settings,
            const LintScope& scope, FilesInOrder& order, StepsAhead* ahead);

}  // namespace pgshift::workspace
