// TypeORM entities: a class under @Entity is a table, named by @Entity("name") or
// @Entity({ name: "name" }) or else the snake_case of the class; each property under a column
// decorator (@Column, @PrimaryGeneratedColumn, @CreateDateColumn, ...) a column, named by its
// name option or else the property; @JoinColumn({ name: "x" }) names a foreign key's column.
#include <regex>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/naming.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

bool Accepts(const CodeText& code) {
  return code.language == Language::kCLike && code.code.find("@Entity") != std::string::npos;
}

void Read(const CodeText& code, FileEvidence& out) {
  static const std::regex kColumn(
      R"re(@(\w*Column)\s*\(([^)]*)\)\s*(?:@\w+\s*\([^)]*\)\s*)*(?:(?:public|private|protected|readonly|declare)\s+)*(\w+)\s*[?!]?\s*:)re");
  const std::string& text = code.code;
  // @Entity(options) ... class Name: found by hand, as a lazy pattern across a whole file
  // recurses once per byte in std::regex.
  struct Entity {
    std::size_t at;
    std::string options, name;
  };
  std::vector<Entity> entities;
  for (std::size_t at = text.find("@Entity"); at != std::string::npos;
       at = text.find("@Entity", at + 1)) {
    std::size_t open = at + 7;
    while (open < text.size() && (text[open] == ' ' || text[open] == '\n')) ++open;
    if (open >= text.size() || text[open] != '(') continue;
    const std::size_t close = MatchingClose(text, open);
    const std::size_t keyword = text.find("class ", close);
    if (keyword == std::string::npos) continue;
    std::size_t name_at = keyword + 6;
    while (name_at < text.size() && text[name_at] == ' ') ++name_at;
    const std::string name(WordAt(text, name_at));
    if (name.empty()) continue;
    entities.push_back({at, text.substr(open + 1, close - open - 1), name});
  }
  for (std::size_t k = 0; k < entities.size(); ++k) {
    const Entity& entity = entities[k];
    const std::string& name = entity.name;
    const std::string& options = entity.options;
    std::string table = SnakeCase(name);
    if (auto given = QuotedOption(options, "name")) {
      table = *given;
    } else if (auto first = FirstQuoted(options)) {
      table = *first;
    }
    const std::size_t begin = entity.at;
    const std::size_t end = k + 1 < entities.size() ? entities[k + 1].at : text.size();
    Model model{name, table, {}};
    out.uses.push_back({table, "", UseKind::kModelTable, code.LineOf(begin),
                        "TypeORM entity " + name + " (table " + table + ")"});
    const std::string body = text.substr(begin, end - begin);
    for (auto it = std::sregex_iterator(body.begin(), body.end(), kColumn);
         it != std::sregex_iterator(); ++it) {
      const std::string decorator = (*it)[1].str();
      const std::string property = (*it)[3].str();
      std::string column = property;
      if (auto given = QuotedOption((*it)[2].str(), "name")) column = *given;
      if (column != property) model.fields.emplace_back(property, column);
      out.uses.push_back({table, column, UseKind::kModelColumn,
                          code.LineOf(begin + static_cast<std::size_t>(it->position(0))),
                          "TypeORM entity " + name + ", @" + decorator + " " + property +
                              (column != property ? " (column " + column + ")" : "")});
    }
    out.models.push_back(std::move(model));
  }
}

constexpr EvidenceReader kReader{
    .name = "typeorm",
    .what =
        "TypeORM entities: @Entity(\"name\"), @Entity({ name }) or the snake_case class; "
        "properties under column decorators, named by their name option or the property; "
        "@JoinColumn({ name })",
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
