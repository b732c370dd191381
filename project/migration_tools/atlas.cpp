// Atlas (github.com/ariga/atlas), versioned migrations (`atlas migrate apply`).
//
// What pgshift relies on, from Atlas's source:
// - sql/migrate/dir.go: the migration directory holds atlas.sum (HashFileName) and .sql files,
//   executed in file-name order. File directives are the comment lines at the top of the file,
//   and count only when an empty line separates them from the statements (LocalFile.comments);
//   a directive reads `-- atlas:<name> <args>`.
// - cmd/atlas/internal/cmdapi/migrate.go: the transaction modes are `file` (the default: each
//   file in its own transaction), `all` and `none`, and a file's `-- atlas:txmode none`
//   directive runs that file without one. Atlas executes a file statement by statement, so
//   without a transaction each statement runs on its own.
#include <algorithm>

#include "project/migration_tool.h"
#include "project/tool_helpers.h"

namespace pgshift::project {
namespace {

// The transaction mode a file's directives set, or empty: "-- atlas:txmode none" counts when the
// comment block at the top of the file is followed by an empty line.
std::string TxMode(std::string_view text) {
  std::string mode;
  for (const Line& line : Lines(text)) {
    if (TrimSpace(line.text).empty()) return mode;  // the block ends: its directives count
    if (!line.text.starts_with("--") && !line.text.starts_with("#")) return {};
    const std::string_view body = TrimSpace(line.text.substr(line.text.starts_with("#") ? 1 : 2));
    if (body.starts_with("atlas:txmode")) mode = std::string(TrimSpace(body.substr(12)));
  }
  return {};
}

class Atlas : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "atlas",
        .recognised_by = "atlas.sum",
        .order = "file names",
        .pairing = "none: Atlas plans its way down itself",
        .transaction = "each file in a transaction (`--tx-mode file`); statements sent one by one",
        .opt_out = "`-- atlas:txmode none` at the top of the file, followed by an empty line",
        .precedence = 20,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    if (!source.IsFile(JoinPath(root, "atlas.sum"))) return std::nullopt;
    return "atlas.sum";
  }

  SqlFiles List(const std::string& root, const FileSource& source) const override {
    std::vector<std::string> files;
    for (const DirectoryEntry& entry : source.List(root)) {
      if (!entry.is_directory && entry.name.ends_with(".sql")) {
        files.push_back(JoinPath(root, entry.name));
      }
    }
    return std::make_shared<const std::vector<std::string>>(std::move(files));
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    HistoryPlan plan;
    for (const std::string& file : files) {
      if (file.ends_with(".down.sql")) {
        plan.skipped.push_back({file, "not applied by atlas migrate apply"});
        continue;
      }
      plan.units.push_back(plan.files.size());
      plan.files.push_back(file);
    }
    // Atlas sorts by file name.
    std::sort(plan.files.begin(), plan.files.end(), [](const std::string& a, const std::string& b) {
      return BaseName(a) < BaseName(b);
    });
    return plan;
  }

  FileRun Describe(const std::string&, std::string_view text, const FileSource&) const override {
    const bool none = TxMode(text) == "none";
    return WholeFile(text, Direction::kUp,
                     none ? rules::TransactionWrapping::kNone : rules::TransactionWrapping::kPerFile,
                     none ? "`-- atlas:txmode none`" : "");
  }

  std::string OptOut(const std::string&) const override {
    return "Atlas runs each file in a transaction: put `-- atlas:txmode none` on the first line "
           "of this file, followed by an empty line (Atlas then runs each statement on its own).";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Atlas);
}  // namespace pgshift::project
