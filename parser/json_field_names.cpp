#include "parser/json_field_names.h"

#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cstring>

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

// Messages with more fields than this find keys by hash rather than by scanning from `next`.
constexpr unsigned kScanLimit = 64;

std::size_t Normalize(std::string_view key, char* out) {
  std::size_t n = 0;
  for (const char c : key) {
    if (c == '_') continue;
    out[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return n;
}

std::string Normalized(std::string_view key) {
  std::string out(key.size(), '\0');
  out.resize(Normalize(key, out.data()));
  return out;
}

// protobuf's default json_name: underscores dropped, the letter after each upper-cased.
std::string LowerCamel(std::string_view name) {
  std::string out;
  bool upper = false;
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

uint64_t SpellingHash(std::string_view key) {
  uint64_t head = 0;
  uint64_t tail = 0;
  if (key.size() >= 8) {
    std::memcpy(&head, key.data(), 8);
    std::memcpy(&tail, key.data() + key.size() - 8, 8);
  } else {
    for (const char c : key) head = (head << 8) | static_cast<unsigned char>(c);
  }
  return ((head * 0x9E3779B97F4A7C15ULL) ^ (tail * 0xC2B2AE3D27D4EB4FULL) ^ key.size()) >> 20;
}

// Whether n bytes are the same: most keys are 4 to 16 bytes, compared in two loads each.
inline bool SameBytes(const char* a, const char* b, std::size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a1, a2, b1, b2;
    std::memcpy(&a1, a, 8);
    std::memcpy(&b1, b, 8);
    std::memcpy(&a2, a + n - 8, 8);
    std::memcpy(&b2, b + n - 8, 8);
    return ((a1 ^ b1) | (a2 ^ b2)) == 0;
  }
  if (n >= 4 && n < 8) {
    uint32_t a1, a2, b1, b2;
    std::memcpy(&a1, a, 4);
    std::memcpy(&b1, b, 4);
    std::memcpy(&a2, a + n - 4, 4);
    std::memcpy(&b2, b + n - 4, 4);
    return ((a1 ^ b1) | (a2 ^ b2)) == 0;
  }
  return std::memcmp(a, b, n) == 0;
}

inline bool SameKey(std::string_view a, std::string_view b) {
  return a.size() == b.size() && SameBytes(a.data(), b.data(), a.size());
}

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

// An enum's value names in an open-addressing table by SpellingHash.
struct MessageFields::EnumNames {
  explicit EnumNames(const ProtobufCEnumDescriptor* descriptor) : enum_(descriptor) {
    std::size_t size = 1;
    while (size < 4 * descriptor->n_value_names) size *= 2;
    slots.assign(size, 0);
    // By name, as protobuf_c_enum_descriptor_get_value_by_name looks (aliases included).
    for (unsigned v = 0; v < descriptor->n_value_names; ++v) {
      std::size_t slot = SpellingHash(descriptor->values_by_name[v].name) & (size - 1);
      while (slots[slot] != 0) slot = (slot + 1) & (size - 1);
      slots[slot] = v + 1;
    }
  }

  const ProtobufCEnumValue* Find(std::string_view name) const {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t slot = SpellingHash(name) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
      const ProtobufCEnumValueIndex& entry = enum_->values_by_name[slots[slot] - 1];
      if (SameKey(entry.name, name)) return &enum_->values[entry.index];
    }
    return nullptr;
  }

  const ProtobufCEnumDescriptor* enum_;
  std::vector<uint32_t> slots;  // 1 + index into enum_->values_by_name, 0 when free
};

// Builds the fields of every message the parse tree can hold.
class Schema {
 public:
  static const Schema& Get() {
    static const Schema schema;
    return schema;
  }
  const MessageFields& Of(const MessageDescriptor* message) const {
    return messages_.find(message)->second;
  }

 private:
  Schema() {
    Add(&pg_query__parse_result__descriptor);
    for (const Alias& alias : kAliases) {
      messages_.at(alias.message)
          .normalized_.emplace(alias.json_key, protobuf_c_message_descriptor_get_field_by_name(
                                                   alias.message, alias.field.data()));
    }
    for (auto& [descriptor, fields] : messages_) {
      fields.enums_.assign(descriptor->n_fields, nullptr);
      for (unsigned i = 0; i < descriptor->n_fields; ++i) {
        const FieldDescriptor& field = descriptor->fields[i];
        if (field.type == PROTOBUF_C_TYPE_MESSAGE) {
          fields.nested_[i] =
              &messages_.at(static_cast<const MessageDescriptor*>(field.descriptor));
        } else if (field.type == PROTOBUF_C_TYPE_ENUM) {
          const auto* type = static_cast<const ProtobufCEnumDescriptor*>(field.descriptor);
          fields.enums_[i] = &enums_.try_emplace(type, type).first->second;
        }
      }
    }
  }

  void Add(const MessageDescriptor* message) {
    auto [it, added] = messages_.try_emplace(message);
    if (!added) return;
    MessageFields& fields = it->second;
    fields.descriptor_ = message;
    fields.nested_.assign(message->n_fields, nullptr);
    std::vector<const MessageDescriptor*> nested;
    for (unsigned i = 0; i < message->n_fields; ++i) {
      const FieldDescriptor& field = message->fields[i];
      const std::string_view name(field.name);
      if (name.size() > kMaxJsonKey) continue;
      fields.normalized_.emplace(Normalized(name), &field);
      if (field.type == PROTOBUF_C_TYPE_MESSAGE) {
        nested.push_back(static_cast<const MessageDescriptor*>(field.descriptor));
      }
    }
    AddSpellings(fields);
    for (const MessageDescriptor* child : nested) Add(child);
  }

  // The field's name, its lowerCamelCase form and, for a Node's member, its message's name
  // ("A_Const"): each only where FindByNormalizedKey would find this field for it, so that finding
  // a spelling byte for byte gives the same answer.
  static void AddSpellings(MessageFields& fields) {
    const MessageDescriptor* message = fields.descriptor_;
    const bool small = message->n_fields <= kScanLimit;
    // The scan from `next` takes the first field that matches: no other may. Two fields a key
    // names alike normalise alike, so distinct normalised names settle that for every key.
    std::vector<std::string> normalized_names;
    for (unsigned i = 0; i < message->n_fields; ++i) {
      normalized_names.push_back(Normalized(message->fields[i].name));
    }
    std::sort(normalized_names.begin(), normalized_names.end());
    const bool distinct = std::adjacent_find(normalized_names.begin(), normalized_names.end()) ==
                          normalized_names.end();
    auto settles = [&](const std::string& key, unsigned i) {
      if (key.empty() || key.size() > kMaxJsonKey) return false;
      if (small) return distinct && KeyNamesField(key, message->fields[i].name);
      const auto found = fields.normalized_.find(Normalized(key));
      return found != fields.normalized_.end() && found->second == &message->fields[i];
    };
    for (unsigned i = 0; i < message->n_fields; ++i) {
      const FieldDescriptor& field = message->fields[i];
      std::vector<std::string> candidates = {field.name, LowerCamel(field.name)};
      if (field.type == PROTOBUF_C_TYPE_MESSAGE) {
        candidates.insert(candidates.begin(),
                          static_cast<const MessageDescriptor*>(field.descriptor)->short_name);
      }
      std::vector<std::string> kept;
      for (std::string& candidate : candidates) {
        if (!settles(candidate, i) ||
            std::find(kept.begin(), kept.end(), candidate) != kept.end()) {
          continue;
        }
        kept.push_back(candidate);
        fields.spellings_.push_back({std::move(candidate), i});
      }
    }
    fields.first_spelling_.assign(message->n_fields + 1, fields.spellings_.size());
    for (std::size_t s = fields.spellings_.size(); s-- > 0;) {
      fields.first_spelling_[fields.spellings_[s].field] = static_cast<uint32_t>(s);
    }
    for (unsigned i = message->n_fields; i-- > 0;) {  // fields without spellings: the next one's
      fields.first_spelling_[i] =
          std::min(fields.first_spelling_[i], fields.first_spelling_[i + 1]);
    }
    if (message->n_fields <= kScanLimit) return;
    std::size_t size = 1;
    while (size < 4 * fields.spellings_.size()) size *= 2;
    fields.slots_.assign(size, 0);
    for (std::size_t s = 0; s < fields.spellings_.size(); ++s) {
      std::size_t slot = SpellingHash(fields.spellings_[s].text) & (size - 1);
      while (fields.slots_[slot] != 0) slot = (slot + 1) & (size - 1);
      fields.slots_[slot] = static_cast<uint16_t>(s + 1);
    }
  }

  std::unordered_map<const MessageDescriptor*, MessageFields> messages_;
  std::unordered_map<const ProtobufCEnumDescriptor*, MessageFields::EnumNames> enums_;
};

const MessageFields& MessageFields::Of(const MessageDescriptor* message) {
  return Schema::Get().Of(message);
}

const FieldDescriptor* MessageFields::Find(std::string_view key, unsigned& next) const {
  if (!slots_.empty()) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = SpellingHash(key) & mask; slots_[slot] != 0; slot = (slot + 1) & mask) {
      const Spelling& spelling = spellings_[slots_[slot] - 1];
      if (SameKey(spelling.text, key)) {
        next = spelling.field + 1;
        return &descriptor_->fields[spelling.field];
      }
    }
  } else if (next < descriptor_->n_fields) {
    const auto end = spellings_.end();
    for (auto spelling = spellings_.begin() + first_spelling_[next]; spelling != end; ++spelling) {
      if (SameKey(spelling->text, key)) {
        next = spelling->field + 1;
        return &descriptor_->fields[spelling->field];
      }
    }
  }
  return FindByNormalizedKey(key, next);
}

const ProtobufCEnumValue* MessageFields::EnumValue(const FieldDescriptor& field,
                                                   std::string_view name) const {
  return enums_[&field - descriptor_->fields]->Find(name);
}

const FieldDescriptor* MessageFields::FindAt(const char*& pos, const char* end,
                                             unsigned& next) const {
  if (!slots_.empty() || next >= descriptor_->n_fields) return nullptr;
  const std::size_t left = end - pos;
  for (auto spelling = spellings_.begin() + first_spelling_[next]; spelling != spellings_.end();
       ++spelling) {
    const std::size_t n = spelling->text.size();
    if (n < left && pos[n] == '"' && SameBytes(pos, spelling->text.data(), n)) {
      pos += n + 1;
      next = spelling->field + 1;
      return &descriptor_->fields[spelling->field];
    }
  }
  return nullptr;
}

// Any spelling: the scan from `next`, then the index, which also holds renamed fields and Node's
// oneof of some 250 types.
const FieldDescriptor* MessageFields::FindByNormalizedKey(std::string_view key,
                                                          unsigned& next) const {
  if (descriptor_->n_fields <= kScanLimit) {
    for (unsigned i = next; i < descriptor_->n_fields; ++i) {
      if (KeyNamesField(key, descriptor_->fields[i].name)) {
        next = i + 1;
        return &descriptor_->fields[i];
      }
    }
  }
  char normalized[kMaxJsonKey];
  if (key.size() > kMaxJsonKey) return nullptr;
  const auto found = normalized_.find(std::string_view(normalized, Normalize(key, normalized)));
  if (found == normalized_.end()) return nullptr;
  next = static_cast<unsigned>(found->second - descriptor_->fields) + 1;
  return found->second;
}

const FieldDescriptor* FindField(const MessageDescriptor* message, std::string_view key,
                                 unsigned& next) {
  return MessageFields::Of(message).Find(key, next);
}

}  // namespace pgshift::parser
