// The caching source answers as the source it wraps, asking it once per directory and file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "project/caching_file_source.h"

namespace pgshift::project {
namespace {

// Counts what is asked of the files it holds.
class CountingSource : public MemoryFileSource {
 public:
  using MemoryFileSource::MemoryFileSource;
  std::vector<DirectoryEntry> List(const std::string& directory) const override {
    ++lists;
    return MemoryFileSource::List(directory);
  }
  std::optional<std::string> Read(const std::string& path, std::size_t limit) const override {
    ++reads;
    return MemoryFileSource::Read(path, limit);
  }
  mutable int lists = 0;
  mutable int reads = 0;
};

TEST(CachingFileSource, ListsAndReadsOnce) {
  const CountingSource files({{"db/1_a.sql", "create table a ();"}, {"db/2_b.sql", "select 1;"}});
  const CachingFileSource cached(files);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(cached.List("db").size(), 2u);
    EXPECT_EQ(cached.Read("db/1_a.sql", 6), "create");
  }
  EXPECT_EQ(files.lists, 1);
  EXPECT_EQ(files.reads, 1);
}

TEST(CachingFileSource, ReadsAgainOnlyForMoreThanItHolds) {
  const CountingSource files({{"long.sql", "0123456789"}, {"short.sql", "abc"}});
  const CachingFileSource cached(files);
  EXPECT_EQ(cached.Read("long.sql", 4), "0123");
  EXPECT_EQ(cached.Read("long.sql", 2), "01");
  EXPECT_EQ(files.reads, 1);
  EXPECT_EQ(cached.Read("long.sql", 8), "01234567");  // more than was read: read again
  EXPECT_EQ(files.reads, 2);
  EXPECT_EQ(cached.Read("short.sql", 8), "abc");
  EXPECT_EQ(cached.Read("short.sql", 100), "abc");  // the whole file is held already
  EXPECT_EQ(files.reads, 3);
}

TEST(CachingFileSource, MissingStaysMissing) {
  const CountingSource files(std::map<std::string, std::string>{{"a.sql", "x"}});
  const CachingFileSource cached(files);
  EXPECT_FALSE(cached.Read("b.sql", 10));
  EXPECT_FALSE(cached.Read("b.sql", 10));
  EXPECT_EQ(files.reads, 1);
  EXPECT_TRUE(cached.List("nowhere").empty());
}

// Whether a path is a file or a directory is answered from the listing held, without asking
// again (and without copying the listing, which recognition once did a dozen times per folder).
TEST(CachingFileSource, KnowsFilesAndDirectoriesFromOneListing) {
  const CountingSource files({{"db/1_a.sql", "x"}, {"db/sub/2_b.sql", "y"}});
  const CachingFileSource cached(files);
  EXPECT_TRUE(cached.IsFile("db/1_a.sql"));
  EXPECT_FALSE(cached.IsDirectory("db/1_a.sql"));
  EXPECT_TRUE(cached.IsDirectory("db/sub"));
  EXPECT_FALSE(cached.IsFile("db/sub"));
  EXPECT_FALSE(cached.IsFile("db/missing.sql"));
  EXPECT_FALSE(cached.IsDirectory("db/missing"));
  EXPECT_EQ(files.lists, 1);
  EXPECT_TRUE(cached.IsFile("db/sub/2_b.sql"));
  EXPECT_EQ(files.lists, 2);
}

// Every tool lists the history's .sql files the same way: made once per root (from the listings
// held), and the same as the source's own answer.
TEST(CachingFileSource, ListsAHistorysSqlFilesOnce) {
  // Counts the listings asked of the cache itself, as ListFlat asks them.
  class CountingCache : public CachingFileSource {
   public:
    using CachingFileSource::CachingFileSource;
    std::vector<DirectoryEntry> List(const std::string& directory) const override {
      ++lists;
      return CachingFileSource::List(directory);
    }
    mutable int lists = 0;
  };
  const MemoryFileSource files({{"db/2_b.sql", "x"},
                                {"db/1_a.sql", "y"},
                                {"db/3_c/up.sql", "z"},
                                {"db/notes/x.sql", "w"},
                                {"db/readme.md", "v"}});
  const CountingCache cached(files);
  const std::vector<std::string> expected = {"db/1_a.sql", "db/2_b.sql", "db/3_c/up.sql"};
  EXPECT_EQ(*files.FlatSqlFiles("db"), expected);
  EXPECT_EQ(*cached.FlatSqlFiles("db"), expected);
  const int lists = cached.lists;
  EXPECT_GT(lists, 0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*cached.FlatSqlFiles("db"), expected);
  EXPECT_EQ(cached.lists, lists);
  // Kept per root.
  EXPECT_EQ(*cached.FlatSqlFiles("db/3_c"), std::vector<std::string>{"db/3_c/up.sql"});
  EXPECT_GT(cached.lists, lists);
}

// The disk's heads are read into a string the size of the file, and give the same bytes as
// before whatever the limit.
TEST(DiskFileSource, ReadsAsManyBytesAsTheLimitAllows) {
  const std::string path = ::testing::TempDir() + "/pgshift_disk_source_read.sql";
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes += static_cast<char>('a' + i % 26);
  std::ofstream(path, std::ios::binary) << bytes;
  const DiskFileSource disk;
  for (std::size_t limit : {std::size_t{0}, std::size_t{1}, std::size_t{299}, std::size_t{300},
                            std::size_t{301}, std::size_t{64 * 1024}}) {
    EXPECT_EQ(disk.Read(path, limit), bytes.substr(0, limit)) << limit;
  }
  EXPECT_FALSE(disk.Read(path + ".missing", 10));
  std::remove(path.c_str());
}

// Paths split at their last '/', whatever its place (found many bytes a step on glibc).
TEST(FileSourcePaths, BaseNameAndDirNameSplitAtTheLastSlash) {
  const std::string long_name(100, 'n');
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"a/b/c.sql", "c.sql", "a/b"},
      {"c.sql", "c.sql", ""},
      {"", "", ""},
      {"/c.sql", "c.sql", "/"},
      {"a/", "", "a"},
      {"/", "", "/"},
      {"a/" + long_name + "/" + long_name + ".sql", long_name + ".sql", "a/" + long_name},
      {long_name + "/x", "x", long_name},
      {long_name, long_name, ""},
  };
  for (const auto& [path, base, dir] : cases) {
    EXPECT_EQ(BaseName(path), base) << path;
    EXPECT_EQ(DirName(path), dir) << path;
  }
}

// The disk lists regular files and directories, links as what they point to, sorted by name;
// anything else (a fifo, a dangling link) is left out, and a missing directory lists nothing.
TEST(DiskFileSource, ListsFilesAndDirectoriesFollowingLinks) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "pgshift_disk_source_list";
  fs::remove_all(dir);
  fs::create_directories(dir / "b_folder");
  std::ofstream(dir / "c.sql") << "select 1;";
  fs::create_symlink(dir / "c.sql", dir / "a_link.sql");
  fs::create_directory_symlink(dir / "b_folder", dir / "d_folder_link");
  fs::create_symlink(dir / "missing.sql", dir / "e_dangling.sql");
  ASSERT_EQ(mkfifo((dir / "f_fifo").c_str(), 0600), 0);
  const DiskFileSource disk;
  std::vector<std::pair<std::string, bool>> listed;
  for (const DirectoryEntry& entry : disk.List(dir.string())) {
    listed.emplace_back(entry.name, entry.is_directory);
  }
  const std::vector<std::pair<std::string, bool>> expected = {
      {"a_link.sql", false}, {"b_folder", true}, {"c.sql", false}, {"d_folder_link", true}};
  EXPECT_EQ(listed, expected);
  EXPECT_TRUE(disk.List((dir / "nowhere").string()).empty());
  EXPECT_TRUE(disk.List((dir / "c.sql").string()).empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgshift::project
