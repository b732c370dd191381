#include "rules/analysis/targeted_rows.h"

namespace pgshift::rules {

bool TargetsFewRows(const parser::Node* where, const CatalogTable* table) {
  if (where == nullptr) return false;
  const auto is_key = [&](const parser::Node* node) {
    if (node == nullptr || node->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return false;
    const auto parts = parser::StringList(node->column_ref->fields, node->column_ref->n_fields);
    if (parts.empty()) return false;
    const std::string& column = parts.back();
    if (column == "id") return true;
    if (table == nullptr) return false;
    for (const CatalogConstraint& c : table->constraints) {
      if ((c.kind == ConstraintKind::kPrimaryKey || c.kind == ConstraintKind::kUnique) &&
          c.columns.size() == 1 && c.columns[0] == column) {
        return true;
      }
    }
    return false;
  };
  const auto is_constant = [](const parser::Node* node) {
    return node != nullptr && (node->node_case == PG_QUERY__NODE__NODE_A_CONST ||
                               node->node_case == PG_QUERY__NODE__NODE_PARAM_REF ||
                               node->node_case == PG_QUERY__NODE__NODE_LIST ||
                               (node->node_case == PG_QUERY__NODE__NODE_TYPE_CAST &&
                                node->type_cast->arg->node_case == PG_QUERY__NODE__NODE_A_CONST));
  };
  if (where->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR &&
      where->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    for (std::size_t i = 0; i < where->bool_expr->n_args; ++i) {
      if (TargetsFewRows(where->bool_expr->args[i], table)) return true;
    }
    return false;
  }
  if (where->node_case != PG_QUERY__NODE__NODE_A_EXPR) return false;
  const auto& expr = *where->a_expr;
  const auto op = parser::StringList(expr.name, expr.n_name);
  const bool equality =
      (expr.kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP && op.size() == 1 && op[0] == "=") ||
      expr.kind == PG_QUERY__A__EXPR__KIND__AEXPR_IN;
  return equality && ((is_key(expr.lexpr) && is_constant(expr.rexpr)) ||
                      (is_key(expr.rexpr) && is_constant(expr.lexpr)));
}

}  // namespace pgshift::rules
