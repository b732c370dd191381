#include "planner/planner_sql.h"

#include <algorithm>
#include <cctype>

#include "parser/identifiers.h"

namespace pgshift::planner {

std::string Q(std::string_view name) { return parser::QuoteIdentifier(name); }

std::string TableSql(const parser::QualifiedName& name) { return name.ToSql(); }

std::string BackfillTable(const parser::QualifiedName& name) {
  auto part = [](const std::string& p) {
    if (p.find('.') == std::string::npos && p.find('"') == std::string::npos) return p;
    std::string quoted = "\"";
    for (char c : p) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  return name.schema.empty() ? part(name.name) : part(name.schema) + "." + part(name.name);
}

std::string IndexSql(const parser::QualifiedName& table, const std::string& index) {
  return table.schema.empty() ? Q(index) : Q(table.schema) + "." + Q(index);
}

std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::string CutAtWord(std::string slug, std::size_t max) {
  if (slug.size() <= max) return slug;
  // The last hyphen at or before `max`: the words before it fit whole.
  const std::size_t hyphen = slug.rfind('-', max);
  slug.resize(hyphen != std::string::npos && hyphen > 0 ? hyphen : max);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::vector<std::string> ColumnNames(parser::Node* const* items, std::size_t count) {
  return parser::StringList(items, count);
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& column : columns) out += (out.empty() ? "" : ", ") + Q(column);
  return out;
}

std::vector<std::string> ColumnsReferenced(const parser::Node* expression) {
  std::vector<std::string> columns;
  parser::VisitNodes(expression, [&](const parser::Node& node) {
    if (node.node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return;
    const auto* ref = node.column_ref;
    if (ref->n_fields == 0) return;
    const std::string name(parser::StringValue(ref->fields[ref->n_fields - 1]));
    if (!name.empty() && std::find(columns.begin(), columns.end(), name) == columns.end()) {
      columns.push_back(name);
    }
  });
  return columns;
}

std::string DuplicatesGate(const parser::QualifiedName& table,
                           const std::vector<std::string>& columns) {
  std::string present;
  for (const std::string& column : columns) {
    present += (present.empty() ? " WHERE " : " AND ") + Q(column) + " IS NOT NULL";
  }
  return "SELECT NOT EXISTS (SELECT 1 FROM " + TableSql(table) + present + " GROUP BY " +
         ColumnList(columns) + " HAVING count(*) > 1)";
}

}  // namespace pgshift::planner
