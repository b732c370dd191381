#include "parser/deparse.h"

#include <pg_query.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "parser/ast.h"
#include "parser/identifiers.h"

namespace pgshift::parser {

namespace {

std::optional<std::string> DeparseResult(PgQuery__ParseResult& result) {
  const std::size_t size = pg_query__parse_result__get_packed_size(&result);
  std::vector<uint8_t> bytes(size);
  pg_query__parse_result__pack(&result, bytes.data());
  PgQueryProtobuf protobuf{size, reinterpret_cast<char*>(bytes.data())};
  PgQueryDeparseResult deparsed = pg_query_deparse_protobuf(protobuf);
  std::optional<std::string> text;
  if (deparsed.error == nullptr && deparsed.query != nullptr) text = deparsed.query;
  pg_query_free_deparse_result(deparsed);
  return text;
}

}  // namespace

std::optional<std::string> DeparseStatement(const Node* statement) {
  if (statement == nullptr) return std::nullopt;
  // The deparser writes the name of a CREATE INDEX and of a constraint bare, so that
  // "Recipient_documentId_email_key" (Prisma's names) would come back folded to lower case:
  // such names go in as placeholders and come out quoted.
  NodeCopy copy(statement);
  std::vector<std::string> names;
  VisitNodes(copy.get(), [&](const Node& visited) {
    Node& node = const_cast<Node&>(visited);  // a node of the copy, which this function owns
    char** field = nullptr;
    if (node.node_case == PG_QUERY__NODE__NODE_INDEX_STMT) field = &node.index_stmt->idxname;
    if (node.node_case == PG_QUERY__NODE__NODE_CONSTRAINT) field = &node.constraint->conname;
    if (field == nullptr || *field == nullptr || **field == '\0') return;
    const std::string name(*field);
    if (QuoteIdentifier(name) == name) return;
    SetString(*field, "pgshift_quoted_name_" + std::to_string(names.size()) + "_");
    names.push_back(name);
  });
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = copy.get();
  PgQuery__RawStmt* raws[] = {&raw};
  PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
  result.version = PG_VERSION_NUM;
  result.n_stmts = 1;
  result.stmts = raws;
  std::optional<std::string> text = DeparseResult(result);
  for (std::size_t i = 0; text && i < names.size(); ++i) {
    const std::string placeholder = "pgshift_quoted_name_" + std::to_string(i) + "_";
    for (std::size_t at = text->find(placeholder); at != std::string::npos;
         at = text->find(placeholder, at)) {
      const std::string quoted = QuoteIdentifier(names[i]);
      text->replace(at, placeholder.size(), quoted);
      at += quoted.size();
    }
  }
  return text;
}

std::optional<std::string> DeparseExpression(const Node* expression) {
  if (expression == nullptr) return std::nullopt;
  // As the only target of a SELECT, then without the keyword.
  PgQuery__ResTarget target = PG_QUERY__RES_TARGET__INIT;
  target.val = const_cast<Node*>(expression);
  Node target_node = PG_QUERY__NODE__INIT;
  target_node.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  target_node.res_target = &target;
  Node* targets[] = {&target_node};
  PgQuery__SelectStmt select = PG_QUERY__SELECT_STMT__INIT;
  select.n_target_list = 1;
  select.target_list = targets;
  select.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  select.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  Node statement = PG_QUERY__NODE__INIT;
  statement.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  statement.select_stmt = &select;
  std::optional<std::string> text = DeparseStatement(&statement);
  constexpr std::string_view kPrefix = "SELECT ";
  if (!text || text->rfind(kPrefix, 0) != 0) return std::nullopt;
  return text->substr(kPrefix.size());
}

NodeCopy::NodeCopy(const Node* node) {
  if (node == nullptr) return;
  const std::size_t size = pg_query__node__get_packed_size(node);
  std::vector<uint8_t> bytes(size);
  pg_query__node__pack(node, bytes.data());
  node_ = pg_query__node__unpack(nullptr, size, bytes.data());
}

NodeCopy::~NodeCopy() {
  if (node_ != nullptr) pg_query__node__free_unpacked(node_, nullptr);
}

void SetString(char*& field, const std::string& value) {
  // protobuf-c leaves an unset string pointing at its static empty default: never free that.
  if (field != nullptr && field != protobuf_c_empty_string) std::free(field);
  field = strdup(value.c_str());
}

void RemoveItem(Node**& items, std::size_t& count, std::size_t index) {
  if (index >= count) return;
  pg_query__node__free_unpacked(items[index], nullptr);
  for (std::size_t i = index + 1; i < count; ++i) items[i - 1] = items[i];
  --count;
}

Node* TakeItem(Node**& items, std::size_t& count, std::size_t index) {
  if (index >= count) return nullptr;
  Node* taken = items[index];
  for (std::size_t i = index + 1; i < count; ++i) items[i - 1] = items[i];
  --count;
  return taken;
}

void AppendString(Node**& items, std::size_t& count, const std::string& value) {
  auto* string = static_cast<PgQuery__String*>(std::malloc(sizeof(PgQuery__String)));
  pg_query__string__init(string);
  string->sval = strdup(value.c_str());
  auto* node = static_cast<Node*>(std::malloc(sizeof(Node)));
  pg_query__node__init(node);
  node->node_case = PG_QUERY__NODE__NODE_STRING;
  node->string = string;
  items = static_cast<Node**>(std::realloc(items, sizeof(Node*) * (count + 1)));
  items[count++] = node;
}

void FreeNode(Node* node) {
  if (node != nullptr) pg_query__node__free_unpacked(node, nullptr);
}

}  // namespace pgshift::parser
