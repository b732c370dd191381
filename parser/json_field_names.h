// Which protobuf-c field a key of libpg_query's JSON parse tree names. JSON keys are the schema's
// json_name ("typeName", "is_local", "AlterTableStmt"); protobuf-c keeps only field names
// ("type_name", "is_local", "alter_table_stmt"). Both agree once underscores and case are dropped,
// except where the schema renamed a field.
#pragma once

#include <protobuf-c/protobuf-c.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgshift::parser {

// Keys longer than this name no field (the longest field name is well under it).
constexpr std::size_t kMaxJsonKey = 64;

// The fields of one message of the parse tree, to be found by their JSON keys. Built once for
// every message the tree can hold, read-only afterwards, so threads share them.
class MessageFields {
 public:
  // The fields of `message`: pg_query's ParseResult or any message inside it.
  static const MessageFields& Of(const ProtobufCMessageDescriptor* message);

  const ProtobufCMessageDescriptor* descriptor() const { return descriptor_; }

  // The field `key` names, or null. The printer writes a message's fields in schema order, so the
  // search starts past the previous field (`next`, updated).
  const ProtobufCFieldDescriptor* Find(std::string_view key, unsigned& next) const;

  // The field whose key starts at `pos`, just past its opening quote, if it is one of the
  // likely spellings, with `pos` moved past the closing quote; else null, `pos` unmoved, and the
  // key is for Find. Saves reading the key twice in messages that scan from `next`.
  const ProtobufCFieldDescriptor* FindAt(const char*& pos, const char* end, unsigned& next) const;

  // The value of enum-typed `field` (one of these) that `name` names, or null: what
  // protobuf_c_enum_descriptor_get_value_by_name answers, by hash rather than binary search.
  const ProtobufCEnumValue* EnumValue(const ProtobufCFieldDescriptor& field,
                                      std::string_view name) const;

  // The fields of the message that `field`, one of these of message type, holds.
  const MessageFields& Nested(const ProtobufCFieldDescriptor& field) const {
    return *nested_[&field - descriptor_->fields];
  }

 private:
  friend class Schema;
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // A key as the printer is likely to write it, to be matched byte for byte.
  struct Spelling {
    std::string text;
    unsigned field = 0;
  };

  const ProtobufCFieldDescriptor* FindByNormalizedKey(std::string_view key, unsigned& next) const;

  const ProtobufCMessageDescriptor* descriptor_ = nullptr;
  struct EnumNames;
  std::vector<const MessageFields*> nested_;  // by field index; null for other types
  std::vector<const EnumNames*> enums_;       // by field index; null for other types
  // Field by key with underscores dropped and lower-cased: settles any spelling.
  std::unordered_map<std::string, const ProtobufCFieldDescriptor*, StringHash, std::equal_to<>>
      normalized_;
  // Likely spellings: by field index (up to two each), for scanning from `next` in small
  // messages; in an open-addressing table by SpellingHash for large ones (Node's oneof).
  std::vector<Spelling> spellings_;
  std::vector<uint32_t> first_spelling_;  // by field index: where its spellings (or later) start
  std::vector<uint16_t> slots_;  // 1 + index into spellings_, 0 when free; empty when small
};

// MessageFields::Of(message).Find(key, next).
const ProtobufCFieldDescriptor* FindField(const ProtobufCMessageDescriptor* message,
                                          std::string_view key, unsigned& next);

}  // namespace pgshift::parser
