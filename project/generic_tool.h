// The history of a directory no migration tool claims: ordered by the version numbers in file
// and folder names (rules/history/migration_order.h), run as `transactions` in pgshift.toml says.
#pragma once

#include "project/migration_tool.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {

class GenericTool : public MigrationTool {
 public:
  explicit GenericTool(rules::MigrationOrderStyle style = rules::MigrationOrderStyle::kAuto,
                       std::string root = {})
      : style_(style), root_(std::move(root)) {}
  const ToolDoc& Doc() const override;
  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override;
  std::optional<std::string> RootOf(const std::string& path,
                                    const FileSource& source) const override;
  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource& source) const override;
  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource& source) const override;
  std::string OptOut(const std::string& path) const override;

 private:
  rules::MigrationOrderStyle style_;
  std::string root_;  // where the history's version folders are
};

}  // namespace pgshift::project
