// Text functions around the Database interface that need no connection of their own.
#include <regex>

#include "runner/database.h"

namespace pgshift::runner {

std::string RedactUrl(std::string_view url) {
  std::string text(url);
  // postgresql://user:secret@host → postgresql://user:***@host
  static const std::regex kUserinfo(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#]*):[^@/?#]*@)");
  text = std::regex_replace(text, kUserinfo, "$1:***@");
  // ?password=secret&... and key=value strings: password=secret
  static const std::regex kParameter(R"((^|[?&\s])(password\s*=\s*)('[^']*'|[^&\s]*))",
                                     std::regex::icase);
  return std::regex_replace(text, kParameter, "$1$2***");
}

std::string QuoteQualified(Database& db, std::string_view name) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    if (!out.empty()) out += '.';
    out += db.QuoteIdent(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

}  // namespace pgshift::runner
