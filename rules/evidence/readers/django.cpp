// Django models: a class deriving from models.Model is a table, named by Meta's db_table or else
// "<app>_<model>" in lower case (the app is the directory holding models.py or the models
// package); each field a column, named by db_column or else the field's name, with "_id" after
// a ForeignKey or OneToOneField. ManyToManyField holds no column of the model's table.
#include <regex>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/naming.h"
#include "rules/evidence/python_classes.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

bool Accepts(const CodeText& code) {
  return code.language == Language::kPython && code.code.find("models.") != std::string::npos;
}

// "shop/models.py" -> "shop", "shop/models/order.py" -> "shop".
std::string AppLabel(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t slash = path.find('/', start);
    parts.push_back(
        path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (std::size_t i = parts.size(); i-- > 1;) {
    if (parts[i] == "models.py" || parts[i] == "models") return std::string(parts[i - 1]);
  }
  return parts.size() >= 2 ? std::string(parts[parts.size() - 2]) : std::string();
}

void Read(const CodeText& code, FileEvidence& out) {
  static const std::regex kField(R"re(^\s*(\w+)\s*=\s*(?:models\.)?(\w+Field|ForeignKey)\s*\()re");
  for (const PythonClass& model : PythonClasses(code)) {
    if (model.bases.find("Model") == std::string::npos) continue;
    std::string table = Lower(AppLabel(code.path) + "_" + model.name);
    bool is_abstract = false;
    for (const Line& line : NestedClassBody(model, "Meta")) {
      if (auto db_table = QuotedOption(line.text, "db_table")) table = *db_table;
      if (Trim(line.text).starts_with("abstract") && line.text.find("True") != std::string::npos) {
        is_abstract = true;
      }
    }
    if (is_abstract) continue;
    Model mapped{model.name, table, {}};
    out.uses.push_back({table, "", UseKind::kModelTable, model.line,
                        "Django model " + model.name + " (table " + table + ")"});
    for (const Line& line : model.body) {
      std::smatch match;
      const std::string text(line.text);
      if (Indentation(line.text) > model.indent + 8 || !std::regex_search(text, match, kField)) {
        continue;
      }
      const std::string field = match[1].str();
      const std::string type = match[2].str();
      if (type == "ManyToManyField") continue;
      const bool key = type == "ForeignKey" || type == "OneToOneField";
      std::string column = field + (key ? "_id" : "");
      if (auto db_column = QuotedOption(text, "db_column")) column = *db_column;
      if (column != field) mapped.fields.emplace_back(field, column);
      out.uses.push_back({table, column, UseKind::kModelColumn, line.number,
                          "Django model " + model.name + ", field " + field +
                              (column != field ? " (column " + column + ")" : "")});
    }
    out.models.push_back(std::move(mapped));
  }
}

constexpr EvidenceReader kReader{
    .name = "django",
    .what =
        "Django models: Meta.db_table or <app>_<model>, fields by db_column or their name "
        "(_id after ForeignKey and OneToOneField); abstract models and ManyToManyField hold "
        "no column",
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
