// The only file that calls libpg_query's parser for top-level SQL.
#include "parser/parsed_file.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <string>

#include "parser/json_tree.h"

namespace pgshift::parser {

ParseTree::ParseTree(std::unique_ptr<Arena> arena, PgQuery__ParseResult* result)
    : arena_(std::move(arena)), result_(result) {}

ParseTree::~ParseTree() {
  // A tree in an arena goes with it; an unpacked one is freed node by node.
  if (!arena_) pg_query__parse_result__free_unpacked(result_, nullptr);
}

std::size_t ParseTree::size() const { return result_->n_stmts; }

const PgQuery__Node* ParseTree::statement(std::size_t i) const { return result_->stmts[i]->stmt; }

namespace {

struct ParseOutcome {
  std::shared_ptr<ParseTree> tree;
  std::optional<SyntaxError> error;
};

SyntaxError ErrorAt(const PgQueryError& error, const std::string& sql, Span span) {
  // cursorpos is 1-based and counts characters; 0 means no position.
  const std::size_t cursor = error.cursorpos > 0 ? error.cursorpos - 1 : 0;
  return SyntaxError{error.message, span.begin + ByteOffsetOfCodePoint(sql, cursor)};
}

// The protobuf route: slower (see json_tree.h), kept for a tree the JSON decoder declines.
ParseOutcome ParseOneWithProtobuf(const std::string& sql, Span span) {
  PgQueryProtobufParseResult result = pg_query_parse_protobuf(sql.c_str());
  ParseOutcome outcome;
  if (result.error != nullptr) {
    outcome.error = ErrorAt(*result.error, sql, span);
  } else {
    auto* unpacked = pg_query__parse_result__unpack(
        nullptr, result.parse_tree.len, reinterpret_cast<const uint8_t*>(result.parse_tree.data));
    if (unpacked == nullptr) {
      outcome.error = SyntaxError{"parser returned an unreadable tree", span.begin};
    } else {
      outcome.tree = std::make_shared<ParseTree>(unpacked);
    }
  }
  pg_query_free_protobuf_parse_result(result);
  return outcome;
}

// libpg_query prints a tree recursively, about 130 bytes of stack per level: an expression of
// 65,000 chained operators overflows an 8 MB stack. Longer runs are not handed to it.
constexpr std::size_t kMaxOperatorChain = 20000;

// protobuf-c packs, unpacks and frees recursively, with frames about four times the decoder's.
constexpr int kMaxProtobufDepth = 2000;

SyntaxError TooDeep(Span span) {
  return SyntaxError{"the statement nests too deeply for pgshift to analyse; check it by hand",
                     span.begin};
}

// Parses one statement's text; `span` is where it is in the file.
ParseOutcome ParseOne(std::string_view file_text, Span span) {
  const std::string sql(file_text.substr(span.begin, span.size()));
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  ParseOutcome outcome;
  if (result.error != nullptr) {
    outcome.error = ErrorAt(*result.error, sql, span);
  } else {
    const std::string_view json(result.parse_tree);
    // The structs take about three times the bytes of their JSON.
    auto arena = std::make_unique<Arena>(3 * json.size() + 256);
    const JsonTree decoded = DecodeJsonParseTree(json, sql, *arena);
    if (decoded.tree != nullptr) {
      outcome.tree = std::make_shared<ParseTree>(std::move(arena), decoded.tree);
    } else if (decoded.too_deep || JsonNestingDepth(json) > kMaxProtobufDepth) {
      outcome.error = TooDeep(span);
    } else {
      outcome = ParseOneWithProtobuf(sql, span);
    }
  }
  pg_query_free_parse_result(result);
  return outcome;
}

// Splits a statement at the given inner semicolons, for recovery after a syntax error.
std::vector<Span> PiecesAt(std::string_view text, Span span,
                           const std::vector<std::size_t>& semicolons) {
  std::vector<Span> pieces;
  std::size_t begin = span.begin;
  auto add = [&](std::size_t end) {
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
    std::size_t trimmed_end = end;
    while (trimmed_end > begin && std::isspace(static_cast<unsigned char>(text[trimmed_end - 1])))
      --trimmed_end;
    if (trimmed_end > begin) pieces.push_back({begin, trimmed_end});
  };
  for (const std::size_t semicolon : semicolons) {
    add(semicolon);
    begin = semicolon + 1;
  }
  add(span.end);
  return pieces;
}

void AddStatement(ParsedFile& file, std::string_view text, Span span, bool has_semicolon,
                  ParseOutcome outcome) {
  Statement statement;
  statement.span = span;
  statement.has_semicolon = has_semicolon;
  statement.text = text.substr(span.begin, span.size());
  statement.error = std::move(outcome.error);
  if (outcome.tree) {
    // A span the splitter kept whole holds exactly one statement, except for oddities such as
    // `CREATE RULE ... (a; b)`, whose actions stay inside the one RuleStmt.
    if (outcome.tree->size() > 0) statement.node = outcome.tree->statement(0);
    file.trees.push_back(std::move(outcome.tree));
  }
  file.statements.push_back(std::move(statement));
}

}  // namespace

ParsedFile ParseSql(std::string_view original) {
  SplitResult split = SplitStatements(original);
  ParsedFile file;
  file.comments = std::move(split.comments);
  file.meta_commands = std::move(split.meta_commands);

  // Meta-commands are blanked out so that a statement spanning one still parses.
  std::string_view text = original;
  std::string blanked;
  if (!file.meta_commands.empty()) {
    blanked.assign(original);
    for (const Span& meta : file.meta_commands) blanked.replace(meta.begin, meta.size(), meta.size(), ' ');
    text = blanked;
  }

  for (const RawStatement& raw : split.statements) {
    if (raw.operator_chain > kMaxOperatorChain) {
      AddStatement(file, original, raw.span, raw.has_semicolon, ParseOutcome{{}, TooDeep(raw.span)});
      continue;
    }
    ParseOutcome outcome = ParseOne(text, raw.span);
    if (outcome.error && !raw.inner_semicolons.empty()) {
      // An unbalanced parenthesis may have swallowed the statements after it: report the error
      // on the first piece and analyse the rest on their own.
      const std::vector<Span> pieces = PiecesAt(text, raw.span, raw.inner_semicolons);
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        const bool last = i + 1 == pieces.size();
        AddStatement(file, original, pieces[i], last ? raw.has_semicolon : true,
                     ParseOne(text, pieces[i]));
      }
      continue;
    }
    AddStatement(file, original, raw.span, raw.has_semicolon, std::move(outcome));
  }
  return file;
}

}  // namespace pgshift::parser
