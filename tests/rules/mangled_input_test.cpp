// Robustness: the fixtures and examples cut short, spliced with unbalanced quotes, comments,
// parentheses, dollar quotes and psql commands. Whatever the bytes, LintSource returns, every
// statement that does not parse gets its syntax-error finding, and every finding sits inside the
// text at a real line and column.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "parser/parsed_file.h"
#include "parser/source_text.h"
#include "rules/engine.h"

namespace pgshift::rules {
namespace {

std::vector<std::string> SourceTexts() {
  std::vector<std::filesystem::path> paths;
  for (const char* folder : {"tests/fixtures", "migrations-examples"}) {
    const auto root = std::filesystem::path(PGSHIFT_SOURCE_DIR) / folder;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (entry.is_regular_file() && entry.path().extension() == ".sql") {
        paths.push_back(entry.path());
      }
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> texts;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    texts.push_back(buffer.str());
  }
  return texts;
}

// Deterministic damage: cuts, deletions and insertions of fragments that confuse a scanner.
std::string Mangle(std::string text, std::mt19937& random) {
  static const char* const kFragments[] = {
      "'",
      "\"",
      "(",
      ")",
      "$$",
      "$a$",
      "/*",
      "*/",
      "--",
      ";",
      "\\",
      "E'\\",
      "U&'",
      "\n\\g\n",
      "BEGIN ATOMIC",
      "END",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC ",
      "é",
      "😀",
      "-1",
      "[0]",
      "ALTER TABLE t ",
      " CONCURRENTLY",
      "\n",
      "\r\n",
      "\t"};
  const int edits = 1 + static_cast<int>(random() % 6);
  for (int i = 0; i < edits; ++i) {
    const std::size_t at = text.empty() ? 0 : random() % (text.size() + 1);
    switch (random() % 3) {
      case 0:
        text.resize(at);
        break;
      case 1:
        text.insert(at, kFragments[random() % std::size(kFragments)]);
        break;
      default:
        text.erase(at, random() % 40);
        break;
    }
  }
  return text;
}

TEST(MangledInput, EveryUnparseableStatementIsReportedInsideTheText) {
  std::mt19937 random(20240611);
  std::size_t checked = 0;
  std::size_t syntax_errors = 0;
  for (const std::string& original : SourceTexts()) {
    for (int round = 0; round < 200; ++round) {
      const std::string text = Mangle(original, random);
      const parser::SourceText source("m.sql", text);
      const FileReport report = LintSource(source, LintSettings{});
      if (report.unreadable) {  // a cut through a multi-byte character
        EXPECT_EQ(report.unreadable->rfind("m.sql:", 0), 0u) << *report.unreadable;
        continue;
      }
      ++checked;
      std::size_t reported = 0;
      for (const Finding& f : report.findings) {
        EXPECT_LE(f.span.begin, f.span.end) << text;
        EXPECT_LE(f.span.end, text.size()) << text;
        EXPECT_GE(f.start.line, 1) << text;
        EXPECT_LE(f.start.line, source.LineCount()) << text;
        EXPECT_GE(f.start.column, 1) << text;
        if (f.rule == "syntax-error") ++reported;
      }
      // Suppressions may hide some; files without any must report every failed statement.
      if (text.find("pgshift-ignore") != std::string::npos) continue;
      const parser::ParsedFile file = parser::ParseSql(text);
      const auto failed = static_cast<std::size_t>(
          std::count_if(file.statements.begin(), file.statements.end(),
                        [](const parser::Statement& s) { return s.error.has_value(); }));
      EXPECT_EQ(reported, failed) << text;
      syntax_errors += failed;
    }
  }
  std::cout << checked << " texts, " << syntax_errors << " syntax errors\n";
  EXPECT_GT(checked, 1000u);
  EXPECT_GT(syntax_errors, 100u);  // the damage does reach the parser
}

}  // namespace
}  // namespace pgshift::rules
