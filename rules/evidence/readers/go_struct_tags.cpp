// Go structs mapped to rows: field tags `db:"x"` (sqlx, scany, sqlc), `gorm:"column:x"`,
// `bun:"x"`, `pg:"x"` and beego's `orm:"column(x)"`. gorm and beego name a table by the struct's
// TableName() method (a struct with one maps its table, tags or not); gorm else by the
// snake_case plural of the struct, and a field without a tag by its snake_case name; bun and
// go-pg name it in a tag. A `db:"x"` struct does not say its table: its columns are uses in the
// tables the file names (a struct User next to SQL on users).
#include <algorithm>
#include <map>
#include <regex>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/naming.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

bool Accepts(const CodeText& code) {
  return code.path.ends_with(".go") && (code.code.find("db:\"") != std::string::npos ||
                                        code.code.find("gorm:\"") != std::string::npos ||
                                        code.code.find("bun:\"") != std::string::npos ||
                                        code.code.find("pg:\"") != std::string::npos ||
                                        code.code.find("orm:\"") != std::string::npos ||
                                        code.code.find("gorm.Model") != std::string::npos ||
                                        code.code.find("TableName") != std::string::npos);
}

// The value of one key in a struct tag: `db:"x" json:"y"` -> x for "db".
std::optional<std::string> TagValue(std::string_view tag, std::string_view key) {
  const std::string prefix = std::string(key) + ":\"";
  for (std::size_t at = tag.find(prefix); at != std::string_view::npos;
       at = tag.find(prefix, at + 1)) {
    if (at > 0 && tag[at - 1] != ' ' && tag[at - 1] != '`') continue;
    const std::size_t begin = at + prefix.size();
    const std::size_t end = tag.find('"', begin);
    if (end == std::string_view::npos) return std::nullopt;
    return std::string(tag.substr(begin, end - begin));
  }
  return std::nullopt;
}

// The first comma- or semicolon-separated part of a tag value, or the part after "column:"
// (gorm) or "table:" (bun).
std::string TagPart(std::string_view value, std::string_view prefix = {}) {
  std::size_t begin = 0;
  if (!prefix.empty()) {
    const std::size_t at = value.find(prefix);
    if (at == std::string_view::npos) return {};
    begin = at + prefix.size();
  }
  const std::size_t end = value.find_first_of(",;", begin);
  return std::string(
      Trim(value.substr(begin, end == std::string_view::npos ? value.npos : end - begin)));
}

bool IsBasicType(std::string_view type) {
  while (type.starts_with("*")) type.remove_prefix(1);
  static const std::vector<std::string_view> kTypes{
      "string",         "bool",           "int",
      "int8",           "int16",          "int32",
      "int64",          "uint",           "uint8",
      "uint16",         "uint32",         "uint64",
      "float32",        "float64",        "[]byte",
      "time.Time",      "uuid.UUID",      "decimal.Decimal",
      "datatypes.JSON", "gorm.DeletedAt", "json.RawMessage"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end() ||
         type.starts_with("sql.Null");
}

void Read(const CodeText& code, FileEvidence& out) {
  const std::string& text = code.code;
  const bool gorm = text.find("gorm") != std::string::npos;
  // func (User) TableName() string { return "people" }
  std::map<std::string, std::string> table_names;
  static const std::regex kTableName(
      R"re(func\s*\(\s*(?:\w+\s+)?\*?\s*(\w+)\s*\)\s*TableName\s*\(\s*\)\s*string\s*\{\s*return\s*"([^"]+)")re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kTableName);
       it != std::sregex_iterator(); ++it) {
    table_names[(*it)[1].str()] = (*it)[2].str();
  }
  static const std::regex kStruct(R"re(type\s+(\w+)\s+struct\s*\{)re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kStruct);
       it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1].str();
    const std::size_t open = static_cast<std::size_t>(it->position(0) + it->length(0) - 1);
    const std::size_t close = MatchingClose(text, open);
    std::string table = table_names.count(name) > 0 ? table_names[name] : "";
    struct Column {
      std::string column, how;
      int line;
    };
    std::vector<Column> columns;
    bool gorm_model = false;
    for (const Line& line : SplitLines(std::string_view(text).substr(open + 1, close - open - 1))) {
      const std::string_view field = Trim(line.text);
      const int number = code.LineOf(open + 1 + line.offset);
      const std::size_t tick = field.find('`');
      const std::string_view tag =
          tick == std::string_view::npos ? std::string_view() : field.substr(tick);
      const std::string_view field_name = WordAt(field, 0);
      if (field.starts_with("gorm.Model")) gorm_model = true;
      if (auto bun = TagValue(tag, "bun")) {
        if (std::string t = TagPart(*bun, "table:"); !t.empty()) table = t;
      }
      if (auto pg = TagValue(tag, "pg"); pg && field_name == "tableName") {
        table = TagPart(*pg);
      }
      std::string column, how;
      if (auto db = TagValue(tag, "db")) {
        column = TagPart(*db);
        how = "db:\"" + *db + "\"";
      } else if (auto g = TagValue(tag, "gorm"); g && g->find("column:") != std::string::npos) {
        column = TagPart(*g, "column:");
        how = "gorm:\"" + *g + "\"";
      } else if (auto b = TagValue(tag, "bun"); b && b->find("table:") == std::string::npos) {
        column = TagPart(*b);
        how = "bun:\"" + *b + "\"";
      } else if (auto o = TagValue(tag, "orm"); o && o->find("column(") != std::string::npos) {
        // beego: orm:"pk;auto;column(id)"
        const std::size_t begin = o->find("column(") + 7;
        column = o->substr(begin, o->find(')', begin) - begin);
        how = "orm:\"" + *o + "\"";
      } else if (auto p = TagValue(tag, "pg"); p && field_name != "tableName") {
        column = TagPart(*p);
        how = "pg:\"" + *p + "\"";
      } else if (gorm && !field_name.empty() && field_name[0] >= 'A' && field_name[0] <= 'Z') {
        // An exported field of a basic type: gorm names its column in snake_case.
        const std::size_t type_at = field.find_first_not_of(" \t", field_name.size());
        if (type_at == std::string_view::npos) continue;
        std::string_view type = field.substr(type_at);
        type = type.substr(0, type.find_first_of(" \t`"));
        if (!IsBasicType(type) ||
            (TagValue(tag, "gorm") && TagValue(tag, "gorm")->find('-') == 0)) {
          continue;
        }
        column = SnakeCase(field_name);
        how = "gorm field " + std::string(field_name);
      }
      if (column.empty() || column == "-") continue;
      columns.push_back({column, "Go struct " + name + ", " + how, number});
    }
    if (gorm_model) {
      for (const char* c : {"id", "created_at", "updated_at", "deleted_at"}) {
        columns.push_back({c, "Go struct " + name + ", gorm.Model", code.LineOf(open)});
      }
    }
    if (columns.empty() && table.empty()) continue;
    if (table.empty() && gorm) table = Pluralize(SnakeCase(name));
    if (!table.empty()) {
      out.models.push_back({name, table, {}});
      out.uses.push_back({table, "", UseKind::kModelTable, code.LineOf(it->position(0)),
                          "Go struct " + name + " maps table " + table});
    }
    for (Column& c : columns) {
      out.uses.push_back(
          {table, std::move(c.column), UseKind::kModelColumn, c.line, std::move(c.how)});
    }
  }
}

constexpr EvidenceReader kReader{
    .name = "go-struct-tags",
    .what =
        "Go structs: tags db:\"x\" (sqlx, scany, sqlc), gorm:\"column:x\", bun:\"x\", "
        "pg:\"x\", beego orm:\"column(x)\"; TableName() (gorm, beego) and gorm's default names "
        "(snake_case plural table, "
        "snake_case columns); a db:\"x\" struct's columns belong to the tables its file names",
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
