// Lints the selected inputs, each against the schema the migrations before it built. Inputs of
// one history are checked in order on one thread while the catalog is replayed through every
// file before them (down migrations and down sections excluded); separate histories, and files
// without one, run in parallel.
#pragma once

#include <vector>

#include "cli/config.h"
#include "cli/lint_inputs.h"
#include "cli/lint_scope.h"
#include "cli/render/renderer.h"
#include "rules/lint_settings.h"

namespace pgshift::cli {

// Results for the selected inputs, in input order. `replay` false: each file on its own.
std::vector<LintedFile> LintWithHistory(const std::vector<LintInput>& inputs,
                                        const std::vector<rules::LintSettings>& settings,
                                        const std::vector<const Config*>& configs,
                                        const LintScope& scope, bool replay, unsigned jobs);

}  // namespace pgshift::cli
