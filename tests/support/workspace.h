// A directory of its own for one test's runs of the pgshift binary: the journal and the state
// (sandbox records) go there, so a test sees neither another test's runs nor the user's. It is
// named after the test and removed when the test ends.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/process.h"

namespace pgshift::testing {

class Workspace {
 public:
  // <temp>/pgshift-<label>-<pid>-<test name>, created empty.
  explicit Workspace(std::string_view label);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // Writes `text` to the file `name` in the directory (making its folders); its path.
  std::string Write(const std::string& name, const std::string& text) const;
  // The pgshift binary run with `options`.
  ProcessResult Pgshift(const std::vector<std::string>& args) const;
  // The same, its standard error where its standard output goes (RunPgshiftMerged).
  ProcessResult PgshiftMerged(const std::vector<std::string>& args) const;

  // What pgshift runs with: PGSHIFT_JOURNAL and XDG_STATE_HOME point into the directory; a test
  // may add to the environment.
  ProcessOptions options;

 private:
  std::filesystem::path dir_;
};

}  // namespace pgshift::testing
