// SQL text back from a parse tree (libpg_query's deparser), and owned copies of a tree that may
// be edited before they are deparsed: the planner rewrites statements this way (adds
// CONCURRENTLY and a name to an index, keeps one command of an ALTER TABLE) rather than by
// editing text.
#pragma once

#include <optional>
#include <string>

#include "parser/ast.h"

namespace pgshift::parser {

// The statement as SQL, without a semicolon; nullopt when the deparser refuses it.
std::optional<std::string> DeparseStatement(const Node* statement);

// An expression (a default, a SET value, a WHERE condition) as SQL.
std::optional<std::string> DeparseExpression(const Node* expression);

// An owned deep copy of a node, free to edit: fields are set with the helpers below so that
// everything stays owned by the copy (protobuf-c's malloc-based allocator frees it).
class NodeCopy {
 public:
  explicit NodeCopy(const Node* node);
  ~NodeCopy();
  NodeCopy(const NodeCopy&) = delete;
  NodeCopy& operator=(const NodeCopy&) = delete;

  Node* get() const { return node_; }

 private:
  Node* node_ = nullptr;
};

// Replaces a string field of a copy (malloc'ed, as protobuf-c frees it).
void SetString(char*& field, const std::string& value);
// Removes items[index] from a repeated field of a copy, freeing it.
void RemoveItem(Node**& items, std::size_t& count, std::size_t index);
// Removes items[index] from a repeated field of a copy and hands it over, unfreed.
Node* TakeItem(Node**& items, std::size_t& count, std::size_t index);
// Appends a String node (a column name in a key list) to a repeated field of a copy.
void AppendString(Node**& items, std::size_t& count, const std::string& value);
// Frees a node taken out of a copy (or a copy's field being replaced).
void FreeNode(Node* node);

}  // namespace pgshift::parser
