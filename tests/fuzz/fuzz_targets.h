// What each fuzz target does with its bytes. The libFuzzer entry points (tests/fuzz/*_fuzzer.cpp)
// and the replay of kept inputs (regression_test.cpp) call the same functions, so an input that
// once crashed a target is checked by the normal test suite from then on.
#pragma once

#include <string_view>

namespace pgshift::fuzz {

// Splits the raw bytes into statements, then lints them as a migration with every rule on
// (opt-in ones too; settings, phase and release chosen from the input's hash), with and without
// the same text replayed as its history, and renders the findings in every output format.
void LintBytes(std::string_view data);

// Reads the bytes as pgshift.toml.
void ConfigBytes(std::string_view data);

// Reads the bytes as a plan; when it is valid, reviews every statement (parse, locks, lint in the
// stage's phase) and renders the plan as text and JSON.
void PlanBytes(std::string_view data);

}  // namespace pgshift::fuzz
