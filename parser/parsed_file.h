// A migration file parsed statement by statement: each statement keeps its byte span, and either
// its parse tree or the syntax error that stopped it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/arena.h"
#include "parser/source_text.h"
#include "parser/splitter.h"

struct PgQuery__Node;
struct PgQuery__ParseResult;

namespace pgshift::parser {

struct SyntaxError {
  std::string message;
  std::size_t offset = 0;  // byte offset in the file
};

// Owns one statement's protobuf-c parse tree: unpacked by protobuf-c, or built in an arena.
class ParseTree {
 public:
  explicit ParseTree(PgQuery__ParseResult* result) : result_(result) {}
  ParseTree(std::unique_ptr<Arena> arena, PgQuery__ParseResult* result);
  ~ParseTree();
  ParseTree(const ParseTree&) = delete;
  ParseTree& operator=(const ParseTree&) = delete;

  // The statements of this tree; usually one.
  std::size_t size() const;
  const PgQuery__Node* statement(std::size_t i) const;

 private:
  std::unique_ptr<Arena> arena_;  // when set, holds every node of result_
  PgQuery__ParseResult* result_;
};

struct Statement {
  Span span;                  // first token to last token, without the semicolon
  bool has_semicolon = false;
  std::string_view text;      // the statement's SQL, as passed to the parser
  // Node locations in `tree` are relative to `span.begin`.
  const PgQuery__Node* node = nullptr;  // null when the statement does not parse
  std::optional<SyntaxError> error;
};

struct ParsedFile {
  std::vector<Statement> statements;
  std::vector<Comment> comments;
  std::vector<Span> meta_commands;
  std::vector<std::shared_ptr<ParseTree>> trees;  // owners of the statements' nodes
};

// Parses `text`, which must have passed ValidateText.
ParsedFile ParseSql(std::string_view text);

}  // namespace pgshift::parser
