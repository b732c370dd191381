#include "rules/history/code_index.h"

#include <algorithm>

namespace pgshift::rules {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

bool HasUpper(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::uint32_t CodeIndex::FileId(std::string path) {
  if (files_.empty() || files_.back() != path) files_.push_back(std::move(path));
  return static_cast<std::uint32_t>(files_.size() - 1);
}

void CodeIndex::Record(Map& map, std::string_view word, std::uint32_t file, std::uint32_t line) {
  auto it = map.find(word);
  if (it == map.end()) it = map.emplace(std::string(word), Entry{}).first;
  Entry& entry = it->second;
  ++entry.total;
  if (entry.first.size() < kKeptReferences) entry.first.emplace_back(file, line);
}

void CodeIndex::AddReference(std::string_view identifier, std::string path, int line) {
  const std::uint32_t file = FileId(std::move(path));
  if (HasUpper(identifier)) Record(exact_, identifier, file, static_cast<std::uint32_t>(line));
  Record(folded_, Lower(identifier), file, static_cast<std::uint32_t>(line));
}

void CodeIndex::AddFile(std::string path, std::string_view text) {
  const std::uint32_t file = FileId(std::move(path));
  std::uint32_t line = 1;
  std::size_t i = 0;
  std::string lower;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!IsWordByte(c)) {
      if (c == '\n') ++line;
      ++i;
      continue;
    }
    const std::size_t begin = i;
    bool digits_only = true, upper = false;
    for (; i < text.size() && IsWordByte(static_cast<unsigned char>(text[i])); ++i) {
      digits_only = digits_only && text[i] >= '0' && text[i] <= '9';
      upper = upper || (text[i] >= 'A' && text[i] <= 'Z');
    }
    // Numbers are never names; skipping them keeps the index small.
    if (digits_only) continue;
    const std::string_view word = text.substr(begin, i - begin);
    if (!upper) {  // only names with capitals are looked up by their exact spelling
      Record(folded_, word, file, line);
      continue;
    }
    Record(exact_, word, file, line);
    lower.assign(word);
    for (char& l : lower) {
      if (l >= 'A' && l <= 'Z') l = static_cast<char>(l - 'A' + 'a');
    }
    Record(folded_, lower, file, line);
  }
}

CodeMatches CodeIndex::Find(std::string_view identifier) const {
  const Map& map = HasUpper(identifier) ? exact_ : folded_;
  const auto it = map.find(identifier);
  CodeMatches matches;
  if (it == map.end()) return matches;
  matches.total = it->second.total;
  for (const auto& [file, line] : it->second.first) {
    matches.first.push_back({files_[file], static_cast<int>(line)});
  }
  return matches;
}

}  // namespace pgshift::rules
