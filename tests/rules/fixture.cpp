#include "tests/rules/fixture.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "parser/parsed_file.h"
#include "parser/source_text.h"
#include "rules/history/replay.h"

namespace pgshift::testing {

std::vector<Expectation> ParseExpectations(const std::string& text, std::vector<std::string>& errors) {
  static const std::regex kExpect(R"re(^\s*--\s*expect:\s*\[([a-z0-9-]+)\]\s*(?:"((?:[^"\\]|\\.)*)")?\s*$)re");
  std::vector<Expectation> pending;
  std::vector<Expectation> out;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    std::smatch match;
    if (line.find("expect:") != std::string::npos && line.find("--") != std::string::npos) {
      if (!std::regex_match(line, match, kExpect)) {
        errors.push_back("line " + std::to_string(number) + ": malformed expectation: " + line);
        continue;
      }
      // The message part may hold \" and \\ escapes.
      std::string part;
      const std::string raw = match[2].str();
      for (std::size_t i = 0; i < raw.size(); ++i) part += raw[i] == '\\' && i + 1 < raw.size() ? raw[++i] : raw[i];
      pending.push_back({0, match[1].str(), part});
      continue;
    }
    for (Expectation& e : pending) {
      e.line = number;
      out.push_back(e);
    }
    pending.clear();
  }
  if (!pending.empty()) errors.push_back("expectation at the end of the file marks no line");
  return out;
}

rules::LintSettings ParseFixtureSettings(const std::string& text, std::vector<std::string>& errors,
                                         std::string* history) {
  rules::LintSettings settings;
  // A rule that reports once per file would add the same expectation to nearly every fixture:
  // fixtures run without it unless they enable it.
  settings.disabled.insert("missing-lock-timeout");
  const std::string first = text.substr(0, text.find('\n'));
  static const std::regex kHeader(R"(^--\s*fixture:(.*)$)");
  std::smatch header;
  if (!std::regex_match(first, header, kHeader)) return settings;
  std::istringstream words(header[1].str());
  // Release facts are assembled here and frozen into the settings at the end.
  std::shared_ptr<rules::ReleaseFacts> release;
  rules::evidence::CodeUsesBuilder head, base;
  bool base_known = false;
  auto need_release = [&] {
    if (!release) {
      release = std::make_shared<rules::ReleaseFacts>();
      release->range = "fixture";
    }
  };
  // TABLE.COLUMN@PATH:LINE or TABLE@PATH:LINE: a use of SQL at that place.
  auto add_use = [&](rules::evidence::CodeUsesBuilder& code, const std::string& value) {
    const std::size_t at = value.find('@');
    const std::size_t colon = value.rfind(':');
    if (at == std::string::npos || colon == std::string::npos || colon < at) return false;
    const std::string name = value.substr(0, at);
    const std::size_t dot = name.find('.');
    rules::evidence::Use use;
    use.table = name.substr(0, dot);
    use.column = dot == std::string::npos ? "" : name.substr(dot + 1);
    use.kind = use.column.empty() ? rules::evidence::UseKind::kSqlTable
                                  : rules::evidence::UseKind::kSqlColumn;
    use.line = std::stoi(value.substr(colon + 1));
    use.how = "SQL names " + name;
    code.AddUse(value.substr(at + 1, colon - at - 1), std::move(use));
    return true;
  };
  for (std::string word; words >> word;) {
    const auto eq = word.find('=');
    const std::string key = word.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : word.substr(eq + 1);
    if (key == "pg_version") {
      settings.pg_version = std::stoi(value);
    } else if (key == "transactions" && value == "per-file") {
      settings.transactions = rules::TransactionWrapping::kPerFile;
    } else if (key == "transactions" && value == "per-statement") {
      settings.transactions = rules::TransactionWrapping::kPerStatement;
    } else if (key == "enable") {
      settings.enabled.insert(value);
      settings.disabled.erase(value);
    } else if (key == "disable") {
      settings.disabled.insert(value);
    } else if (key == "history" && history != nullptr) {
      *history = value;
    } else if (key == "phase" && rules::ParsePhase(value)) {
      settings.phase = rules::ParsePhase(value);
    } else if (key == "release" && value.empty()) {
      need_release();
    } else if (key == "code_change" && !value.empty()) {
      need_release();
      release->code_changes.push_back(value);
    } else if (key == "code_uses" && add_use(head, value)) {
      need_release();  // the release's head
    } else if (key == "base_uses" && add_use(base, value)) {
      need_release();  // the release's base, which is then known
      base_known = true;
    } else if (key == "base" && value.empty()) {
      need_release();  // a base that is known and uses nothing
      base_known = true;
    } else {
      errors.push_back("unknown fixture setting: " + word);
    }
  }
  if (release) {
    release->head_code = head.Build();
    if (base_known) {
      release->base_code = base.Build();
      release->base = "base";
    }
    settings.release = release;
  }
  return settings;
}

FixtureOutcome CheckFixture(const std::string& path, const std::string& text) {
  FixtureOutcome outcome;
  const std::vector<Expectation> expected = ParseExpectations(text, outcome.problems);
  std::string history_path;
  const rules::LintSettings settings = ParseFixtureSettings(text, outcome.problems, &history_path);
  outcome.expectations = expected.size();
  rules::Catalog history;
  if (!history_path.empty()) {
    const std::string full = (std::filesystem::path(path).parent_path() / history_path).string();
    std::ifstream in(full, std::ios::binary);
    if (!in) outcome.problems.push_back(path + ": cannot read history " + full);
    std::ostringstream history_text;
    history_text << in.rdbuf();
    if (!rules::ReplayMigration(history_text.str(), /*unreleased=*/false, history)) {
      outcome.problems.push_back(path + ": history " + full + " is not SQL text");
    }
  }
  const parser::SourceText source(path, text);
  const rules::FileReport report =
      rules::LintSource(source, settings, history_path.empty() ? nullptr : &history);
  if (report.unreadable) outcome.problems.push_back(*report.unreadable);
  for (std::string& problem : MatchFindings(path, expected, report.findings)) {
    outcome.problems.push_back(std::move(problem));
  }
  return outcome;
}

std::vector<std::string> MatchFindings(const std::string& path,
                                       const std::vector<Expectation>& expected,
                                       const std::vector<rules::Finding>& findings) {
  std::vector<std::string> problems;
  std::vector<bool> used(findings.size(), false);
  for (const Expectation& e : expected) {
    bool met = false;
    for (std::size_t i = 0; i < findings.size() && !met; ++i) {
      const rules::Finding& f = findings[i];
      if (!used[i] && f.start.line == e.line && f.rule == e.rule &&
          f.message.find(e.message_part) != std::string::npos) {
        used[i] = met = true;
      }
    }
    if (!met) {
      problems.push_back(path + ":" + std::to_string(e.line) + ": expected [" + e.rule + "] \"" +
                         e.message_part + "\", not reported");
    }
  }
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (used[i]) continue;
    const rules::Finding& f = findings[i];
    problems.push_back(path + ":" + std::to_string(f.start.line) + ":" +
                       std::to_string(f.start.column) + ": unexpected [" + f.rule + "] " +
                       f.message);
  }
  return problems;
}

}  // namespace pgshift::testing
