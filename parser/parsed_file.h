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

#include "parser/arena.h"
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

// Owns one statement's protobuf-c parse tree, built in an arena of its own.
class ParseTree {
 public:
  ParseTree(std::unique_ptr<Arena> arena, PgQuery__ParseResult* result);
  ParseTree(const ParseTree&) = delete;
  ParseTree& operator=(const ParseTree&) = delete;

  // The statements of this tree; usually one.
  std::size_t size() const;
  const PgQuery__Node* statement(std::size_t i) const;
  // The memory the tree holds.
  std::size_t bytes() const { return arena_->bytes(); }

 private:
  std::unique_ptr<Arena> arena_;  // holds every node of result_
  PgQuery__ParseResult* result_;
};

struct Statement {
  static constexpr std::size_t kTopLevel = static_cast<std::size_t>(-1);
  static constexpr std::size_t kUnknownLength = static_cast<std::size_t>(-1);

  Span span;  // first token to last token, without the semicolon
  bool has_semicolon = false;
  std::size_t terminator_end = 0;  // just past the terminating `;` (span.end without one)
  std::string_view text;           // the statement's SQL, as passed to the parser
  // Node locations are byte offsets in `text`; FileOffset maps them into the file.
  const PgQuery__Node* node = nullptr;  // null when the statement does not parse
  std::optional<SyntaxError> error;
  // The bytes of the longest name-like string in `node`'s tree (PgshiftRawParse::longest_field),
  // or more: a rule looking for long column or constraint names need not walk a tree without one.
  std::size_t longest_field = kUnknownLength;

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
  // Template placeholders (`${schema}`, `{{ .Namespace }}`) the parser read as the names they
  // hold (parser/template_placeholders.h).
  std::vector<Span> placeholders;
  std::vector<ParseNote> notes;
  // The statements' parse trees, in one arena for the file (a tree's own arena would cost more
  // than many a tree); `trees` holds any parsed apart from it.
  std::shared_ptr<Arena> arena;
  std::vector<std::shared_ptr<ParseTree>> trees;
  std::vector<std::unique_ptr<const std::string>> texts;  // owners of nested statements' text
  ParseLimits limits;
  std::size_t tree_bytes = 0;  // what `trees` hold together (the arena aside)
  // Set when the file needs more than limits.memory: parsing stopped at that offset, and the
  // statements after it are missing. Callers refuse such a file rather than judge half of it.
  std::optional<ParseNote> over_limit;

  // The top-level statement that contains statement `index` (itself when it is top-level).
  std::size_t TopLevelOf(std::size_t index) const;
  // Whether statement `index` runs when its top-level statement runs: a top-level statement, or
  // one written in a DO block. A function's body runs only when the function is called.
  bool RunsWithTopLevel(std::size_t index) const;
  // Whether `span` holds a template placeholder: its parse tree then has a stand-in name where
  // the file has the placeholder, and no edit built from it may be written into the file.
  bool HoldsPlaceholder(const Span& span) const;
};

// One statement's SQL parsed on its own; a syntax error's offset is relative to `sql`.
struct StatementParse {
  std::shared_ptr<ParseTree> tree;  // null when the tree is in the arena the caller gave
  const PgQuery__Node* node = nullptr;
  std::optional<SyntaxError> error;
  std::size_t longest_field = Statement::kUnknownLength;  // as Statement::longest_field
};
// `operator_chain` is the statement's RawStatement::operator_chain when the caller has split it;
// otherwise it is measured here. A statement that would nest too deeply to analyse (see
// splitter.h and parsed_file.cpp's kMaxTreeDepth), or that is longer than limits.StatementBytes(),
// gets an error instead of a tree. With `arena`, the tree is built in it and lives as long as the
// arena.
StatementParse ParseStatementText(std::string_view sql, const ParseLimits& limits = {},
                                  std::optional<std::size_t> operator_chain = std::nullopt,
                                  Arena* arena = nullptr);

// Parses `text`, which must have passed ValidateText, on a large stack (parser/large_stack.h).
// Stops, and sets `over_limit`, where the file would need more than limits.memory.
ParsedFile ParseSql(std::string_view text, const ParseLimits& limits = {});

}  // namespace pgshift::parser
