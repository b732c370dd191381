// What a pgshift binary says about itself in --version: the version (CMake's project()) and the
// commit it was built from (cmake/build_commit.cmake writes kBuildCommit at build time).
#pragma once

#include <string>

namespace pgshift::cli {

// "commit 637b95d1e2ab", "commit 637b95d1e2ab, modified" or "unknown commit".
extern const char kBuildCommit[];

// "pgshift 0.1.0 (commit 637b95d1e2ab)"
inline std::string VersionText() {
  return std::string("pgshift ") + PGSHIFT_VERSION + " (" + kBuildCommit + ")";
}

}  // namespace pgshift::cli
