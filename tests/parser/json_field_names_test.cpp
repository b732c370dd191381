// MessageFields::Find must name the field the plain search by normalised key names (underscores
// dropped, lower-cased; scanning from `next` in messages of up to 64 fields, as the decoder's
// original lookup did), for every spelling the printer may use, wherever the search starts.
#include "parser/json_field_names.h"

#include <gtest/gtest.h>
#include <pg_query/pg_query.pb-c.h>

#include <set>
#include <string>
#include <vector>

namespace pgshift::parser {
namespace {

std::string Normalized(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c != '_') out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// The reference: the first field from `next` whose normalised name is the key's (small
// messages), else any field so named, else the one renamed field.
const ProtobufCFieldDescriptor* Reference(const ProtobufCMessageDescriptor* message,
                                          std::string_view key, unsigned& next) {
  if (message->n_fields <= 64) {
    for (unsigned i = next; i < message->n_fields; ++i) {
      if (Normalized(message->fields[i].name) == Normalized(key)) {
        next = i + 1;
        return &message->fields[i];
      }
    }
  }
  for (unsigned i = 0; i < message->n_fields; ++i) {
    if (Normalized(message->fields[i].name) == Normalized(key)) {
      next = i + 1;
      return &message->fields[i];
    }
  }
  if (message == &pg_query__create_foreign_table_stmt__descriptor && Normalized(key) == "base") {
    next = 1;
    return &message->fields[0];
  }
  return nullptr;
}

std::string Camel(std::string_view name, bool upper_first) {
  std::string out;
  bool upper = upper_first;
  for (const char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

void Collect(const ProtobufCMessageDescriptor* message,
             std::set<const ProtobufCMessageDescriptor*>& seen) {
  if (!seen.insert(message).second) return;
  for (unsigned i = 0; i < message->n_fields; ++i) {
    if (message->fields[i].type == PROTOBUF_C_TYPE_MESSAGE) {
      Collect(static_cast<const ProtobufCMessageDescriptor*>(message->fields[i].descriptor), seen);
    }
  }
}

TEST(JsonFieldNames, FindNamesTheFieldThePlainSearchNames) {
  std::set<const ProtobufCMessageDescriptor*> messages;
  Collect(&pg_query__parse_result__descriptor, messages);
  ASSERT_GT(messages.size(), 200u);
  std::size_t checked = 0;
  std::size_t found_at = 0;
  for (const ProtobufCMessageDescriptor* message : messages) {
    const MessageFields& fields = MessageFields::Of(message);
    ASSERT_EQ(fields.descriptor(), message);
    for (unsigned i = 0; i < message->n_fields; ++i) {
      const ProtobufCFieldDescriptor& field = message->fields[i];
      std::vector<std::string> keys = {
          field.name, Camel(field.name, false), Camel(field.name, true), "base", "nosuchfield", ""};
      if (field.type == PROTOBUF_C_TYPE_MESSAGE) {
        const auto* nested = static_cast<const ProtobufCMessageDescriptor*>(field.descriptor);
        keys.push_back(nested->short_name);
        EXPECT_EQ(fields.Nested(field).descriptor(), nested);
      }
      for (const std::string& key : keys) {
        for (const unsigned start : {0u, i, i + 1, message->n_fields}) {
          unsigned want_next = start;
          unsigned got_next = start;
          const ProtobufCFieldDescriptor* want = Reference(message, key, want_next);
          EXPECT_EQ(fields.Find(key, got_next), want)
              << message->name << " key " << key << " from " << start;
          if (want != nullptr) {
            EXPECT_EQ(got_next, want_next) << message->name << " " << key;
          }
          // FindAt reads the key in place: the same field, or none and the key left unread.
          const std::string json = key + "\":1}";
          const char* pos = json.data();
          unsigned at_next = start;
          const ProtobufCFieldDescriptor* at =
              fields.FindAt(pos, json.data() + json.size(), at_next);
          if (at != nullptr) {
            EXPECT_EQ(at, want) << message->name << " key " << key << " from " << start;
            EXPECT_EQ(at_next, want_next);
            EXPECT_EQ(pos, json.data() + key.size() + 1);
            ++found_at;
          } else {
            EXPECT_EQ(pos, json.data());
            EXPECT_EQ(at_next, start);
          }
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 10000u);
  // Every enum field's every value name, and some that name none, as protobuf-c looks them up.
  std::size_t enum_names = 0;
  for (const ProtobufCMessageDescriptor* message : messages) {
    const MessageFields& fields = MessageFields::Of(message);
    for (unsigned i = 0; i < message->n_fields; ++i) {
      const ProtobufCFieldDescriptor& field = message->fields[i];
      if (field.type != PROTOBUF_C_TYPE_ENUM) continue;
      const auto* type = static_cast<const ProtobufCEnumDescriptor*>(field.descriptor);
      std::vector<std::string> names = {"", "NO_SUCH_VALUE", "x"};
      for (unsigned v = 0; v < type->n_value_names; ++v) {
        names.push_back(type->values_by_name[v].name);
        names.push_back(std::string(type->values_by_name[v].name) + "_");
        names.push_back(std::string(type->values_by_name[v].name).substr(1));
      }
      for (const std::string& name : names) {
        EXPECT_EQ(fields.EnumValue(field, name),
                  protobuf_c_enum_descriptor_get_value_by_name(type, name.c_str()))
            << type->name << " " << name;
        ++enum_names;
      }
    }
  }
  EXPECT_GT(enum_names, 1000u);
  EXPECT_GT(found_at, checked / 20);
  // The spellings pg_query prints.
  unsigned next = 0;
  EXPECT_STREQ(FindField(&pg_query__node__descriptor, "A_Const", next)->name, "a_const");
  next = 0;
  EXPECT_STREQ(FindField(&pg_query__column_def__descriptor, "typeName", next)->name, "type_name");
  EXPECT_STREQ(FindField(&pg_query__column_def__descriptor, "is_local", next)->name, "is_local");
  const std::string json = "typeName\":{";
  const char* pos = json.data();
  next = 0;
  const auto& column_def = MessageFields::Of(&pg_query__column_def__descriptor);
  ASSERT_NE(column_def.FindAt(pos, json.data() + json.size(), next), nullptr);
  EXPECT_EQ(*pos, ':');
  pos = json.data();
  next = 0;
  EXPECT_EQ(column_def.FindAt(pos, json.data() + 5, next), nullptr);  // cut short
}

}  // namespace
}  // namespace pgshift::parser
