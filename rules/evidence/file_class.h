// Which language a file is in, and whether it is application code, evidence of what the application uses: not generated,
// vendored, a test, another tool's migration, minified, binary or too large to be hand written.
#pragma once

#include <cstddef>
#include <string_view>

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

}  // namespace pgshift::rules::evidence
