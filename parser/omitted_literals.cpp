#include "parser/omitted_literals.h"

#include "parser/sql_text.h"

namespace pgshift::parser {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<int32_t> NonPositiveLiteralAt(std::string_view sql, int at) {
  if (at < 0 || static_cast<std::size_t>(at) >= sql.size()) return std::nullopt;
  std::size_t i = at;
  bool negative = false;
  for (;;) {
    i = SkipSpaceAndComments(sql, i);
    if (i < sql.size() && sql[i] == '-') {
      negative = !negative;
    } else if (i >= sql.size() || sql[i] != '(') {
      break;
    }
    ++i;
  }
  int64_t value = 0;
  const std::size_t digits = i;
  for (; i < sql.size() && IsDigit(sql[i]) && value <= INT32_MAX; ++i)
    value = value * 10 + (sql[i] - '0');
  if (i == digits || value > INT32_MAX) return std::nullopt;
  if (i < sql.size() && (sql[i] == '.' || sql[i] == 'e' || sql[i] == 'E' || IsDigit(sql[i]))) {
    return std::nullopt;  // a float, or a number too long
  }
  if (negative) value = -value;
  if (value > 0) return std::nullopt;
  return static_cast<int32_t>(value);
}

bool MayHoldZeroBound(std::string_view sql) {
  for (std::size_t i = sql.find('['); i != std::string_view::npos; i = sql.find('[', i + 1)) {
    std::size_t next = i + 1;
    while (next < sql.size() && IsSpace(sql[next])) ++next;
    if (next < sql.size() && (sql[next] == '0' || sql[next] == '-' || sql[next] == '/'))
      return true;
  }
  return false;
}
}  // namespace pgshift::parser
