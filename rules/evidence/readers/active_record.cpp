// ActiveRecord models: a class deriving from ApplicationRecord or ActiveRecord::Base is a table,
// named by self.table_name or else the plural snake_case of the class. ActiveRecord reads and
// writes every column it finds in the table, so the model uses each of them, except those
// listed in ignored_columns.
#include <regex>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/naming.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

bool Accepts(const CodeText& code) {
  return code.language == Language::kRuby &&
         (code.code.find("ApplicationRecord") != std::string::npos ||
          code.code.find("ActiveRecord::Base") != std::string::npos);
}

// The names in %w[a b], [:a, :b] or ["a", "b"].
std::vector<std::string> ListedNames(std::string_view list) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < list.size()) {
    if (!IsWordByte(static_cast<unsigned char>(list[i]))) {
      ++i;
      continue;
    }
    const std::string_view word = WordAt(list, i);
    i += word.size();
    if (word != "w" && word != "i" && word != "self" && word != "ignored_columns") {
      names.emplace_back(word);
    }
  }
  return names;
}

void Read(const CodeText& code, FileEvidence& out) {
  static const std::regex kClass(
      R"re(class\s+(?:\w+::)*(\w+)\s*<\s*(?:ApplicationRecord|ActiveRecord::Base)\b)re");
  const std::string& text = code.code;
  std::vector<std::pair<std::size_t, std::string>> classes;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kClass);
       it != std::sregex_iterator(); ++it) {
    classes.emplace_back(static_cast<std::size_t>(it->position(0)), (*it)[1].str());
  }
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const auto& [at, name] = classes[k];
    const std::size_t end = k + 1 < classes.size() ? classes[k + 1].first : text.size();
    const std::string_view body = std::string_view(text).substr(at, end - at);
    std::string table = Pluralize(SnakeCase(name));
    if (auto named = QuotedOption(body, "self.table_name")) table = *named;
    if (auto named = QuotedOption(body, "table_name")) table = *named;
    out.models.push_back({name, table, {}});
    const int line = code.LineOf(at);
    out.uses.push_back({table, "", UseKind::kModelTable, line,
                        "ActiveRecord model " + name + " (table " + table + ")"});
    out.uses.push_back({table, "*", UseKind::kModelAllColumns, line,
                        "ActiveRecord model " + name + " reads every column of " + table});
    for (std::size_t i = body.find("ignored_columns"); i != std::string_view::npos;
         i = body.find("ignored_columns", i + 1)) {
      const std::size_t line_end = body.find('\n', i);
      for (std::string& column : ListedNames(body.substr(i, line_end - i))) {
        out.ignored.emplace_back(table, std::move(column));
      }
    }
  }
}

constexpr EvidenceReader kReader{
    .name = "active-record",
    .what =
        "ActiveRecord models: self.table_name or the plural snake_case of the class; every "
        "column of the table is used, except those in ignored_columns",
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
