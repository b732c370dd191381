#include "rules/evidence/sql_names.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_set>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/code_text.h"
#include "rules/evidence/naming.h"

namespace pgshift::rules::evidence {
namespace {

struct SqlToken {
  enum Kind { kName, kQuotedName, kString, kPunct, kSkip } kind = kSkip;
  // Names folded (unquoted) or as written (quoted); a string's content; punctuation as is.
  std::string text;
  int line = 0;
};

// Words that are SQL syntax, never a column (column names that are only non-reserved keywords
// in PostgreSQL, such as name, type, key, value or status, are not here).
bool IsKeyword(const SqlToken& token) {
  static const std::unordered_set<std::string_view> kKeywords{
      "select", "from", "where", "and", "or", "not", "null", "is", "in", "as", "on", "join",
      "left", "right", "inner", "outer", "full", "cross", "natural", "lateral", "group", "by",
      "order", "having", "limit", "offset", "fetch", "next", "rows", "only", "returning",
      "insert", "into", "values", "update", "set", "delete", "using", "with", "recursive",
      "case", "when", "then", "else", "end", "distinct", "all", "any", "some", "exists",
      "between", "like", "ilike", "similar", "asc", "desc", "nulls", "true", "false", "default",
      "union", "intersect", "except", "conflict", "do", "nothing", "cast", "interval", "array",
      "filter", "over", "partition", "window", "for", "share", "no", "skip", "locked", "nowait",
      "table", "truncate", "merge", "matched", "current_timestamp", "current_date",
      "current_user", "escape", "collate", "at", "time", "zone", "copy", "to", "stdin", "stdout",
      "csv", "header", "exclude", "excluded", "if", "row", "epoch", "of", "concurrently", "both",
      "leading", "trailing", "returning", "ordinality", "unique", "primary"};
  return token.kind == SqlToken::kName && kKeywords.count(token.text) > 0;
}

bool IsName(const SqlToken& token) {
  return (token.kind == SqlToken::kName && !IsKeyword(token)) ||
         token.kind == SqlToken::kQuotedName;
}

bool Is(const SqlToken& token, std::string_view text) {
  return (token.kind == SqlToken::kName || token.kind == SqlToken::kPunct) && token.text == text;
}

// Skips a bracketed template expression (${...}, #{...}, {{...}}) from the '{' at `i`.
std::size_t SkipBraces(std::string_view sql, std::size_t i) {
  int depth = 0;
  for (; i < sql.size(); ++i) {
    if (sql[i] == '{') ++depth;
    if (sql[i] == '}' && --depth == 0) return i + 1;
  }
  return sql.size();
}

std::vector<SqlToken> Tokenize(std::string_view sql) {
  std::vector<SqlToken> tokens;
  int line = 0;
  std::size_t i = 0;
  auto skip_to = [&](std::size_t end) {
    for (; i < end && i < sql.size(); ++i) line += sql[i] == '\n';
  };
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '-' && next == '-') {
      const std::size_t end = sql.find('\n', i);
      skip_to(end == std::string_view::npos ? sql.size() : end);
    } else if (c == '/' && next == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      skip_to(end == std::string_view::npos ? sql.size() : end + 2);
    } else if (c == '\'') {
      std::size_t j = i + 1;
      std::string content;
      while (j < sql.size() && !(sql[j] == '\'' && (j + 1 >= sql.size() || sql[j + 1] != '\''))) {
        content += sql[j];
        j += sql[j] == '\'' ? 2 : 1;
      }
      tokens.push_back({SqlToken::kString, std::move(content), line});
      skip_to(j + 1);
    } else if (c == '"' || c == '`') {  // `name`: MySQL style, seen in code shared with it
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      tokens.push_back({SqlToken::kQuotedName, std::string(sql.substr(i + 1, stop - i - 1)), line});
      skip_to(stop + 1);
    } else if ((c == '$' || c == '#') && next == '{') {
      tokens.push_back({SqlToken::kSkip, "", line});
      skip_to(SkipBraces(sql, i + 1));
    } else if (c == '{') {
      tokens.push_back({SqlToken::kSkip, "", line});
      skip_to(SkipBraces(sql, i));
    } else if ((c == ':' && next != ':') || c == '@' || c == '$' || c == '?' || c == '%') {
      // A parameter (:name, @name, $1, ?, %s, %(name)s): neither table nor column.
      std::size_t j = i + 1;
      if (c == '%' && next == '(') j = sql.find(')', i) == std::string_view::npos ? i + 1 : sql.find(')', i) + 1;
      while (j < sql.size() && IsWordByte(static_cast<unsigned char>(sql[j]))) ++j;
      tokens.push_back({SqlToken::kSkip, "", line});
      i = j;
    } else if (c == ':' && next == ':') {  // a cast: the type name that follows is no column
      std::size_t j = i + 2;
      while (j < sql.size() && sql[j] == ' ') ++j;
      while (j < sql.size() && (IsWordByte(static_cast<unsigned char>(sql[j])) || sql[j] == '.')) ++j;
      tokens.push_back({SqlToken::kSkip, "", line});
      i = j;
    } else if (IsWordByte(static_cast<unsigned char>(c))) {
      std::size_t j = i;
      while (j < sql.size() && IsWordByte(static_cast<unsigned char>(sql[j]))) ++j;
      const std::string_view word = sql.substr(i, j - i);
      if (word[0] >= '0' && word[0] <= '9') {
        tokens.push_back({SqlToken::kSkip, "", line});
      } else {
        tokens.push_back({SqlToken::kName, Lower(word), line});
      }
      i = j;
    } else {
      tokens.push_back({SqlToken::kPunct, std::string(1, c), line});
      ++i;
    }
  }
  return tokens;
}

// A statement starts with one of these (or with FROM or JOIN, as a query builder's fragment).
bool StartsData(const SqlToken& token) {
  static constexpr std::array<std::string_view, 10> kStarts{
      "select", "insert", "update", "delete", "with", "merge", "truncate", "copy", "from", "join"};
  return token.kind == SqlToken::kName &&
         std::find(kStarts.begin(), kStarts.end(), token.text) != kStarts.end();
}

class Statement {
 public:
  Statement(const std::vector<SqlToken>& tokens, std::size_t begin, std::size_t end)
      : t_(tokens), begin_(begin), end_(end) {}

  void Scan(std::vector<SqlName>& out) {
    for (std::size_t i = begin_; i < end_; ++i) {
      if (t_[i].kind != SqlToken::kString || !IsPlainName(t_[i].text)) continue;
      const std::size_t dot = t_[i].text.rfind('.');
      const std::string name = dot == std::string::npos ? t_[i].text : t_[i].text.substr(dot + 1);
      out.push_back({name, "", t_[i].line, /*as_string=*/true});
    }
    FindTables();
    if (tables_.empty()) return;
    for (const auto& [name, line] : tables_) out.push_back({name, "", line});
    for (std::size_t i = begin_; i < end_; ++i) {
      if (taken_.count(i) > 0 || !IsName(t_[i])) continue;
      // a.b, or s.a.b: the last two are table (or alias) and column.
      if (i + 2 < end_ && Is(t_[i + 1], ".") && IsName(t_[i + 2])) {
        std::size_t column = i + 2;
        std::size_t table = i;
        if (column + 2 < end_ && Is(t_[column + 1], ".") && IsName(t_[column + 2])) {
          table = column;
          column += 2;
        }
        const auto alias = aliases_.find(t_[table].text);
        if (alias != aliases_.end()) out.push_back({alias->second, t_[column].text, t_[column].line});
        i = column;
        continue;
      }
      if (i + 1 < end_ && Is(t_[i + 1], "(")) continue;       // a function
      if (i > begin_ && Is(t_[i - 1], "as")) continue;         // an output name
      if (ctes_.count(t_[i].text) > 0) continue;
      for (const auto& [name, line] : tables_) out.push_back({name, t_[i].text, t_[i].line});
    }
  }

 private:
  // A table reference at `i` (schema.name, then an optional alias); returns the index after it.
  std::size_t TableRef(std::size_t i, bool column_list = false) {
    if (i < end_ && (Is(t_[i], "only") || Is(t_[i], "lateral"))) ++i;
    if (i >= end_ || !IsName(t_[i])) return i;
    std::size_t name = i;
    if (i + 2 < end_ && Is(t_[i + 1], ".") && IsName(t_[i + 2])) {
      taken_.insert(i);
      name = i + 2;
    }
    // A function in FROM; after INTO or COPY, the list of columns.
    if (!column_list && name + 1 < end_ && Is(t_[name + 1], "(")) return name + 1;
    taken_.insert(name);
    const std::string& table = t_[name].text;
    if (ctes_.count(table) == 0) {
      tables_.emplace_back(table, t_[name].line);
      aliases_[table] = table;
    }
    std::size_t j = name + 1;
    if (j < end_ && Is(t_[j], "as")) ++j;
    if (j < end_ && IsName(t_[j])) {
      taken_.insert(j);
      if (ctes_.count(table) == 0) aliases_[t_[j].text] = table;
      ++j;
    }
    return j;
  }

  void FindTables() {
    for (std::size_t i = begin_; i < end_; ++i) {
      // WITH name AS ( ... ): a name for a subquery, not a table.
      if (IsName(t_[i]) && i + 2 < end_ && Is(t_[i + 1], "as") && Is(t_[i + 2], "(") &&
          (i == begin_ || Is(t_[i - 1], "with") || Is(t_[i - 1], ",") ||
           Is(t_[i - 1], "recursive"))) {
        ctes_.insert(t_[i].text);
        taken_.insert(i);
      }
    }
    // Whether each open parenthesis is a function's: FROM inside one is no table
    // (extract(epoch FROM x), substring(s FROM 2), trim(both FROM s)).
    std::vector<bool> in_function;
    for (std::size_t i = begin_; i < end_; ++i) {
      const SqlToken& token = t_[i];
      if (Is(token, "(")) {
        in_function.push_back(i > begin_ && IsName(t_[i - 1]));
        continue;
      }
      if (Is(token, ")")) {
        if (!in_function.empty()) in_function.pop_back();
        continue;
      }
      if (!in_function.empty() && in_function.back()) continue;
      if ((Is(token, "from") && !(i > begin_ && Is(t_[i - 1], "distinct"))) ||
          Is(token, "using")) {
        std::size_t j = TableRef(i + 1);
        while (j < end_ && Is(t_[j], ",")) j = TableRef(j + 1);
      } else if (Is(token, "join") || Is(token, "update")) {
        TableRef(i + 1);
      } else if (Is(token, "into") || Is(token, "copy")) {
        TableRef(i + 1, /*column_list=*/true);
      } else if (Is(token, "truncate")) {
        std::size_t j = i + 1;
        if (j < end_ && Is(t_[j], "table")) ++j;
        j = TableRef(j);
        while (j < end_ && Is(t_[j], ",")) j = TableRef(j + 1);
      }
    }
  }

  const std::vector<SqlToken>& t_;
  std::size_t begin_, end_;
  std::vector<std::pair<std::string, int>> tables_;
  std::map<std::string, std::string> aliases_;  // alias (or table) -> table
  std::set<std::string> ctes_;
  std::set<std::size_t> taken_;  // tokens that are table names or aliases
};

}  // namespace

std::vector<SqlName> SqlNames(std::string_view sql) {
  std::vector<SqlName> out;
  const std::vector<SqlToken> tokens = Tokenize(sql);
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= tokens.size(); ++i) {
    if (i < tokens.size() && !Is(tokens[i], ";")) continue;
    std::size_t first = begin;
    while (first < i && Is(tokens[first], "(")) ++first;
    if (first < i && StartsData(tokens[first])) Statement(tokens, first, i).Scan(out);
    begin = i + 1;
  }
  return out;
}

}  // namespace pgshift::rules::evidence
