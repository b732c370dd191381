#include "parser/plain_json.h"

#include <string>

namespace pgshift::parser {
namespace {

// Every rule here accepts only what JSON (RFC 8259) accepts and nlohmann reads to the same
// events; the rest declines.
class PlainJsonReader {
 public:
  PlainJsonReader(std::string_view text, nlohmann::json_sax<nlohmann::json>& sax)
      : pos_(text.data()), end_(text.data() + text.size()), sax_(sax) {}

  bool Run() {
    SkipSpace();
    if (!Value(0)) return false;
    SkipSpace();
    return pos_ == end_;
  }

 private:
  static constexpr int kMaxDepth = 512;  // deeper values are left to nlohmann's iterative parser

  void SkipSpace() {
    while (pos_ < end_ && (*pos_ == ' ' || *pos_ == '\n' || *pos_ == '\t' || *pos_ == '\r')) ++pos_;
  }

  bool Value(int depth) {
    if (pos_ == end_ || depth > kMaxDepth) return false;
    switch (*pos_) {
      case '{':
        return Object(depth);
      case '[':
        return Array(depth);
      case '"':
        ++pos_;
        return String(buffer_) && sax_.string(buffer_);
      case 't':
        return Word("true") && sax_.boolean(true);
      case 'f':
        return Word("false") && sax_.boolean(false);
      case 'n':
        return Word("null") && sax_.null();
      default:
        return Integer();
    }
  }

  bool Object(int depth) {
    ++pos_;
    if (!sax_.start_object(static_cast<std::size_t>(-1))) return false;
    SkipSpace();
    if (pos_ < end_ && *pos_ == '}') {
      ++pos_;
      return sax_.end_object();
    }
    while (true) {
      if (pos_ == end_ || *pos_ != '"') return false;
      ++pos_;
      if (!String(buffer_) || !sax_.key(buffer_)) return false;
      SkipSpace();
      if (pos_ == end_ || *pos_ != ':') return false;
      ++pos_;
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (pos_ == end_) return false;
      if (*pos_ == '}') {
        ++pos_;
        return sax_.end_object();
      }
      if (*pos_ != ',') return false;
      ++pos_;
      SkipSpace();
    }
  }

  bool Array(int depth) {
    ++pos_;
    if (!sax_.start_array(static_cast<std::size_t>(-1))) return false;
    SkipSpace();
    if (pos_ < end_ && *pos_ == ']') {
      ++pos_;
      return sax_.end_array();
    }
    while (true) {
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (pos_ == end_) return false;
      if (*pos_ == ']') {
        ++pos_;
        return sax_.end_array();
      }
      if (*pos_ != ',') return false;
      ++pos_;
      SkipSpace();
    }
  }

  // After the opening quote: printable ASCII and the short escapes only.
  bool String(std::string& out) {
    out.clear();
    const char* run = pos_;
    while (pos_ < end_) {
      const auto c = static_cast<unsigned char>(*pos_);
      if (c == '"') {
        out.append(run, pos_);
        ++pos_;
        return true;
      }
      if (c < 0x20 || c >= 0x80) return false;
      if (c == '\\') {
        out.append(run, pos_);
        if (++pos_ == end_) return false;
        switch (*pos_) {
          case '"':
          case '\\':
          case '/':
            out += *pos_;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          default:  // \u and anything invalid
            return false;
        }
        run = ++pos_;
        continue;
      }
      ++pos_;
    }
    return false;
  }

  bool Word(std::string_view word) {
    if (static_cast<std::size_t>(end_ - pos_) < word.size() ||
        std::string_view(pos_, word.size()) != word) {
      return false;
    }
    pos_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]{0,8}), not followed by a fraction, an exponent or more digits.
  bool Integer() {
    const bool negative = *pos_ == '-';
    if (negative) ++pos_;
    const char* digits = pos_;
    int64_t value = 0;
    while (pos_ < end_ && *pos_ >= '0' && *pos_ <= '9') value = value * 10 + (*pos_++ - '0');
    const std::size_t count = pos_ - digits;
    if (count == 0 || count > 9 || (count > 1 && *digits == '0')) return false;
    if (pos_ < end_ && (*pos_ == '.' || *pos_ == 'e' || *pos_ == 'E')) return false;
    if (negative) return sax_.number_integer(-value);
    return sax_.number_unsigned(static_cast<uint64_t>(value));
  }

  const char* pos_;
  const char* end_;
  nlohmann::json_sax<nlohmann::json>& sax_;
  std::string buffer_;  // the last string or key read
};

}  // namespace

bool ReadPlainJson(std::string_view text, nlohmann::json_sax<nlohmann::json>& sax) {
  return PlainJsonReader(text, sax).Run();
}

}  // namespace pgshift::parser
