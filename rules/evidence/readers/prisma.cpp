// Prisma schemas: each model (or view) is a table, named by @@map or else the model's name; each
// scalar field a column, named by @map or else the field's name. Relation fields hold no column,
// and @ignore and @@ignore keep a field or model out of the client: no use.
#include <algorithm>
#include <array>
#include <set>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

bool Accepts(const CodeText& code) { return code.language == Language::kPrisma; }

bool IsBuiltinType(std::string_view type) {
  static constexpr std::array<std::string_view, 11> kTypes{
      "String",   "Boolean", "Int",   "BigInt",      "Float", "Decimal",
      "DateTime", "Json",    "Bytes", "Unsupported", "Xml"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

struct Block {
  std::string keyword;  // model, view, enum, type
  std::string name;
  int line = 0;
  std::vector<Line> body;
};

std::vector<Block> Blocks(const std::vector<Line>& lines) {
  std::vector<Block> blocks;
  Block* open = nullptr;
  for (const Line& line : lines) {
    const std::string_view text = Trim(line.text);
    if (open == nullptr) {
      for (std::string_view keyword : {"model", "view", "enum", "type"}) {
        if (!text.starts_with(keyword) || text.size() <= keyword.size() ||
            text[keyword.size()] != ' ' || text.find('{') == std::string_view::npos) {
          continue;
        }
        const std::string_view name = WordAt(text, text.find_first_not_of(' ', keyword.size()));
        blocks.push_back({std::string(keyword), std::string(name), line.number, {}});
        open = &blocks.back();
        break;
      }
      continue;
    }
    if (text.starts_with("}")) {
      open = nullptr;
      continue;
    }
    open->body.push_back(line);
  }
  return blocks;
}

void ReadModel(const Block& block, const std::set<std::string>& models,
               const std::set<std::string>& enums, FileEvidence& out) {
  std::string table = block.name;
  struct Field {
    std::string name, column;
    int line;
  };
  std::vector<Field> fields;
  for (const Line& line : block.body) {
    const std::string_view text = Trim(line.text);
    if (text.starts_with("@@map")) {
      if (auto mapped = FirstQuoted(text)) table = *mapped;
      continue;
    }
    if (text.starts_with("@@ignore")) return;
    if (text.empty() || text.starts_with("@")) continue;
    const std::string_view name = WordAt(text, 0);
    if (name.empty()) continue;
    std::size_t at = text.find_first_not_of(' ', name.size());
    if (at == std::string_view::npos) continue;
    const std::string_view type = WordAt(text, at);
    const std::string_view rest = text.substr(at + type.size());
    const bool list = rest.starts_with("[]");
    const bool relation = rest.find("@relation") != std::string_view::npos ||
                          models.count(std::string(type)) > 0 ||
                          (list && !IsBuiltinType(type) && enums.count(std::string(type)) == 0);
    if (relation || rest.find("@ignore") != std::string_view::npos || type.empty()) continue;
    std::string column(name);
    if (const std::size_t map = rest.find("@map("); map != std::string_view::npos) {
      if (auto mapped = FirstQuoted(rest.substr(map))) column = *mapped;
    }
    fields.push_back({std::string(name), std::move(column), line.number});
  }
  Model model{block.name, table, {}};
  out.uses.push_back({table, "", UseKind::kModelTable, block.line,
                      "Prisma " + block.keyword + " " + block.name +
                          (table != block.name ? " @@map(\"" + table + "\")" : "")});
  for (const Field& field : fields) {
    std::string how = "Prisma " + block.keyword + " " + block.name + ", field " + field.name;
    if (field.column != field.name) {
      how += " @map(\"" + field.column + "\")";
      model.fields.emplace_back(field.name, field.column);
    }
    out.uses.push_back({table, field.column, UseKind::kModelColumn, field.line, std::move(how)});
  }
  out.models.push_back(std::move(model));
  out.complete_tables.push_back(table);
}

void Read(const CodeText& code, FileEvidence& out) {
  const std::vector<Block> blocks = Blocks(SplitLines(code.code));
  std::set<std::string> models, enums;
  for (const Block& block : blocks) {
    (block.keyword == "enum" ? enums : models).insert(block.name);
  }
  for (const Block& block : blocks) {
    if (block.keyword == "model" || block.keyword == "view") ReadModel(block, models, enums, out);
  }
}

constexpr EvidenceReader kReader{
    .name = "prisma",
    .what =
        "Prisma schemas: models and views (@@map or the model's name) and their scalar "
        "fields (@map or the field's name); @ignore and @@ignore are no use",
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
