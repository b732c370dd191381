// The files found under a folder are ordered as std::filesystem::path orders them (element by
// element), which PathLess reproduces on the paths' strings.
#include "workspace/lint_inputs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
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

}  // namespace
}  // namespace pgshift::workspace
