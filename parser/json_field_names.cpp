#include "parser/json_field_names.h"

#include <pg_query/pg_query.pb-c.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace pgshift::parser {
namespace {

using FieldDescriptor = ProtobufCFieldDescriptor;
using MessageDescriptor = ProtobufCMessageDescriptor;

struct Alias {
  const MessageDescriptor* message;
  std::string_view json_key;  // normalised
  std::string_view field;
};
const Alias kAliases[] = {{&pg_query__create_foreign_table_stmt__descriptor, "base", "base_stmt"}};

std::size_t Normalize(std::string_view key, char* out) {
  std::size_t n = 0;
  for (const char c : key) {
    if (c == '_') continue;
    out[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return n;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using FieldIndex =
    std::unordered_map<std::string, const FieldDescriptor*, StringHash, std::equal_to<>>;

// Field lookup by normalised JSON key, for every message the parse tree can hold. Built once,
// read-only afterwards, so threads share it.
class Schema {
 public:
  static const Schema& Get() {
    static const Schema schema;
    return schema;
  }
  const FieldIndex& IndexOf(const MessageDescriptor* message) const {
    return indexes_.find(message)->second;
  }

 private:
  Schema() {
    Add(&pg_query__parse_result__descriptor);
    for (const Alias& alias : kAliases) {
      indexes_[alias.message].emplace(
          alias.json_key,
          protobuf_c_message_descriptor_get_field_by_name(alias.message, alias.field.data()));
    }
  }

  void Add(const MessageDescriptor* message) {
    auto [it, added] = indexes_.try_emplace(message);
    if (!added) return;
    std::vector<const MessageDescriptor*> nested;
    for (unsigned i = 0; i < message->n_fields; ++i) {
      const FieldDescriptor& field = message->fields[i];
      char key[kMaxJsonKey];
      const std::string_view name(field.name);
      if (name.size() > kMaxJsonKey) continue;
      it->second.emplace(std::string(key, Normalize(name, key)), &field);
      if (field.type == PROTOBUF_C_TYPE_MESSAGE) {
        nested.push_back(static_cast<const MessageDescriptor*>(field.descriptor));
      }
    }
    for (const MessageDescriptor* child : nested) Add(child);
  }

  std::unordered_map<const MessageDescriptor*, FieldIndex> indexes_;
};

// Whether a JSON key names the field: the same once underscores and case are dropped.
bool KeyNamesField(std::string_view key, const char* name) {
  for (const char c : key) {
    if (c == '_') continue;
    while (*name == '_') ++name;
    if (*name != ((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c)) return false;
    ++name;
  }
  while (*name == '_') ++name;
  return *name == '\0';
}

}  // namespace

// The index settles what the scan from `next` does not: renamed fields and Node's oneof of
// some 250 types.
const FieldDescriptor* FindField(const MessageDescriptor* message, std::string_view key,
                                 unsigned& next) {
  constexpr unsigned kScanLimit = 64;
  if (message->n_fields <= kScanLimit) {
    for (unsigned i = next; i < message->n_fields; ++i) {
      if (KeyNamesField(key, message->fields[i].name)) {
        next = i + 1;
        return &message->fields[i];
      }
    }
  }
  char normalized[kMaxJsonKey];
  if (key.size() > kMaxJsonKey) return nullptr;
  const FieldIndex& index = Schema::Get().IndexOf(message);
  const auto found = index.find(std::string_view(normalized, Normalize(key, normalized)));
  if (found == index.end()) return nullptr;
  next = static_cast<unsigned>(found->second - message->fields) + 1;
  return found->second;
}

}  // namespace pgshift::parser
