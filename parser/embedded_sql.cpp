#include "parser/embedded_sql.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "parser/ast.h"
#include "parser/plpgsql.h"
#include "parser/string_literal.h"

namespace pgshift::parser {
namespace {

constexpr int kMaxDepth = 8;  // a DO block creating a function that holds a DO block ...

enum class Language { kSql, kPlpgsql, kOther };

struct BodyClause {
  const PgQuery__DefElem* as = nullptr;  // the AS clause (or a DO block's string)
  std::string_view value;                // the body as the parser read it
  Language language = Language::kOther;
  bool is_function = false;
  std::string what;  // "DO block", "function f"
};

Language LanguageOf(const Node* arg) {
  std::string name(StringValue(arg));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "sql") return Language::kSql;
  if (name == "plpgsql") return Language::kPlpgsql;
  return Language::kOther;
}

std::optional<BodyClause> FindBodyClause(const Node* node) {
  if (node == nullptr) return std::nullopt;
  BodyClause clause;
  Node* const* items = nullptr;
  std::size_t count = 0;
  if (node->node_case == PG_QUERY__NODE__NODE_DO_STMT) {
    items = node->do_stmt->args, count = node->do_stmt->n_args;
    clause.language = Language::kPlpgsql;  // the default language of DO
    clause.what = "DO block";
  } else if (node->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT &&
             node->create_function_stmt->sql_body == nullptr) {  // BEGIN ATOMIC is parsed already
    const auto& function = *node->create_function_stmt;
    items = function.options, count = function.n_options;
    clause.is_function = true;
    clause.what = std::string(function.is_procedure ? "procedure " : "function ") +
                  NameOfList(StringList(function.funcname, function.n_funcname)).ToString();
  } else {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (items[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem* def = items[i]->def_elem;
    const std::string_view name = Str(def->defname);
    if (name == "language") clause.language = LanguageOf(def->arg);
    if (name != "as" || def->arg == nullptr) continue;
    clause.as = def;
    if (def->arg->node_case == PG_QUERY__NODE__NODE_STRING) {
      clause.value = StringValue(def->arg);
    } else if (def->arg->node_case == PG_QUERY__NODE__NODE_LIST && def->arg->list->n_items == 1) {
      clause.value = StringValue(def->arg->list->items[0]);
    } else {
      clause.as = nullptr;  // AS 'obj_file', 'link_symbol': compiled code
    }
  }
  if (clause.as == nullptr || clause.language == Language::kOther) return std::nullopt;
  return clause;
}

bool IsQuery(const Node* node) {
  if (node == nullptr) return false;
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_MERGE_STMT:
      return true;
    default:
      return false;
  }
}

// Whether `sql` is written at `at` in the body. PL/pgSQL blanks an INTO clause with spaces.
bool WrittenAt(std::string_view body, std::size_t at, std::string_view sql) {
  if (at + sql.size() > body.size() || body[at] != sql[0]) return false;
  for (std::size_t i = 1; i < sql.size(); ++i) {
    if (body[at + i] != sql[i] && sql[i] != ' ') return false;
  }
  return true;
}

// Where a PL/pgSQL statement starts in the body: on its line, after the previous statement.
std::optional<std::size_t> Locate(std::string_view body, const PlpgsqlStatement& statement,
                                  std::size_t previous_end) {
  if (statement.sql.empty() || statement.line < 1) return std::nullopt;
  std::size_t line_start = 0;
  for (int line = 1; line < statement.line; ++line) {
    line_start = body.find('\n', line_start);
    if (line_start == std::string_view::npos) return std::nullopt;
    ++line_start;
  }
  for (const std::size_t from : {std::max(line_start, previous_end), line_start}) {
    for (std::size_t at = from; at < body.size(); ++at) {
      if (WrittenAt(body, at, statement.sql)) return at;
    }
  }
  return std::nullopt;
}

// One statement of a body, before it joins the file.
struct Piece {
  std::string_view text;
  std::size_t body_offset = 0;
};

int Depth(const ParsedFile& file, std::size_t index) {
  int depth = 0;
  while (file.statements[index].nested()) index = file.statements[index].parent, ++depth;
  return depth;
}

bool InsideFunction(const ParsedFile& file, std::size_t index) {
  for (; index != Statement::kTopLevel; index = file.statements[index].parent) {
    const Node* node = file.statements[index].node;
    if (node != nullptr && node->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT)
      return true;
  }
  return false;
}

}  // namespace

void AddEmbeddedStatements(ParsedFile& file, std::size_t index, std::string_view parsed) {
  const std::optional<BodyClause> clause = FindBodyClause(file.statements[index].node);
  if (!clause || Depth(file, index) >= kMaxDepth) return;
  const Statement& owner = file.statements[index];
  const std::string_view owner_text = parsed.data() != nullptr ? parsed : owner.text;
  const bool queries_count = !InsideFunction(file, index);

  // Where the body is: a DO block's string starts at the DefElem, a function's follows AS.
  std::size_t at = clause->as->location >= 0 ? static_cast<std::size_t>(clause->as->location) : 0;
  if (clause->is_function && at + 2 <= owner_text.size()) at += 2;
  const std::optional<StringLiteral> literal = ReadStringLiteral(owner_text, at);
  if (!literal || literal->value != clause->value) {
    file.notes.push_back(
        {owner.FileOffset(at),
         "body of " + clause->what + " not analysed: its string form is not supported"});
    return;
  }
  std::vector<std::size_t> body_to_file(literal->offsets.size());
  for (std::size_t i = 0; i < body_to_file.size(); ++i) {
    body_to_file[i] = owner.FileOffset(literal->offsets[i]);
  }
  const std::string& body =
      *file.texts.emplace_back(std::make_unique<const std::string>(literal->value));

  // Comments inside the body can hold suppressions (and, in fixtures, expectations).
  SplitResult split = SplitStatements(body);
  for (Comment& comment : split.comments) {
    comment.span = {body_to_file[comment.span.begin], body_to_file[comment.span.end]};
    file.comments.push_back(comment);
  }

  std::vector<Piece> pieces;
  if (clause->language == Language::kSql) {
    for (const RawStatement& raw : split.statements) {
      pieces.push_back(
          {std::string_view(body).substr(raw.span.begin, raw.span.size()), raw.span.begin});
    }
  } else {
    PlpgsqlBody plpgsql = ParsePlpgsqlBody(*owner.node);
    if (plpgsql.error) {
      file.notes.push_back(
          {body_to_file[0], "body of " + clause->what + " not analysed: " + *plpgsql.error});
      return;
    }
    std::size_t previous_end = 0;
    for (const PlpgsqlStatement& statement : plpgsql.statements) {
      const std::optional<std::size_t> start = Locate(body, statement, previous_end);
      if (!start) {
        file.notes.push_back({body_to_file[0], "in the body of " + clause->what +
                                                   ", statement on line " +
                                                   std::to_string(statement.line) + " not found"});
        continue;
      }
      const std::string& text =
          *file.texts.emplace_back(std::make_unique<const std::string>(statement.sql));
      pieces.push_back({text, *start});
      previous_end = *start + text.size();
    }
    std::stable_sort(pieces.begin(), pieces.end(),
                     [](const Piece& a, const Piece& b) { return a.body_offset < b.body_offset; });
  }

  for (const Piece& piece : pieces) {
    StatementParse parse =
        ParseStatementText(piece.text, file.limits, std::nullopt, file.arena.get());
    if (!queries_count && IsQuery(parse.node)) continue;
    auto offsets = std::make_shared<std::vector<std::size_t>>(piece.text.size() + 1);
    for (std::size_t k = 0; k <= piece.text.size(); ++k) {
      (*offsets)[k] = body_to_file[std::min(piece.body_offset + k, body.size())];
    }
    Statement statement;
    statement.span = {offsets->front(), offsets->back()};
    statement.has_semicolon = true;
    statement.text = piece.text;
    statement.node = parse.node;
    statement.longest_field = parse.longest_field;
    statement.error = std::move(parse.error);
    if (statement.error)
      statement.error->offset = (*offsets)[std::min(statement.error->offset, piece.text.size())];
    statement.parent = index;
    statement.offsets = std::move(offsets);
    if (parse.tree) {
      file.tree_bytes += parse.tree->bytes();
      file.trees.push_back(std::move(parse.tree));
    }
    file.statements.push_back(std::move(statement));
    AddEmbeddedStatements(file, file.statements.size() - 1);
  }
}

}  // namespace pgshift::parser
