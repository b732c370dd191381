// A migration file parsed statement by statement: each statement keeps its byte span, and either
// its parse tree or the syntax error that stopped it. Statements written inside another
// statement's body (a DO block, a function) follow it as nested statements.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/limits.h"
#include "parser/source_text.h"
#include "parser/splitter.h"

struct PgQuery__Node;
struct PgQuery__ParseResult;

namespace pgshift::parser {

struct SyntaxError {
  std::string message;
  std::size_t offset = 0;  // byte offset in the file
  std::string help;        // what to do, when it is not simply fixing the SQL
};

class TreeArena;

// Owns one statement's unpacked protobuf parse tree, when it was not made in an arena.
class ParseTree {
 public:
  explicit ParseTree(PgQuery__ParseResult* result) : result_(result) {}
  ~ParseTree();
  ParseTree(const ParseTree&) = delete;
  ParseTree& operator=(const ParseTree&) = delete;

  // The statements of this tree; usually one.
  std::size_t size() const;
  const PgQuery__Node* statement(std::size_t i) const;

 private:
  PgQuery__ParseResult* result_;
};

struct Statement {
  static constexpr std::size_t kTopLevel = static_cast<std::size_t>(-1);

  Span span;                  // first token to last token, without the semicolon
  bool has_semicolon = false;
  std::size_t terminator_end = 0;  // just past the terminating `;` (span.end without one)
  std::string_view text;      // the statement's SQL, as passed to the parser
  // Node locations are byte offsets in `text`; FileOffset maps them into the file.
  const PgQuery__Node* node = nullptr;  // null when the statement does not parse
  std::optional<SyntaxError> error;

  // A nested statement is written inside the body of the statement at index `parent` (a DO
  // block, a LANGUAGE sql or plpgsql function). Its text is the body's SQL, which need not be
  // the file's bytes ('' in a quoted body is one quote), so `offsets` holds the file offset of
  // each byte of `text`, plus one entry for its end.
  std::size_t parent = kTopLevel;
  std::shared_ptr<const std::vector<std::size_t>> offsets;

  bool nested() const { return parent != kTopLevel; }
  // The file offset of a byte offset in `text` (clamped to its end).
  std::size_t FileOffset(std::size_t offset_in_text) const;
};

// Something the parser skipped, for --verbose: a body it could not analyse.
struct ParseNote {
  std::size_t offset = 0;  // in the file
  std::string message;
};

struct ParsedFile {
  // In file order; nested statements directly follow the statement that contains them.
  std::vector<Statement> statements;
  std::vector<Comment> comments;  // including those inside analysed bodies, by position
  std::vector<Span> meta_commands;
  std::vector<ParseNote> notes;
  // Owns every statement's parse tree: one block of memory per 64 KB of trees, freed at once.
  std::shared_ptr<TreeArena> arena;
  std::vector<std::unique_ptr<const std::string>> texts;  // owners of nested statements' text
  ParseLimits limits;
  // Set when the file needs more than limits.memory: parsing stopped at that offset, and the
  // statements after it are missing. Callers refuse such a file rather than judge half of it.
  std::optional<ParseNote> over_limit;

  // The top-level statement that contains statement `index` (itself when it is top-level).
  std::size_t TopLevelOf(std::size_t index) const;
};

// One statement's SQL parsed on its own; a syntax error's offset is relative to `sql`. A
// statement longer than limits.StatementBytes() or nested deeper than kMaxNesting
// (parser/nesting.h) is refused with an error rather than parsed.
struct StatementParse {
  std::shared_ptr<ParseTree> tree;  // null when the tree lives in the arena given
  const PgQuery__Node* node = nullptr;
  std::optional<SyntaxError> error;
};
StatementParse ParseStatementText(std::string_view sql, const ParseLimits& limits = {},
                                  TreeArena* arena = nullptr);

// Bytes an arena holds.
std::size_t ArenaBytes(const TreeArena& arena);

// Parses `text`, which must have passed ValidateText, on a large stack (parser/large_stack.h).
ParsedFile ParseSql(std::string_view text, const ParseLimits& limits = {});

}  // namespace pgshift::parser
