#include "parser/identifiers.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cctype>
#include <cstdint>
#include <optional>

namespace pgshift::parser {
namespace {

// pg_query_scan returns its tokens as a packed PgQuery__ScanResult. Unpacking that with protobuf-c
// allocates and frees one message per token, which made this the costliest step of a lint run; the
// few fields read here are taken straight from the wire format instead.
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

struct Token {
  int64_t start = 0;
  int64_t end = 0;
  int64_t kind = 0;
};

// ScanToken: start = 1, end = 2, token = 4 (varints); other fields are skipped.
std::optional<Token> ReadToken(WireReader reader) {
  Token token;
  while (!reader.done()) {
    const std::optional<uint64_t> key = reader.Varint();
    if (!key) return std::nullopt;
    const uint64_t field = *key >> 3;
    const uint64_t wire_type = *key & 7;
    if (wire_type == 0 && (field == 1 || field == 2 || field == 4)) {
      const std::optional<uint64_t> value = reader.Varint();
      if (!value) return std::nullopt;
      const auto signed_value = static_cast<int64_t>(static_cast<int32_t>(*value));
      (field == 1 ? token.start : field == 2 ? token.end : token.kind) = signed_value;
    } else if (!reader.Skip(wire_type)) {
      return std::nullopt;
    }
  }
  return token;
}

// The tokens of a ScanResult (repeated ScanToken tokens = 2); null when the bytes are malformed.
std::optional<std::vector<Token>> ReadTokens(const PgQueryProtobuf& packed) {
  std::vector<Token> tokens;
  WireReader reader(reinterpret_cast<const uint8_t*>(packed.data), packed.len);
  while (!reader.done()) {
    const std::optional<uint64_t> key = reader.Varint();
    if (!key) return std::nullopt;
    if ((*key >> 3) == 2 && (*key & 7) == 2) {
      std::optional<WireReader> embedded = reader.Embedded();
      if (!embedded) return std::nullopt;
      std::optional<Token> token = ReadToken(*embedded);
      if (!token) return std::nullopt;
      tokens.push_back(*token);
    } else if (!reader.Skip(*key & 7)) {
      return std::nullopt;
    }
  }
  return tokens;
}

}  // namespace

std::vector<WrittenIdentifier> WrittenIdentifiers(std::string_view text) {
  std::vector<WrittenIdentifier> out;
  const std::string sql(text);
  PgQueryScanResult result = pg_query_scan(sql.c_str());
  if (result.error == nullptr) {
    const std::optional<std::vector<Token>> tokens = ReadTokens(result.pbuf);
    for (std::size_t i = 0; tokens && i < tokens->size(); ++i) {
      const Token& token = (*tokens)[i];
      if (token.kind != PG_QUERY__TOKEN__IDENT || token.start < 0 ||
          token.end > static_cast<int>(sql.size())) {
        continue;
      }
      WrittenIdentifier identifier{
          {static_cast<std::size_t>(token.start), static_cast<std::size_t>(token.end)}, {}};
      const std::string_view written = text.substr(identifier.span.begin, identifier.span.size());
      if (!written.empty() && written.front() == '"') {
        for (std::size_t k = 1; k + 1 < written.size(); ++k) {
          identifier.name += written[k];
          if (written[k] == '"') ++k;  // "" stands for one quote
        }
      } else {
        for (const char c : written) {
          identifier.name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      out.push_back(std::move(identifier));
    }
  }
  pg_query_free_scan_result(result);
  return out;
}

namespace {

// Whether `word` is a keyword that cannot stand bare as a column or table name.
bool IsReservedWord(const std::string& word) {
  bool reserved = false;
  PgQueryScanResult result = pg_query_scan(word.c_str());
  if (result.error == nullptr) {
    PgQuery__ScanResult* scan = pg_query__scan_result__unpack(
        nullptr, result.pbuf.len, reinterpret_cast<const uint8_t*>(result.pbuf.data));
    if (scan != nullptr && scan->n_tokens == 1) {
      const PgQuery__KeywordKind kind = scan->tokens[0]->keyword_kind;
      reserved = kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                 kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD;
    }
    if (scan != nullptr) pg_query__scan_result__free_unpacked(scan, nullptr);
  }
  pg_query_free_scan_result(result);
  return reserved;
}

}  // namespace

std::string QuoteIdentifier(std::string_view name) {
  auto lower = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  bool bare = !name.empty() && lower(name.front());
  for (const char c : name) bare = bare && (lower(c) || (c >= '0' && c <= '9'));
  if (bare && !IsReservedWord(std::string(name))) return std::string(name);
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace pgshift::parser
