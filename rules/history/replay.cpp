#include "rules/history/replay.h"

#include "parser/parsed_file.h"
#include "parser/source_text.h"

namespace pgshift::rules {

bool ReplayMigration(std::string_view text, bool unreleased, Catalog& catalog) {
  if (parser::ValidateText(text)) return false;
  const parser::ParsedFile file = parser::ParseSql(text);
  for (const parser::Statement& statement : file.statements)
    catalog.Apply(statement.node, unreleased);
  return true;
}

}  // namespace pgshift::rules
