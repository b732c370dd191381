// The lock-model form of a column definition or a constraint, and the option and type tests the
// classifier and the rules share.
#include "rules/analysis/column_forms.h"

#include "rules/analysis/catalog.h"
#include "rules/analysis/volatility.h"

namespace pgshift::rules {

using parser::Node;
using parser::Str;

bool HasDefElem(Node* const* items, std::size_t count, std::string_view name) {
  for (std::size_t i = 0; i < count; ++i) {
    if (items[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
        Str(items[i]->def_elem->defname) == name) {
      // VACUUM (FULL false) is written as a DefElem with a false argument.
      const Node* arg = items[i]->def_elem->arg;
      if (arg != nullptr && arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) {
        return arg->boolean->boolval;
      }
      if (arg != nullptr && arg->node_case == PG_QUERY__NODE__NODE_STRING) {
        const std::string_view value = parser::StringValue(arg);
        return value != "false" && value != "off" && value != "0";
      }
      return true;
    }
  }
  return false;
}

bool IsSerialType(const std::string& name) {
  return name == "serial" || name == "bigserial" || name == "smallserial" || name == "serial2" ||
         name == "serial4" || name == "serial8";
}

const PgQuery__Constraint* ColumnConstraint(const PgQuery__ColumnDef& column,
                                            PgQuery__ConstrType type) {
  for (std::size_t i = 0; i < column.n_constraints; ++i) {
    const Node* node = column.constraints[i];
    if (node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && node->constraint->contype == type) {
      return node->constraint;
    }
  }
  return nullptr;
}

Form ClassifyConstraint(const PgQuery__Constraint& constraint) {
  const bool not_valid = constraint.skip_validation;
  switch (constraint.contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
      return not_valid ? Form::kAddCheckNotValid : Form::kAddCheck;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
      return not_valid ? Form::kAddForeignKeyNotValid : Form::kAddForeignKey;
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      return constraint.indexname != nullptr && *constraint.indexname != '\0'
                 ? Form::kAddConstraintUsingIndex
                 : Form::kAddUniqueOrPrimaryKey;
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
      return Form::kAddExclusion;
    default:
      return Form::kOtherAlterTable;
  }
}

Form ClassifyAddColumn(const PgQuery__ColumnDef& column, int pg_version) {
  const parser::TypeSpec type = parser::TypeSpecOf(column.type_name);
  const Node* default_expr = ColumnDefault(column);
  // DEFAULT NULL is no default at all.
  if (default_expr != nullptr && default_expr->node_case == PG_QUERY__NODE__NODE_A_CONST &&
      default_expr->a_const->isnull) {
    default_expr = nullptr;
  }
  if (IsSerialType(type.name) ||
      ColumnConstraint(column, PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) != nullptr ||
      ColumnConstraint(column, PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED) != nullptr) {
    return Form::kAddColumnVolatileDefault;
  }
  if (default_expr != nullptr) {
    if (VolatilityOf(default_expr).volatility == Volatility::kVolatile) {
      return Form::kAddColumnVolatileDefault;
    }
    (void)pg_version;  // before 11 the lock table gives a rewrite for any default
    return Form::kAddColumnConstantDefault;
  }
  if (ColumnIsNotNull(column)) return Form::kAddColumnNotNullNoDefault;
  return Form::kAddColumn;
}

}  // namespace pgshift::rules
