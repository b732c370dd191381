#include "parser/string_literal.h"

#include <cctype>

#include "parser/sql_text.h"

namespace pgshift::parser {
namespace {

bool IsTagChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

std::optional<StringLiteral> DollarQuoted(std::string_view text, std::size_t pos) {
  std::size_t tag_end = pos + 1;
  while (tag_end < text.size() && IsTagChar(text[tag_end])) ++tag_end;
  if (tag_end >= text.size() || text[tag_end] != '$') return std::nullopt;
  const std::string_view tag = text.substr(pos, tag_end - pos + 1);
  const std::size_t begin = tag_end + 1;
  const std::size_t close = text.find(tag, begin);
  if (close == std::string_view::npos) return std::nullopt;
  StringLiteral literal;
  literal.value = std::string(text.substr(begin, close - begin));
  for (std::size_t i = begin; i <= close; ++i) literal.offsets.push_back(i);
  return literal;
}

// '...' and E'...': `pos` is at the opening quote.
std::optional<StringLiteral> Quoted(std::string_view text, std::size_t pos, bool escapes) {
  StringLiteral literal;
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        literal.value += '\'';
        literal.offsets.push_back(i++);
        continue;
      }
      literal.offsets.push_back(i);
      return literal;
    }
    if (escapes && c == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      // Numeric and Unicode escapes change the byte count: not worth mapping.
      if (std::isdigit(static_cast<unsigned char>(next)) || next == 'x' || next == 'u' ||
          next == 'U') {
        return std::nullopt;
      }
      char value = next;
      switch (next) {
        case 'b':
          value = '\b';
          break;
        case 'f':
          value = '\f';
          break;
        case 'n':
          value = '\n';
          break;
        case 'r':
          value = '\r';
          break;
        case 't':
          value = '\t';
          break;
        default:
          break;
      }
      literal.value += value;
      literal.offsets.push_back(i++);
      continue;
    }
    literal.value += c;
    literal.offsets.push_back(i);
  }
  return std::nullopt;  // unterminated
}

}  // namespace

std::optional<StringLiteral> ReadStringLiteral(std::string_view text, std::size_t at) {
  const std::size_t pos = SkipSpaceAndComments(text, at);
  if (pos >= text.size()) return std::nullopt;
  const char c = text[pos];
  if (c == '$') return DollarQuoted(text, pos);
  if (c == '\'') return Quoted(text, pos, false);
  if ((c == 'e' || c == 'E') && pos + 1 < text.size() && text[pos + 1] == '\'') {
    return Quoted(text, pos + 1, true);
  }
  return std::nullopt;
}

}  // namespace pgshift::parser
