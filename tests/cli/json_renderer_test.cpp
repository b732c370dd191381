// The JSON report is written by hand, finding by finding; it must be the very text nlohmann::json
// prints for the same document with dump(2, ' ', false, replace), which is what it replaced.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli/render/renderer.h"

namespace pgshift::cli {
namespace {

std::string Reference(const std::vector<LintedFile>& files) {
  nlohmann::json findings = nlohmann::json::array();
  nlohmann::json unreadable = nlohmann::json::array();
  for (const LintedFile& file : files) {
    if (file.report.unreadable) {
      unreadable.push_back({{"file", file.report.path}, {"message", *file.report.unreadable}});
    }
    for (const rules::Finding& f : file.report.findings) {
      nlohmann::json fix = nlohmann::json::array();
      for (const rules::Edit& edit : f.fix) {
        fix.push_back(
            {{"begin", edit.span.begin}, {"end", edit.span.end}, {"replacement", edit.replacement}});
      }
      findings.push_back({{"rule", f.rule},
                          {"severity", rules::SeverityName(f.severity)},
                          {"message", f.message},
                          {"help", f.help},
                          {"lock", f.lock},
                          {"file", f.file},
                          {"line", f.start.line},
                          {"column", f.start.column},
                          {"docs", RuleDocUrl(f.rule)},
                          {"end_line", f.end.line},
                          {"end_column", f.end.column},
                          {"fix", fix}});
    }
  }
  const Totals t = CountTotals(files);
  const nlohmann::json document = {
      {"version", 1},
      {"findings", findings},
      {"unreadable", unreadable},
      {"summary",
       {{"files", t.files},
        {"statements", t.statements},
        {"errors", t.errors},
        {"warnings", t.warnings},
        {"infos", t.infos},
        {"unreadable", t.unreadable}}},
  };
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string Rendered(const std::vector<LintedFile>& files) {
  std::ostringstream out;
  Render(Format::kJson, files, {}, out);
  return out.str();
}

LintedFile File(const std::string& path, std::vector<rules::Finding> findings,
                std::optional<std::string> unreadable = std::nullopt) {
  rules::FileReport report;
  report.path = path;
  report.findings = std::move(findings);
  report.unreadable = std::move(unreadable);
  report.statements = report.findings.size();
  return LintedFile{parser::SourceText(path, ""), std::move(report)};
}

rules::Finding FindingWith(const std::string& text, rules::Severity severity) {
  rules::Finding f;
  f.rule = "rule-" + text.substr(0, 3);
  f.severity = severity;
  f.message = text;
  f.help = "help: " + text;
  f.lock = text.empty() ? "" : "lock";
  f.file = "dir/" + text + ".sql";
  f.start = {3, 7};
  f.end = {1234567, 89};
  // Every other finding carries a fix of one or two edits, whose text is escaped the same way.
  if (text.size() % 2 == 1) {
    f.fix.push_back({{3, 9}, "CONCURRENTLY " + text});
    if (text.size() % 4 == 1) f.fix.push_back({{120, 120}, text + ";\n"});
  }
  return f;
}

TEST(JsonRenderer, EmptyReportIsTheSameText) {
  std::vector<LintedFile> files;
  EXPECT_EQ(Rendered(files), Reference(files));
  files.push_back(File("clean.sql", {}));
  EXPECT_EQ(Rendered(files), Reference(files));
}

TEST(JsonRenderer, EscapesAndUnicodeAreTheSameText) {
  std::vector<LintedFile> files;
  files.push_back(File(
      "a.sql",
      {FindingWith("quote \" backslash \\ slash / tab \t", rules::Severity::kError),
       FindingWith(std::string("controls \x01\x1f\b\f\n\r \x7f", 17), rules::Severity::kWarning),
       FindingWith("é 中 😀 U+FFFF \xef\xbf\xbf", rules::Severity::kInfo),
       FindingWith("", rules::Severity::kError)}));
  files.push_back(File("b\xe9.sql", {}, "b\xe9.sql:1:2: invalid UTF-8 byte 0xe9"));
  files.push_back(File("c.sql", {FindingWith("last", rules::Severity::kError)}));
  EXPECT_EQ(Rendered(files), Reference(files));
}

// Bytes that are not UTF-8 (cut sequences, overlong forms, surrogates, stray continuation
// bytes) become U+FFFD exactly as nlohmann::json's replace handler makes them.
TEST(JsonRenderer, ArbitraryBytesAreTheSameText) {
  std::mt19937 random(7);
  const std::string alphabet =
      std::string("a\"\\\n\x01\x7f", 6) +
      "\x80\xbf\xc0\xc1\xc2\xdf\xe0\xe1\xed\xef\xf0\xf4\xf5\xff\x9f\xa0\x8f\x90";
  std::vector<rules::Finding> findings;
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int length = static_cast<int>(random() % 12);
    for (int k = 0; k < length; ++k) text += alphabet[random() % alphabet.size()];
    findings.push_back(FindingWith(text, rules::Severity::kError));
  }
  std::vector<LintedFile> files;
  files.push_back(File("fuzz.sql", std::move(findings)));
  EXPECT_EQ(Rendered(files), Reference(files));
}

// Plain text is taken sixteen bytes at a time: a byte that needs care must be seen wherever it
// falls in such a block, and at the ends of runs of every length.
TEST(JsonRenderer, EveryByteAtEveryPlaceOfALongRunIsTheSameText) {
  std::vector<rules::Finding> findings;
  const std::string plain = "create index concurrently on t (column_name);";
  for (int byte = 0; byte < 256; ++byte) {
    for (std::size_t at = 0; at <= 40; ++at) {
      std::string text = plain.substr(0, 4 + at % 9) + plain;
      text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(byte));
      findings.push_back(FindingWith(text, rules::Severity::kWarning));
    }
  }
  std::vector<LintedFile> files;
  files.push_back(File("runs.sql", std::move(findings)));
  EXPECT_EQ(Rendered(files), Reference(files));
}

}  // namespace
}  // namespace pgshift::cli
