// Guards over the rule set as a whole: every rule is findable, documented, and proven by its own
// examples and fixture.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "parser/identifiers.h"
#include "parser/source_text.h"
#include "rules/analysis/lock_hazard_rules.h"
#include "rules/engine.h"
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

std::size_t CountFindings(const FileReport& report, std::string_view rule) {
  return std::count_if(report.findings.begin(), report.findings.end(),
                       [&](const Finding& f) { return f.rule == rule; });
}

// A rule that needs the release sees, for its bad example, a release that also changes
// application code, whose base uses every name in the example (and whose head does too, unless
// `head_uses` is false); for its good one, a release of migrations only (as
// RuleDoc::needs_release documents).
LintSettings SettingsFor(const RuleDoc& doc, std::string_view example = {}, bool bad = false,
                         bool head_uses = true) {
  LintSettings settings;
  settings.pg_version = std::max(15, doc.min_pg_version);
  settings.enabled.insert(std::string(doc.id));
  if (doc.needs_release) {
    auto release = std::make_shared<ReleaseFacts>();
    release->range = "example";
    release->base = "example-base";
    evidence::CodeUsesBuilder code;
    if (bad) {
      release->code_changes.push_back("app/example.rb");
      code.AddFile("app/example.rb", example);
    }
    release->base_code = code.Build();
    release->head_code = head_uses ? code.Build() : evidence::CodeUsesBuilder().Build();
    settings.release = release;
  }
  return settings;
}

TEST(RuleGuards, ThereAreRules) { EXPECT_GE(AllRules().size(), 10u); }

TEST(RuleGuards, IdsAreUniqueAndKebabCase) {
  std::set<std::string_view> seen;
  const std::regex kebab("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  for (const RuleDefinition& rule : AllRules()) {
    EXPECT_TRUE(seen.insert(rule.doc->id).second) << "duplicate id " << rule.doc->id;
    EXPECT_TRUE(std::regex_match(std::string(rule.doc->id), kebab)) << rule.doc->id;
  }
}

TEST(RuleGuards, FileNameEqualsId) {
  for (const RuleDefinition& rule : AllRules()) {
    std::string expected(rule.doc->id);
    std::replace(expected.begin(), expected.end(), '-', '_');
    const std::filesystem::path file(rule.source_file);
    EXPECT_EQ(file.filename().string(), expected + ".cpp") << rule.doc->id;
    EXPECT_EQ(file.parent_path().filename().string(), "checks") << rule.doc->id;
  }
}

TEST(RuleGuards, EveryRuleIsDocumented) {
  for (const RuleDefinition& rule : AllRules()) {
    const RuleDoc& d = *rule.doc;
    EXPECT_FALSE(d.summary.empty()) << d.id;
    EXPECT_GE(d.rationale.size(), 60u) << d.id << ": say why it hurts in production";
    EXPECT_FALSE(d.bad.empty()) << d.id;
    EXPECT_FALSE(d.good.empty()) << d.id;
  }
}

TEST(RuleGuards, EveryRuleHasAFixtureThatFiresIt) {
  const std::string dir = std::string(PGSHIFT_SOURCE_DIR) + "/tests/fixtures/rules/";
  for (const RuleDefinition& rule : AllRules()) {
    const std::string path = dir + std::string(rule.doc->id) + ".sql";
    std::ifstream in(path);
    ASSERT_TRUE(in.good()) << "missing fixture " << path;
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("[" + std::string(rule.doc->id) + "]"), std::string::npos)
        << path << " never expects its own rule to fire";
  }
}

TEST(RuleGuards, BadExampleFires) {
  for (const RuleDefinition& rule : AllRules()) {
    const parser::SourceText source("bad.sql", std::string(rule.doc->bad));
    const FileReport report = LintSource(source, SettingsFor(*rule.doc, rule.doc->bad, true));
    // A release rule may judge the base alone: the head still using the names is another's.
    const FileReport base_only =
        LintSource(source, SettingsFor(*rule.doc, rule.doc->bad, true, /*head_uses=*/false));
    EXPECT_GE(CountFindings(report, rule.doc->id) + CountFindings(base_only, rule.doc->id), 1u)
        << rule.doc->id << ": bad example is quiet";
  }
}

// The example with every bare identifier written quoted with a capital ("Users"."Email"), and
// those names.
std::string WithCapitalNames(std::string_view sql, std::set<std::string>& names) {
  std::string out;
  std::size_t at = 0;
  for (const parser::WrittenIdentifier& id : parser::WrittenIdentifiers(sql)) {
    if (sql[id.span.begin] == '"' || id.name.empty()) continue;
    std::string capital = id.name;
    capital[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capital[0])));
    if (capital == id.name) continue;
    names.insert(capital);
    out.append(sql.substr(at, id.span.begin - at)).append("\"" + capital + "\"");
    at = id.span.end;
  }
  return out.append(sql.substr(at));
}

// The names of `names` that `text` writes bare, outside double and single quotes: copied into
// SQL, they would fold to other objects' names.
std::vector<std::string> BareNames(std::string_view text, const std::set<std::string>& names) {
  std::vector<std::string> bare;
  std::string word;
  char quote = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    if (quote != 0) {
      if (c == '\\' && quote == '"')
        ++i;  // an escape in a TOML string of a plan in help
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      word += c;
      continue;
    }
    if (names.count(word) > 0) bare.push_back(word);
    word.clear();
    if (c == '"' || c == '\'') quote = c;
  }
  return bare;
}

// A finding names objects as SQL does (SqlName, QuoteIdent), in its message, its lock text and
// its help: `Users.Email` would mean users.email to whoever copies it.
TEST(RuleGuards, FindingsNameMixedCaseObjectsAsSql) {
  std::size_t checked = 0;
  for (const RuleDefinition& rule : AllRules()) {
    // Release rules also say what the application code writes, as it writes it; syntax-error
    // gives PostgreSQL's message; settings are no objects (their names ignore case).
    if (rule.doc->needs_release || rule.doc->id == "syntax-error" ||
        rule.doc->id == "set-without-local") {
      continue;
    }
    std::set<std::string> names;
    const std::string bad = WithCapitalNames(rule.doc->bad, names);
    if (names.empty()) continue;
    const FileReport report =
        LintSource(parser::SourceText("bad.sql", bad), SettingsFor(*rule.doc, bad, true));
    for (const Finding& f : report.findings) {
      if (f.rule != rule.doc->id) continue;
      ++checked;
      for (const auto& [field, text] :
           {std::pair<std::string_view, const std::string&>{"message", f.message},
            {"lock", f.lock},
            {"help", f.help}}) {
        const std::vector<std::string> bare = BareNames(text, names);
        EXPECT_TRUE(bare.empty()) << rule.doc->id << "'s " << field << " names " << bare.front()
                                  << " without quotes:\n"
                                  << text << "\nfor:\n"
                                  << bad;
      }
    }
  }
  // Most rules still fire with the names changed (those that look for a known name do not).
  EXPECT_GE(checked, 40u);
}

// Without a release, a rule that needs one says nothing, even about its bad example.
TEST(RuleGuards, ReleaseRulesAreSilentWithoutARelease) {
  std::size_t release_rules = 0;
  for (const RuleDefinition& rule : AllRules()) {
    if (!rule.doc->needs_release) continue;
    ++release_rules;
    LintSettings settings = SettingsFor(*rule.doc, rule.doc->bad, true);
    settings.release = nullptr;
    const FileReport report = LintSource(parser::SourceText("bad.sql", std::string(rule.doc->bad)), settings);
    EXPECT_EQ(CountFindings(report, rule.doc->id), 0u) << rule.doc->id;
  }
  EXPECT_GE(release_rules, 2u);
}

// The good example must not fire its own rule, and must be valid SQL. (Other rules may still
// have something to say about it, such as a missing lock_timeout.)
TEST(RuleGuards, GoodExampleIsQuiet) {
  for (const RuleDefinition& rule : AllRules()) {
    const parser::SourceText source("good.sql", std::string(rule.doc->good));
    const FileReport report = LintSource(source, SettingsFor(*rule.doc, rule.doc->good, false));
    for (const Finding& f : report.findings) {
      if (f.rule == rule.doc->id || f.rule == "syntax-error") {
        ADD_FAILURE() << rule.doc->id << ": good example reports [" << f.rule << "] " << f.message;
      }
    }
  }
}

// The rules a deferring rule stays quiet beside exist, are sorted, and never defer themselves
// (two deferring rules on one statement would silence each other).
TEST(RuleGuards, LockHazardRulesExistAndDoNotDefer) {
  const auto& rules = LockHazardRules();
  EXPECT_TRUE(std::is_sorted(rules.begin(), rules.end()));
  EXPECT_TRUE(IsLockHazard("set-not-null"));
  EXPECT_TRUE(IsLockHazard("exclusive-lock-on-multiple-tables"));
  EXPECT_FALSE(IsLockHazard("work-after-access-exclusive"));
  for (std::string_view id : rules) {
    const RuleDefinition* rule = FindRule(id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_FALSE(rule->doc->defers_to_other_findings) << id;
  }
}

}  // namespace
}  // namespace pgshift::rules
