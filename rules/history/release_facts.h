// What is known about the release a migration ships in: an input to the lint run, gathered by
// the command line (from git, or a list of changed files) and read by rules, which stay pure.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/history/code_index.h"

namespace pgshift::rules {

struct ReleaseFacts {
  std::string range;  // what the release is, for messages: "v1.4..HEAD", "changed files in x.txt"
  // Application files the release adds, changes or deletes (not migrations, not excluded paths).
  std::vector<std::string> code_changes;
  // The identifiers application code uses at the release's head. Never null.
  std::shared_ptr<const CodeIndex> code = std::make_shared<CodeIndex>();
};

}  // namespace pgshift::rules
