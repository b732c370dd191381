// Text functions around the Database interface that need no connection of their own.
#include "runner/database.h"

namespace pgshift::runner {

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
