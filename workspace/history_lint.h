// Lints the selected inputs, each against the schema the migrations before it built, in the order
// its migration tool applies them. Inputs of one history are checked in order on one thread
// while the catalog is replayed through every file before them (down migrations and down
// sections are checked as rollbacks, never replayed); separate histories, and files without
// one, run in parallel.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rules/lint_settings.h"
#include "workspace/config.h"
#include "workspace/file_sink.h"
#include "workspace/files_in_order.h"
#include "workspace/input_settings.h"
#include "workspace/lint_inputs.h"
#include "workspace/lint_scope.h"
#include "workspace/linted_file.h"

namespace pgshift::workspace {

// Results for the selected inputs, in input order. `replay` false: each file on its own. Each
// file is run as the migration tool of its history runs it (project/migration_tool.h);
// `notes`, when given, receives which tool each history was recognised as, and why.
std::vector<LintedFile> LintWithHistory(const std::vector<LintInput>& inputs,
                                        const InputSettings& settings,
                                        const std::vector<const Config*>& configs,
                                        const LintScope& scope, bool replay, unsigned jobs,
                                        std::vector<std::string>* notes = nullptr);

// The same, handing each file to `sink` as soon as it is done and in input order as soon as it and
// every input before it are done, while the rest are checked (files_in_order.h); nothing is
// kept. `on_planned`, when set, is called once the histories are planned (and `notes` written),
// before any file is checked.
void LintWithHistory(const std::vector<LintInput>& inputs, const InputSettings& settings,
                     const std::vector<const Config*>& configs, const LintScope& scope, bool replay,
                     unsigned jobs, std::vector<std::string>* notes,
                     const std::function<void()>& on_planned, FileSink& sink);

}  // namespace pgshift::workspace
