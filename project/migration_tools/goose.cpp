// goose (github.com/pressly/goose), SQL migrations.
//
// What pgshift relies on, from goose's source (internal/sqlparser/parser.go, ParseSQLMigration)
// and README ("SQL Migrations"):
// - Files are <version>_<name>.sql, the version an int64 (sequential 00001 or a timestamp);
//   migrations apply in version order.
// - A file holds `-- +goose Up` and, optionally, `-- +goose Down`: a line is an annotation when
//   it starts with `--` and, trimmed, reads `+goose Up`. Annotations are case-insensitive
//   (`-- +goose up`, `-- +goose no transaction`: the annotations documentation, and the parser
//   lowercases them). The down section rolls back the up one.
// - "By default, all migrations are run within a transaction"; `-- +goose NO TRANSACTION`
//   anywhere in the file (the README says: at its top) turns that off for both sections.
// - Statements are split on semicolons (or `+goose StatementBegin/End`) and executed one by one,
//   so without a transaction each statement runs on its own.
#include <algorithm>

#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

// The annotation a line carries ("+goose Up"), or empty.
std::string_view Annotation(std::string_view line) {
  if (!line.starts_with("--")) return {};
  return TrimSpace(line.substr(2));
}

// Whether `line` carries the annotation `lowercase`, in any case.
bool IsAnnotation(std::string_view line, std::string_view lowercase) {
  return EqualsLowercase(Annotation(line), lowercase);
}

class Goose : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "goose",
        .recognised_by = "files carry `-- +goose Up` (annotations in any case)",
        .order =
            "the version before the first `_` (`00001_x.sql`, `20240101120000_x.sql`), as a "
            "number",
        .pairing = "the `-- +goose Down` section of the same file",
        .transaction = "each file in a transaction; statements sent one by one",
        .opt_out = "`-- +goose NO TRANSACTION` at the top of the file (both sections)",
        .precedence = 50,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    const auto up = [](std::string_view line) { return IsAnnotation(line, "+goose up"); };
    return RecogniseByLine(*List(root, source), source, up, "files carry `-- +goose Up`");
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    return PlanByLeadingVersion(files,
                                {.expected = "<version>_<name>.sql", .needs_underscore = true});
  }

  FileRun Describe(const std::string&, std::string_view text, const FileSource&) const override {
    std::optional<std::size_t> up, down;
    bool no_transaction = false;
    for (const Line& line : Lines(text)) {
      if (IsAnnotation(line.text, "+goose up") && !up) up = line.begin;
      if (IsAnnotation(line.text, "+goose down") && !down) down = line.begin;
      if (IsAnnotation(line.text, "+goose no transaction")) no_transaction = true;
    }
    const rules::TransactionWrapping wrapping =
        no_transaction ? rules::TransactionWrapping::kNone : rules::TransactionWrapping::kPerFile;
    const std::string marker = no_transaction ? "`-- +goose NO TRANSACTION`" : "";
    FileRun run;
    // Each section runs to the other's marker when that one follows it, else to the end.
    const std::size_t up_begin = up.value_or(0);
    const std::size_t up_end = down && *down > up_begin ? *down : text.size();
    if (!up && down && *down == 0) {
      run.sections.push_back({0, text.size(), Direction::kDown, wrapping, marker});
      return run;
    }
    run.sections.push_back({up_begin, up_end, Direction::kUp, wrapping, marker});
    if (down) {
      const std::size_t down_end = up && *up > *down ? *up : text.size();
      run.sections.push_back({*down, down_end, Direction::kDown, wrapping, marker});
      std::sort(run.sections.begin(), run.sections.end(),
                [](const Section& a, const Section& b) { return a.begin < b.begin; });
    }
    return run;
  }

  std::string OptOut(const std::string&) const override {
    return "goose runs each migration in a transaction: put `-- +goose NO TRANSACTION` on a line "
           "of its own at the top of this file (it applies to its Up and Down sections alike; "
           "goose then runs each statement on its own).";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(Goose);
}  // namespace pgshift::project
