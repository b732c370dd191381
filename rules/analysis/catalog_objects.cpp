// The catalog's objects on their own: a table's columns and constraints, and what a column or
// index definition in a statement says.
#include <algorithm>
#include <utility>

#include "rules/analysis/catalog.h"

namespace pgshift::rules {

using parser::Node;
using parser::Str;

std::vector<std::string> IndexColumns(const PgQuery__IndexStmt& index) {
  std::vector<std::string> columns;
  for (std::size_t i = 0; i < index.n_index_params; ++i) {
    const Node* param = index.index_params[i];
    columns.emplace_back(param->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM
                             ? Str(param->index_elem->name)
                             : std::string_view());
  }
  return columns;
}

namespace {

// The last name of a qualified list: pg_catalog."C" gives "C".
std::string LastName(Node* const* names, std::size_t count) {
  return count == 0 ? std::string() : std::string(parser::StringValue(names[count - 1]));
}

}  // namespace

std::optional<std::vector<std::string>> NotNullTestsOnly(const Node* expression) {
  if (expression == nullptr) return std::nullopt;
  if (expression->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR &&
      expression->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    std::vector<std::string> columns;
    for (std::size_t i = 0; i < expression->bool_expr->n_args; ++i) {
      const std::optional<std::vector<std::string>> part =
          NotNullTestsOnly(expression->bool_expr->args[i]);
      if (!part) return std::nullopt;
      columns.insert(columns.end(), part->begin(), part->end());
    }
    return columns;
  }
  std::string column = NotNullCheckColumn(expression);
  if (column.empty()) return std::nullopt;
  return std::vector<std::string>{std::move(column)};
}

void AddColumnsRead(const Node* expression, std::vector<std::string>& columns) {
  parser::VisitNodes(expression, [&](const Node& node) {
    if (node.node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return;
    const std::vector<std::string> parts =
        parser::StringList(node.column_ref->fields, node.column_ref->n_fields);
    if (!parts.empty() &&
        std::find(columns.begin(), columns.end(), parts.back()) == columns.end()) {
      columns.push_back(parts.back());
    }
  });
}

void RecordIndexKeys(const PgQuery__IndexStmt& index, CatalogIndex& out) {
  out.partial = index.where_clause != nullptr;
  out.computed = out.partial;
  out.where_not_null = NotNullTestsOnly(index.where_clause).value_or(std::vector<std::string>{});
  AddColumnsRead(index.where_clause, out.also_reads);
  for (std::size_t i = 0; i < index.n_index_params; ++i) {
    const Node* param = index.index_params[i];
    if (param->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) continue;
    if (param->index_elem->expr != nullptr) out.computed = true;
    AddColumnsRead(param->index_elem->expr, out.also_reads);
  }
  for (std::size_t i = 0; i < index.n_index_including_params; ++i) {
    const Node* param = index.index_including_params[i];
    if (param->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) continue;
    const std::string name(Str(param->index_elem->name));
    if (!name.empty()) out.also_reads.push_back(name);
  }
  const std::string_view method = Str(index.access_method);
  out.plain = (method.empty() || method == "btree") && index.n_index_including_params == 0 &&
              index.where_clause == nullptr && index.n_options == 0 && !index.nulls_not_distinct &&
              Str(index.table_space).empty();
  bool names_any = false;
  for (std::size_t i = 0; i < index.n_index_params; ++i) {
    const Node* param = index.index_params[i];
    if (param->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) {
      out.plain = false;
      continue;
    }
    const PgQuery__IndexElem& elem = *param->index_elem;
    names_any = names_any || elem.n_collation > 0 || elem.n_opclass > 0;
    out.plain = out.plain && !Str(elem.name).empty() &&
                elem.ordering == PG_QUERY__SORT_BY_DIR__SORTBY_DEFAULT &&
                elem.nulls_ordering == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_DEFAULT;
  }
  if (!names_any) return;
  out.plain = false;
  for (std::size_t i = 0; i < index.n_index_params; ++i) {
    const Node* param = index.index_params[i];
    const bool elem = param->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM;
    out.collations.push_back(
        elem ? LastName(param->index_elem->collation, param->index_elem->n_collation) : "");
    out.opclasses.push_back(
        elem ? LastName(param->index_elem->opclass, param->index_elem->n_opclass) : "");
  }
}

std::string NotNullCheckColumn(const Node* expression) {
  if (expression == nullptr || expression->node_case != PG_QUERY__NODE__NODE_NULL_TEST) return {};
  const auto* test = expression->null_test;
  if (test->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || test->arg == nullptr ||
      test->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) {
    return {};
  }
  const auto* ref = test->arg->column_ref;
  if (ref->n_fields != 1) return {};
  return std::string(parser::StringValue(ref->fields[0]));
}

bool ColumnIsNotNull(const PgQuery__ColumnDef& column) {
  if (column.is_not_null) return true;
  for (std::size_t i = 0; i < column.n_constraints; ++i) {
    const Node* node = column.constraints[i];
    if (node->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
    const auto type = node->constraint->contype;
    if (type == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL ||
        type == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
      return true;
    }
  }
  return false;
}

const Node* ColumnDefault(const PgQuery__ColumnDef& column) {
  if (column.raw_default != nullptr) return column.raw_default;
  for (std::size_t i = 0; i < column.n_constraints; ++i) {
    const Node* node = column.constraints[i];
    if (node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
        node->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) {
      return node->constraint->raw_expr;
    }
  }
  return nullptr;
}

const CatalogColumn* CatalogTable::FindColumn(std::string_view column) const {
  if (!column_positions.empty() && columns_indexed == columns.size()) {
    const auto it = column_positions.find(column);
    if (it == column_positions.end()) return nullptr;
    if (it->second < columns.size() && columns[it->second].name == column) return &columns[it->second];
  }
  for (const CatalogColumn& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

void CatalogTable::ReindexColumns(bool rebuild) {
  constexpr std::size_t kIndexFrom = 32;  // below this, a linear search is as fast
  if (columns.size() < kIndexFrom) {
    column_positions.clear();
    columns_indexed = 0;
    return;
  }
  if (rebuild || columns_indexed > columns.size()) {
    column_positions.clear();
    columns_indexed = 0;
  }
  // emplace keeps the first position of a repeated name, as the linear search finds it.
  for (; columns_indexed < columns.size(); ++columns_indexed)
    column_positions.emplace(columns[columns_indexed].name, columns_indexed);
}

CatalogColumn* CatalogTable::FindColumn(std::string_view column) {
  return const_cast<CatalogColumn*>(std::as_const(*this).FindColumn(column));
}

bool CatalogTable::IsNewColumn(std::string_view column) const {
  const CatalogColumn* known = FindColumn(column);
  return known != nullptr && known->is_new;
}

bool CatalogTable::WasColumnDropped(std::string_view column) const {
  return FindColumn(column) == nullptr &&
         std::find(dropped_columns.begin(), dropped_columns.end(), column) !=
             dropped_columns.end();
}

bool CatalogTable::HasValidatedNotNullCheck(std::string_view column) const {
  return std::any_of(constraints.begin(), constraints.end(), [&](const CatalogConstraint& c) {
    return c.kind == ConstraintKind::kCheck && c.validated && c.not_null_column == column;
  });
}

bool CatalogTable::KnownNotNull(std::string_view column) const {
  const CatalogColumn* c = FindColumn(column);
  return (c != nullptr && c->not_null) || HasValidatedNotNullCheck(column);
}

const CatalogConstraint* CatalogTable::FindConstraint(std::string_view name) const {
  for (const CatalogConstraint& c : constraints) {
    if (c.name == name) return &c;
  }
  return nullptr;
}
}  // namespace pgshift::rules
