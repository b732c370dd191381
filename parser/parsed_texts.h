// Texts parsed before they were needed (workspace/parse_ahead.h parses a history's next files on
// otherwise idle threads). Whoever is about to parse a text asks here first, and parses it itself
// when it is not found: a parse is found only for the same bytes under the same limits, so what it
// yields is exactly what parsing the text there and then would.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/limits.h"
#include "parser/parsed_file.h"

namespace pgshift::parser {

class ParsedTexts {
 public:
  // Parses `text` with `limits` (on a large stack) unless that text is here already. Text that is
  // not SQL text (ValidateText) is not parsed: its callers refuse it before parsing.
  void Add(std::string text, const ParseLimits& limits);
  // The parse of `text` with `limits`, or null. It refers to this object's copy of the text (the
  // same bytes), and lives as long as this object.
  const ParsedFile* Find(std::string_view text, const ParseLimits& limits) const;
  std::size_t size() const { return entries_.size(); }
  // How many times Find has found a parse (not for two threads at once).
  std::size_t found() const { return found_; }
  // What the texts and their parses hold.
  std::size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    std::string text;  // the file's statements view it: it never moves
    ParseLimits limits;
    ParsedFile file;
  };
  std::vector<std::unique_ptr<const Entry>> entries_;
  std::size_t bytes_ = 0;
  mutable std::size_t found_ = 0;
};

// `parsed`'s parse of `text` when it has one, else the text parsed here (ParseSql) into `own`.
const ParsedFile& ParsedOrParse(const ParsedTexts* parsed, std::string_view text,
                                const ParseLimits& limits, std::optional<ParsedFile>& own);

}  // namespace pgshift::parser
