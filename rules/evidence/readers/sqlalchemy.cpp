// SQLAlchemy: a declarative class with __tablename__ is a table; each Column(...) or
// mapped_column(...) attribute a column, named by its first string argument or else the
// attribute's name. Table("name", metadata, Column("c", ...)) declares a table the same way.
#include <regex>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/python_classes.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

bool Accepts(const CodeText& code) {
  return code.language == Language::kPython &&
         (code.code.find("Column(") != std::string::npos ||
          code.code.find("mapped_column(") != std::string::npos);
}

// The first argument of a call when it is a string literal: Column("name", ...) -> name.
std::optional<std::string> FirstStringArgument(std::string_view text, std::size_t open) {
  std::size_t i = open + 1;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i >= text.size() || (text[i] != '"' && text[i] != '\'')) return std::nullopt;
  const std::size_t end = text.find(text[i], i + 1);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(text.substr(i + 1, end - i - 1));
}

void ReadClasses(const CodeText& code, FileEvidence& out) {
  static const std::regex kAttribute(
      R"re(^\s*(\w+)\s*(?::\s*[^=]+)?=\s*(?:\w+\.)?(Column|mapped_column)\s*\()re");
  for (const PythonClass& model : PythonClasses(code)) {
    std::string table;
    for (const Line& line : model.body) {
      if (Indentation(line.text) > model.indent + 8) continue;
      if (auto name = QuotedOption(line.text, "__tablename__")) table = *name;
    }
    if (table.empty()) continue;
    Model mapped{model.name, table, {}};
    out.uses.push_back({table, "", UseKind::kModelTable, model.line,
                        "SQLAlchemy model " + model.name + " __tablename__ = \"" + table + "\""});
    for (const Line& line : model.body) {
      const std::string text(line.text);
      std::smatch match;
      if (!std::regex_search(text, match, kAttribute)) continue;
      const std::string attribute = match[1].str();
      const std::size_t open = static_cast<std::size_t>(match.position(0) + match.length(0) - 1);
      std::string column = FirstStringArgument(text, open).value_or(attribute);
      if (column != attribute) mapped.fields.emplace_back(attribute, column);
      out.uses.push_back({table, column, UseKind::kModelColumn, line.number,
                          "SQLAlchemy model " + model.name + ", attribute " + attribute +
                              (column != attribute ? " (column " + column + ")" : "")});
    }
    out.models.push_back(std::move(mapped));
  }
}

// Table("users", metadata, Column("id", ...), ...)
void ReadTables(const CodeText& code, FileEvidence& out) {
  const std::string& text = code.code;
  for (std::size_t at = text.find("Table("); at != std::string::npos;
       at = text.find("Table(", at + 1)) {
    if (at > 0 && IsWordByte(static_cast<unsigned char>(text[at - 1]))) continue;
    const std::size_t open = at + 5;
    const auto table = FirstStringArgument(text, open);
    if (!table || !IsPlainName(*table)) continue;
    const std::size_t close = MatchingClose(text, open);
    out.uses.push_back({*table, "", UseKind::kModelTable, code.LineOf(at),
                        "SQLAlchemy Table(\"" + *table + "\")"});
    for (std::size_t c = text.find("Column(", open); c < close; c = text.find("Column(", c + 1)) {
      if (auto column = FirstStringArgument(text, c + 6)) {
        out.uses.push_back({*table, *column, UseKind::kModelColumn, code.LineOf(c),
                            "SQLAlchemy Table(\"" + *table + "\"), Column(\"" + *column + "\")"});
      }
    }
  }
}

void Read(const CodeText& code, FileEvidence& out) {
  ReadClasses(code, out);
  ReadTables(code, out);
}

constexpr EvidenceReader kReader{
    .name = "sqlalchemy",
    .what =
        "SQLAlchemy: declarative classes (__tablename__, Column and mapped_column attributes, "
        "named by their first string argument or the attribute) and Table(\"name\", ...)",
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
