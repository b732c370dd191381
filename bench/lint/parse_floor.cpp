// The floor under `pgshift lint`: reads every *.sql file under the given folders, splits each into
// statements with pgshift's splitter and parses each as pgshift does (parser/raw_tree.h:
// libpg_query's raw parse, the tree copied into the file's arena), then frees the file's trees. No
// rule runs, nothing is printed but a count. Files are shared among JOBS threads the way lint
// shares them (default: one per core).
//
//   pgshift_parse_floor [-j JOBS] FOLDER...
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "parser/arena.h"
#include "parser/raw_tree.h"
#include "parser/splitter.h"

namespace {

void* AllocateIn(void* arena, std::size_t size) {
  return static_cast<pgshift::parser::Arena*>(arena)->Allocate(size);
}

std::vector<std::string> SqlFiles(const std::vector<std::string>& folders) {
  std::vector<std::string> files;
  for (const std::string& folder : folders) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
      if (entry.is_regular_file() && entry.path().extension() == ".sql")
        files.push_back(entry.path().string());
    }
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> folders;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-j" && i + 1 < argc) {
      jobs = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (!arg.empty() && arg[0] == '-') {
      folders.clear();  // -h, --help, or an option it does not know: the usage
      break;
    } else if (!std::filesystem::is_directory(arg)) {
      std::fprintf(stderr, "pgshift_parse_floor: %s is not a folder\n", arg.c_str());
      return 2;
    } else {
      folders.push_back(arg);
    }
  }
  if (folders.empty()) {
    std::fprintf(stderr, "usage: pgshift_parse_floor [-j JOBS] FOLDER...\n");
    return 2;
  }
  const std::vector<std::string> files = SqlFiles(folders);
  std::atomic<std::size_t> next{0}, statements{0}, errors{0};
  auto work = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      std::ifstream in(files[i], std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      const std::string text = bytes.str();
      pgshift::parser::Arena arena(64 * 1024);  // as ParseSql's per file
      for (const auto& raw : pgshift::parser::SplitStatements(text).statements) {
        const std::string sql = text.substr(raw.span.begin, raw.span.size());
        PgshiftRawParse parse = pgshift_raw_parse(sql.c_str(), &AllocateIn, &arena, 1 << 30);
        if (parse.error != nullptr) ++errors;
        ++statements;
        pgshift_raw_parse_free(&parse);
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  std::printf("%zu files, %zu statements, %zu syntax errors\n", files.size(), statements.load(),
              errors.load());
  return 0;
}
