// The only file that calls libpg_query's SQL parser.
#include "parser/parsed_file.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parser/embedded_sql.h"
#include "parser/large_stack.h"
#include "parser/raw_tree.h"
#include "parser/template_placeholders.h"
#include "parser/unnamed_subquery.h"

namespace pgshift::parser {

ParseTree::ParseTree(std::unique_ptr<Arena> arena, PgQuery__ParseResult* result)
    : arena_(std::move(arena)), result_(result) {}

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

bool ParsedFile::RunsWithTopLevel(std::size_t index) const {
  const PgQuery__Node* top = statements[TopLevelOf(index)].node;
  return !statements[index].nested() ||
         (top != nullptr && top->node_case == PG_QUERY__NODE__NODE_DO_STMT);
}

namespace {

// A chain of operators longer than this is not handed to the parser: its tree would be far deeper
// than kMaxTreeDepth anyway, and finding that out costs a whole parse.
constexpr std::size_t kMaxOperatorChain = 20000;

// The converter and the rules after it recurse once or more per level of the tree; a thread's
// large stack (large_stack.h) holds this many levels with room to spare, in sanitizer builds too.
constexpr int kMaxTreeDepth = 5000;

void* AllocateIn(void* arena, std::size_t size) {
  return static_cast<Arena*>(arena)->Allocate(size);
}

SyntaxError ErrorAt(const PgQueryError& error, const std::string& sql) {
  // cursorpos is 1-based and counts characters; 0 means no position.
  const std::size_t cursor = error.cursorpos > 0 ? error.cursorpos - 1 : 0;
  return SyntaxError{error.message, ByteOffsetOfCodePoint(sql, cursor)};
}

SyntaxError TooDeep() {
  return SyntaxError{"the statement nests too deeply for pgshift to analyse; check it by hand", 0};
}

std::string Megabytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
  return text;
}

constexpr const char* kRaiseLimit =
    "Raise max_memory in pgshift.toml (or --max-memory), or split the file; see "
    "docs/configuration.md.";

void SetTree(StatementParse& parse, std::shared_ptr<ParseTree> tree) {
  parse.tree = std::move(tree);
  // A span the splitter kept whole holds exactly one statement, except for oddities such as
  // `CREATE RULE ... (a; b)`, whose actions stay inside the one RuleStmt.
  if (parse.tree->size() > 0) parse.node = parse.tree->statement(0);
}

std::size_t LongestOperatorChain(std::string_view sql) {
  std::size_t longest = 0;
  for (const RawStatement& raw : SplitStatements(sql).statements) {
    longest = std::max(longest, raw.operator_chain);
  }
  return longest;
}

}  // namespace

StatementParse ParseStatementText(std::string_view text, const ParseLimits& limits,
                                  std::optional<std::size_t> operator_chain, Arena* shared) {
  if (text.size() > limits.StatementBytes()) {
    return StatementParse{
        .error = SyntaxError{"statement not analysed: its " + Megabytes(text.size()) +
                                 " are more than the " + Megabytes(limits.StatementBytes()) +
                                 " one statement may take (a 1024th of max_memory)",
                             0, kRaiseLimit}};
  }
  if ((operator_chain ? *operator_chain : LongestOperatorChain(text)) > kMaxOperatorChain) {
    return StatementParse{.error = TooDeep()};
  }
  const std::string sql(text);
  // A file's statements share its arena; a statement parsed on its own gets one sized for it (the
  // structs take about eight times the bytes of their SQL: one block usually holds them).
  std::unique_ptr<Arena> own;
  if (shared == nullptr) own = std::make_unique<Arena>(8 * text.size() + 256);
  PgshiftRawParse raw = pgshift_raw_parse(sql.c_str(), &AllocateIn,
                                          shared != nullptr ? shared : own.get(), kMaxTreeDepth);
  StatementParse parse;
  if (raw.error != nullptr) {
    parse.error = ErrorAt(*raw.error, sql);
  } else if (raw.too_deep) {
    parse.error = TooDeep();
  } else if (raw.tree == nullptr) {
    parse.error =
        SyntaxError{"the parser returned a node pgshift cannot read; check it by hand", 0};
  } else if (own != nullptr) {
    SetTree(parse, std::make_shared<ParseTree>(std::move(own), raw.tree));
    parse.longest_field = raw.longest_field;
  } else if (raw.tree->n_stmts > 0) {
    parse.node = raw.tree->stmts[0]->stmt;
    parse.longest_field = raw.longest_field;
  }
  pgshift_raw_parse_free(&raw);
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

StatementParse ParseSpan(const ParsedFile& file, std::string_view text, Span span,
                         std::optional<std::size_t> operator_chain = std::nullopt) {
  StatementParse parse = ParseStatementText(text.substr(span.begin, span.size()), file.limits,
                                            operator_chain, file.arena.get());
  if (parse.error) parse.error->offset += span.begin;
  return parse;
}

// A statement's SQL as parsed when it is not the file's bytes.
struct RewrittenText {
  std::unique_ptr<const std::string> text;
  std::shared_ptr<const std::vector<std::size_t>> offsets;  // as Statement::offsets
};

// A statement that PostgreSQL 16 parses and 15 does not for want of a subquery's alias, parsed
// with each such subquery named (unnamed_subquery.h); nullopt when that does not make it parse.
std::optional<std::pair<StatementParse, RewrittenText>> ParseNamingSubqueries(
    const ParsedFile& file, std::string_view sql, Span span, std::size_t error_offset) {
  constexpr int kMaxSubqueries = 64;
  std::string text(sql);
  std::vector<std::size_t> offsets(text.size() + 1);
  for (std::size_t i = 0; i < offsets.size(); ++i) offsets[i] = span.begin + i;
  for (int named_so_far = 0; named_so_far < kMaxSubqueries; ++named_so_far) {
    auto named = NameSubqueryAt(text, error_offset);
    if (!named) return std::nullopt;
    std::vector<std::size_t> composed;
    composed.reserve(named->offsets.size());
    for (const std::size_t offset : named->offsets) composed.push_back(offsets[offset]);
    text = std::move(named->text);
    offsets = std::move(composed);
    StatementParse parse = ParseStatementText(text, file.limits, std::nullopt, file.arena.get());
    if (!parse.error) {
      return std::pair{std::move(parse),
                       RewrittenText{std::make_unique<const std::string>(std::move(text)),
                                     std::make_shared<const std::vector<std::size_t>>(
                                         std::move(offsets))}};
    }
    if (!IsUnnamedSubqueryError(parse.error->message)) return std::nullopt;
    error_offset = parse.error->offset;
  }
  return std::nullopt;
}

// `text` is the file's, `parsed` the same bytes as the parser read them (template placeholders
// stood in for), which a body in the statement is read from.
void AddStatement(ParsedFile& file, std::string_view text, std::string_view parsed, Span span,
                  bool has_semicolon, std::size_t terminator_end, StatementParse parse,
                  RewrittenText rewritten = {}) {
  Statement statement;
  statement.span = span;
  statement.has_semicolon = has_semicolon;
  statement.terminator_end = std::max(terminator_end, span.end);
  statement.text = text.substr(span.begin, span.size());
  if (rewritten.text) {
    statement.text = *file.texts.emplace_back(std::move(rewritten.text));
    statement.offsets = std::move(rewritten.offsets);
  }
  statement.error = std::move(parse.error);
  statement.node = parse.node;
  statement.longest_field = parse.longest_field;
  if (parse.tree) {
    file.tree_bytes += parse.tree->bytes();
    file.trees.push_back(std::move(parse.tree));
  }
  const bool stood_in = !rewritten.text && parsed.data() != text.data();
  file.statements.push_back(std::move(statement));
  AddEmbeddedStatements(file, file.statements.size() - 1,
                        stood_in ? parsed.substr(span.begin, span.size()) : std::string_view());
}

// Whether the file now holds more than its limit allows, with room left for parsing one more
// statement; if so, says where it stopped. `text_bytes`: the file's text and its copies.
bool OverLimit(ParsedFile& file, std::size_t text_bytes, std::size_t offset) {
  const std::size_t used = text_bytes + file.arena->bytes() + file.tree_bytes +
                           file.statements.size() * kStatementOverhead +
                           file.limits.ParserReserve();
  if (used <= file.limits.memory) return false;
  file.over_limit = ParseNote{
      offset, "too large to lint: its text, parse trees and statements need more than the " +
                  Megabytes(file.limits.memory) +
                  " pgshift may use for one file (max_memory); stopped here. " + kRaiseLimit};
  return true;
}

ParsedFile ParseSqlHere(std::string_view original, const ParseLimits& limits) {
  SplitResult split = SplitStatements(original);
  ParsedFile file;
  file.limits = limits;
  file.arena = std::make_shared<Arena>(64 * 1024);
  file.comments = std::move(split.comments);
  file.meta_commands = std::move(split.meta_commands);

  // Meta-commands are blanked out so that a statement spanning one still parses.
  std::string_view text = original;
  std::string blanked;
  if (!file.meta_commands.empty()) {
    blanked.assign(original);
    for (const Span& meta : file.meta_commands)
      blanked.replace(meta.begin, meta.size(), meta.size(), ' ');
    text = blanked;
  }
  // Template placeholders are read as the names they hold.
  TemplateStandIns stand_ins = StandInForPlaceholders(text);
  if (!stand_ins.spans.empty()) {
    blanked = std::move(stand_ins.text);
    text = blanked;
    file.placeholders = std::move(stand_ins.spans);
    const Span first = file.placeholders.front();
    file.notes.push_back(
        {first.begin, std::to_string(file.placeholders.size()) +
                          " template placeholder(s), such as `" +
                          std::string(original.substr(first.begin, std::min<std::size_t>(
                                                                       first.size(), 60))) +
                          "`, read as the names they hold; no automatic fix for their statements"});
  }

  const std::size_t text_bytes = original.size() + blanked.size();
  for (const RawStatement& raw : split.statements) {
    if (OverLimit(file, text_bytes, raw.span.begin)) break;
    StatementParse outcome = ParseSpan(file, text, raw.span, raw.operator_chain);
    if (outcome.error && IsUnnamedSubqueryError(outcome.error->message)) {
      auto named = ParseNamingSubqueries(file, text.substr(raw.span.begin, raw.span.size()),
                                         raw.span, outcome.error->offset - raw.span.begin);
      if (named) {
        file.notes.push_back(
            {raw.span.begin,
             "parsed as PostgreSQL 16 and later parse it: a subquery in FROM without an alias "
             "(PostgreSQL 15 and earlier reject the statement)"});
        AddStatement(file, original, text, raw.span, raw.has_semicolon, raw.terminator_end,
                     std::move(named->first), std::move(named->second));
        continue;
      }
    }
    if (outcome.error && !raw.inner_semicolons.empty()) {
      // An unbalanced parenthesis may have swallowed the statements after it: report the error
      // on the first piece and analyse the rest on their own.
      const std::vector<Piece> pieces = PiecesAt(text, raw);
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        const bool last = i + 1 == pieces.size();
        AddStatement(file, original, text, pieces[i].span, last ? raw.has_semicolon : true,
                     pieces[i].terminator_end, ParseSpan(file, text, pieces[i].span));
      }
      continue;
    }
    AddStatement(file, original, text, raw.span, raw.has_semicolon, raw.terminator_end,
                 std::move(outcome));
  }
  if (!file.over_limit) OverLimit(file, text_bytes, original.size());
  // Comments found inside bodies were added after the file's own.
  std::stable_sort(file.comments.begin(), file.comments.end(),
                   [](const Comment& a, const Comment& b) { return a.span.begin < b.span.begin; });
  return file;
}

}  // namespace

bool ParsedFile::HoldsPlaceholder(const Span& span) const {
  return std::any_of(placeholders.begin(), placeholders.end(), [&](const Span& p) {
    return p.begin < span.end && span.begin < p.end;
  });
}

ParsedFile ParseSql(std::string_view text, const ParseLimits& limits) {
  return OnLargeStack([&] { return ParseSqlHere(text, limits); });
}

}  // namespace pgshift::parser
