// The *.sql files under a folder, each with its text: what the parser tests compare route by
// route over the fixtures, the examples and a corpus.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pgshift::testing {

struct SqlFile {
  std::filesystem::path path;
  std::string text;
};

// Every *.sql file under `root`, in the order the folder walk gives them.
std::vector<SqlFile> SqlFilesUnder(const std::filesystem::path& root);

}  // namespace pgshift::testing
