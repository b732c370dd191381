// Application source as evidence readers see it: its text with the comments blanked out and its string literals listed. Blanking keeps every byte where it
// was, so offsets and line numbers stay those of the file. Which language a file is in, and
// whether it is application code at all: file_class.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rules/evidence/file_class.h"

namespace pgshift::rules::evidence {


struct StringLiteral {
  std::string text;    // the contents, quotes removed and \" \' \\ unescaped; adjacent
                       // literals joined by + (or nothing) are one
  int line = 0;        // of its opening quote
  std::string callee;  // when it is a call's first argument, the function: Table("users")
  std::string key;     // when it is assigned or passed by name, the name: table: "users"
};

struct CodeText {
  std::string path;
  Language language = Language::kOther;
  std::string code;  // the file with comments replaced by spaces (newlines kept)
  std::vector<StringLiteral> strings;
  std::vector<std::size_t> line_starts;

  // 1-based line of a byte offset in `code`.
  int LineOf(std::size_t offset) const;
};

CodeText ReadCode(std::string_view path, std::string_view text);

// Whether a byte can be part of an identifier (ASCII letters, digits, '_', any non-ASCII byte).
inline bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

}  // namespace pgshift::rules::evidence
