// Which identifiers the application code uses, and where: built once per release from the code
// at its head, read by rules that ask whether a dropped or renamed name is still in use.
//
// A word is a maximal run of ASCII letters, digits and underscores (and any non-ASCII byte), so
// `users` does not match `users_old` and `legacy_flag` matches in `row["legacy_flag"]`,
// `users.legacy_flag` and `:legacy_flag`. A name with upper-case letters can only come from a
// quoted identifier and matches with its exact case; a lower-case name matches in any case, as
// unquoted SQL folds it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgshift::rules {

struct CodeReference {
  std::string file;  // relative to the directory the release is judged from
  int line = 0;      // 1-based
};

struct CodeMatches {
  std::vector<CodeReference> first;  // the first few, in file order
  std::size_t total = 0;             // every occurrence
};

class CodeIndex {
 public:
  // Indexes every word of one file.
  void AddFile(std::string path, std::string_view text);
  // Records a single use (for callers that know their references already).
  void AddReference(std::string_view identifier, std::string path, int line);

  CodeMatches Find(std::string_view identifier) const;
  std::size_t files() const { return files_.size(); }

  // How many references of one identifier are kept with their position.
  static constexpr std::size_t kKeptReferences = 3;

 private:
  struct Entry {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> first;  // (file, line)
    std::size_t total = 0;
  };
  // Lets a string_view find a key without building a string: most words are seen before.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  using Map = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;

  std::uint32_t FileId(std::string path);
  static void Record(Map& map, std::string_view word, std::uint32_t file, std::uint32_t line);

  std::vector<std::string> files_;
  Map exact_;   // as written, for words with capitals
  Map folded_;  // lower-cased
};

}  // namespace pgshift::rules
