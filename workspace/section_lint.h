// Lints one migration file as its migration tool runs it: the parts that migrate up against the
// history, each with the tool's transaction wrapping, and the parts that roll back (a down
// section, or a down file) against the schema the up part leaves, deployed, as rollbacks.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parser/parsed_texts.h"
#include "parser/source_text.h"
#include "project/migration_tool.h"
#include "rules/analysis/catalog.h"
#include "rules/engine.h"
#include "rules/lint_settings.h"

namespace pgshift::workspace {

// The settings for the file at `path`, run by `tool` (null when none is recognised): the tool's
// name and opt-out for the help of findings.
rules::LintSettings SettingsForTool(const rules::LintSettings& base,
                                    const project::MigrationTool* tool, const std::string& path);

// `text` with every byte outside the sections of `direction` blanked, lines kept: positions stay
// where they are.
std::string SectionsOnly(std::string_view text, const project::FileRun& run,
                         project::Direction direction);

// Whether the file only rolls back (a down file).
bool OnlyRollsBack(const project::FileRun& run);

// Lints `source` as `run` describes it. `history` is the schema before it (null: none). The up
// sections are judged against it; `after_up`, when given, receives the catalog they leave (their
// objects new) unless the file is unreadable. Down sections are judged against that catalog,
// deployed, not as part of the release, and with `rollback_of` for contract changes. A file that
// only rolls back is judged against `history` as given, with `rollback_of` from `settings`.
// Parses found in `parsed` (see LintRunTexts) are used instead of parsing again.
rules::FileReport LintRun(const parser::SourceText& source, const project::FileRun& run,
                          const rules::LintSettings& settings, const rules::Catalog* history,
                          rules::Catalog* after_up, const parser::ParsedTexts* parsed = nullptr);

// The texts LintRun parses for `text` as `run` describes it (each with the settings' limits), for
// parsing them ahead of it.
std::vector<std::string> LintRunTexts(std::string_view text, const project::FileRun& run);

// Notes for --verbose about sections the tool runs outside its usual transaction.
void NoteOptOuts(const parser::SourceText& source, const project::FileRun& run,
                 std::string_view tool, rules::FileReport& report);

}  // namespace pgshift::workspace
