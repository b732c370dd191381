// One linted migration: its text and what the rules found in it. What a lint run returns, and
// what the renderers and the language server show.
#pragma once

#include "parser/source_text.h"
#include "rules/engine.h"

namespace pgshift::workspace {

struct LintedFile {
  parser::SourceText source;
  rules::FileReport report;
};

}  // namespace pgshift::workspace
