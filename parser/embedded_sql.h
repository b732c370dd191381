// Statements written inside other statements. The body of a DO block, and of a CREATE FUNCTION
// or PROCEDURE in LANGUAGE sql or plpgsql, is parsed into nested statements of the file, placed
// right after the statement that contains them, with their own positions in the file: the lint
// engine and every rule then see them as they see top-level SQL.
//
// What counts: a DO block runs while the migration runs, so every statement in it does. A
// function runs when it is called; migrations create one-off functions to call them at once, so
// its schema changes count, while its queries (SELECT, INSERT, UPDATE, DELETE, MERGE) are the
// application's work at call time (a trigger's UPDATE is not a backfill) and are left out.
// SQL built as a string and run with EXECUTE is not seen.
#pragma once

#include <cstddef>

#include "parser/parsed_file.h"

namespace pgshift::parser {

// Appends the statements written inside the body of file.statements[index], each followed by
// its own nested statements. A body that cannot be analysed leaves a note instead.
// `parsed`, when given, is the statement's text as the parser read it, where that differs from its
// text in the file (template placeholders stood in for): the body is read from it.
void AddEmbeddedStatements(ParsedFile& file, std::size_t index, std::string_view parsed = {});

}  // namespace pgshift::parser
