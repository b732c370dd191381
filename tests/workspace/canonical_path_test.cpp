// CanonicalPath remembers the folders it resolved; what it returns must still be what resolving
// the whole path gives, through linked folders, linked files and relative paths.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "workspace/release_paths.h"

namespace pgshift::workspace {
namespace {

namespace fs = std::filesystem;

TEST(CanonicalPath, ResolvesLinkedFoldersAndFilesAsTheWholePathWould) {
  const fs::path dir = fs::temp_directory_path() / ("pgshift-canonical-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "real");
  std::ofstream(dir / "real" / "a.sql") << "SELECT 1;";
  fs::create_directory_symlink(dir / "real", dir / "linked");
  fs::create_symlink(dir / "real" / "a.sql", dir / "b.sql");
  const std::string real = fs::canonical(dir / "real" / "a.sql").generic_string();

  EXPECT_EQ(CanonicalPath(dir / "real" / "a.sql"), real);
  EXPECT_EQ(CanonicalPath(dir / "linked" / "a.sql"), real);  // resolves the folder
  EXPECT_EQ(CanonicalPath(dir / "linked" / "a.sql"), real);  // remembers it
  EXPECT_EQ(CanonicalPath(dir / "b.sql"), real);              // a linked file
  EXPECT_EQ(CanonicalPath(dir / "linked" / "." / ".." / "real" / "a.sql"), real);
  EXPECT_EQ(CanonicalPath(dir / "linked" / "missing.sql"),
            fs::canonical(dir / "real").generic_string() + "/missing.sql");
  const fs::path was = fs::current_path();
  fs::current_path(dir / "linked");
  EXPECT_EQ(CanonicalPath("a.sql"), real);  // relative to the current folder
  fs::current_path(was);
  fs::remove_all(dir);
}

// CanonicalFilePath joins the working directory as a string: it must give what CanonicalPath
// gives, whatever shape the path has.
TEST(CanonicalFilePath, GivesWhatCanonicalPathGives) {
  const fs::path dir =
      fs::temp_directory_path() / ("pgshift-canonical-file-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "real" / "sub");
  std::ofstream(dir / "real" / "a.sql") << "SELECT 1;";
  std::ofstream(dir / "real" / "sub" / "b.sql") << "SELECT 1;";
  fs::create_directory_symlink(dir / "real", dir / "linked");
  const fs::path was = fs::current_path();
  fs::current_path(dir / "linked");
  const std::string working_directory = fs::current_path().native();
  for (const std::string& path : std::vector<std::string>{
           "a.sql", "./a.sql", "sub/b.sql", "./sub//b.sql", "sub/../a.sql", "../linked/a.sql",
           (dir / "linked" / "a.sql").native(), (dir / "real" / "sub" / "b.sql").native(),
           dir.native() + "//linked/./sub/b.sql"}) {
    EXPECT_EQ(CanonicalFilePath(path, working_directory), CanonicalPath(path)) << path;
  }
  EXPECT_EQ(CanonicalFilePath("a.sql", working_directory),
            fs::canonical(dir / "real" / "a.sql").generic_string());
  EXPECT_EQ(CanonicalFilePath("x.sql", "/"), "/x.sql");  // a file at the root
  fs::current_path(was);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgshift::workspace
