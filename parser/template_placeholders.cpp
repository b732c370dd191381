#include "parser/template_placeholders.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pgshift::parser {
namespace {

// A Go template action longer than this is taken for text, not an action: `{{` without its `}}`
// must not swallow the rest of the file.
constexpr std::size_t kLongestAction = 1024;
// Nor is `${` a property without its `}` within this many bytes.
constexpr std::size_t kLongestProperty = 256;
constexpr std::size_t kLongestName = 63;  // PostgreSQL's NAMEDATALEN - 1

bool IsNameByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

bool IsWordByte(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The last word of an action or a property: `index .Options "Namespace"` -> Namespace,
// `flyway:defaultSchema` -> defaultSchema. Empty when there is none.
std::string_view LastWord(std::string_view content) {
  std::size_t end = content.size();
  while (end > 0 && !IsWordByte(content[end - 1])) --end;
  std::size_t begin = end;
  while (begin > 0 && IsWordByte(content[begin - 1])) --begin;
  return content.substr(begin, std::min(end - begin, kLongestName));
}

// Whether a Go template action produces no text: a control keyword or a comment.
bool IsControlAction(std::string_view content) {
  static constexpr std::array<std::string_view, 10> kKeywords = {
      "if", "else", "end", "range", "with", "define", "block", "template", "break", "continue"};
  if (content.substr(0, 2) == "/*") return true;
  std::size_t n = 0;
  while (n < content.size() && IsWordByte(content[n])) ++n;
  const std::string_view word = content.substr(0, n);
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.front())) || s.front() == '-'))
    s.remove_prefix(1);
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == '-'))
    s.remove_suffix(1);
  return s;
}

// Writes `name` over the placeholder at `span` of `out` (already blanked, line breaks kept):
// next to a name byte on the right it is right-aligned, else left-aligned; joined on both sides
// the gap is filled with underscores, so that the three stay one name.
void WriteName(std::string& out, std::string_view original, Span span, std::string name) {
  if (name.empty()) return;
  if (std::isdigit(static_cast<unsigned char>(name.front()))) name.insert(0, "_");
  // The name goes on the placeholder's first or last line, whichever it touches (a name is cut
  // short where neither has room for it).
  const bool joined_left = span.begin > 0 && IsNameByte(original[span.begin - 1]);
  const bool joined_right = span.end < original.size() && IsNameByte(original[span.end]);
  const std::string_view bytes = original.substr(span.begin, span.size());
  const std::size_t first_break = bytes.find('\n');
  const std::size_t last_break = bytes.rfind('\n');
  if (joined_left && joined_right && first_break == std::string_view::npos) {
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(span.begin),
              out.begin() + static_cast<std::ptrdiff_t>(span.end), '_');
  }
  if (joined_right && !joined_left) {
    const std::size_t line_begin = last_break == std::string_view::npos ? 0 : last_break + 1;
    const std::size_t room = bytes.size() - line_begin;
    if (name.size() > room) name.resize(room);
    out.replace(span.end - name.size(), name.size(), name);
    return;
  }
  // Else on the first line, or at the start of the last when only that one has room.
  std::size_t at = span.begin;
  std::size_t room = first_break == std::string_view::npos ? bytes.size() : first_break;
  if (!joined_left && name.size() > room && last_break != std::string_view::npos &&
      bytes.size() - last_break - 1 > room) {
    at = span.begin + last_break + 1;
    room = bytes.size() - last_break - 1;
  }
  if (name.size() > room) name.resize(room);
  out.replace(at, name.size(), name);
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  TemplateStandIns Run() {
    while (pos_ < text_.size()) Step();
    return std::move(result_);
  }

 private:
  char At(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  void Step() {
    const char c = text_[pos_];
    if (c == '-' && At(pos_ + 1) == '-') return SkipPast("\n");
    if (c == '/' && At(pos_ + 1) == '*') return SkipBlockComment();
    if (c == '\'') return SkipQuoted('\'', EscapesBackslash());
    if (c == '"' && QuotedPlaceholder()) return;
    if (c == '"') return SkipQuoted('"', false);
    if (c == '$' && At(pos_ + 1) == '{' &&
        Placeholder(FindNear("}", pos_ + 2, kLongestProperty), 2, 1, false))
      return;
    if (c == '{' && At(pos_ + 1) == '{' &&
        Placeholder(FindNear("}}", pos_ + 2, kLongestAction), 2, 2, true))
      return;
    // Dollar quotes are read through: a function body is SQL, and its placeholders count too.
    ++pos_;
  }

  // Where `needle` starts within `limit` bytes from `from`, else npos: an opening without its
  // close is looked past in bounded time, so that a file of them takes linear time.
  std::size_t FindNear(std::string_view needle, std::size_t from, std::size_t limit) const {
    if (from >= text_.size()) return std::string_view::npos;
    const std::string_view window = text_.substr(from, limit + needle.size());
    const std::size_t at = window.find(needle);
    return at == std::string_view::npos ? at : from + at;
  }

  // An E'' string, where a backslash escapes the next byte.
  bool EscapesBackslash() const {
    return pos_ > 0 && (text_[pos_ - 1] == 'E' || text_[pos_ - 1] == 'e') &&
           (pos_ < 2 || !IsNameByte(text_[pos_ - 2]));
  }

  void SkipPast(std::string_view end) {
    const std::size_t found = text_.find(end, pos_ + 2);
    pos_ = found == std::string_view::npos ? text_.size() : found + end.size();
  }

  void SkipBlockComment() {
    int depth = 0;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '/' && At(pos_ + 1) == '*') {
        ++depth;
        pos_ += 2;
      } else if (text_[pos_] == '*' && At(pos_ + 1) == '/') {
        pos_ += 2;
        if (--depth == 0) return;
      } else {
        ++pos_;
      }
    }
  }

  void SkipQuoted(char quote, bool backslash) {
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (backslash && c == '\\') {
        ++pos_;
      } else if (c == quote) {
        if (At(pos_) != quote) return;
        ++pos_;  // a doubled quote stands for one
      }
    }
  }

  // A quoted name that is one placeholder, `"{{ index .Options "Namespace" }}"`: the template
  // is filled in before the quotes mean anything, and the action's own quotes would end the name.
  // The quotes go with the placeholder, and the stand-in is an unquoted name.
  bool QuotedPlaceholder() {
    const std::string_view opening = text_.substr(pos_ + 1, 2);
    if (opening == "{{") {
      const std::size_t close = FindNear("}}", pos_ + 3, kLongestAction);
      return close != std::string_view::npos && At(close + 2) == '"' &&
             Placeholder(close, 3, 3, true);
    }
    if (opening == "${") {
      const std::size_t close = FindNear("}", pos_ + 3, kLongestProperty);
      return close != std::string_view::npos && At(close + 1) == '"' &&
             Placeholder(close, 3, 2, false);
    }
    return false;
  }

  // The placeholder from pos_ whose closing delimiter starts at `close` (npos: none); `open` and
  // `close_size` are the delimiters' lengths, `go` whether it is a Go template action. False, and
  // nothing taken, when it is not one.
  bool Placeholder(std::size_t close, std::size_t open, std::size_t close_size, bool go) {
    if (close == std::string_view::npos) return false;
    const std::string_view content = text_.substr(pos_ + open, close - pos_ - open);
    if (go ? close - pos_ > kLongestAction
           : (content.empty() || content.find_first_of("{\n") != std::string_view::npos)) {
      return false;
    }
    const Span span{pos_, close + close_size};
    if (result_.text.empty()) result_.text.assign(text_);
    for (std::size_t i = span.begin; i < span.end; ++i) {
      if (result_.text[i] != '\n') result_.text[i] = ' ';
    }
    const std::string_view action = Trim(content);
    if (!(go && IsControlAction(action))) {
      const std::string_view word = LastWord(action);
      WriteName(result_.text, text_, span, std::string(word.empty() ? "_" : word));
    }
    result_.spans.push_back(span);
    pos_ = span.end;
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  TemplateStandIns result_;
};

}  // namespace

TemplateStandIns StandInForPlaceholders(std::string_view text) {
  // Most files hold neither opening: one pass of memchr-like finds answers for them.
  if (text.find("${") == std::string_view::npos && text.find("{{") == std::string_view::npos) {
    return {};
  }
  return Scanner(text).Run();
}

}  // namespace pgshift::parser
