// The machine format; its schema is documented in docs/json-output.md and kept stable.
//
// Written finding by finding instead of built as one nlohmann::json document: the document held
// every finding twice more and printing it took a sixth of a lint run. The text is exactly what
// nlohmann::json's dump(2, ' ', false, error_handler_t::replace) prints for that document (keys
// in alphabetical order, two-space indent, the same escapes, bytes that are not UTF-8 replaced
// by U+FFFD); render_test holds it to that.
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "cli/render/renderer.h"

namespace pgshift::cli {
namespace {

// Collects the text and hands it to the stream in large pieces.
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) { buffer_.reserve(kFlushAt + 4096); }
  ~JsonWriter() { Flush(); }

  JsonWriter& Raw(std::string_view text) {
    buffer_ += text;
    return Spill();
  }
  JsonWriter& Number(long long value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    buffer_.append(digits, end);
    return Spill();
  }
  JsonWriter& String(std::string_view text) { return Quote().Escaped(text).Quote(); }
  // A rule's RuleDocUrl, without making the string.
  JsonWriter& DocUrl(std::string_view rule) {
    return Quote().Escaped(RuleDocBase()).Escaped(rule).Quote();
  }
  // `"key": ` at the given depth, after a line break. Keys are this file's own plain names,
  // which need no escaping.
  JsonWriter& Key(int depth, std::string_view key) {
    buffer_ += '\n';
    buffer_.append(static_cast<std::size_t>(2 * depth), ' ');
    buffer_ += '"';
    buffer_ += key;
    buffer_ += "\": ";
    return *this;
  }

 private:
  static constexpr std::size_t kFlushAt = 1 << 16;
  JsonWriter& Quote() {
    buffer_ += '"';
    return *this;
  }
  // `text` as it goes between quotes. Pieces of one string may be escaped one after the other
  // when none ends inside a UTF-8 sequence.
  JsonWriter& Escaped(std::string_view text);
  JsonWriter& Spill() {
    if (buffer_.size() > kFlushAt) Flush();
    return *this;
  }
  void Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

  std::ostream& out_;
  std::string buffer_;
};

// Whether any of the eight bytes of `word` is below 0x20, 0x80 or above, '"' or '\\': then
// the run of bytes that go in unchanged ends among them. Never false when one is; rarely true
// when none is (the byte by byte check then decides).
bool AnyNeedsCare(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  const auto has_zero = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return ((word - kOnes * 0x20) & ~word & kHigh) | (word & kHigh) |
         has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'));
}

// Printable ASCII but for '"' and '\\': goes in as it is.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

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
    // Printable ASCII, the bulk of every report, goes in as a run, found eight bytes at a time.
    std::size_t plain = i;
    std::uint64_t word;
    while (plain + 8 <= text.size()) {
      std::memcpy(&word, text.data() + plain, 8);
      if (AnyNeedsCare(word)) break;
      plain += 8;
    }
    while (plain < text.size() && kPlain[static_cast<unsigned char>(text[plain])]) ++plain;
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
  return Spill();
}

}  // namespace

void RenderJson(const std::vector<LintedFile>& files, std::ostream& out) {
  JsonWriter json(out);
  json.Raw("{").Key(1, "findings");
  bool first = true;
  for (const LintedFile& file : files) {
    for (const rules::Finding& f : file.report.findings) {
      json.Raw(first ? "[\n    {" : ",\n    {");
      first = false;
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
  }
  json.Raw(first ? "[]," : "\n  ],");

  const Totals t = CountTotals(files);
  json.Key(1, "summary").Raw("{");
  json.Key(2, "errors").Number(t.errors).Raw(",");
  json.Key(2, "files").Number(t.files).Raw(",");
  json.Key(2, "infos").Number(t.infos).Raw(",");
  json.Key(2, "statements").Number(t.statements).Raw(",");
  json.Key(2, "unreadable").Number(t.unreadable).Raw(",");
  json.Key(2, "warnings").Number(t.warnings).Raw("\n  },");

  json.Key(1, "unreadable");
  first = true;
  for (const LintedFile& file : files) {
    if (!file.report.unreadable) continue;
    json.Raw(first ? "[\n    {" : ",\n    {");
    first = false;
    json.Key(3, "file").String(file.report.path).Raw(",");
    json.Key(3, "message").String(*file.report.unreadable).Raw("\n    }");
  }
  json.Raw(first ? "[]," : "\n  ],");
  json.Key(1, "version").Number(1).Raw("\n}\n");
}

}  // namespace pgshift::cli
