// Small, typed helpers over libpg_query's protobuf-c parse tree (pg_query.pb-c.h), so that rules
// read fields by compile-checked name and never by string key.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::parser {

using Node = PgQuery__Node;

// A relation name as written: schema may be empty.
struct QualifiedName {
  std::string schema;
  std::string name;

  // Names match when the relation names match and the schemas do not contradict each other
  // (an unqualified name matches any schema: migrations rarely qualify consistently).
  bool Matches(const QualifiedName& other) const {
    return name == other.name && (schema.empty() || other.schema.empty() || schema == other.schema);
  }
  std::string ToString() const { return schema.empty() ? name : schema + "." + name; }
  bool empty() const { return name.empty(); }
};

inline std::string_view Str(const char* s) { return s == nullptr ? std::string_view() : s; }

QualifiedName NameOf(const PgQuery__RangeVar* range_var);

// The value of a String node, or empty.
std::string_view StringValue(const Node* node);

// The strings of a list of String nodes (e.g. a qualified name list), skipping other nodes.
std::vector<std::string> StringList(Node* const* items, std::size_t count);
inline std::vector<std::string> StringList(const PgQuery__List* list) {
  return list == nullptr ? std::vector<std::string>{} : StringList(list->items, list->n_items);
}

// A qualified name from a list of strings: the last is the name, the one before the schema.
QualifiedName NameOfList(const std::vector<std::string>& parts);

// A column type as written, detached from the parse tree.
struct TypeSpec {
  std::string name;             // lower case, without schema: "int8", "varchar", "timestamptz"
  std::vector<long> modifiers;  // varchar(255) → {255}; numeric(10,2) → {10, 2}
  bool array = false;

  std::string ToString() const;  // as SQL, for messages and help: "bigint", "varchar(255)"
  bool empty() const { return name.empty(); }
};
TypeSpec TypeSpecOf(const PgQuery__TypeName* type);

// Calls `visit` for every Node in the subtree rooted at `message`, depth first, including the
// root when it is a Node. Uses the protobuf descriptors, so it reaches every field of every kind.
void VisitNodes(const ProtobufCMessage* message, const std::function<void(const Node&)>& visit);
inline void VisitNodes(const Node* node, const std::function<void(const Node&)>& visit) {
  if (node != nullptr) VisitNodes(&node->base, visit);
}

// Function names called anywhere in the expression, lower case, without schema.
std::vector<std::string> FunctionsCalled(const Node* expression);

// The first location (byte offset in the statement text) of a node, or -1.
int LocationOf(const Node* node);

}  // namespace pgshift::parser
