// Replays a migration into the catalog: what an earlier file leaves behind for the next one.
#pragma once

#include <string_view>

#include "parser/parsed_texts.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {

// Applies every statement of `text` that parses, in order, as the engine does while linting.
// `unreleased` marks what it creates as new (a migration of the release being checked, which no
// deployed code uses yet). False, with nothing applied, when the text is not SQL text. The
// text's parse is taken from `parsed` when it holds one.
bool ReplayMigration(std::string_view text, bool unreleased, Catalog& catalog,
                     const parser::ParsedTexts* parsed = nullptr);

}  // namespace pgshift::rules
