// pg_query_scan's tokens read straight from its packed PgQuery__ScanResult. Unpacking that with
// protobuf-c allocates and frees one message per token, which cost more than the scan itself; the
// few fields pgshift reads are taken from the wire format instead.
#pragma once

#include <pg_query.h>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace pgshift::parser {

// A reader of protobuf's wire format: varints and length-delimited values, bounds-checked.
class WireReader {
 public:
  WireReader(const uint8_t* data, std::size_t size) : pos_(data), end_(data + size) {}
  bool done() const { return pos_ >= end_; }

  std::optional<uint64_t> Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && pos_ < end_; shift += 7) {
      const uint8_t byte = *pos_++;
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return std::nullopt;
  }

  // Skips a field's value of the given wire type; false on malformed input.
  bool Skip(uint64_t wire_type) {
    switch (wire_type) {
      case 0:
        return Varint().has_value();
      case 1:
        return Advance(8);
      case 2: {
        const std::optional<uint64_t> size = Varint();
        return size && Advance(*size);
      }
      case 5:
        return Advance(4);
      default:
        return false;
    }
  }

  // The next length-delimited value, as its own reader.
  std::optional<WireReader> Embedded() {
    const std::optional<uint64_t> size = Varint();
    if (!size || *size > static_cast<uint64_t>(end_ - pos_)) return std::nullopt;
    WireReader inner(pos_, *size);
    pos_ += *size;
    return inner;
  }

 private:
  bool Advance(uint64_t size) {
    if (size > static_cast<uint64_t>(end_ - pos_)) return false;
    pos_ += size;
    return true;
  }

  const uint8_t* pos_;
  const uint8_t* end_;
};

// One ScanToken's fields, as protobuf-c would unpack them (int32 and enum values).
struct ScanTokenFields {
  int32_t start = 0;         // field 1
  int32_t end = 0;           // field 2
  int32_t token = 0;         // field 4: PgQuery__Token
  int32_t keyword_kind = 0;  // field 5: PgQuery__KeywordKind
};

namespace scan_wire_detail {

inline bool ReadToken(WireReader reader, ScanTokenFields& token) {
  while (!reader.done()) {
    const std::optional<uint64_t> key = reader.Varint();
    if (!key) return false;
    const uint64_t field = *key >> 3;
    const uint64_t wire_type = *key & 7;
    if (wire_type == 0 && (field == 1 || field == 2 || field == 4 || field == 5)) {
      const std::optional<uint64_t> value = reader.Varint();
      if (!value) return false;
      const auto narrowed = static_cast<int32_t>(*value);
      (field == 1   ? token.start
       : field == 2 ? token.end
       : field == 4 ? token.token
                    : token.keyword_kind) = narrowed;
    } else if (!reader.Skip(wire_type)) {
      return false;
    }
  }
  return true;
}

}  // namespace scan_wire_detail

// Calls `visit(const ScanTokenFields&)` for each token of the packed ScanResult (repeated
// ScanToken tokens = 2), in order; false when the bytes are malformed (tokens up to there may
// have been visited).
template <typename Visit>
bool ForEachScanToken(const PgQueryProtobuf& packed, Visit&& visit) {
  WireReader reader(reinterpret_cast<const uint8_t*>(packed.data), packed.len);
  while (!reader.done()) {
    const std::optional<uint64_t> key = reader.Varint();
    if (!key) return false;
    if ((*key >> 3) == 2 && (*key & 7) == 2) {
      std::optional<WireReader> embedded = reader.Embedded();
      ScanTokenFields token;
      if (!embedded || !scan_wire_detail::ReadToken(*embedded, token)) return false;
      visit(token);
    } else if (!reader.Skip(*key & 7)) {
      return false;
    }
  }
  return true;
}

}  // namespace pgshift::parser
