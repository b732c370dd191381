// node-pg-migrate (github.com/salsita/node-pg-migrate), SQL migration files.
//
// What pgshift relies on, from node-pg-migrate's source:
// - src/migration.ts: migration files are <timestamp>_<name>.<ext>, sorted by the number before
//   the first `_` (13 digits of milliseconds, or 17 of a UTC date), then by name.
// - src/sqlMigration.ts: a .sql migration's up part starts at a line matching
//   /^\s*--[\s-]*up\s+migration/im and its down part at /^\s*--[\s-]*down\s+migration/im; the
//   whole file is the up part when it has no up marker. Each part is passed to pgm.sql as it
//   is: a .sql file has no way to call pgm.noTransaction().
// - src/migration.ts (_apply) and src/runner.ts: a migration runs between BEGIN and COMMIT;
//   with singleTransaction (on by default in the command line) every pending migration runs in
//   one transaction.
#include <algorithm>

#include "project/migration_tool.h"
#include "project/tool_helpers.h"
#include "rules/history/migration_order.h"

namespace pgshift::project {
namespace {

// What std::regex's \s matches in the "C" locale.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `text` starts with `word` (lowercase), case-insensitively; drops it from `text`.
bool Consume(std::string_view& text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (Lower(text[i]) != word[i]) return false;
  }
  text.remove_prefix(word.size());
  return true;
}

// Whether `line` matches /^\s*--[\s-]*<direction>\s+migration/i from its first character. By
// hand: std::regex made recognising a folder cost as much as linting a few of its files. No
// part of the pattern can take what the next one needs, so matching greedily never backtracks.
bool Marker(std::string_view line, std::string_view direction) {
  std::size_t i = 0;
  while (i < line.size() && IsSpace(line[i])) ++i;
  if (line.substr(i, 2) != "--") return false;
  i += 2;
  while (i < line.size() && (IsSpace(line[i]) || line[i] == '-')) ++i;
  line.remove_prefix(i);
  if (!Consume(line, direction) || line.empty() || !IsSpace(line.front())) return false;
  while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
  return Consume(line, "migration");
}
bool UpMarker(std::string_view line) { return Marker(line, "up"); }
bool DownMarker(std::string_view line) { return Marker(line, "down"); }

class NodePgMigrate : public MigrationTool {
 public:
  const ToolDoc& Doc() const override {
    static constexpr ToolDoc kDoc{
        .name = "node-pg-migrate",
        .recognised_by = "files carry `-- Up Migration`",
        .order = "the number before the first `_` (a timestamp)",
        .pairing = "the `-- Down Migration` part of the same file",
        .transaction = "each migration in a transaction, and by default every pending migration "
                       "in one",
        .opt_out = "none for .sql files (a JS/TS migration calls `pgm.noTransaction()`)",
        .precedence = 70,
    };
    return kDoc;
  }

  std::optional<std::string> Recognise(const std::string& root,
                                       const FileSource& source) const override {
    return RecogniseByLine(*List(root, source), source, UpMarker, "files carry `-- Up Migration`");
  }

  HistoryPlan Plan(const std::vector<std::string>& files, const FileSource&) const override {
    return PlanByLeadingVersion(files, {.expected = "<timestamp>_<name>.sql"});
  }

  FileRun Describe(const std::string&, std::string_view text, const FileSource&) const override {
    std::optional<std::size_t> up, down;
    for (const Line& line : Lines(text)) {
      if (!up && UpMarker(line.text)) {
        up = line.begin;
      } else if (!down && DownMarker(line.text)) {
        down = line.begin;
      }
    }
    const auto wrapping = rules::TransactionWrapping::kPerFile;
    if (!up) return WholeFile(text, Direction::kUp, wrapping);
    FileRun run;
    const std::size_t up_end = down && *down > *up ? *down : text.size();
    run.sections.push_back({*up, up_end, Direction::kUp, wrapping, ""});
    if (down) {
      const std::size_t down_end = *down < *up ? *up : text.size();
      run.sections.push_back({*down, down_end, Direction::kDown, wrapping, ""});
      std::sort(run.sections.begin(), run.sections.end(),
                [](const Section& a, const Section& b) { return a.begin < b.begin; });
    }
    return run;
  }

  std::string OptOut(const std::string&) const override {
    return "node-pg-migrate runs every migration in a transaction (by default all pending ones "
           "in a single one) and a .sql migration cannot opt out: write this one as a JS or TS "
           "migration that calls `pgm.noTransaction()`, and run it with "
           "`--no-single-transaction`.";
  }
};

}  // namespace
PGSHIFT_REGISTER_MIGRATION_TOOL(NodePgMigrate);
}  // namespace pgshift::project
