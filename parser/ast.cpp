#include "parser/ast.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parser/identifiers.h"

namespace pgshift::parser {

std::string QualifiedName::ToSql() const {
  return schema.empty() ? QuoteIdentifier(name)
                        : QuoteIdentifier(schema) + "." + QuoteIdentifier(name);
}

QualifiedName NameOf(const PgQuery__RangeVar* range_var) {
  if (range_var == nullptr) return {};
  return {std::string(Str(range_var->schemaname)), std::string(Str(range_var->relname))};
}

std::string_view StringValue(const Node* node) {
  if (node == nullptr || node->node_case != PG_QUERY__NODE__NODE_STRING) return {};
  return Str(node->string->sval);
}

std::vector<std::string> StringList(Node* const* items, std::size_t count) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    if (items[i]->node_case == PG_QUERY__NODE__NODE_STRING) out.emplace_back(StringValue(items[i]));
  }
  return out;
}

QualifiedName NameOfList(const std::vector<std::string>& parts) {
  QualifiedName name;
  if (!parts.empty()) name.name = parts.back();
  if (parts.size() >= 2) name.schema = parts[parts.size() - 2];
  return name;
}

TypeSpec TypeSpecOf(const PgQuery__TypeName* type) {
  TypeSpec spec;
  if (type == nullptr || type->n_names == 0) return spec;
  // As the parser gives it: folded to lower case unless quoted, and a quoted "Status" is
  // another type than status.
  spec.name = std::string(StringValue(type->names[type->n_names - 1]));
  for (std::size_t i = 0; i < type->n_typmods; ++i) {
    const Node* mod = type->typmods[i];
    if (mod->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        mod->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      spec.modifiers.push_back(mod->a_const->ival->ival);
    }
  }
  spec.array = type->n_array_bounds > 0;
  return spec;
}

std::string CollationOf(const PgQuery__ColumnDef& def) {
  if (def.coll_clause == nullptr || def.coll_clause->n_collname == 0) return {};
  const std::string_view name =
      StringValue(def.coll_clause->collname[def.coll_clause->n_collname - 1]);
  return name == "default" ? std::string() : std::string(name);
}

std::string TypeSpec::ToString() const {
  // The parser stores internal names; show the ones people write.
  static constexpr std::pair<std::string_view, std::string_view> kSqlNames[] = {
      {"int8", "bigint"}, {"int4", "integer"}, {"int2", "smallint"},
      {"float8", "double precision"}, {"float4", "real"}, {"bool", "boolean"},
      {"bpchar", "char"}};
  // A type of the user's with capitals or other characters is quoted, as its name must be in SQL;
  // built-in names are lower case and some are keywords that quoting would change ("char").
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ' ';
  });
  std::string out = plain ? name : QuoteIdentifier(name);
  for (const auto& [internal, sql] : kSqlNames) {
    if (name == internal) out = sql;
  }
  if (!modifiers.empty()) {
    out += '(';
    for (std::size_t i = 0; i < modifiers.size(); ++i) {
      if (i > 0) out += ',';
      out += std::to_string(modifiers[i]);
    }
    out += ')';
  }
  if (array) out += "[]";
  return out;
}

std::vector<std::string> FunctionsCalled(const Node* expression) {
  std::vector<std::string> names;
  VisitNodes(expression, [&](const Node& node) {
    if (node.node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
      const auto parts = StringList(node.func_call->funcname, node.func_call->n_funcname);
      if (!parts.empty()) {
        std::string name = parts.back();
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        names.push_back(std::move(name));
      }
    }
  });
  return names;
}

namespace {

// For each member of a Node (by its number): where the Node holds the member's message, and
// where that message keeps its int32 "location" (-1: it has none). Looked up once, not by name
// at every node.
struct MemberLocation {
  std::size_t member_offset = 0;
  long location_offset = -1;
};

const std::vector<MemberLocation>& MemberLocations() {
  static const std::vector<MemberLocation> table = [] {
    const ProtobufCMessageDescriptor& node = pg_query__node__descriptor;
    unsigned last = 0;
    for (unsigned i = 0; i < node.n_fields; ++i) last = std::max(last, node.fields[i].id);
    std::vector<MemberLocation> out(last + 1);
    for (unsigned i = 0; i < node.n_fields; ++i) {
      const ProtobufCFieldDescriptor& member = node.fields[i];
      if (member.type != PROTOBUF_C_TYPE_MESSAGE) continue;
      const ProtobufCFieldDescriptor* field = protobuf_c_message_descriptor_get_field_by_name(
          static_cast<const ProtobufCMessageDescriptor*>(member.descriptor), "location");
      if (field == nullptr || field->type != PROTOBUF_C_TYPE_INT32) continue;
      out[member.id] = {member.offset, static_cast<long>(field->offset)};
    }
    return out;
  }();
  return table;
}

}  // namespace

namespace {

// The message fields of `root`'s type and of every type reachable from it.
using FieldTable =
    std::unordered_map<const ProtobufCMessageDescriptor*, std::unique_ptr<MessageFields>>;

void AddReachable(FieldTable& table, const ProtobufCMessageDescriptor* root) {
  std::vector<const ProtobufCMessageDescriptor*> added;
  std::vector<const ProtobufCMessageDescriptor*> todo{root};
  while (!todo.empty()) {
    const ProtobufCMessageDescriptor* d = todo.back();
    todo.pop_back();
    if (!table.emplace(d, std::make_unique<MessageFields>()).second) continue;
    added.push_back(d);
    for (unsigned i = 0; i < d->n_fields; ++i) {
      if (d->fields[i].type == PROTOBUF_C_TYPE_MESSAGE) {
        todo.push_back(static_cast<const ProtobufCMessageDescriptor*>(d->fields[i].descriptor));
      }
    }
  }
  for (const ProtobufCMessageDescriptor* d : added) {
    MessageFields& type = *table.at(d);
    type.node = d == &pg_query__node__descriptor;
    for (unsigned i = 0; i < d->n_fields; ++i) {
      const ProtobufCFieldDescriptor& field = d->fields[i];
      if (field.type != PROTOBUF_C_TYPE_MESSAGE) continue;
      const MessageField entry{
          &field, table.at(static_cast<const ProtobufCMessageDescriptor*>(field.descriptor)).get()};
      if (!type.node) {
        type.fields.push_back(entry);
        continue;
      }
      if (type.fields.size() <= field.id) type.fields.resize(field.id + 1);
      type.fields[field.id] = entry;
    }
  }
}

}  // namespace

const MessageFields& MessageFieldsOf(const ProtobufCMessageDescriptor* descriptor) {
  static const FieldTable nodes = [] {
    FieldTable table;
    AddReachable(table, &pg_query__node__descriptor);
    return table;
  }();
  if (const auto found = nodes.find(descriptor); found != nodes.end()) return *found->second;
  // A type no Node reaches (a parse result): kept per thread, a few types at most.
  thread_local FieldTable others;
  if (const auto found = others.find(descriptor); found != others.end()) return *found->second;
  AddReachable(others, descriptor);
  return *others.at(descriptor);
}

int LocationOf(const Node* node) {
  if (node == nullptr) return -1;
  int found = -1;
  // Most node messages carry an int32 field named "location"; take the smallest one set.
  const std::vector<MemberLocation>& members = MemberLocations();
  VisitNodes(node, [&](const Node& n) {
    const auto which = static_cast<std::size_t>(n.node_case);
    if (which >= members.size() || members[which].location_offset < 0) return;
    const auto* inner = *reinterpret_cast<ProtobufCMessage* const*>(
        reinterpret_cast<const char*>(&n) + members[which].member_offset);
    if (inner == nullptr) return;
    const int location = *reinterpret_cast<const int32_t*>(reinterpret_cast<const char*>(inner) +
                                                           members[which].location_offset);
    if (location >= 0 && (found < 0 || location < found)) found = location;
  });
  return found;
}

}  // namespace pgshift::parser
