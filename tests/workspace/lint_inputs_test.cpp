// The files found under a folder are those, and in the order, std::filesystem would give: its
// recursive_directory_iterator finds them, and std::filesystem::path orders them (element by
// element), which PathLess reproduces on the paths' strings.
#include "workspace/lint_inputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace pgshift::workspace {
namespace {

// Paths as a walk of `root` gives them: the root, then elements joined by single slashes.
std::vector<std::string> Paths(const std::string& root) {
  std::vector<std::string> paths = {root + "/a",
                                    root + "/a-b",
                                    root + "/a/b",
                                    root + "/a.sql",
                                    root + "/a/b.sql",
                                    root + "/ab/c.sql",
                                    root + "/a b/c",
                                    root + "/A/b",
                                    root + "/a_/b",
                                    root + "/a0/b",
                                    root + "/\xc3\xa9t\xc3\xa9/up.sql",
                                    root + "/z/a",
                                    root + "/a/b/c/d.sql",
                                    root + "/2024-01-01_x/up.sql",
                                    root + "/2024-01-01/up.sql",
                                    root + "/2024-01-01.sql"};
  // And random ones over the characters that order around the slash.
  std::mt19937 random(7);
  const std::string alphabet = "-./0Aa_~\x7f\x80\xff";
  for (int n = 0; n < 400; ++n) {
    std::string path = root;
    const int elements = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < elements; ++e) {
      std::string element;
      const int length = 1 + static_cast<int>(random() % 3);
      for (int c = 0; c < length; ++c) {
        const char next = alphabet[random() % alphabet.size()];
        if (next != '/') element += next;
      }
      if (element.empty() || element == "." || element == "..") element += "x";
      path += "/" + element;
    }
    paths.push_back(path);
  }
  return paths;
}

TEST(PathLess, OrdersAsFilesystemPaths) {
  for (const std::string root : {"migrations", "/abs/olute", "./dot", "."}) {
    std::vector<std::string> paths = Paths(root);
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    for (const std::string& a : paths) {
      for (const std::string& b : paths) {
        EXPECT_EQ(PathLess(a, b), std::filesystem::path(a) < std::filesystem::path(b))
            << '"' << a << "\" < \"" << b << '"';
      }
    }
  }
}

// The *.sql files std::filesystem finds under `top`, as lint found them before: hidden folders
// skipped, links to files followed, links to folders not, in path order.
std::vector<std::string> FilesystemWalk(const std::string& top) {
  namespace fs = std::filesystem;
  std::vector<fs::path> found;
  fs::recursive_directory_iterator it(top, fs::directory_options::skip_permission_denied);
  for (; it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && it->path().filename().string().starts_with(".")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".sql") found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  for (const fs::path& path : found) paths.push_back(path.native());
  return paths;
}

std::vector<std::string> Collected(const std::string& top) {
  InputsResult result = CollectInputs({top}, "");
  EXPECT_TRUE(result.errors.empty()) << top;
  std::vector<std::string> paths;
  for (const LintInput& input : result.inputs) paths.push_back(input.path);
  return paths;
}

TEST(CollectInputs, FindsTheFilesStdFilesystemFinds) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("pgshift_inputs_" + std::to_string(getpid()));
  fs::remove_all(root);
  const auto file = [&](const std::string& name) {
    fs::create_directories((root / name).parent_path());
    std::ofstream(root / name) << "SELECT 1;\n";
  };
  for (const char* name :
       {"a.sql", "b.txt", "a.SQL", ".sql", "..sql", ".hidden.sql", "x.sql.bak", "sub/c.sql",
        "sub/deeper/d.sql", "sub/deeper/e.sql", ".git/f.sql", "sub/.cache/g.sql", "a b/h.sql",
        "2024-01-01_x/up.sql", "2024-01-01/up.sql", "2024-01-01.sql", "outside/o.sql"}) {
    file(name);
  }
  fs::create_directories(root / "empty");
  fs::create_directories(root / "folder.sql");                        // a folder, not a file
  fs::create_symlink(root / "outside/o.sql", root / "sub/link.sql");  // to a file: followed
  fs::create_symlink(root / "outside", root / "linked");              // to a folder: not
  fs::create_symlink(root / "outside", root / "linked.sql");          // to a folder named .sql
  fs::create_symlink(root / "missing.sql", root / "dangling.sql");    // to nothing
  fs::create_symlink(root / "b.txt", root / "txt.sql");               // to a file of another name

  for (const std::string& top : {root.string(), root.string() + "/", (root / "sub").string()}) {
    const std::vector<std::string> want = FilesystemWalk(top);
    EXPECT_EQ(Collected(top), want) << top;
    EXPECT_GE(want.size(), 3u) << top;
  }
  // Only what the folder lists as a regular file is marked so: a link is resolved as a path.
  for (const LintInput& input : CollectInputs({root.string()}, "").inputs) {
    EXPECT_EQ(input.regular_file, !fs::is_symlink(input.path)) << input.path;
  }
  // The same from a relative top.
  const fs::path was = fs::current_path();
  fs::current_path(root);
  EXPECT_EQ(Collected("."), FilesystemWalk("."));
  EXPECT_EQ(Collected("sub"), FilesystemWalk("sub"));
  fs::current_path(was);
  fs::remove_all(root);
}

}  // namespace
}  // namespace pgshift::workspace
