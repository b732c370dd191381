#include "parser/parsed_texts.h"

#include <optional>

#include "parser/source_text.h"

namespace pgshift::parser {

void ParsedTexts::Add(std::string text, const ParseLimits& limits) {
  if (Find(text, limits) != nullptr || ValidateText(text)) return;
  auto entry = std::make_unique<Entry>();
  entry->text = std::move(text);
  entry->limits = limits;
  entry->file = ParseSql(entry->text, limits);
  bytes_ += entry->text.size() + entry->file.arena->bytes() + entry->file.tree_bytes +
            entry->file.statements.size() * kStatementOverhead;
  entries_.push_back(std::move(entry));
}

const ParsedFile* ParsedTexts::Find(std::string_view text, const ParseLimits& limits) const {
  for (const auto& entry : entries_) {
    if (entry->limits.memory == limits.memory && entry->text == text) {
      ++found_;
      return &entry->file;
    }
  }
  return nullptr;
}

const ParsedFile& ParsedOrParse(const ParsedTexts* parsed, std::string_view text,
                                const ParseLimits& limits, std::optional<ParsedFile>& own) {
  if (parsed != nullptr) {
    if (const ParsedFile* found = parsed->Find(text, limits)) return *found;
  }
  return own.emplace(ParseSql(text, limits));
}

}  // namespace pgshift::parser
