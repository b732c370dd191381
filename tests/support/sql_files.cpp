#include "tests/support/sql_files.h"

#include <fstream>
#include <sstream>

namespace pgshift::testing {

std::vector<SqlFile> SqlFilesUnder(const std::filesystem::path& root) {
  std::vector<SqlFile> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    files.push_back({entry.path(), text.str()});
  }
  return files;
}

}  // namespace pgshift::testing
