#include "tests/support/workspace.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace pgshift::testing {

namespace fs = std::filesystem;

Workspace::Workspace(std::string_view label) {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = test != nullptr ? test->name() : "outside-a-test";
  // A parameterised test's name holds a '/'.
  for (char& c : name) {
    if (c == '/') c = '-';
  }
  dir_ = fs::temp_directory_path() /
         ("pgshift-" + std::string(label) + "-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  options.env["PGSHIFT_JOURNAL"] = (dir_ / "journal.db").string();
  options.env["XDG_STATE_HOME"] = (dir_ / "state").string();
}

Workspace::~Workspace() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string Workspace::Write(const std::string& name, const std::string& text) const {
  const fs::path path = dir_ / name;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

ProcessResult Workspace::Pgshift(const std::vector<std::string>& args) const {
  return RunPgshift(args, options);
}

ProcessResult Workspace::PgshiftMerged(const std::vector<std::string>& args) const {
  return RunPgshiftMerged(args, options);
}

}  // namespace pgshift::testing
