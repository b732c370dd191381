// dbmate (github.com/amacneil/dbmate).
//
// What pgshift relies on, from dbmate's source (pkg/dbmate/migration.go, parseMigrationContents
// and parseMigrationOptions; pkg/dbmate/db.go, Migrate):
// - Files are <version>_<name>.sql in db/migrations, applied in version order.
// - A section starts at a line matching `^--\s*migrate:up` and its way down at
//   `^--\s*migrate:down`; newer releases allow several up/down sections in one file.
// - Options follow the marker on its line: `-- migrate:up transaction:false`. Without it the
//   section runs in a transaction ("Defaults to true").
// - The section's text is sent with one Exec, which lib/pq sends as one simple query: PostgreSQL
//   runs a query of several statements as one implicit transaction, so `transaction:false` runs
//   CONCURRENTLY only when the statement is alone in its section.
#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

// What std::regex's \s matches in the "C" locale.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Whether `line` matches /^--\s*migrate:<direction>(\s|$)/ from its first character. By hand:
// std::regex made recognising a folder cost as much as linting a few of its files.
bool Marker(std::string_view line, std::string_view direction) {
  if (!line.starts_with("--")) return false;
  line.remove_prefix(2);
  while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
  if (!line.starts_with("migrate:")) return false;
  line.remove_prefix(8);
  if (!line.starts_with(direction)) return false;
  line.remove_prefix(direction.size());
  return line.empty() || IsSpace(line.front());
}
bool UpMarker(std::string_view line) { return Marker(line, "up"); }
bool DownMarker(std::string_view line) { return Marker(line, "down"); }

class Dbmate : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "dbmate",
        .recognised_by = "files carry `-- migrate:up`",
        .order = "the version before the first `_`, as a number",
        .pairing = "the `-- migrate:down` section after each `-- migrate:up`",
        .transaction = "each section in a transaction; a section is sent as one query",
        .opt_out = "`-- migrate:up transaction:false` (the section then still runs as one "
                   "implicit transaction when it holds several statements)",
        .precedence = 60,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    return RecogniseByLine(*List(root, source), source, UpMarker, "files carry `-- migrate:up`");
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    return PlanByLeadingVersion(files, {.expected = "<version>_<name>.sql"});
  }

  FileRun Describe(const std::string&, std::string_view text, const FileSource&) const override {
    FileRun run;
    for (const Line& line : Lines(text)) {
      const bool up = UpMarker(line.text);
      const bool down = !up && DownMarker(line.text);
      if (!up && !down) continue;
      if (!run.sections.empty()) run.sections.back().end = line.begin;
      const bool no_transaction = line.text.find("transaction:false") != std::string_view::npos;
      run.sections.push_back({line.begin, text.size(), up ? Direction::kUp : Direction::kDown,
                              no_transaction ? rules::TransactionWrapping::kOneQuery
                                             : rules::TransactionWrapping::kPerFile,
                              no_transaction ? "`transaction:false`" : ""});
    }
    if (run.sections.empty()) {
      return WholeFile(text, Direction::kUp, rules::TransactionWrapping::kPerFile);
    }
    return run;
  }

  std::string OptOut(const std::string&) const override {
    return "dbmate runs each section in a transaction: write `-- migrate:up transaction:false` "
           "as this section's marker line. dbmate then sends the section as one query, which "
           "PostgreSQL runs as one transaction when it holds several statements: keep the "
           "statement alone in a migration of its own.";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Dbmate);
}  // namespace pgshift::project
