// Splits a migration file into statements, comments and psql meta-commands, by byte span.
//
// A hand-written scanner rather than libpg_query's split: it must survive any bytes (unterminated
// strings, garbage statements) and keep every statement, including those that will not parse,
// so that each can be reported at its own position.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace pgshift::parser {

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;  // one past the last byte
  std::size_t size() const { return end - begin; }
};

struct Comment {
  Span span;
  std::string_view body;  // text without the `--` or `/* */` markers
  bool is_line_comment = true;
};

struct RawStatement {
  Span span;                    // first token to last token, without the terminating semicolon
  bool has_semicolon = false;   // terminated by `;` (rather than end of file or `\g`)
  std::size_t terminator_end = 0;  // just past the terminating `;`; span.end when there is none
  // Semicolons inside parentheses or a BEGIN ATOMIC body: the statement continued past them.
  // If the statement does not parse, the caller may split there to recover.
  std::vector<std::size_t> inner_semicolons;
  // The longest run of operators in one expression, counted high: how deep the parse tree can
  // nest beyond what parentheses add.
  std::size_t operator_chain = 0;
};

struct SplitResult {
  std::vector<RawStatement> statements;
  std::vector<Comment> comments;
  std::vector<Span> meta_commands;  // psql backslash commands, to the end of their line
};

SplitResult SplitStatements(std::string_view text);

}  // namespace pgshift::parser
