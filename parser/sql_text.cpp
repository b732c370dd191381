#include "parser/sql_text.h"

#include <cctype>

namespace pgshift::parser {

std::size_t SkipSpaceAndComments(std::string_view text, std::size_t pos) {
  while (pos < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[pos]))) {
      ++pos;
    } else if (text.substr(pos, 2) == "--") {
      const std::size_t end = text.find('\n', pos);
      pos = end == std::string_view::npos ? text.size() : end + 1;
    } else if (text.substr(pos, 2) == "/*") {
      int depth = 0;
      while (pos < text.size()) {
        if (text.substr(pos, 2) == "/*") {
          ++depth, pos += 2;
        } else if (text.substr(pos, 2) == "*/") {
          pos += 2;
          if (--depth == 0) break;
        } else {
          ++pos;
        }
      }
    } else {
      break;
    }
  }
  return pos;
}

}  // namespace pgshift::parser
