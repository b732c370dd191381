#include "parser/json_tree.h"

#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "parser/json_field_names.h"
#include "parser/omitted_literals.h"

namespace pgshift::parser {
namespace {

using FieldDescriptor = ProtobufCFieldDescriptor;
using MessageDescriptor = ProtobufCMessageDescriptor;

std::size_t ValueSize(ProtobufCType type) {
  switch (type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
      return 8;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
      return sizeof(void*);
    case PROTOBUF_C_TYPE_BYTES:
      return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_BOOL:
      return sizeof(protobuf_c_boolean);
    default:  // 32-bit integers, enums, float
      return 4;
  }
}

const FieldDescriptor* const kArrayBounds = protobuf_c_message_descriptor_get_field_by_name(
    &pg_query__type_name__descriptor, "array_bounds");

class Decoder {
 public:
  Decoder(std::string_view json, std::string_view sql, Arena& arena)
      : pos_(json.data()), end_(json.data() + json.size()), sql_(sql), arena_(arena) {}

  JsonTree Run() {
    ProtobufCMessage* result = Message(MessageFields::Of(&pg_query__parse_result__descriptor));
    SkipSpace();
    if (too_deep_) return {.too_deep = true};
    if (!ok_ || pos_ != end_) return {};
    return {.tree = reinterpret_cast<PgQuery__ParseResult*>(result)};
  }

 private:
  bool Fail() { return ok_ = false; }

  void SkipSpace() {
    // libpg_query prints no whitespace; one comparison settles the usual case.
    if (pos_ == end_ || static_cast<unsigned char>(*pos_) > ' ') return;
    while (pos_ < end_ && (*pos_ == ' ' || *pos_ == '\n' || *pos_ == '\t' || *pos_ == '\r')) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < end_ && *pos_ == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Expect(char c) { return Consume(c) || Fail(); }

  // An object, as the message `descriptor` describes, with protobuf-c's defaults for absent fields.
  ProtobufCMessage* Message(const MessageFields& fields) {
    const MessageDescriptor* descriptor = fields.descriptor();
    auto* message = static_cast<ProtobufCMessage*>(arena_.Allocate(descriptor->sizeof_message));
    protobuf_c_message_init(descriptor, message);
    if (++depth_ > kMaxJsonTreeDepth) too_deep_ = true;
    if (too_deep_ || !Expect('{')) return Fail(), nullptr;
    if (!Consume('}')) {
      unsigned next_field = 0;
      do {
        if (!Consume('"')) return nullptr;
        const FieldDescriptor* field = fields.FindAt(pos_, end_, next_field);
        if (field == nullptr) {
          std::string_view key;
          if (!RawString(key)) return nullptr;
          field = fields.Find(key, next_field);
        }
        if (!Expect(':')) return nullptr;
        if (field == nullptr || !Field(reinterpret_cast<char*>(message), fields, *field)) {
          return Fail(), nullptr;
        }
      } while (Consume(','));
      if (!Expect('}')) return nullptr;
    }
    --depth_;
    if (!RecoverInteger(descriptor, message)) return Fail(), nullptr;
    return message;
  }

  // libpg_query's JSON printer leaves out integer values below 1 (`{"Integer":{}}` for -1), where
  // protobuf keeps them. A zero from the JSON is therefore "zero or negative": recovered from the
  // SQL where a constant's location shows it, and from the grammar for array bounds (`[]` is -1);
  // anywhere else the decoder declines, so that the protobuf path decides.
  bool RecoverInteger(const MessageDescriptor* descriptor, ProtobufCMessage* message) {
    if (descriptor == &pg_query__a__const__descriptor) {
      auto* constant = reinterpret_cast<PgQuery__AConst*>(message);
      if (constant->val_case != PG_QUERY__A__CONST__VAL_IVAL || constant->ival->ival != 0)
        return true;
      const std::optional<int32_t> value = NonPositiveLiteralAt(sql_, constant->location);
      if (!value) return false;
      constant->ival->ival = *value;
      return true;
    }
    if (descriptor != &pg_query__node__descriptor) return true;
    auto* node = reinterpret_cast<PgQuery__Node*>(message);
    if (node->node_case != PG_QUERY__NODE__NODE_INTEGER || node->integer->ival != 0) return true;
    if (!in_array_bounds_) return false;
    if (!may_hold_zero_bound_) may_hold_zero_bound_ = MayHoldZeroBound(sql_);
    if (*may_hold_zero_bound_) return false;
    node->integer->ival = -1;
    return true;
  }

  bool Field(char* message, const MessageFields& fields, const FieldDescriptor& field) {
    if (field.label != PROTOBUF_C_LABEL_REPEATED) {
      if (field.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        *reinterpret_cast<uint32_t*>(message + field.quantifier_offset) = field.id;
      } else if (field.label == PROTOBUF_C_LABEL_OPTIONAL && field.type != PROTOBUF_C_TYPE_STRING &&
                 field.type != PROTOBUF_C_TYPE_MESSAGE) {
        *reinterpret_cast<protobuf_c_boolean*>(message + field.quantifier_offset) = 1;
      }
      return Value(fields, field, message + field.offset);
    }
    // Elements go to a shared scratch stack (lists nest), then to one array in the arena.
    if (!Expect('[')) return false;
    const bool outer_in_array_bounds = in_array_bounds_;
    in_array_bounds_ = &field == kArrayBounds;
    const std::size_t size = ValueSize(field.type);
    const std::size_t start = scratch_.size();
    std::size_t count = 0;
    if (!Consume(']')) {
      do {
        // Decoded aside: a nested list may reallocate the scratch stack meanwhile.
        alignas(8) unsigned char element[sizeof(ProtobufCBinaryData)];
        if (!Value(fields, field, element)) return false;
        scratch_.insert(scratch_.end(), element, element + size);
        ++count;
      } while (Consume(','));
      if (!Expect(']')) return false;
    }
    in_array_bounds_ = outer_in_array_bounds;
    void* items = nullptr;
    if (count > 0) {
      items = arena_.Allocate(count * size);
      std::memcpy(items, scratch_.data() + start, count * size);
    }
    scratch_.resize(start);
    *reinterpret_cast<std::size_t*>(message + field.quantifier_offset) = count;
    *reinterpret_cast<void**>(message + field.offset) = items;
    return true;
  }

  // `fields`: those of the message holding `field`.
  bool Value(const MessageFields& fields, const FieldDescriptor& field, void* out) {
    SkipSpace();
    switch (field.type) {
      case PROTOBUF_C_TYPE_MESSAGE: {
        ProtobufCMessage* child = Message(fields.Nested(field));
        std::memcpy(out, &child, sizeof child);
        return child != nullptr;
      }
      case PROTOBUF_C_TYPE_STRING: {
        char* text = nullptr;
        if (!Expect('"') || !(text = String())) return false;
        std::memcpy(out, &text, sizeof text);
        return true;
      }
      case PROTOBUF_C_TYPE_BOOL: {
        protobuf_c_boolean value = 0;
        if (Literal("true")) {
          value = 1;
        } else if (!Literal("false")) {
          return Fail();
        }
        std::memcpy(out, &value, sizeof value);
        return true;
      }
      case PROTOBUF_C_TYPE_ENUM:
        return Enum(fields, field, out);
      case PROTOBUF_C_TYPE_INT32:
      case PROTOBUF_C_TYPE_SINT32:
      case PROTOBUF_C_TYPE_SFIXED32:
        return Number<int32_t>(out);
      case PROTOBUF_C_TYPE_UINT32:
      case PROTOBUF_C_TYPE_FIXED32:
        return Number<uint32_t>(out);
      case PROTOBUF_C_TYPE_INT64:
      case PROTOBUF_C_TYPE_SINT64:
      case PROTOBUF_C_TYPE_SFIXED64:
        return Number<int64_t>(out);
      case PROTOBUF_C_TYPE_UINT64:
      case PROTOBUF_C_TYPE_FIXED64:
        return Number<uint64_t>(out);
      case PROTOBUF_C_TYPE_FLOAT:
        return Number<float>(out);
      case PROTOBUF_C_TYPE_DOUBLE:
        return Number<double>(out);
      default:  // bytes: not in the parse tree schema
        return Fail();
    }
  }

  bool Literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - pos_) < word.size() ||
        std::memcmp(pos_, word.data(), word.size()) != 0) {
      return false;
    }
    pos_ += word.size();
    return true;
  }

  template <typename T>
  bool Number(void* out) {
    T value{};
    const auto [next, error] = std::from_chars(pos_, end_, value);
    if (error != std::errc()) return Fail();
    pos_ = next;
    std::memcpy(out, &value, sizeof value);
    return true;
  }

  // Enums are printed by name ("AT_AddColumn"); protobuf-c stores their number as an int.
  [[gnu::noinline]] bool Enum(const MessageFields& fields, const FieldDescriptor& field,
                              void* out) {
    if (pos_ < end_ && *pos_ != '"') return Number<int>(out);
    std::string_view name;
    if (!Expect('"') || !RawString(name) || name.size() > kMaxJsonKey) return Fail();
    const ProtobufCEnumValue* value = fields.EnumValue(field, name);
    if (value == nullptr) return Fail();
    const int number = value->value;
    std::memcpy(out, &number, sizeof number);
    return true;
  }

  // A string without escapes (keys, enum names), after its opening quote.
  bool RawString(std::string_view& out) {
    const char* start = pos_;
    while (pos_ < end_ && *pos_ != '"') {
      if (*pos_ == '\\') return Fail();
      ++pos_;
    }
    if (pos_ == end_) return Fail();
    out = std::string_view(start, pos_ - start);
    ++pos_;
    return true;
  }

  // A string value after its opening quote, unescaped into the arena, NUL-terminated.
  char* String() {
    const char* start = pos_;
    const char* close = start;
    while (close < end_ && *close != '"' && *close != '\\') ++close;
    if (close < end_ && *close == '"') {  // the common case: nothing to unescape
      char* text = static_cast<char*>(arena_.Allocate(close - start + 1));
      std::memcpy(text, start, close - start);
      text[close - start] = '\0';
      pos_ = close + 1;
      return text;
    }
    return EscapedString();
  }

  [[gnu::noinline]] char* EscapedString() {
    std::string value;
    while (pos_ < end_ && *pos_ != '"') {
      if (*pos_ != '\\') {
        const char* run = pos_;
        while (pos_ < end_ && *pos_ != '"' && *pos_ != '\\') ++pos_;
        value.append(run, pos_ - run);
        continue;
      }
      if (++pos_ == end_) return Fail(), nullptr;
      const char c = *pos_++;
      switch (c) {
        case '"':
        case '\\':
        case '/':
          value += c;
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 'n':
          value += '\n';
          break;
        case 'r':
          value += '\r';
          break;
        case 't':
          value += '\t';
          break;
        case 'u':
          if (!CodePoint(value)) return nullptr;
          break;
        default:
          return Fail(), nullptr;
      }
    }
    if (pos_ == end_) return Fail(), nullptr;
    ++pos_;
    char* text = static_cast<char*>(arena_.Allocate(value.size() + 1));
    std::memcpy(text, value.c_str(), value.size() + 1);
    return text;
  }

  bool Hex4(uint32_t& out) {
    if (end_ - pos_ < 4) return Fail();
    const auto [next, error] = std::from_chars(pos_, pos_ + 4, out, 16);
    if (error != std::errc() || next != pos_ + 4) return Fail();
    pos_ = next;
    return true;
  }

  // `\uXXXX` (after the `u`), with surrogate pairs, appended as UTF-8.
  bool CodePoint(std::string& out) {
    uint32_t code = 0;
    if (!Hex4(code)) return false;
    if (code >= 0xD800 && code <= 0xDBFF) {
      uint32_t low = 0;
      if (!Literal("\\u") || !Hex4(low) || low < 0xDC00 || low > 0xDFFF) return Fail();
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    } else if (code >= 0xDC00 && code <= 0xDFFF) {
      return Fail();
    }
    if (code == 0) return Fail();  // cannot live in a C string
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
    return true;
  }

  const char* pos_;
  const char* end_;
  std::string_view sql_;
  Arena& arena_;
  bool in_array_bounds_ = false;  // decoding the items of TypeName.array_bounds
  std::optional<bool> may_hold_zero_bound_;
  std::vector<unsigned char> scratch_;
  int depth_ = 0;
  bool ok_ = true;
  bool too_deep_ = false;
};

}  // namespace

JsonTree DecodeJsonParseTree(std::string_view json, std::string_view sql, Arena& arena) {
  return Decoder(json, sql, arena).Run();
}

int JsonNestingDepth(std::string_view json) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace pgshift::parser
