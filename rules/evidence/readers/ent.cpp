// ent schemas (entgo.io): a type whose Fields() method returns []ent.Field is a table, named by
// entsql.Annotation{Table: "x"} or else the plural snake_case of the type; each field.X("name")
// a column, named by StorageKey("x") or else the field's name.
#include <map>
#include <regex>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/naming.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

bool Accepts(const CodeText& code) {
  return code.path.ends_with(".go") && code.code.find("ent.Field") != std::string::npos;
}

void Read(const CodeText& code, FileEvidence& out) {
  static const std::regex kFields(
      R"re(func\s*\(\s*\w*\s*\*?(\w+)\s*\)\s*Fields\s*\(\s*\)\s*\[\]ent\.Field\s*\{)re");
  static const std::regex kAnnotations(
      R"re(func\s*\(\s*\w*\s*\*?(\w+)\s*\)\s*Annotations\s*\(\s*\)[^{]*\{)re");
  static const std::regex kField(R"re(field\.\w+\(\s*"([^"]+)")re");
  const std::string& text = code.code;
  std::map<std::string, std::string> tables;
  // Searched within the method's body, not by one pattern: a lazy match across a whole file
  // recurses once per byte in std::regex.
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kAnnotations);
       it != std::sregex_iterator(); ++it) {
    const auto open = static_cast<std::size_t>(it->position(0) + it->length(0) - 1);
    const std::string_view body = std::string_view(text).substr(open, MatchingClose(text, open) - open);
    if (auto table = QuotedOption(body, "Table")) tables[(*it)[1].str()] = *table;
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kFields);
       it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1].str();
    const std::string table = tables.count(name) > 0 ? tables[name] : Pluralize(SnakeCase(name));
    const auto open = static_cast<std::size_t>(it->position(0) + it->length(0) - 1);
    const std::size_t close = MatchingClose(text, open);
    Model model{name, table, {}};
    out.uses.push_back({table, "", UseKind::kModelTable, code.LineOf(open),
                        "ent schema " + name + " (table " + table + ")"});
    const std::string body = text.substr(open, close - open);
    std::vector<std::pair<std::size_t, std::string>> fields;
    for (auto f = std::sregex_iterator(body.begin(), body.end(), kField);
         f != std::sregex_iterator(); ++f) {
      fields.emplace_back(static_cast<std::size_t>(f->position(0)), (*f)[1].str());
    }
    for (std::size_t k = 0; k < fields.size(); ++k) {
      const auto& [at, field] = fields[k];
      const std::size_t end = k + 1 < fields.size() ? fields[k + 1].first : body.size();
      const std::string_view chain = std::string_view(body).substr(at, end - at);
      std::string column = field;
      if (const std::size_t key = chain.find("StorageKey("); key != std::string_view::npos) {
        if (auto given = FirstQuoted(chain.substr(key))) column = *given;
      }
      if (column != field) model.fields.emplace_back(field, column);
      out.uses.push_back({table, column, UseKind::kModelColumn, code.LineOf(open + at),
                          "ent schema " + name + ", field " + field +
                              (column != field ? " StorageKey(\"" + column + "\")" : "")});
    }
    out.models.push_back(std::move(model));
  }
}

constexpr EvidenceReader kReader{
    .name = "ent",
    .what =
        "ent schemas: entsql.Annotation{Table} or the plural snake_case of the type; "
        "field.X(\"name\") by StorageKey or its name",
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
