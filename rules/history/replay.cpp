#include "rules/history/replay.h"

#include <optional>

#include "parser/large_stack.h"
#include "parser/parsed_file.h"
#include "parser/source_text.h"

namespace pgshift::rules {

bool ReplayMigration(std::string_view text, bool unreleased, Catalog& catalog,
                     const parser::ParsedTexts* parsed) {
  if (parser::ValidateText(text)) return false;
  // The catalog walks expressions recursively, as deep as the parser allows.
  return parser::OnLargeStack([&] {
    std::optional<parser::ParsedFile> own;
    const parser::ParsedFile& file = parser::ParsedOrParse(parsed, text, {}, own);
    if (file.over_limit) return false;
    for (const parser::Statement& statement : file.statements)
      catalog.Apply(statement.node, unreleased);
    return true;
  });
}

}  // namespace pgshift::rules
