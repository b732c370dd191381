// IF EXISTS alterations of tables that are gone.
#include "rules/analysis/vanished_targets.h"

namespace pgshift::rules {

std::optional<parser::QualifiedName> AlteredAfterDrop(const parser::Node* statement,
                                                      const Catalog& catalog) {
  if (statement == nullptr) return std::nullopt;
  const PgQuery__RangeVar* relation = nullptr;
  bool missing_ok = false;
  switch (statement->node_case) {
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      relation = statement->alter_table_stmt->relation;
      missing_ok = statement->alter_table_stmt->missing_ok;
      break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      relation = statement->rename_stmt->relation;
      missing_ok = statement->rename_stmt->missing_ok;
      break;
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
      relation = statement->alter_object_schema_stmt->relation;
      missing_ok = statement->alter_object_schema_stmt->missing_ok;
      break;
    default:
      return std::nullopt;
  }
  if (!missing_ok || relation == nullptr) return std::nullopt;
  parser::QualifiedName table = parser::NameOf(relation);
  if (!catalog.WasDropped(table)) return std::nullopt;
  return table;
}

}  // namespace pgshift::rules
