#include "rules/evidence/code_text.h"

#include <algorithm>
#include <array>

#include "rules/evidence/naming.h"

namespace pgshift::rules::evidence {
namespace {

struct Syntax {
  bool slash_comments = false;  // // and /* */
  bool hash_comments = false;   // #
  bool dash_comments = false;   // -- (SQL)
  bool single_quotes = true;    // '...' is a string
  bool single_quote_on_one_line = false;  // '...' only when it closes on its line
  bool char_literals_only = false;        // '...' only as 'x' or '\n' (Rust lifetimes)
  bool backticks = false;                  // `...`, over several lines
  bool triple_quotes = false;              // """...""" and '''...'''
  bool double_quotes = true;               // "..." is a string (in SQL, a name)
  bool dollar_quotes = false;              // $tag$...$tag$ (SQL)
  bool ruby = false;                       // =begin/=end, %w[], heredocs
  bool rust_raw = false;                   // r"..." and r#"..."#
  bool record_strings = true;
};

Syntax SyntaxOf(Language language, std::string_view path) {
  Syntax s;
  switch (language) {
    case Language::kCLike:
      s.slash_comments = true;
      s.single_quote_on_one_line = true;
      s.backticks = true;
      s.triple_quotes = true;
      s.hash_comments = Lower(path).ends_with(".php");
      s.rust_raw = s.char_literals_only = Lower(path).ends_with(".rs");
      break;
    case Language::kPrisma:
      s.slash_comments = true;
      s.single_quotes = false;
      break;
    case Language::kPython:
    case Language::kElixir:
      s.hash_comments = true;
      s.triple_quotes = true;
      s.single_quote_on_one_line = true;
      break;
    case Language::kRuby:
      s.hash_comments = true;
      s.ruby = true;
      break;
    case Language::kSql:
      s.dash_comments = true;
      s.slash_comments = true;  // only /* */ applies: SQL has no // comments
      s.double_quotes = false;
      s.dollar_quotes = true;
      s.record_strings = false;
      break;
    case Language::kTemplate:
    case Language::kOther:
      s.single_quotes = s.double_quotes = s.record_strings = false;
      break;
  }
  return s;
}

struct RawLiteral {
  std::size_t begin;  // the opening quote
  std::size_t end;    // one past the closing quote
  std::string text;
};

class Lexer {
 public:
  Lexer(std::string_view text, const Syntax& syntax, Language language)
      : text_(text), s_(syntax), sql_(language == Language::kSql), code_(text) {}

  void Run() {
    std::size_t i = 0;
    while (i < text_.size()) i = Step(i);
  }
  std::string TakeCode() { return std::move(code_); }
  std::vector<RawLiteral>& literals() { return literals_; }

 private:
  char At(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  void Blank(std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end && i < code_.size(); ++i) {
      if (code_[i] != '\n') code_[i] = ' ';
    }
  }

  std::size_t LineEnd(std::size_t i) const {
    const std::size_t end = text_.find('\n', i);
    return end == std::string_view::npos ? text_.size() : end;
  }

  bool AtLineStart(std::size_t i) const { return i == 0 || text_[i - 1] == '\n'; }

  void Record(std::size_t begin, std::size_t end, std::string text) {
    if (s_.record_strings) literals_.push_back({begin, end, std::move(text)});
  }

  // A quoted string from `i` (the opening quote); returns the offset after it.
  std::size_t QuotedString(std::size_t i, char quote, bool multi_line, bool escapes) {
    std::string content;
    std::size_t j = i + 1;
    for (; j < text_.size(); ++j) {
      const char c = text_[j];
      if (escapes && c == '\\' && j + 1 < text_.size()) {
        const char next = text_[j + 1];
        content += next == 'n' || next == 't' ? ' ' : next;
        ++j;
        continue;
      }
      if (c == quote) {
        if (sql_ && At(j + 1) == quote) {  // '' inside an SQL string
          ++j;
          continue;
        }
        Record(i, j + 1, std::move(content));
        return j + 1;
      }
      if (c == '\n' && !multi_line) break;
      content += c;
    }
    Record(i, j, std::move(content));  // unterminated: up to the end of the line or file
    return j;
  }

  std::size_t TripleQuoted(std::size_t i, char quote) {
    const std::string close(3, quote);
    const std::size_t end = text_.find(close, i + 3);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    Record(i, std::min(text_.size(), stop + 3), std::string(text_.substr(i + 3, stop - i - 3)));
    return std::min(text_.size(), stop + 3);
  }

  // Rust r"..." / r#"..."#: `i` at the 'r'.
  std::size_t RustRaw(std::size_t i) {
    std::size_t j = i + 1;
    std::size_t hashes = 0;
    while (At(j) == '#') ++hashes, ++j;
    const std::string close = "\"" + std::string(hashes, '#');
    const std::size_t end = text_.find(close, j + 1);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    Record(i, std::min(text_.size(), stop + close.size()),
           std::string(text_.substr(j + 1, stop - j - 1)));
    return std::min(text_.size(), stop + close.size());
  }

  // Ruby %w[...] %i(...) %q{...} %Q<...> %(...): `i` at the '%'; 0 when it is no literal.
  std::size_t RubyPercent(std::size_t i) {
    std::size_t j = i + 1;
    if (std::string_view("wWiIqQ").find(At(j)) != std::string_view::npos) ++j;
    const char open = At(j);
    static constexpr std::string_view kOpen = "([{<|!/";
    static constexpr std::string_view kClose = ")]}>|!/";
    const std::size_t kind = kOpen.find(open);
    if (kind == std::string_view::npos || open == '\0') return 0;
    if (i > 0 && IsWordByte(static_cast<unsigned char>(text_[i - 1]))) return 0;  // a % b
    const char close = kClose[kind];
    int depth = 1;
    std::size_t k = j + 1;
    for (; k < text_.size(); ++k) {
      if (text_[k] == '\\') {
        ++k;
        continue;
      }
      if (text_[k] == close && --depth == 0) break;
      if (text_[k] == open && open != close) ++depth;
    }
    Record(i, std::min(text_.size(), k + 1), std::string(text_.substr(j + 1, k - j - 1)));
    return std::min(text_.size(), k + 1);
  }

  // A Ruby heredoc opener (<<~SQL, <<-SQL, <<SQL, <<~'SQL') at `i`: remembers its terminator.
  std::size_t RubyHeredoc(std::size_t i) {
    std::size_t j = i + 2;
    if (At(j) == '~' || At(j) == '-') ++j;
    const char quote = At(j) == '\'' || At(j) == '"' ? At(j) : '\0';
    if (quote != '\0') ++j;
    const std::size_t start = j;
    while (j < text_.size() &&
           ((text_[j] >= 'A' && text_[j] <= 'Z') || text_[j] == '_' ||
            (j > start && text_[j] >= '0' && text_[j] <= '9'))) {
      ++j;
    }
    if (j == start || (quote != '\0' && At(j) != quote)) return 0;
    heredocs_.emplace_back(text_.substr(start, j - start));
    return quote != '\0' ? j + 1 : j;
  }

  // At a newline with heredocs pending: their bodies follow, each up to its terminator line.
  std::size_t HeredocBodies(std::size_t i) {
    std::size_t line = i + 1;
    for (const std::string& id : heredocs_) {
      const std::size_t body = line;
      while (line < text_.size()) {
        const std::size_t end = LineEnd(line);
        std::string_view content = text_.substr(line, end - line);
        while (!content.empty() && (content.front() == ' ' || content.front() == '\t')) {
          content.remove_prefix(1);
        }
        if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
        if (content == id) {
          Record(body, end, std::string(text_.substr(body, line - body)));
          line = end + 1;
          break;
        }
        line = end + 1;
      }
    }
    heredocs_.clear();
    return std::min(line, text_.size());
  }

  std::size_t Step(std::size_t i) {
    const char c = text_[i];
    const char next = At(i + 1);
    if (c == '\n') return heredocs_.empty() ? i + 1 : HeredocBodies(i);
    if (s_.slash_comments && c == '/' && next == '/' && !sql_) {
      const std::size_t end = LineEnd(i);
      Blank(i, end);
      return end;
    }
    if (s_.slash_comments && c == '/' && next == '*') {
      const std::size_t end = text_.find("*/", i + 2);
      const std::size_t stop = end == std::string_view::npos ? text_.size() : end + 2;
      Blank(i, stop);
      return stop;
    }
    if (s_.dash_comments && c == '-' && next == '-') {
      const std::size_t end = LineEnd(i);
      Blank(i, end);
      return end;
    }
    if (s_.ruby && c == '=' && AtLineStart(i) && text_.substr(i, 6) == "=begin") {
      std::size_t end = text_.find("\n=end", i);
      end = end == std::string_view::npos ? text_.size() : LineEnd(end + 1);
      Blank(i, end);
      return end;
    }
    if (s_.hash_comments && c == '#') {
      const std::size_t end = LineEnd(i);
      Blank(i, end);
      return end;
    }
    if (s_.triple_quotes && (c == '"' || c == '\'') && next == c && At(i + 2) == c) {
      return TripleQuoted(i, c);
    }
    if (s_.rust_raw && c == 'r' && (next == '"' || next == '#') &&
        (i == 0 || !IsWordByte(static_cast<unsigned char>(text_[i - 1])))) {
      std::size_t j = i + 1;
      while (At(j) == '#') ++j;
      if (At(j) == '"') return RustRaw(i);
    }
    if (s_.double_quotes && c == '"') return QuotedString(i, '"', s_.ruby, true);
    if (c == '"' && sql_) {  // a quoted name: skip it whole, so that -- inside is no comment
      const std::size_t end = text_.find('"', i + 1);
      return end == std::string_view::npos ? text_.size() : end + 1;
    }
    if (s_.single_quotes && c == '\'') {
      if (s_.char_literals_only) {
        const bool escaped = next == '\\';
        const std::size_t close = text_.find('\'', i + 2);
        if (close == std::string_view::npos || close > i + (escaped ? 10 : 2)) return i + 1;
      } else if (s_.single_quote_on_one_line) {
        const std::size_t close = text_.find('\'', i + 1);
        if (close == std::string_view::npos || close > LineEnd(i)) return i + 1;
      }
      return QuotedString(i, '\'', s_.ruby || sql_, !sql_);
    }
    if (s_.backticks && c == '`') return QuotedString(i, '`', true, true);
    if (s_.dollar_quotes && c == '$') {
      std::size_t j = i + 1;
      while (j < text_.size() && IsWordByte(static_cast<unsigned char>(text_[j]))) ++j;
      if (At(j) == '$' && !(j > i + 1 && text_[i + 1] >= '0' && text_[i + 1] <= '9')) {
        const std::string tag(text_.substr(i, j - i + 1));
        const std::size_t end = text_.find(tag, j + 1);
        return end == std::string_view::npos ? text_.size() : end + tag.size();
      }
    }
    if (s_.ruby && c == '%') {
      if (const std::size_t end = RubyPercent(i)) return end;
    }
    if (s_.ruby && c == '<' && next == '<') {
      if (const std::size_t end = RubyHeredoc(i)) return end;
    }
    return i + 1;
  }

  std::string_view text_;
  Syntax s_;
  bool sql_;
  std::string code_;
  std::vector<RawLiteral> literals_;
  std::vector<std::string> heredocs_;
};

std::size_t SkipSpaceBack(std::string_view code, std::size_t at) {
  while (at > 0 && (code[at - 1] == ' ' || code[at - 1] == '\t')) --at;
  return at;
}

// The identifier that ends just before `at` (spaces skipped), without a leading ':' or '"'.
std::string WordBefore(std::string_view code, std::size_t at) {
  at = SkipSpaceBack(code, at);
  if (at > 0 && (code[at - 1] == '"' || code[at - 1] == '\'')) --at;  // "key": "value"
  std::size_t start = at;
  while (start > 0 && IsWordByte(static_cast<unsigned char>(code[start - 1]))) --start;
  return std::string(code.substr(start, at - start));
}

bool OnlyJoiners(std::string_view between) {
  return std::all_of(between.begin(), between.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '+' || c == '\\';
  });
}

}  // namespace


int CodeText::LineOf(std::size_t offset) const {
  const auto after = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
  return static_cast<int>(after - line_starts.begin());
}

CodeText ReadCode(std::string_view path, std::string_view text) {
  CodeText out;
  out.path = std::string(path);
  out.language = LanguageOf(path);
  out.line_starts.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') out.line_starts.push_back(i + 1);
  }
  Lexer lexer(text, SyntaxOf(out.language, path), out.language);
  lexer.Run();
  out.code = lexer.TakeCode();
  std::vector<RawLiteral>& raw = lexer.literals();
  std::sort(raw.begin(), raw.end(),
            [](const RawLiteral& a, const RawLiteral& b) { return a.begin < b.begin; });
  for (std::size_t k = 0; k < raw.size(); ++k) {
    const bool joined = k > 0 && raw[k].begin >= raw[k - 1].end &&
                        OnlyJoiners(text.substr(raw[k - 1].end, raw[k].begin - raw[k - 1].end));
    if (joined && !out.strings.empty()) {
      out.strings.back().text += " " + raw[k].text;
      continue;
    }
    StringLiteral literal;
    literal.text = std::move(raw[k].text);
    literal.line = out.LineOf(raw[k].begin);
    std::size_t before = SkipSpaceBack(out.code, raw[k].begin);
    if (before > 0 && out.code[before - 1] == '(') {
      literal.callee = WordBefore(out.code, before - 1);
    } else if (before > 0 && (out.code[before - 1] == '=' || out.code[before - 1] == ':')) {
      std::size_t at = before - 1;
      if (out.code[at] == '=' && at > 0 && out.code[at - 1] == '=') at = 0;  // ==, not =
      if (at > 0 && out.code[at - 1] == ':') --at;                         // :=
      if (at > 0) literal.key = WordBefore(out.code, at);
    } else if (before > 1 && out.code[before - 1] == '>' && out.code[before - 2] == '=') {
      literal.key = WordBefore(out.code, before - 2);  // Ruby's table_name => "x"
    }
    out.strings.push_back(std::move(literal));
  }
  return out;
}

}  // namespace pgshift::rules::evidence
