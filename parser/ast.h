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
  // As written but for the quotes: a key for lookups, never SQL (app.Orders for app."Orders").
  std::string ToString() const { return schema.empty() ? name : schema + "." + name; }
  // As SQL, each part quoted when it needs it (quote_ident): app."Orders". Messages and help name
  // objects this way, so that a name copied from them means the same object.
  std::string ToSql() const;
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
  std::string name;  // without schema, as the parser folds it: "int8", "varchar", "Status"
  std::vector<long> modifiers;  // varchar(255) → {255}; numeric(10,2) → {10, 2}
  bool array = false;

  std::string ToString() const;  // as SQL, for messages and help: "bigint", "varchar(255)"
  bool empty() const { return name.empty(); }
};
TypeSpec TypeSpecOf(const PgQuery__TypeName* type);

// The collation a column definition names (COLLATE "C" gives "C"), without schema; empty when it
// names none or "default": the column then takes its type's default collation.
std::string CollationOf(const PgQuery__ColumnDef& def);

// The fields of a message type that hold messages, each with the list of the type it holds, so
// that a walk of the tree never looks at a scalar field. For a Node (a oneof over some 250 node
// types), `fields` is indexed by member number, so that the member set is reached at once.
struct MessageFields;
struct MessageField {
  const ProtobufCFieldDescriptor* field = nullptr;  // null: no message member of that number
  const MessageFields* holds = nullptr;
};
struct MessageFields {
  bool node = false;
  std::vector<MessageField> fields;
};
// Built once per message type reachable from a Node (and on first use for any other), thread-safe.
const MessageFields& MessageFieldsOf(const ProtobufCMessageDescriptor* descriptor);

namespace detail {
template <class Visit>
void VisitMessages(const ProtobufCMessage* message, const MessageFields& type, Visit& visit) {
  if (message == nullptr) return;
  visit(*message);
  const auto* base = reinterpret_cast<const char*>(message);
  if (type.node) {
    const auto which = static_cast<std::size_t>(reinterpret_cast<const Node*>(message)->node_case);
    if (which < type.fields.size() && type.fields[which].field != nullptr) {
      const MessageField& member = type.fields[which];
      VisitMessages(*reinterpret_cast<ProtobufCMessage* const*>(base + member.field->offset),
                    *member.holds, visit);
    }
    return;
  }
  for (const MessageField& f : type.fields) {
    const ProtobufCFieldDescriptor& field = *f.field;
    if (field.label == PROTOBUF_C_LABEL_REPEATED) {
      const auto count = *reinterpret_cast<const std::size_t*>(base + field.quantifier_offset);
      const auto* items = *reinterpret_cast<ProtobufCMessage* const* const*>(base + field.offset);
      for (std::size_t k = 0; k < count; ++k) VisitMessages(items[k], *f.holds, visit);
    } else {
      // A member of a oneof is only set when the oneof's case names it.
      if (field.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        const auto which = *reinterpret_cast<const uint32_t*>(base + field.quantifier_offset);
        if (which != field.id) continue;
      }
      VisitMessages(*reinterpret_cast<ProtobufCMessage* const*>(base + field.offset), *f.holds,
                    visit);
    }
  }
}
}  // namespace detail

// Calls `visit` for every message in the subtree rooted at `message`, depth first, the root
// first: Node wrappers and the bare messages some fields hold (IndexStmt.relation is a RangeVar,
// not a Node). Uses the protobuf descriptors, so it reaches every field of every kind.
template <class Visit>
void VisitMessages(const ProtobufCMessage* message, Visit&& visit) {
  if (message == nullptr) return;
  detail::VisitMessages(message, MessageFieldsOf(message->descriptor), visit);
}

// Calls `visit` for every Node in the subtree rooted at `message`, depth first, including the
// root when it is a Node. A template, so that the callback is called directly, once per node.
template <class Visit>
void VisitNodes(const ProtobufCMessage* message, Visit&& visit) {
  VisitMessages(message, [&](const ProtobufCMessage& m) {
    if (m.descriptor == &pg_query__node__descriptor) visit(reinterpret_cast<const Node&>(m));
  });
}
template <class Visit>
void VisitNodes(const Node* node, Visit&& visit) {
  if (node != nullptr) VisitNodes(&node->base, visit);
}

// Function names called anywhere in the expression, lower case, without schema.
std::vector<std::string> FunctionsCalled(const Node* expression);

// The first location (byte offset in the statement text) of a node, or -1.
int LocationOf(const Node* node);

}  // namespace pgshift::parser
