// Application source as evidence readers see it: which language a file is in, whether it is
// application code at all (not generated, vendored, a test, a dump or too large to be hand
// written), and its text with the comments blanked out and its string literals listed. Blanking
// keeps every byte where it was, so offsets and line numbers stay those of the file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::rules::evidence {

enum class Language {
  kOther,     // not read: documentation, data, images, styles, configuration
  kCLike,     // Go, JavaScript, TypeScript, Java, Kotlin, C#, Rust, Swift, Scala, PHP, Dart, C++
  kPython,
  kRuby,
  kElixir,
  kSql,       // SQL that is not a migration: queries (sqlc), views, functions
  kPrisma,
  kTemplate,  // ERB, HAML, Slim, Jinja, Handlebars: words only
};

Language LanguageOf(std::string_view path);

// Why a file is not read as application code; kCode when it is.
enum class FileClass {
  kCode,
  kNotCode,     // a language pgshift does not read (see Language::kOther)
  kGenerated,   // "Code generated ... DO NOT EDIT", "@generated", *.pb.go, a schema dump
  kVendored,    // vendor/, node_modules/, third_party/
  kTest,        // tests, specs, fixtures, test data, Storybook stories: not run in production
  kMigration,   // another tool's migrations or seeds (db/migrate/*.rb, */migrations/*.py)
  kHuge,        // larger than kMaxEvidenceBytes
  kMinified,    // *.min.js, or lines thousands of bytes long
  kBinary,      // a NUL byte near the start
};

inline constexpr std::size_t kMaxEvidenceBytes = 512 * 1024;

FileClass ClassifyFile(std::string_view path, std::string_view text);
std::string_view FileClassName(FileClass file_class);  // "generated", "vendored", ...

struct StringLiteral {
  std::string text;    // the contents, quotes removed and \" \' \\ unescaped; adjacent
                       // literals joined by + (or nothing) are one
  int line = 0;        // of its opening quote
  std::string callee;  // when it is a call's first argument, the function: Table("users")
  std::string key;     // when it is assigned or passed by name, the name: table: "users"
};

struct CodeText {
  std::string path;
  Language language = Language::kOther;
  std::string code;  // the file with comments replaced by spaces (newlines kept)
  std::vector<StringLiteral> strings;
  std::vector<std::size_t> line_starts;

  // 1-based line of a byte offset in `code`.
  int LineOf(std::size_t offset) const;
};

CodeText ReadCode(std::string_view path, std::string_view text);

// Whether a byte can be part of an identifier (ASCII letters, digits, '_', any non-ASCII byte).
inline bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

}  // namespace pgshift::rules::evidence
