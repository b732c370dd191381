// Diesel (Rust). `diesel::table! { users (id) { id -> Int4, name -> Text, } }` in schema.rs is
// the model of a table, and lists every column Diesel can read of it. The file is usually
// generated (`diesel print-schema`), and read all the same. Diesel reads a listed column that no
// code names only through its default select, which loads the table whole: a query without
// .select() into a positional `Queryable` struct. So a listed column is a use only where code of
// the same commit loads its table whole: a struct deriving Queryable but neither Selectable nor
// HasQuery (which select their own fields, each maybe from another table), whose table is its
// `#[diesel(table_name = x)]` or, as Diesel infers it, its name in snake_case with an 's'; or
// the paths `x::all_columns`, `x::star`. In hand-written code, `#[diesel(table_name = x)]` and
// the paths `x::table`, `x::dsl`, `schema::x` name the table, and `x::name` (where the file names
// `x` as a table) and the fields of a model struct (Queryable, Selectable, Insertable, ...) its
// columns.
#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

// A `#[...]` attribute inside a brace body that ends at `close`, its `#` at `at`: the text from
// `[` to before `]`, and where the body goes on after it. Nullopt when no `[` follows in the body.
struct Attribute {
  std::string_view text;
  std::size_t end = 0;
};

std::optional<Attribute> AttributeAt(std::string_view text, std::size_t at, std::size_t close) {
  const std::size_t open = text.find('[', at);
  if (open == std::string_view::npos || open >= close) return std::nullopt;
  const std::size_t end = MatchingClose(text, open);
  return Attribute{text.substr(open, end - open), end + 1};
}

bool Accepts(const CodeText& code) {
  return code.path.ends_with(".rs") && (code.code.find("table!") != std::string::npos ||
                                        code.code.find("diesel") != std::string::npos ||
                                        code.code.find("Queryable") != std::string::npos);
}

std::size_t SkipSpace(std::string_view text, std::size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
                             text[i] == '\r' || text[i] == ',')) {
    ++i;
  }
  return i;
}

// "r#type" -> "type": a raw identifier names the column without its prefix.
std::string_view Identifier(std::string_view text, std::size_t at) {
  if (text.substr(at, 2) == "r#") return WordAt(text, at + 2);
  return WordAt(text, at);
}

// The columns of one table's body: `[#[sql_name = "x"]] name -> Type,`.
void ReadColumns(const CodeText& code, std::size_t begin, std::size_t end, const std::string& table,
                 FileEvidence& out) {
  const std::string_view text = code.code;
  std::size_t i = begin;
  std::string sql_name;
  while (true) {
    i = SkipSpace(text, i);
    if (i >= end) return;
    if (text[i] == '#') {  // an attribute: #[sql_name = "x"], #[max_length = 8], doc comments
      const std::size_t open = text.find('[', i);
      if (open == std::string_view::npos || open >= end) return;
      const std::size_t close = MatchingClose(text, open);
      const std::string_view attribute = text.substr(open, close - open);
      if (attribute.find("sql_name") != std::string_view::npos) {
        if (auto name = FirstQuoted(attribute)) sql_name = *name;
      }
      i = close + 1;
      continue;
    }
    const std::string_view name = Identifier(text, i);
    if (name.empty()) return;
    const std::size_t arrow = text.find("->", i);
    if (arrow == std::string_view::npos || arrow >= end) return;
    const std::string column = sql_name.empty() ? std::string(name) : sql_name;
    Use use{table, column, UseKind::kModelColumn, code.LineOf(i),
            "Diesel table! " + table + " lists " + column +
                ", which its default select reads"};
    use.only_if_loaded_whole = true;
    out.uses.push_back(std::move(use));
    sql_name.clear();
    // The type runs to the next comma outside <...> (Array<Nullable<Text>>), or the end.
    std::size_t j = arrow + 2;
    int depth = 0;
    while (j < end && !(text[j] == ',' && depth == 0)) {
      if (text[j] == '<') ++depth;
      if (text[j] == '>' && text[j - 1] != '-') --depth;
      ++j;
    }
    i = j;
  }
}

// table! { [#[sql_name = "x"]] [schema.]name (pk, ...) { columns } ... }
void ReadTableMacros(const CodeText& code, FileEvidence& out) {
  const std::string_view text = code.code;
  std::size_t next = 0;
  for (std::size_t at = text.find("table!"); at != std::string_view::npos;
       at = text.find("table!", next)) {
    next = at + 6;
    if (at > 0 && IsWordByte(static_cast<unsigned char>(text[at - 1]))) continue;
    const std::size_t open = SkipSpace(text, at + 6);
    if (open >= text.size() || (text[open] != '{' && text[open] != '(')) continue;
    const std::size_t close = MatchingClose(text, open);
    next = close;
    std::size_t i = open + 1;
    std::string sql_name;
    while (true) {
      i = SkipSpace(text, i);
      if (i >= close) break;
      if (text[i] == '#') {
        const auto attribute = AttributeAt(text, i, close);
        if (!attribute) break;
        if (attribute->text.find("sql_name") != std::string_view::npos) {
          if (auto name = FirstQuoted(attribute->text)) sql_name = *name;
        }
        i = attribute->end;
        continue;
      }
      if (WordAt(text, i) == "use") {  // use diesel::sql_types::*; inside the macro
        const std::size_t semicolon = text.find(';', i);
        if (semicolon == std::string_view::npos || semicolon >= close) break;
        i = semicolon + 1;
        continue;
      }
      std::string_view name = Identifier(text, i);
      if (name.empty()) break;
      const std::size_t name_at = i;
      i += name.size() + (text.substr(name_at, 2) == "r#" ? 2 : 0);
      if (i < close && text[i] == '.') {  // schema.table: the table is the last part
        name = Identifier(text, i + 1);
        i += 1 + name.size();
      }
      std::size_t body = text.find('{', i);
      if (body == std::string_view::npos || body >= close) break;
      const std::size_t body_close = MatchingClose(text, body);
      const std::string table = sql_name.empty() ? std::string(name) : sql_name;
      sql_name.clear();
      out.uses.push_back({table, "", UseKind::kModelTable, code.LineOf(name_at),
                          "Diesel table! " + table});
      out.complete_tables.push_back(table);
      ReadColumns(code, body + 1, body_close, table, out);
      i = body_close + 1;
    }
  }
}

// The table a `table_name` at `at` gives: `table_name = users`, `table_name = "users"`, or a
// path (`crate::schema::users`), whose last part it is. Empty when it gives none.
std::string_view TableNameAt(std::string_view text, std::size_t at) {
  std::size_t i = at + 10;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i >= text.size() || text[i] != '=') return {};
  i = SkipSpace(text, i + 1);
  if (i < text.size() && text[i] == '"') ++i;
  std::string_view name = Identifier(text, i);
  while (!name.empty() && text.substr(i + name.size(), 2) == "::") {
    i += name.size() + 2;
    name = Identifier(text, i);
  }
  return name;
}

// The table Diesel infers for a struct (diesel_derives' infer_table_name): each capital after
// the first starts a new word, all in lower case, and an 's': CrateOwnerInvitation ->
// crate_owner_invitations.
std::string InferredTableName(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c >= 'A' && c <= 'Z') {
      if (i > 0) out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out + "s";
}

// The derives an attribute lists: derive(Queryable, diesel::Selectable) and the derive inside
// cfg_attr(feature = "full", derive(...)), each by its last path segment.
void AddDerives(std::string_view attribute, std::set<std::string, std::less<>>& derives) {
  for (std::size_t at = attribute.find("derive"); at != std::string_view::npos;
       at = attribute.find("derive", at + 6)) {
    if (at > 0 && IsWordByte(static_cast<unsigned char>(attribute[at - 1]))) continue;
    std::size_t open = at + 6;
    while (open < attribute.size() && (attribute[open] == ' ' || attribute[open] == '\t')) ++open;
    if (open >= attribute.size() || attribute[open] != '(') continue;
    const std::size_t close = MatchingClose(attribute, open);
    for (std::size_t i = open + 1; i < close;) {
      const std::string_view word = WordAt(attribute, i);
      if (word.empty()) {
        ++i;
        continue;
      }
      i += word.size();
      if (attribute.substr(i, 2) != "::") derives.emplace(word);  // the last segment of a path
    }
  }
}

// The fields of a Diesel model struct from `from` (after its name): each is a column of its
// table, named like the field or by `column_name`; one with `select_expression` (read from
// elsewhere) or `embed` (another struct) is none.
void ReadFields(const CodeText& code, std::size_t from, const std::string& table,
                std::string_view model, FileEvidence& out) {
  const std::string_view text = code.code;
  std::size_t open = from;
  while (open < text.size() && text[open] != '{' && text[open] != ';' && text[open] != '(') ++open;
  if (open >= text.size() || text[open] != '{') return;  // a unit or tuple struct
  const std::size_t close = MatchingClose(text, open);
  std::size_t i = open + 1;
  std::string column;
  bool skip = false;
  while (true) {
    i = SkipSpace(text, i);
    if (i >= close) return;
    if (text[i] == '#') {
      const auto found = AttributeAt(text, i, close);
      if (!found) return;
      const std::string_view attribute = found->text;
      if (HasWord(attribute, "select_expression") || HasWord(attribute, "embed")) skip = true;
      if (const std::size_t at = attribute.find("column_name"); at != std::string_view::npos) {
        std::size_t j = at + 11;
        while (j < attribute.size() && (attribute[j] == ' ' || attribute[j] == '=' ||
                                        attribute[j] == '"')) {
          ++j;
        }
        column = std::string(Identifier(attribute, j));
      }
      i = found->end;
      continue;
    }
    std::string_view field = Identifier(text, i);
    if (field == "pub") {
      i += 3;
      i = SkipSpace(text, i);
      if (i < close && text[i] == '(') i = MatchingClose(text, i) + 1;
      continue;
    }
    if (field.empty()) return;
    const std::size_t field_at = i;
    i += field.size() + (text.substr(i, 2) == "r#" ? 2 : 0);
    if (!skip) {
      const std::string mapped = column.empty() ? std::string(field) : column;
      out.uses.push_back({table, mapped, UseKind::kModelColumn, code.LineOf(field_at),
                          "Diesel model " + std::string(model) + " field " + std::string(field)});
    }
    column.clear();
    skip = false;
    // The type runs to the next comma outside brackets, or the end.
    int depth = 0;
    while (i < close && !(text[i] == ',' && depth == 0)) {
      if (text[i] == '<' || text[i] == '(' || text[i] == '[') ++depth;
      if ((text[i] == '>' && text[i - 1] != '-') || text[i] == ')' || text[i] == ']') --depth;
      ++i;
    }
  }
}

// Structs with their attributes: a Queryable that is neither Selectable nor HasQuery is loaded
// with the default select, every column its table lists.
void ReadStructs(const CodeText& code, FileEvidence& out) {
  const std::string_view text = code.code;
  std::vector<std::string_view> attributes;  // those right before the item at hand
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#' && i + 1 < text.size() && text[i + 1] == '[') {
      const std::size_t close = MatchingClose(text, i + 1);
      attributes.push_back(text.substr(i + 2, std::min(close, text.size()) - (i + 2)));
      i = close + 1;
      continue;
    }
    if (!IsWordByte(static_cast<unsigned char>(c))) {
      attributes.clear();
      ++i;
      continue;
    }
    const std::string_view word = WordAt(text, i);
    const std::size_t word_at = i;
    i += word.size();
    if (word == "pub") {  // pub, pub(crate): still the same item
      i = SkipSpace(text, i);
      if (i < text.size() && text[i] == '(') i = MatchingClose(text, i) + 1;
      continue;
    }
    if (word == "struct" && !attributes.empty()) {
      const std::string_view name = WordAt(text, SkipSpace(text, i));
      std::set<std::string, std::less<>> derives;
      std::string table;
      for (const std::string_view attribute : attributes) {
        AddDerives(attribute, derives);
        if (const std::size_t at = attribute.find("table_name"); at != std::string_view::npos) {
          table = std::string(TableNameAt(attribute, at));
        }
      }
      if (!name.empty() && derives.count("Queryable") > 0 && derives.count("Selectable") == 0 &&
          derives.count("HasQuery") == 0) {
        if (table.empty()) table = InferredTableName(name);
        out.whole_loads.push_back({table, code.LineOf(word_at),
                                   "Diesel Queryable " + std::string(name) + " loads " + table +
                                       " whole (not Selectable: the default select)"});
      }
      static constexpr std::array<std::string_view, 6> kModelDerives{
          "Queryable", "Selectable", "HasQuery", "Insertable", "AsChangeset", "Identifiable"};
      if (!name.empty() && std::any_of(kModelDerives.begin(), kModelDerives.end(),
                                       [&](std::string_view d) { return derives.count(d) > 0; })) {
        if (table.empty()) table = InferredTableName(name);
        ReadFields(code, SkipSpace(text, i) + name.size(), table, name, out);
      }
    }
    attributes.clear();
  }
}

bool IsLowerIdentifier(std::string_view word) {
  return !word.empty() && (word[0] == '_' || (word[0] >= 'a' && word[0] <= 'z'));
}

// The identifier ending just before `end` (empty when none does).
std::string_view WordBefore(std::string_view text, std::size_t end) {
  std::size_t begin = end;
  while (begin > 0 && IsWordByte(static_cast<unsigned char>(text[begin - 1]))) --begin;
  return text.substr(begin, end - begin);
}

// Paths in hand-written code: users::table, schema::users, users::dsl::{name, ...}, users::name.
void ReadPaths(const CodeText& code, FileEvidence& out) {
  const std::string_view text = code.code;
  static const std::set<std::string_view> kTableItems{"table", "dsl", "all_columns", "columns",
                                                      "star"};
  struct Path {
    std::string_view left, right;
    std::size_t at;
  };
  std::vector<Path> paths;
  for (std::size_t at = text.find("::"); at != std::string_view::npos;
       at = text.find("::", at + 2)) {
    const std::string_view left = WordBefore(text, at);
    if (left.empty()) continue;
    paths.push_back({left, Identifier(text, at + 2), at - left.size()});
  }
  // Which words the file uses as tables.
  std::set<std::string> tables;
  std::vector<std::pair<std::string, std::size_t>> table_uses;
  const auto add_table = [&](std::string_view name, std::size_t at, std::string how) {
    if (!IsLowerIdentifier(name) || name == "crate" || name == "self" || name == "super" ||
        name == "diesel") {
      return;
    }
    tables.emplace(name);
    out.uses.push_back({std::string(name), "", UseKind::kModelTable, code.LineOf(at),
                        std::move(how)});
  };
  for (const Path& path : paths) {
    if (kTableItems.count(path.right) > 0) {
      add_table(path.left, path.at,
                "Diesel path " + std::string(path.left) + "::" + std::string(path.right));
      if ((path.right == "all_columns" || path.right == "star") && tables.count(std::string(path.left)) > 0) {
        out.whole_loads.push_back({std::string(path.left), code.LineOf(path.at),
                                   "Diesel path " + std::string(path.left) + "::" +
                                       std::string(path.right) + " reads every listed column"});
      }
    } else if (path.left == "schema") {
      const std::size_t after = path.at + path.left.size() + 2;
      if (after < text.size() && text[after] == '{') {  // use crate::schema::{users, crates};
        const std::size_t close = MatchingClose(text, after);
        for (std::size_t i = after + 1; i < close;) {
          const std::string_view word = WordAt(text, i);
          if (word.empty()) {
            ++i;
            continue;
          }
          // Only the first segment of each item: schema::{users::dsl::*, crates}.
          if (text[i - 1] != ':') add_table(word, i, "Diesel path schema::" + std::string(word));
          i += word.size();
        }
      } else if (!path.right.empty()) {
        add_table(path.right, path.at, "Diesel path schema::" + std::string(path.right));
      }
    }
  }
  // #[diesel(table_name = users)], #[table_name = "users"]
  for (std::size_t at = text.find("table_name"); at != std::string_view::npos;
       at = text.find("table_name", at + 10)) {
    const std::string_view name = TableNameAt(text, at);
    add_table(name, at, "Diesel model of table " + std::string(name));
  }
  // users::name, users::dsl::name and users::dsl::{name, ...}, where users is a table here.
  for (const Path& path : paths) {
    if (tables.count(std::string(path.left)) == 0 || path.right.empty()) continue;
    std::size_t after = path.at + path.left.size() + 2;
    std::string_view right = path.right;
    if (right == "dsl") {
      after += 3;
      if (text.substr(after, 2) != "::") continue;
      after += 2;
      if (after < text.size() && text[after] == '{') {
        const std::size_t close = MatchingClose(text, after);
        for (std::size_t i = after + 1; i < close;) {
          const std::string_view word = Identifier(text, i);
          if (word.empty()) {
            ++i;
            continue;
          }
          if (IsLowerIdentifier(word) && word != path.left && kTableItems.count(word) == 0) {
            out.uses.push_back({std::string(path.left), std::string(word), UseKind::kModelColumn,
                                code.LineOf(i),
                                "Diesel path " + std::string(path.left) + "::dsl::" +
                                    std::string(word)});
          }
          i += word.size();
        }
        continue;
      }
      right = Identifier(text, after);
    }
    if (!IsLowerIdentifier(right) || kTableItems.count(right) > 0 || right == path.left) continue;
    out.uses.push_back({std::string(path.left), std::string(right), UseKind::kModelColumn,
                        code.LineOf(path.at),
                        "Diesel path " + std::string(path.left) + "::" + std::string(right)});
  }
}

void Read(const CodeText& code, FileEvidence& out) {
  ReadTableMacros(code, out);
  if (code.code.find("diesel") != std::string::npos) ReadPaths(code, out);
  // Models derive Queryable, or only Selectable, HasQuery, Insertable, ...
  if (code.code.find("derive") != std::string::npos) ReadStructs(code, out);
}

constexpr EvidenceReader kReader{
    .name = "diesel",
    .what =
        "Diesel: table! in schema.rs (generated or not) maps a table; a column it lists is read "
        "by the default select, so used where code loads the table whole (a Queryable struct "
        "that is not Selectable or HasQuery, x::all_columns); the fields of a model struct "
        "(column_name read; select_expression and embed fields none); #[diesel(table_name = "
        "x)] and the paths x::table, x::dsl, schema::x, x::column",
    .reads_generated = true,
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
