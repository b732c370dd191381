#include "rules/evidence/code_scan.h"

#include "rules/evidence/code_text.h"

namespace pgshift::rules::evidence {

std::vector<Line> SplitLines(std::string_view code) {
  std::vector<Line> lines;
  std::size_t start = 0;
  int number = 1;
  while (start <= code.size()) {
    std::size_t end = code.find('\n', start);
    if (end == std::string_view::npos) end = code.size();
    std::string_view text = code.substr(start, end - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    lines.push_back({text, start, number++});
    if (end == code.size()) break;
    start = end + 1;
  }
  return lines;
}

int Indentation(std::string_view line) {
  int width = 0;
  for (char c : line) {
    if (c == ' ') {
      ++width;
    } else if (c == '\t') {
      width += 8;
    } else {
      break;
    }
  }
  return width;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::size_t MatchingClose(std::string_view text, std::size_t open) {
  if (open >= text.size()) return text.size();
  const char opener = text[open];
  const char closer = opener == '(' ? ')' : opener == '[' ? ']' : '}';
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'' || c == '`') {
      for (++i; i < text.size() && text[i] != c; ++i) {
        if (text[i] == '\\') ++i;
      }
      continue;
    }
    if (c == opener) ++depth;
    if (c == closer && --depth == 0) return i;
  }
  return text.size();
}

std::optional<std::string> FirstQuoted(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '"' && c != '\'' && c != '`') continue;
    const std::size_t end = text.find(c, i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    return std::string(text.substr(i + 1, end - i - 1));
  }
  return std::nullopt;
}

bool HasWord(std::string_view text, std::string_view word) {
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    const bool start = at == 0 || !IsWordByte(static_cast<unsigned char>(text[at - 1]));
    const std::size_t end = at + word.size();
    const bool finish = end >= text.size() || !IsWordByte(static_cast<unsigned char>(text[end]));
    if (start && finish) return true;
  }
  return false;
}

std::optional<std::string> QuotedOption(std::string_view text, std::string_view key) {
  for (std::size_t at = text.find(key); at != std::string_view::npos;
       at = text.find(key, at + 1)) {
    if (at > 0 && IsWordByte(static_cast<unsigned char>(text[at - 1]))) continue;
    std::size_t i = at + key.size();
    if (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) continue;
    if (i < text.size() && (text[i] == '"' || text[i] == '\'')) ++i;  // "key": "x"
    while (i < text.size() && text[i] == ' ') ++i;
    if (i + 1 < text.size() && text[i] == '=' && text[i + 1] == '>') {
      i += 2;
    } else if (i < text.size() && (text[i] == ':' || text[i] == '=')) {
      ++i;
    } else {
      continue;
    }
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && (text[i] == '"' || text[i] == '\'' || text[i] == '`')) {
      const std::size_t end = text.find(text[i], i + 1);
      if (end != std::string_view::npos) return std::string(text.substr(i + 1, end - i - 1));
    }
  }
  return std::nullopt;
}

std::string_view WordAt(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && IsWordByte(static_cast<unsigned char>(text[end]))) ++end;
  return text.substr(at, end - at);
}

bool IsPlainName(std::string_view text) {
  if (text.empty() || text.size() > 63 * 2 + 1) return false;
  if (text[0] >= '0' && text[0] <= '9') return false;
  bool dot = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !dot && i > 0 && i + 1 < text.size()) {
      dot = true;
      continue;
    }
    if (!IsWordByte(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

}  // namespace pgshift::rules::evidence
