// What is known about the release a migration ships in: an input to the lint run, gathered by
// the command line (from git, or a list of changed files) and read by rules, which stay pure.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/evidence/code_uses.h"

namespace pgshift::rules {

struct ReleaseFacts {
  std::string range;  // what the release is, for messages: "v1.4..HEAD", "changed files in x.txt"
  // Application files the release adds, changes or deletes (not migrations, not excluded paths).
  std::vector<std::string> code_changes;
  // The uses of tables and columns in application code at the release's head. Never null.
  std::shared_ptr<const evidence::CodeUses> head_code = evidence::CodeUsesBuilder().Build();
  // The same at the release's base: the version that still runs while the release deploys.
  // Null when the base is not known (--changed-files): the release is then judged by whether
  // it changes application code at all.
  std::shared_ptr<const evidence::CodeUses> base_code;
  std::string base;  // the base as the user named it ("v1.4"), for messages

  // Whether drops and renames of tables and columns are judged on the evidence of the base's
  // code (the release rules), rather than by the generic drop and rename rules.
  bool JudgesByEvidence() const { return base_code != nullptr; }
};

}  // namespace pgshift::rules
