// An integer or smallint key: primary key, sequence-filled column, or a reference to a bigint key.
#include "rules/analysis/column_forms.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "int-key-may-overflow",
    .summary =
        "A primary key, serial or identity column of type integer or smallint, or one "
        "referencing a bigint key",
    .rationale =
        "A key filled from a sequence only grows: an integer key runs out at 2,147,483,647 and "
        "a smallint one at 32,767, and from then on every INSERT fails. Busy tables get there "
        "sooner than expected (sequences also skip values on rollbacks and caching), and the "
        "fix, ALTER COLUMN TYPE bigint, rewrites the table and every referencing one under "
        "ACCESS EXCLUSIVE. A column referencing a bigint key with an integer overflows the same "
        "way. bigint costs four bytes more per row; choose it at creation.",
    .bad = "CREATE TABLE orders (id serial PRIMARY KEY, total numeric);",
    .good =
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric);",
    .severity = Severity::kInfo,
};

// The largest value of a narrow integer type, or empty for other types.
std::string Limit(const std::string& type) {
  if (type == "int4" || type == "serial" || type == "serial4") return "2147483647";
  if (type == "int2" || type == "smallserial" || type == "serial2") return "32767";
  return {};
}

bool IsWide(const parser::TypeSpec& type) {
  return type.name == "int8" || type.name == "bigserial" || type.name == "serial8";
}

const PgQuery__Constraint* ColumnConstraint(const PgQuery__ColumnDef& def,
                                            PgQuery__ConstrType type) {
  for (std::size_t i = 0; i < def.n_constraints; ++i) {
    const parser::Node* c = def.constraints[i];
    if (c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && c->constraint->contype == type) {
      return c->constraint;
    }
  }
  return nullptr;
}

// The sole primary key column a CREATE TABLE declares at table level, if any.
std::string TablePrimaryKey(const StatementContext& ctx) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_CREATE_STMT)) return {};
  const auto& create = *ctx.node()->create_stmt;
  for (std::size_t i = 0; i < create.n_table_elts; ++i) {
    const parser::Node* e = create.table_elts[i];
    if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
        e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY &&
        e->constraint->n_keys == 1) {
      return std::string(parser::StringValue(e->constraint->keys[0]));
    }
  }
  return {};
}

// The single-column FOREIGN KEY a CREATE TABLE declares at table level on `column`, if any.
const PgQuery__Constraint* TableForeignKey(const StatementContext& ctx, std::string_view column) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_CREATE_STMT)) return nullptr;
  const auto& create = *ctx.node()->create_stmt;
  for (std::size_t i = 0; i < create.n_table_elts; ++i) {
    const parser::Node* e = create.table_elts[i];
    if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
        e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN &&
        e->constraint->n_fk_attrs == 1 &&
        parser::StringValue(e->constraint->fk_attrs[0]) == column) {
      return e->constraint;
    }
  }
  return nullptr;
}

// The type of the column a REFERENCES clause points at, when the catalog knows it.
parser::TypeSpec ReferencedType(const StatementContext& ctx, const PgQuery__Constraint& fk) {
  const CatalogTable* target = ctx.catalog.FindTable(parser::NameOf(fk.pktable));
  if (target == nullptr) return {};
  std::vector<std::string> columns = parser::StringList(fk.pk_attrs, fk.n_pk_attrs);
  for (const CatalogConstraint& c : target->constraints) {
    if (columns.empty() && c.kind == ConstraintKind::kPrimaryKey) columns = c.columns;
  }
  if (columns.size() != 1) return {};
  const CatalogColumn* column = target->FindColumn(columns[0]);
  return column != nullptr ? column->type : parser::TypeSpec{};
}

void Check(const StatementContext& ctx, Reporter& report) {
  const std::string table_key = TablePrimaryKey(ctx);
  ForEachColumnDefinition(ctx, [&](const ColumnDefinition& column) {
    const std::string limit = Limit(column.type.name);
    if (column.type_change || limit.empty() || column.type.array) return;
    const std::string where = SqlColumn(column.table, column.name);
    const std::string fix = "Use bigint: " + QuoteIdent(column.name) + " bigint";
    const PgQuery__Constraint* fk =
        ColumnConstraint(*column.def, PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN);
    if (fk == nullptr) fk = TableForeignKey(ctx, column.name);
    if (fk != nullptr) {
      // Its values come from the referenced key: only a wider one makes it overflow.
      if (!IsWide(ReferencedType(ctx, *fk))) return;
      const std::string target = SqlName(parser::NameOf(fk->pktable));
      report.Add(where + " is " + column.type.ToString() + " but references a bigint key of " +
                     target + ": it overflows once that key passes " + limit,
                 fix + " REFERENCES " + target, {}, column.location).whole_item = true;
      return;
    }
    const bool generated = IsSerialType(column.type.name) ||
                           ColumnConstraint(*column.def, PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY);
    const bool primary = ColumnConstraint(*column.def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) ||
                         (!table_key.empty() && table_key == column.name);
    if (!generated && !primary) return;
    report.Add(where + " is " + column.type.ToString() + " and a " +
                   (generated ? "sequence-filled" : "primary") + " key: it runs out at " + limit +
                   ", and then every INSERT fails",
               fix + (generated ? " GENERATED ALWAYS AS IDENTITY" : "") +
                   (primary ? " PRIMARY KEY" : "") +
                   " (widening it later rewrites the table under ACCESS EXCLUSIVE)",
               {}, column.location).whole_item = true;
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
