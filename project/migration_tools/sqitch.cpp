// sqitch (github.com/sqitchers/sqitch), the pg engine.
//
// What pgshift relies on, from sqitch's source and documentation (sqitch-tutorial,
// App::Sqitch::Plan):
// - The project directory holds sqitch.plan and, per change, deploy/<change>.sql,
//   revert/<change>.sql and verify/<change>.sql. Changes deploy in the order of sqitch.plan;
//   revert/<change>.sql rolls back deploy/<change>.sql; verify scripts check a deploy and
//   change nothing.
// - A plan line is a change (`name [dependencies] timestamp planner <email> # note`), a tag
//   (`@name ...`), a pragma (`%syntax-version=1.0.0`), a comment or blank. A change planned
//   again is a rework: its earlier deploys run deploy/<change>@<tag>.sql, the tag being the
//   first one after the earlier line.
// - lib/App/Sqitch/Engine/pg.pm, run_file: each script runs with `psql --file` and
//   ON_ERROR_STOP, with no --single-transaction: psql sends statement by statement, so a script
//   runs as written. The BEGIN; ... COMMIT; around a change is in the script itself
//   (etc/templates/deploy/pg.tmpl), where pgshift sees it. There is no marker: a statement that
//   must run outside a transaction goes outside the script's BEGIN ... COMMIT.
#include <map>

#include "project/migration_tool.h"
#include "project/tool_helpers.h"

namespace pgshift::project {
namespace {

struct PlannedChange {
  std::string name;
  std::string rework_tag;  // set for an earlier version of a reworked change
};

// The changes of a plan, in order.
std::vector<PlannedChange> ReadPlan(std::string_view plan) {
  std::vector<PlannedChange> changes;
  std::vector<std::string> next_tag;  // per change: the first tag planned after it
  std::size_t untagged = 0;           // changes from here on await their next tag
  for (const Line& line : Lines(plan)) {
    const std::string_view text = TrimSpace(line.text);
    if (text.empty() || text.front() == '#' || text.front() == '%') continue;
    const std::string_view first = text.substr(0, text.find_first_of(" \t["));
    if (first.front() == '@') {
      for (; untagged < changes.size(); ++untagged) next_tag[untagged] = first.substr(1);
      continue;
    }
    changes.push_back({std::string(first), {}});
    next_tag.emplace_back();
  }
  // Every planning of a change but the last is a rework's earlier version.
  std::map<std::string, std::size_t> last;
  for (std::size_t i = 0; i < changes.size(); ++i) last[changes[i].name] = i;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (last[changes[i].name] != i) changes[i].rework_tag = next_tag[i];
  }
  return changes;
}

class Sqitch : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "sqitch",
        .recognised_by = "sqitch.plan beside deploy/",
        .order = "the order of changes in sqitch.plan",
        .pairing = "revert/<change>.sql (verify/ scripts are checks, not migrations)",
        .transaction = "none added: psql runs the script as written (its BEGIN ... COMMIT)",
        .opt_out = "none: move the statement out of the script's BEGIN ... COMMIT",
        .precedence = 10,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    if (!source.IsFile(JoinPath(root, "sqitch.plan"))) return std::nullopt;
    return "sqitch.plan";
  }

  std::optional<std::string> RootOf(const std::string& path,
                                    const FileSource& source) const override {
    const std::string_view dir = DirName(path);
    const std::string_view folder = BaseName(dir);
    if (folder != "deploy" && folder != "revert" && folder != "verify") return std::nullopt;
    const std::string root(DirName(dir));
    if (!source.IsFile(JoinPath(root, "sqitch.plan"))) return std::nullopt;
    return root;
  }

  SqlFiles List(const std::string& root, const FileSource& source) const override {
    std::vector<std::string> files;
    for (const char* folder : {"deploy", "revert", "verify"}) {
      const std::string dir = JoinPath(root, folder);
      for (const DirectoryEntry& entry : source.List(dir)) {
        if (!entry.is_directory && entry.name.ends_with(".sql")) {
          files.push_back(JoinPath(dir, entry.name));
        }
      }
    }
    return std::make_shared<const std::vector<std::string>>(std::move(files));
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource& source) const override {
    HistoryPlan plan;
    std::map<std::string, std::string> deploy, revert;  // script name -> path
    std::string plan_path;
    for (const std::string& file : files) {
      const std::string_view folder = BaseName(DirName(file));
      std::string name(BaseName(file));
      if (plan_path.empty()) plan_path = JoinPath(DirName(DirName(file)), "sqitch.plan");
      name.resize(name.size() - 4);  // .sql
      if (folder == "deploy") {
        deploy[name] = file;
      } else if (folder == "revert") {
        revert[name] = file;
      } else {
        plan.skipped.push_back(
            {file, folder == "verify" ? "sqitch verify script" : "not a sqitch script"});
      }
    }
    const auto text = plan_path.empty() ? std::nullopt : source.Read(plan_path, 16 << 20);
    for (const PlannedChange& change : ReadPlan(text.value_or(""))) {
      const std::string script =
          change.rework_tag.empty() ? change.name : change.name + "@" + change.rework_tag;
      const auto up = deploy.find(script);
      if (up == deploy.end()) continue;
      if (const auto down = revert.find(script); down != revert.end()) {
        plan.rollbacks.push_back({down->second, plan.files.size() + 1, plan.files.size()});
        revert.erase(down);
      }
      plan.units.push_back(plan.files.size());
      plan.files.push_back(up->second);
      deploy.erase(up);
    }
    for (const auto& [name, path] : deploy) plan.skipped.push_back({path, "not in sqitch.plan"});
    for (const auto& [name, path] : revert) plan.skipped.push_back({path, "not in sqitch.plan"});
    return plan;
  }

  FileRun Describe(const std::string& path, std::string_view text,
                   const FileSource&) const override {
    return WholeFile(text, BaseName(DirName(path)) == "revert" ? Direction::kDown : Direction::kUp,
                     rules::TransactionWrapping::kNone);
  }

  std::string OptOut(const std::string&) const override {
    return "sqitch runs the script with psql as written: move the statement out of the script's "
           "BEGIN ... COMMIT (or into a change of its own without them).";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Sqitch);
}  // namespace pgshift::project
