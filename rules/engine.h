// The lint engine: one file's text in, its findings out. Parses, computes the shared facts,
// runs every enabled rule over every statement in order while replaying the statements into the
// catalog, then applies suppressions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "parser/parsed_texts.h"
#include "parser/source_text.h"
#include "rules/analysis/catalog.h"
#include "rules/finding.h"
#include "rules/lint_settings.h"

namespace pgshift::rules {

struct FileReport {
  std::string path;
  std::vector<Finding> findings;  // sorted by position
  // Set when the file is not SQL text (NUL byte, invalid UTF-8): nothing else was checked.
  std::optional<std::string> unreadable;
  std::vector<std::string> notes;  // for --verbose: skipped meta-commands and the like
  std::size_t statements = 0;
};

// `history` is the catalog replayed from earlier migrations, if any; the file's own statements
// are applied on top of a copy of it. With `after`, that copy is handed back once the file is
// checked: the catalog the file leaves, its objects marked new, without parsing it again. The
// text's parse is taken from `parsed` when it holds one (parsed ahead, parser/parsed_texts.h).
FileReport LintSource(const parser::SourceText& source, const LintSettings& settings,
                      const Catalog* history = nullptr, Catalog* after = nullptr,
                      const parser::ParsedTexts* parsed = nullptr);

// Whether a rule runs under these settings.
bool RuleEnabled(std::string_view id, const LintSettings& settings);
Severity EffectiveSeverity(std::string_view id, const LintSettings& settings);

}  // namespace pgshift::rules
