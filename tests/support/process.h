// The pgshift binary under test, run end to end through the project's one way of starting a
// program (runner/process.h), whose names the tests use from here.
#pragma once

#include <string>
#include <vector>

#include "runner/process.h"

namespace pgshift::testing {

using runner::ProcessOptions;
using runner::ProcessResult;
using runner::RunProcess;

ProcessResult RunPgshift(const std::vector<std::string>& args, const ProcessOptions& options = {});
// The same with its standard error sent where its standard output goes, as on a terminal or with
// 2>&1: both are in `out`.
ProcessResult RunPgshiftMerged(const std::vector<std::string>& args,
                               const ProcessOptions& options = {});

}  // namespace pgshift::testing
