#include "project/generic_tool.h"

#include "project/tool_helpers.h"

namespace pgshift::project {

const ToolDoc& GenericTool::Doc() const {
  static constexpr ToolDoc kDoc{
      .name = "none",
      .recognised_by = "no tool recognised, or `tool = \"none\"`",
      .order = "version numbers at the start of file and folder names, compared as numbers",
      .pairing = "`x.down.sql`, `x_down.sql`, `down.sql` beside `up.sql`: the up of the same "
                 "version",
      .transaction = "as `transactions` in pgshift.toml says (default: none)",
      .opt_out = "-",
  };
  return kDoc;
}

std::optional<std::string> GenericTool::Recognise(const std::string&, const FileSource&) const {
  return "no migration tool recognised: ordered by the version numbers in file names";
}

// A version folder (delta/54/01_a.sql) belongs to the history above it when it has siblings.
std::optional<std::string> GenericTool::RootOf(const std::string& path,
                                               const FileSource& source) const {
  const std::string dir(DirName(path));
  const std::string_view folder = BaseName(dir);
  const std::string_view base = BaseName(path);
  if (!rules::IsMigrationFolder(folder)) return std::nullopt;
  if (base == "up.sql" || base == "down.sql" || base == "migration.sql") {
    return std::string(DirName(dir));
  }
  const std::string parent(DirName(dir));
  std::size_t version_folders = 0;
  for (const DirectoryEntry& entry : source.List(parent)) {
    if (entry.is_directory && rules::IsMigrationFolder(entry.name)) ++version_folders;
  }
  if (version_folders < 2) return std::nullopt;
  return parent;
}

HistoryPlan GenericTool::Plan(const std::vector<std::string>& files, const FileSource&) const {
  const rules::MigrationOrder order = rules::OrderMigrations(files, style_, root_);
  HistoryPlan plan;
  plan.files = order.files;
  plan.units = order.units;
  for (const rules::SkippedMigration& skipped : order.skipped) {
    if (!rules::IsDownMigration(skipped.path)) {
      plan.skipped.push_back({skipped.path, skipped.reason});
      continue;
    }
    Rollback rollback{skipped.path, skipped.after};
    if (skipped.paired) rollback.rolls_back = skipped.after - 1;
    plan.rollbacks.push_back(std::move(rollback));
  }
  return plan;
}

FileRun GenericTool::Describe(const std::string& path, std::string_view text,
                              const FileSource&) const {
  return WholeFile(text, rules::IsDownMigration(path) ? Direction::kDown : Direction::kUp,
                   std::nullopt);
}

std::string GenericTool::OptOut(const std::string&) const { return {}; }

}  // namespace pgshift::project
