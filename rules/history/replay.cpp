#include "rules/history/replay.h"

#include "parser/large_stack.h"
#include "parser/parsed_file.h"
#include "parser/source_text.h"

namespace pgshift::rules {

bool ReplayMigration(std::string_view text, bool unreleased, Catalog& catalog) {
  if (parser::ValidateText(text)) return false;
  // The catalog walks expressions recursively, as deep as the parser allows.
  return parser::OnLargeStack([&] {
    const parser::ParsedFile file = parser::ParseSql(text);
    if (file.over_limit) return false;
    for (const parser::Statement& statement : file.statements)
      catalog.Apply(statement.node, unreleased);
    return true;
  });
}

}  // namespace pgshift::rules
