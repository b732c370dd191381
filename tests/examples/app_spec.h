// The application file of a worked example (migrations-examples/NN-*/app.toml): the two releases
// of the application around the change, each a list of statements, and when each runs relative
// to the plan's stages. The examples test runs them as a workload while the plan runs.
//
//   [old]                               # the release running before the change
//   summary = "v1: reads and writes users.email"
//   retired_before = "drop-old-column"  # stopped before this stage; absent: runs to the end
//   write = ["INSERT ... $1 ..."]       # $1: a number unique to each iteration
//   read = ["SELECT ..."]               # each must return at least one row
//   [new]                               # the release the change is for
//   deployed_after = "copy-rows"        # started once this stage is done; absent: from the start
//   ...
//   check = "SELECT ..."                # after the plan ran through contract: must return true
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace pgshift::testing {

struct AppRelease {
  std::string name;  // "old" or "new"
  std::string summary;
  std::vector<std::string> write;
  std::vector<std::string> read;
  std::string deployed_after;  // empty: running before the first stage
  std::string retired_before;  // empty: running to the end
};

struct AppSpec {
  AppRelease old_release;
  AppRelease new_release;
  std::string check;
};

// Reads and checks app.toml: unknown keys, wrong types, a release without statements, and stage
// names that are not in `stages` (in plan order) or that retire a release before it is deployed
// are errors, each naming the file and the key.
std::variant<AppSpec, std::vector<std::string>> ReadAppSpec(const std::string& path,
                                                            const std::vector<std::string>& stages);

}  // namespace pgshift::testing
