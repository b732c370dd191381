// The machine format; its schema is documented in docs/json-output.md and kept stable.
//
// Written finding by finding instead of built as one nlohmann::json document: the document held
// every finding twice more and printing it took a sixth of a lint run. The text is exactly what
// nlohmann::json's dump(2, ' ', false, error_handler_t::replace) prints for that document (keys
// in alphabetical order, two-space indent, the same escapes, bytes that are not UTF-8 replaced
// by U+FFFD); render_test holds it to that.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cli/render/output_buffer.h"
#include "cli/render/renderer.h"

namespace pgshift::cli {
namespace {

// JSON text of the report, appended to a string.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& buffer) : buffer_(buffer) {}

  JsonWriter& Raw(std::string_view text) {
    buffer_ += text;
    return *this;
  }
  JsonWriter& Number(long long value) {
    char digits[24];
    buffer_.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
    return *this;
  }
  JsonWriter& String(std::string_view text) { return Quote().Escaped(text).Quote(); }
  // A rule's RuleDocUrl, without making the string.
  JsonWriter& DocUrl(std::string_view rule) {
    return Quote().Escaped(RuleDocBase()).Escaped(rule).Quote();
  }
  // `"key": ` at the given depth, after a line break. Keys are this file's own plain names,
  // which need no escaping.
  JsonWriter& Key(int depth, std::string_view key) {
    // Made in place at once: piece by piece cost more than the key's text.
    const auto indent = static_cast<std::size_t>(2 * depth);
    const std::size_t at = buffer_.size();
    buffer_.resize(at + indent + key.size() + 5);
    char* out = buffer_.data() + at;
    *out++ = '\n';
    out = std::fill_n(out, indent, ' ');
    *out++ = '"';
    out = std::copy(key.begin(), key.end(), out);
    std::memcpy(out, "\": ", 3);
    return *this;
  }

 private:
  JsonWriter& Quote() {
    buffer_ += '"';
    return *this;
  }
  // `text` as it goes between quotes. Pieces of one string may be escaped one after the other
  // when none ends inside a UTF-8 sequence.
  JsonWriter& Escaped(std::string_view text);

  std::string& buffer_;
};

// Printable ASCII but for '"' and '\\': goes in as it is.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// Where the run of bytes from `begin` that go in unchanged ends: sixteen bytes at a time where
// SSE2 is there (every x86-64), else byte by byte.
std::size_t PlainRunEnd(std::string_view text, std::size_t begin) {
  std::size_t end = begin;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                backslash = _mm_set1_epi8('\\');
  while (end + 16 <= text.size()) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + end));
    // A signed compare: below 0x20 takes in the control bytes and 0x80 and up alike.
    const __m128i care =
        _mm_or_si128(_mm_cmplt_epi8(bytes, space),
                     _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)));
    if (const int mask = _mm_movemask_epi8(care); mask != 0) return end + __builtin_ctz(mask);
    end += 16;
  }
#endif
  while (end < text.size() && kPlain[static_cast<unsigned char>(text[end])]) ++end;
  return end;
}

// How a UTF-8 sequence may continue after lead byte `c`: the number of continuation bytes (0 when
// `c` cannot lead one) and the range of the first, which rules out overlong forms, surrogates
// and values past U+10FFFF.
struct Lead {
  int continuation = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
};
Lead LeadOf(unsigned char c) {
  if (c >= 0xC2 && c <= 0xDF) return {1};
  if (c == 0xE0) return {2, 0xA0, 0xBF};
  if (c == 0xED) return {2, 0x80, 0x9F};
  if (c >= 0xE1 && c <= 0xEF) return {2};
  if (c == 0xF0) return {3, 0x90, 0xBF};
  if (c >= 0xF1 && c <= 0xF3) return {3};
  if (c == 0xF4) return {3, 0x80, 0x8F};
  return {};
}

JsonWriter& JsonWriter::Escaped(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < text.size()) {
    // Printable ASCII, the bulk of every report, goes in as a run.
    const std::size_t plain = PlainRunEnd(text, i);
    buffer_.append(text.substr(i, plain - i));
    if ((i = plain) == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          buffer_ += "\\\"";
          break;
        case '\\':
          buffer_ += "\\\\";
          break;
        case '\b':
          buffer_ += "\\b";
          break;
        case '\f':
          buffer_ += "\\f";
          break;
        case '\n':
          buffer_ += "\\n";
          break;
        case '\r':
          buffer_ += "\\r";
          break;
        case '\t':
          buffer_ += "\\t";
          break;
        default:
          if (c < 0x20) {
            buffer_ += "\\u00";
            buffer_ += kHex[c >> 4];
            buffer_ += kHex[c & 0xF];
          } else {
            buffer_ += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const Lead lead = LeadOf(c);
    std::size_t end = i + 1;
    for (int n = 0; n < lead.continuation && end < text.size(); ++n, ++end) {
      const auto next = static_cast<unsigned char>(text[end]);
      if (next < (n == 0 ? lead.low : 0x80) || next > (n == 0 ? lead.high : 0xBF)) break;
    }
    if (lead.continuation > 0 && end == i + 1 + lead.continuation) {
      buffer_.append(text.substr(i, end - i));
    } else {
      // Not UTF-8: one U+FFFD for the broken sequence, and the byte that broke it (if it is
      // not the lead) is read again, as nlohmann::json's replace handler does.
      buffer_ += "\xEF\xBF\xBD";
    }
    i = end;
  }
  return *this;
}


// The findings' array is written as the files come; the totals and the unreadable inputs, which
// follow it, at the end.
class JsonReportWriter : public ReportWriter {
 public:
  explicit JsonReportWriter(std::ostream& out) : out_(out) {
    JsonWriter(out_.text()).Raw("{").Key(1, "findings");
  }

  // Each finding after a comma; the array's first takes the bracket in its place (Write).
  std::string Part(const LintedFile& file) const override {
    // Made at its size at once, where growing it copied it a dozen times over.
    std::size_t size = 0;
    for (const rules::Finding& f : file.report.findings) {
      size += kFindingFrame + f.message.size() + f.help.size() + f.lock.size() + f.file.size() +
              2 * f.rule.size();
      for (const rules::Edit& edit : f.fix) size += kEditFrame + edit.replacement.size();
    }
    std::string part;
    part.reserve(size + size / 16);  // and room for escapes
    JsonWriter json(part);
    for (const rules::Finding& f : file.report.findings) Finding(json, f);
    return part;
  }
  void Write(const FileFacts& facts, std::string_view part) override {
    totals_.Add(facts.totals);
    if (facts.unreadable) unreadable_.push_back({facts.path, *facts.unreadable});
    if (part.empty()) return;
    if (first_) {
      out_.text() += '[';
      part.remove_prefix(1);
      first_ = false;
    }
    out_.text() += part;
    out_.Spill();
  }
  void Finish() override;

 private:
  static void Finding(JsonWriter& json, const rules::Finding& f);
  // About what a finding's (and a fix edit's) keys, numbers and the docs' address take.
  static constexpr std::size_t kFindingFrame = 320 + 80, kEditFrame = 90;

  OutputBuffer out_;
  bool first_ = true;
  Totals totals_;
  std::vector<std::pair<std::string, std::string>> unreadable_;  // path, message
};

void JsonReportWriter::Finding(JsonWriter& json, const rules::Finding& f) {
  json.Raw(",\n    {");
  json.Key(3, "column").Number(f.start.column).Raw(",");
  json.Key(3, "docs").DocUrl(f.rule).Raw(",");
  json.Key(3, "end_column").Number(f.end.column).Raw(",");
  json.Key(3, "end_line").Number(f.end.line).Raw(",");
  json.Key(3, "file").String(f.file).Raw(",");
  json.Key(3, "fix").Raw("[");
  for (std::size_t i = 0; i < f.fix.size(); ++i) {
    const rules::Edit& edit = f.fix[i];
    json.Raw(i == 0 ? "\n        {" : ",\n        {");
    json.Key(5, "begin").Number(static_cast<long long>(edit.span.begin)).Raw(",");
    json.Key(5, "end").Number(static_cast<long long>(edit.span.end)).Raw(",");
    json.Key(5, "replacement").String(edit.replacement).Raw("\n        }");
  }
  json.Raw(f.fix.empty() ? "]," : "\n      ],");
  json.Key(3, "help").String(f.help).Raw(",");
  json.Key(3, "line").Number(f.start.line).Raw(",");
  json.Key(3, "lock").String(f.lock).Raw(",");
  json.Key(3, "message").String(f.message).Raw(",");
  json.Key(3, "rule").String(f.rule).Raw(",");
  json.Key(3, "severity").String(rules::SeverityName(f.severity)).Raw("\n    }");
}

void JsonReportWriter::Finish() {
  JsonWriter json(out_.text());
  json.Raw(first_ ? "[]," : "\n  ],");

  const Totals& t = totals_;
  json.Key(1, "summary").Raw("{");
  json.Key(2, "errors").Number(t.errors).Raw(",");
  json.Key(2, "files").Number(t.files).Raw(",");
  json.Key(2, "infos").Number(t.infos).Raw(",");
  json.Key(2, "statements").Number(t.statements).Raw(",");
  json.Key(2, "unreadable").Number(t.unreadable).Raw(",");
  json.Key(2, "warnings").Number(t.warnings).Raw("\n  },");

  json.Key(1, "unreadable");
  bool first = true;
  for (const auto& [path, message] : unreadable_) {
    json.Raw(first ? "[\n    {" : ",\n    {");
    first = false;
    json.Key(3, "file").String(path).Raw(",");
    json.Key(3, "message").String(message).Raw("\n    }");
  }
  json.Raw(first ? "[]," : "\n  ],");
  json.Key(1, "version").Number(1).Raw("\n}\n");
  out_.Flush();
}

}  // namespace

std::unique_ptr<ReportWriter> MakeJsonWriter(std::ostream& out) {
  return std::make_unique<JsonReportWriter>(out);
}

}  // namespace pgshift::cli
