#include "parser/splitter.h"

#include <algorithm>
#include <string>
#include <vector>

namespace pgshift::parser {
namespace {

// ASCII classes, as <cctype> gives them in the "C" locale pgshift runs in, without a call per
// byte.
constexpr bool IsAsciiLetter(char c) { return static_cast<unsigned char>((c | 0x20) - 'a') < 26; }
constexpr bool IsAsciiDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }
bool IsSpace(char c) { return c == ' ' || static_cast<unsigned char>(c - '\t') < 5; }  // \t to \r
char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Identifier bytes, by table: the splitter tests one per byte of every word.
struct IdentClasses {
  bool start[256] = {};
  bool next[256] = {};
  constexpr IdentClasses() {
    for (int b = 0; b < 256; ++b) {
      const char c = static_cast<char>(b);
      start[b] = IsAsciiLetter(c) || c == '_' || b >= 0x80;
      next[b] = start[b] || IsAsciiDigit(c) || c == '$';
    }
  }
};
constexpr IdentClasses kIdent;

bool IsIdentStart(char c) { return kIdent.start[static_cast<unsigned char>(c)]; }
bool IsIdentContinue(char c) { return kIdent.next[static_cast<unsigned char>(c)]; }
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != b[i]) return false;
  }
  return true;
}

// Tracks, as psql does, whether a statement is `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, whose
// `BEGIN ATOMIC ... END` body may contain semicolons that do not end the statement.
class BeginAtomicTracker {
 public:
  void Reset() { word_count_ = 0, is_routine_ = false, depth_ = 0; }
  int depth() const { return depth_; }

  void OnWord(std::string_view word, int paren_depth) {
    if (word_count_ < 4) prefix_[word_count_] = Classify(word);
    ++word_count_;
    if (word_count_ <= 4 && !is_routine_) {
      is_routine_ = prefix_[0] == 'c' &&
                    (IsRoutine(1) || (prefix_[1] == 'o' && prefix_[2] == 'r' && IsRoutine(3)));
      return;
    }
    if (!is_routine_ || paren_depth != 0) return;
    if (EqualsIgnoreCase(word, "begin")) {
      ++depth_;
    } else if (EqualsIgnoreCase(word, "case")) {
      if (depth_ > 0) ++depth_;  // CASE also ends with END, but only matters inside a body
    } else if (EqualsIgnoreCase(word, "end")) {
      if (depth_ > 0) --depth_;
    }
  }

 private:
  static char Classify(std::string_view word) {
    if (EqualsIgnoreCase(word, "create")) return 'c';
    if (EqualsIgnoreCase(word, "or")) return 'o';
    if (EqualsIgnoreCase(word, "replace")) return 'r';
    if (EqualsIgnoreCase(word, "function") || EqualsIgnoreCase(word, "procedure")) return 'f';
    return '?';
  }
  bool IsRoutine(int index) const { return index < word_count_ && prefix_[index] == 'f'; }

  char prefix_[4] = {};
  int word_count_ = 0;
  bool is_routine_ = false;
  int depth_ = 0;
};

// How long a run of operators an expression has: `a || b || c ...`, casts, `IS NULL`, set
// operations and joins each nest the parse tree one level deeper without parentheses (which the
// parser's own stack limits), and libpg_query recurses once per level when it prints the tree.
// Commas, AND, OR and CASE arms start a new run: lists and flattened AND/OR do not nest. The count
// errs high (every operator character counts), never low.
// Bytes the tracker looks at, by table: it sees every byte and word of every statement.
struct ChainByteClasses {
  bool operator_char[256] = {};
  bool word_start[256] = {};  // the first letters of the words Classify knows, either case
  constexpr ChainByteClasses() {
    for (const char c : std::string_view("+-*/<>=~!@#%^&|`?:")) operator_char[static_cast<unsigned char>(c)] = true;
    for (const char c : std::string_view("abceijlnostuw")) {
      word_start[static_cast<unsigned char>(c)] = true;
      word_start[static_cast<unsigned char>(c - 'a' + 'A')] = true;
    }
  }
};
constexpr ChainByteClasses kByteClasses;

class OperatorChainTracker {
 public:
  void Reset() { levels_.assign(1, Level{}), longest_ = 0; }
  std::size_t longest() const { return longest_; }

  void OnChar(char c) {
    switch (c) {
      case '(':
      case '[':
        levels_.push_back(Level{});
        return;
      case ')':
      case ']':
        if (levels_.size() > 1) levels_.pop_back();
        return;
      case ',':
        levels_.back().operators = 0;
        return;
      default:
        if (kByteClasses.operator_char[static_cast<unsigned char>(c)]) Link(false);
    }
  }

  void OnWord(std::string_view word) {
    if (word.size() < 2 || word.size() > 9 || !kByteClasses.word_start[static_cast<unsigned char>(word[0])]) {
      return;
    }
    char buffer[9];
    for (std::size_t i = 0; i < word.size(); ++i) buffer[i] = ToLower(word[i]);
    switch (Classify(std::string_view(buffer, word.size()))) {
      case WordRole::kOperator:
        return Link(false);
      case WordRole::kStructural:
        return Link(true);
      case WordRole::kBoundary:
        levels_.back().operators = 0;
        return;
      case WordRole::kNone:
        return;
    }
  }

 private:
  enum class WordRole { kNone, kOperator, kStructural, kBoundary };

  // Operators (IS, LIKE, BETWEEN, ...), set operations and joins, and the words that start a new
  // run (AND, OR, CASE arms); by length first, since the splitter asks for every word.
  static WordRole Classify(std::string_view w) {
    using R = WordRole;
    switch (w.size()) {
      case 2:
        return w == "is" || w == "in" || w == "at" ? R::kOperator : w == "or" ? R::kBoundary : R::kNone;
      case 3:
        return w == "and" ? R::kBoundary : R::kNone;
      case 4:
        if (w == "like") return R::kOperator;
        if (w == "join") return R::kStructural;
        return w == "when" || w == "then" || w == "else" ? R::kBoundary : R::kNone;
      case 5:
        return w == "ilike" ? R::kOperator : w == "union" ? R::kStructural : R::kNone;
      case 6:
        return w == "isnull" ? R::kOperator : w == "except" ? R::kStructural : R::kNone;
      case 7:
        return w == "similar" || w == "between" || w == "collate" || w == "notnull" ? R::kOperator
                                                                                     : R::kNone;
      case 8:
        return w == "operator" || w == "overlaps" ? R::kOperator : R::kNone;
      case 9:
        return w == "intersect" ? R::kStructural : R::kNone;
      default:
        return R::kNone;
    }
  }

  struct Level {
    std::size_t operators = 0;   // since the last comma or boundary
    std::size_t structural = 0;  // set operations and joins, for the whole level
  };

  void Link(bool structural) {
    Level& level = levels_.back();
    ++(structural ? level.structural : level.operators);
    longest_ = std::max(longest_, level.operators + level.structural);
  }

  std::vector<Level> levels_{1};
  std::size_t longest_ = 0;
};

class Splitter {
 public:
  explicit Splitter(std::string_view text) : text_(text) {}

  SplitResult Run() {
    while (pos_ < text_.size()) Step();
    FinishStatement(false);
    return std::move(result_);
  }

 private:
  char At(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  void Step() {
    const char c = text_[pos_];
    if (IsSpace(c)) {
      ++pos_;
    } else if (c == '-' && At(pos_ + 1) == '-') {
      LineComment();
    } else if (c == '/' && At(pos_ + 1) == '*') {
      BlockComment();
    } else if (c == '\\') {
      MetaCommand();
    } else if (c == ';') {
      if (paren_depth_ == 0 && atomic_.depth() == 0) {
        ++pos_;
        FinishStatement(true);
      } else {
        MarkToken(pos_, pos_ + 1);
        current_.inner_semicolons.push_back(pos_++);
      }
    } else {
      Token();
    }
  }

  void Token() {
    const std::size_t start = pos_;
    const char c = text_[pos_];
    if (c == '\'') {
      QuotedString(IsEscapeStringPrefix(start));
    } else if (c == '"') {
      QuotedIdentifier();
    } else if (c == '$' && TryDollarQuote()) {
      // consumed
    } else if (IsIdentStart(c)) {
      while (pos_ < text_.size() && IsIdentContinue(text_[pos_])) ++pos_;
      // A string prefix such as E'...' or U&'...' continues into the quoted part.
      if (pos_ < text_.size() && text_[pos_] == '\'' ) {
        QuotedString(IsEscapeStringPrefix(pos_));
      } else {
        atomic_.OnWord(text_.substr(start, pos_ - start), paren_depth_);
        chain_.OnWord(text_.substr(start, pos_ - start));
      }
    } else {
      if (c == '(') ++paren_depth_;
      if (c == ')' && paren_depth_ > 0) --paren_depth_;
      chain_.OnChar(c);
      ++pos_;
    }
    MarkToken(start, pos_);
  }

  // E'...' strings take backslash escapes; standard strings do not.
  bool IsEscapeStringPrefix(std::size_t quote) const {
    if (quote == 0) return false;
    const char p = text_[quote - 1];
    if (p != 'e' && p != 'E') return false;
    return quote < 2 || !IsIdentContinue(text_[quote - 2]);
  }

  void QuotedString(bool backslash_escapes) {
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (backslash_escapes && c == '\\') {
        pos_ += 2;
      } else if (c == '\'') {
        if (At(pos_ + 1) == '\'') {
          pos_ += 2;
        } else {
          ++pos_;
          return;
        }
      } else {
        ++pos_;
      }
    }
    pos_ = text_.size();  // unterminated: the parser reports it
  }

  void QuotedIdentifier() {
    ++pos_;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '"') {
        if (At(pos_ + 1) != '"') {
          ++pos_;
          return;
        }
        ++pos_;
      }
      ++pos_;
    }
  }

  // `$tag$ ... $tag$`. A `$` that follows an identifier character, or starts a `$1` parameter,
  // is not a quote.
  bool TryDollarQuote() {
    if (pos_ > 0 && IsIdentContinue(text_[pos_ - 1])) return false;
    std::size_t end = pos_ + 1;
    if (end < text_.size() && IsIdentStart(text_[end]) ) {
      while (end < text_.size() && IsIdentContinue(text_[end]) && text_[end] != '$') ++end;
    }
    if (At(end) != '$') return false;
    const std::string_view tag = text_.substr(pos_, end - pos_ + 1);
    const std::size_t close = text_.find(tag, end + 1);
    pos_ = close == std::string_view::npos ? text_.size() : close + tag.size();
    return true;
  }

  void LineComment() {
    const std::size_t start = pos_;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    pos_ = end;
    result_.comments.push_back({{start, end}, text_.substr(start + 2, end - start - 2), true});
  }

  void BlockComment() {
    const std::size_t start = pos_;
    int depth = 0;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '/' && At(pos_ + 1) == '*') {
        ++depth, pos_ += 2;
      } else if (text_[pos_] == '*' && At(pos_ + 1) == '/') {
        pos_ += 2;
        if (--depth == 0) break;
      } else {
        ++pos_;
      }
    }
    const bool closed = depth == 0;
    const std::size_t body_end = closed ? pos_ - 2 : pos_;
    result_.comments.push_back(
        {{start, pos_}, text_.substr(start + 2, body_end - (start + 2)), false});
  }

  // A psql meta-command runs to the end of its line. `\g` and its variants also send the query.
  void MetaCommand() {
    const std::size_t start = pos_;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    pos_ = end;
    result_.meta_commands.push_back({start, end});
    if (At(start + 1) == 'g') FinishStatement(false);
  }

  void MarkToken(std::size_t begin, std::size_t end) {
    if (!in_statement_) {
      in_statement_ = true;
      current_.span.begin = begin;
    }
    current_.span.end = end;
  }

  void FinishStatement(bool has_semicolon) {
    if (in_statement_) {
      current_.has_semicolon = has_semicolon;
      current_.operator_chain = chain_.longest();
      current_.terminator_end = has_semicolon ? pos_ : current_.span.end;
      result_.statements.push_back(std::move(current_));
    }
    current_ = RawStatement{};
    in_statement_ = false;
    paren_depth_ = 0;
    atomic_.Reset();
    chain_.Reset();
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  SplitResult result_;
  RawStatement current_;
  bool in_statement_ = false;
  int paren_depth_ = 0;
  BeginAtomicTracker atomic_;
  OperatorChainTracker chain_;
};

}  // namespace

SplitResult SplitStatements(std::string_view text) { return Splitter(text).Run(); }

}  // namespace pgshift::parser
