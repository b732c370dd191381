// The only file that calls libpg_query's SQL parser.
#include "parser/parsed_file.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>

#include "parser/embedded_sql.h"
#include "parser/large_stack.h"
#include "parser/nesting.h"

namespace pgshift::parser {

// Parse trees of one file in 64 KB blocks: protobuf-c makes a dozen or more allocations per
// statement, whose malloc headers and one-by-one (recursive) frees cost more than the nodes.
class TreeArena {
 public:
  void* Allocate(std::size_t size) {
    size = std::max<std::size_t>((size + 7) & ~std::size_t{7}, 8);
    if (size > kBlock / 4) {  // a large array: a block of its own
      bytes_ += size;
      return blocks_.emplace_back(new std::byte[size]).get();
    }
    if (used_ + size > kBlock) {
      current_ = blocks_.emplace_back(new std::byte[kBlock]).get();
      used_ = 0;
      bytes_ += kBlock;
    }
    void* at = current_ + used_;
    used_ += size;
    return at;
  }
  std::size_t bytes() const { return bytes_; }

  ProtobufCAllocator Allocator() {
    return {[](void* arena, std::size_t size) { return static_cast<TreeArena*>(arena)->Allocate(size); },
            [](void*, void*) {}, this};
  }

 private:
  static constexpr std::size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* current_ = nullptr;
  std::size_t used_ = kBlock;
  std::size_t bytes_ = 0;
};

std::size_t ArenaBytes(const TreeArena& arena) { return arena.bytes(); }

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

namespace {

std::string Megabytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

constexpr const char* kRaiseLimit =
    "Raise max_memory in pgshift.toml (or --max-memory), or split the file; see "
    "docs/configuration.md.";

}  // namespace

StatementParse ParseStatementText(std::string_view text, const ParseLimits& limits,
                                  TreeArena* arena) {
  StatementParse parse;
  if (text.size() > limits.StatementBytes()) {
    parse.error = SyntaxError{"statement not analysed: its " + Megabytes(text.size()) +
                                  " are more than the " + Megabytes(limits.StatementBytes()) +
                                  " one statement may take (a 1024th of max_memory)",
                              0, kRaiseLimit};
    return parse;
  }
  if (const std::optional<std::size_t> at = TooDeep(text)) {
    parse.error = SyntaxError{
        "statement not analysed: nested or chained more than " + std::to_string(kMaxNesting) +
            " levels deep (PostgreSQL's own parser stops at 10,000 levels of parentheses)",
        *at, "Split the expression, or check this statement by hand."};
    return parse;
  }
  const std::string sql(text);
  PgQueryProtobufParseResult result = pg_query_parse_protobuf(sql.c_str());
  if (result.error != nullptr) {
    // cursorpos is 1-based and counts characters; 0 means no position.
    const std::size_t cursor = result.error->cursorpos > 0 ? result.error->cursorpos - 1 : 0;
    parse.error = SyntaxError{result.error->message, ByteOffsetOfCodePoint(sql, cursor)};
  } else {
    ProtobufCAllocator allocator;
    if (arena != nullptr) allocator = arena->Allocator();
    auto* unpacked = pg_query__parse_result__unpack(
        arena != nullptr ? &allocator : nullptr, result.parse_tree.len,
        reinterpret_cast<const uint8_t*>(result.parse_tree.data));
    if (unpacked == nullptr) {
      parse.error = SyntaxError{"parser returned an unreadable tree", 0};
    } else {
      // A span the splitter kept whole holds exactly one statement, except for oddities such as
      // `CREATE RULE ... (a; b)`, whose actions stay inside the one RuleStmt.
      if (unpacked->n_stmts > 0) parse.node = unpacked->stmts[0]->stmt;
      if (arena == nullptr) parse.tree = std::make_shared<ParseTree>(unpacked);
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

StatementParse ParseSpan(ParsedFile& file, std::string_view text, Span span) {
  StatementParse parse =
      ParseStatementText(text.substr(span.begin, span.size()), file.limits, file.arena.get());
  if (parse.error) parse.error->offset += span.begin;
  return parse;
}

// Whether the file now holds more than its limit allows, with room left for parsing one more
// statement; if so, says where it stopped. `text_bytes`: the file's text and its copies.
bool OverLimit(ParsedFile& file, std::size_t text_bytes, std::size_t offset) {
  const std::size_t used = text_bytes + ArenaBytes(*file.arena) +
                           file.statements.size() * kStatementOverhead +
                           file.limits.ParserReserve();
  if (used <= file.limits.memory) return false;
  file.over_limit = ParseNote{
      offset, "too large to lint: its text, parse trees and statements need more than the " +
                  Megabytes(file.limits.memory) +
                  " pgshift may use for one file (max_memory); stopped here. " + kRaiseLimit};
  return true;
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
  file.statements.push_back(std::move(statement));
  AddEmbeddedStatements(file, file.statements.size() - 1);
}

ParsedFile ParseSqlHere(std::string_view original, const ParseLimits& limits) {
  SplitResult split = SplitStatements(original);
  ParsedFile file;
  file.arena = std::make_shared<TreeArena>();
  file.limits = limits;
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

  const std::size_t text_bytes = original.size() + blanked.size();
  for (const RawStatement& raw : split.statements) {
    if (OverLimit(file, text_bytes, raw.span.begin)) break;
    StatementParse outcome = ParseSpan(file, text, raw.span);
    if (outcome.error && !raw.inner_semicolons.empty()) {
      // An unbalanced parenthesis may have swallowed the statements after it: report the error
      // on the first piece and analyse the rest on their own.
      const std::vector<Piece> pieces = PiecesAt(text, raw);
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        const bool last = i + 1 == pieces.size();
        AddStatement(file, original, pieces[i].span, last ? raw.has_semicolon : true,
                     pieces[i].terminator_end, ParseSpan(file, text, pieces[i].span));
      }
      continue;
    }
    AddStatement(file, original, raw.span, raw.has_semicolon, raw.terminator_end, std::move(outcome));
  }
  if (!file.over_limit) OverLimit(file, text_bytes, original.size());
  // Comments found inside bodies were added after the file's own.
  std::stable_sort(file.comments.begin(), file.comments.end(),
                   [](const Comment& a, const Comment& b) { return a.span.begin < b.span.begin; });
  return file;
}

}  // namespace

ParsedFile ParseSql(std::string_view text, const ParseLimits& limits) {
  return OnLargeStack([&] { return ParseSqlHere(text, limits); });
}

}  // namespace pgshift::parser
