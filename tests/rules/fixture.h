// Strict rule fixtures: SQL files whose `-- expect: [rule-id] "message part"` comments say which
// finding each following line must carry. Matching is strict both ways: an unexpected finding
// fails, an unmet expectation fails, and a fixture without expectations asserts silence.
//
// A first-line `-- fixture: pg_version=11 transactions=per-file enable=rule disable=rule` sets the
// lint settings; `history=history/x.sql` (relative to the fixture) replays that file first as
// released migrations, so that the fixture's tables exist with known columns without being new.
// Also: `phase=contract`; `release` (a known release, migrations only); `code_change=PATH` (the
// release changes that application file); `code_uses=IDENT@PATH:LINE` (application code uses
// IDENT there). missing-lock-timeout, which reports once per file, is off unless enabled.
#pragma once

#include <string>
#include <vector>

#include "rules/engine.h"
#include "rules/lint_settings.h"

namespace pgshift::testing {

struct Expectation {
  int line = 0;  // the line the finding must start on
  std::string rule;
  std::string message_part;
};

struct FixtureOutcome {
  std::vector<std::string> problems;  // empty when the fixture passes
  std::size_t expectations = 0;
};

// Reads expectations and settings from the fixture text.
std::vector<Expectation> ParseExpectations(const std::string& text, std::vector<std::string>& errors);
rules::LintSettings ParseFixtureSettings(const std::string& text, std::vector<std::string>& errors,
                                         std::string* history = nullptr);

FixtureOutcome CheckFixture(const std::string& path, const std::string& text);

// The strict matching both ways, for findings from any source (the engine, or `pgshift lint
// --format json`): one problem per unmet expectation and per unexpected finding.
std::vector<std::string> MatchFindings(const std::string& path,
                                       const std::vector<Expectation>& expected,
                                       const std::vector<rules::Finding>& findings);

}  // namespace pgshift::testing
