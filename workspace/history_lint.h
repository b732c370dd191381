// Lints the selected inputs, each against the schema the migrations before it built, in the order
// its migration tool applies them. Inputs of one history are checked in order on one thread
// while the catalog is replayed through every file before them (down migrations and down
// sections are checked as rollbacks, never replayed); separate histories, and files without
// one, run in parallel.
#pragma once

#include <vector>

#include "workspace/config.h"
#include "workspace/lint_inputs.h"
#include "workspace/lint_scope.h"
#include "workspace/linted_file.h"
#include "rules/lint_settings.h"

namespace pgshift::workspace {

// Results for the selected inputs, in input order. `replay` false: each file on its own. Each
// file is run as the migration tool of its history runs it (project/migration_tool.h);
// `notes`, when given, receives which tool each history was recognised as, and why.
std::vector<LintedFile> LintWithHistory(const std::vector<LintInput>& inputs,
                                        const std::vector<rules::LintSettings>& settings,
                                        const std::vector<const Config*>& configs,
                                        const LintScope& scope, bool replay, unsigned jobs,
                                        std::vector<std::string>* notes = nullptr);

}  // namespace pgshift::workspace
