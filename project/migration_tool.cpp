#include "project/migration_tool.h"

#include <algorithm>

#include "project/tool_helpers.h"

namespace pgshift::project {
namespace {

std::vector<std::unique_ptr<MigrationTool>>& MutableTools() {
  static std::vector<std::unique_ptr<MigrationTool>> tools;
  return tools;
}

}  // namespace

std::optional<std::string> MigrationTool::RootOf(const std::string&, const FileSource&) const {
  return std::nullopt;
}

SqlFiles MigrationTool::List(const std::string& root, const FileSource& source) const {
  return source.FlatSqlFiles(root);
}

ToolRegistration::ToolRegistration(std::unique_ptr<MigrationTool> tool) {
  MutableTools().push_back(std::move(tool));
}

const std::vector<const MigrationTool*>& AllTools() {
  // Tools register during static initialisation, before main, so the sorted list made at the
  // first call (thread-safe, as every function-local static) holds them all.
  static const std::vector<const MigrationTool*> sorted = [] {
    std::vector<const MigrationTool*> tools;
    for (const auto& tool : MutableTools()) tools.push_back(tool.get());
    std::sort(tools.begin(), tools.end(), [](const MigrationTool* a, const MigrationTool* b) {
      return a->Name() < b->Name();
    });
    return tools;
  }();
  return sorted;
}

const MigrationTool* FindTool(std::string_view name) {
  for (const MigrationTool* tool : AllTools()) {
    if (tool->Name() == name) return tool;
  }
  return nullptr;
}

}  // namespace pgshift::project
