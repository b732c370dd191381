#include "project/recognition.h"

#include <algorithm>

#include "project/caching_file_source.h"
#include "project/generic_tool.h"

namespace pgshift::project {
namespace {

// A registered tool lives as long as the program: shared without owning it.
std::shared_ptr<const MigrationTool> Unowned(const MigrationTool* tool) {
  return std::shared_ptr<const MigrationTool>(std::shared_ptr<void>(), tool);
}

// Plans by path instead of the tool's order, and runs files as the tool does.
class NameOrdered : public MigrationTool {
 public:
  explicit NameOrdered(const MigrationTool& tool, std::string root)
      : tool_(tool), generic_(rules::MigrationOrderStyle::kName, std::move(root)) {}
  const ToolDoc& Doc() const override { return tool_.Doc(); }
  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    return tool_.Recognise(root, source);
  }
  std::optional<std::string> RootOf(const std::string& path,
                                    const FileSource& source) const override {
    return tool_.RootOf(path, source);
  }
  SqlFiles List(const std::string& root, const FileSource& source) const override {
    return tool_.List(root, source);
  }
  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource& source) const override {
    return generic_.Plan(files, source);
  }
  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource& source) const override {
    return tool_.Describe(path, text, source);
  }
  std::string OptOut(const std::string& path) const override { return tool_.OptOut(path); }

 private:
  const MigrationTool& tool_;
  GenericTool generic_;
};

}  // namespace

std::string ToolChoice::Describe() const {
  if (!recognised) return "no migration tool (" + why + ")";
  return std::string(tool->Name()) + " (" + why + ")";
}

ToolChoice ChooseTool(const std::string& root, const FileSource& disk, std::string_view configured,
                      rules::MigrationOrderStyle order) {
  // Every tool lists the same folders and reads the heads of the same files: once each.
  const CachingFileSource source(disk);
  ToolChoice choice;
  const MigrationTool* found = nullptr;
  if (configured == "none") {
    choice.why = "`tool = \"none\"` in pgshift.toml";
  } else if (!configured.empty()) {
    found = FindTool(configured);
    choice.why = "`tool = \"" + std::string(configured) + "\"` in pgshift.toml";
  } else {
    std::vector<const MigrationTool*> tools = AllTools();
    std::stable_sort(tools.begin(), tools.end(), [](const MigrationTool* a, const MigrationTool* b) {
      return a->Doc().precedence < b->Doc().precedence;
    });
    for (const MigrationTool* tool : tools) {
      if (auto why = tool->Recognise(root, source)) {
        found = tool;
        choice.why = *std::move(why);
        break;
      }
    }
  }
  if (found == nullptr) {
    auto generic = std::make_shared<GenericTool>(order, root);
    if (choice.why.empty()) choice.why = *generic->Recognise(root, source);
    choice.tool = std::move(generic);
    return choice;
  }
  choice.recognised = true;
  choice.tool = order == rules::MigrationOrderStyle::kName
                    ? std::make_shared<NameOrdered>(*found, root)
                    : Unowned(found);
  return choice;
}

std::string HistoryRootOf(const std::string& path, const FileSource& source) {
  for (const MigrationTool* tool : AllTools()) {
    if (auto root = tool->RootOf(path, source)) return *root;
  }
  if (auto root = GenericTool().RootOf(path, source)) return *root;
  return std::string(DirName(path));
}

std::string ToolNames() {
  std::string names;
  for (const MigrationTool* tool : AllTools()) names += std::string(tool->Name()) + ", ";
  return names + "and none";
}

}  // namespace pgshift::project
