// The only file that calls libpg_query's SQL parser.
#include "parser/parsed_file.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <string>

#include "parser/embedded_sql.h"

namespace pgshift::parser {

ParseTree::~ParseTree() { pg_query__parse_result__free_unpacked(result_, nullptr); }

std::size_t ParseTree::size() const { return result_->n_stmts; }

const PgQuery__Node* ParseTree::statement(std::size_t i) const { return result_->stmts[i]->stmt; }

std::size_t Statement::FileOffset(std::size_t offset_in_text) const {
  if (offsets == nullptr || offsets->empty())
    return span.begin + std::min(offset_in_text, text.size());
  return (*offsets)[std::min(offset_in_text, offsets->size() - 1)];
}

std::size_t ParsedFile::TopLevelOf(std::size_t index) const {
  while (index < statements.size() && statements[index].nested()) index = statements[index].parent;
  return index;
}

StatementParse ParseStatementText(std::string_view text) {
  const std::string sql(text);
  PgQueryProtobufParseResult result = pg_query_parse_protobuf(sql.c_str());
  StatementParse parse;
  if (result.error != nullptr) {
    // cursorpos is 1-based and counts characters; 0 means no position.
    const std::size_t cursor = result.error->cursorpos > 0 ? result.error->cursorpos - 1 : 0;
    parse.error = SyntaxError{result.error->message, ByteOffsetOfCodePoint(sql, cursor)};
  } else {
    auto* unpacked = pg_query__parse_result__unpack(
        nullptr, result.parse_tree.len, reinterpret_cast<const uint8_t*>(result.parse_tree.data));
    if (unpacked == nullptr) {
      parse.error = SyntaxError{"parser returned an unreadable tree", 0};
    } else {
      parse.tree = std::make_shared<ParseTree>(unpacked);
      // A span the splitter kept whole holds exactly one statement, except for oddities such as
      // `CREATE RULE ... (a; b)`, whose actions stay inside the one RuleStmt.
      if (parse.tree->size() > 0) parse.node = parse.tree->statement(0);
    }
  }
  pg_query_free_protobuf_parse_result(result);
  return parse;
}

namespace {

struct Piece {
  Span span;
  std::size_t terminator_end;
};

// Splits a statement at the given inner semicolons, for recovery after a syntax error.
std::vector<Piece> PiecesAt(std::string_view text, const RawStatement& raw) {
  std::vector<Piece> pieces;
  std::size_t begin = raw.span.begin;
  auto add = [&](std::size_t end, std::size_t terminator_end) {
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
    std::size_t trimmed_end = end;
    while (trimmed_end > begin && std::isspace(static_cast<unsigned char>(text[trimmed_end - 1])))
      --trimmed_end;
    if (trimmed_end > begin) pieces.push_back({{begin, trimmed_end}, terminator_end});
  };
  for (const std::size_t semicolon : raw.inner_semicolons) {
    add(semicolon, semicolon + 1);
    begin = semicolon + 1;
  }
  add(raw.span.end, raw.terminator_end);
  return pieces;
}

StatementParse ParseSpan(std::string_view text, Span span) {
  StatementParse parse = ParseStatementText(text.substr(span.begin, span.size()));
  if (parse.error) parse.error->offset += span.begin;
  return parse;
}

void AddStatement(ParsedFile& file, std::string_view text, Span span, bool has_semicolon,
                  std::size_t terminator_end, StatementParse parse) {
  Statement statement;
  statement.span = span;
  statement.has_semicolon = has_semicolon;
  statement.terminator_end = std::max(terminator_end, span.end);
  statement.text = text.substr(span.begin, span.size());
  statement.error = std::move(parse.error);
  statement.node = parse.node;
  if (parse.tree) file.trees.push_back(std::move(parse.tree));
  file.statements.push_back(std::move(statement));
  AddEmbeddedStatements(file, file.statements.size() - 1);
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
    StatementParse outcome = ParseSpan(text, raw.span);
    if (outcome.error && !raw.inner_semicolons.empty()) {
      // An unbalanced parenthesis may have swallowed the statements after it: report the error
      // on the first piece and analyse the rest on their own.
      const std::vector<Piece> pieces = PiecesAt(text, raw);
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        const bool last = i + 1 == pieces.size();
        AddStatement(file, original, pieces[i].span, last ? raw.has_semicolon : true,
                     pieces[i].terminator_end, ParseSpan(text, pieces[i].span));
      }
      continue;
    }
    AddStatement(file, original, raw.span, raw.has_semicolon, raw.terminator_end, std::move(outcome));
  }
  // Comments found inside bodies were added after the file's own.
  std::stable_sort(file.comments.begin(), file.comments.end(),
                   [](const Comment& a, const Comment& b) { return a.span.begin < b.span.begin; });
  return file;
}

}  // namespace pgshift::parser
