// A foreign key whose referencing columns no index leads with, judged by the indexes the
// catalog knows and those the rest of the file creates (rules/analysis/built_indexes.h).
#include <algorithm>

#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "foreign-key-without-index",
    .summary = "A foreign key without an index on its referencing columns",
    .rationale =
        "PostgreSQL indexes the referenced key, not the referencing columns. Without an index "
        "on them, every DELETE or key UPDATE on the referenced table scans the whole "
        "referencing table to check for dependent rows (under a lock), ON DELETE CASCADE does "
        "so row by row, and joins from parent to children scan too. A partial index serves only "
        "when its WHERE clause says no more than that key columns are not null (the check's "
        "equality implies that): with WHERE deleted_at IS NULL the check scans the table all the "
        "same (PostgreSQL 15's plan of it). Judged by the indexes "
        "the file creates (anywhere in it) and the catalog of earlier migrations; a table whose "
        "definition is unknown is not judged.",
    .bad = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));",
    .good =
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
        "CREATE INDEX orders_user_id_idx ON orders (user_id);",
    .severity = Severity::kInfo,
};

struct ForeignKey {
  std::vector<std::string> columns;
  const PgQuery__Constraint* constraint;
};

// An index covers a foreign key when its leading columns are exactly the key's columns.
bool Covers(const std::vector<std::string>& index, const std::vector<std::string>& key) {
  if (key.empty() || index.size() < key.size()) return false;
  return std::is_permutation(key.begin(), key.end(), index.begin());
}

std::vector<ForeignKey> ForeignKeysOf(const parser::Node& node) {
  std::vector<ForeignKey> keys;
  parser::VisitNodes(&node, [&](const parser::Node& n) {
    if (n.node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      for (std::size_t k = 0; k < n.column_def->n_constraints; ++k) {
        const parser::Node* c = n.column_def->constraints[k];
        if (c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
            c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
          keys.push_back({{std::string(parser::Str(n.column_def->colname))}, c->constraint});
        }
      }
    } else if (n.node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
               n.constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN &&
               n.constraint->n_fk_attrs > 0) {
      keys.push_back(
          {parser::StringList(n.constraint->fk_attrs, n.constraint->n_fk_attrs), n.constraint});
    }
  });
  return keys;
}

// Whether `index` serves the check of a foreign key on `key`: it leads with the key's columns
// and, when partial, its WHERE clause only says key columns are not null, which the check's
// equality on each implies (for any other WHERE clause PostgreSQL 15 plans a Seq Scan).
bool Serves(const TableIndex& index, const std::vector<std::string>& key) {
  if (!Covers(index.columns, key)) return false;
  if (!index.partial) return true;
  return !index.where_not_null.empty() &&
         std::all_of(index.where_not_null.begin(), index.where_not_null.end(),
                     [&](const std::string& c) {
                       return std::find(key.begin(), key.end(), c) != key.end();
                     });
}

void Check(const StatementContext& ctx, Reporter& report) {
  const bool create = ctx.Is(PG_QUERY__NODE__NODE_CREATE_STMT);
  if (!create && !ctx.Is(PG_QUERY__NODE__NODE_ALTER_TABLE_STMT)) return;
  const parser::QualifiedName table = parser::NameOf(
      create ? ctx.node()->create_stmt->relation : ctx.node()->alter_table_stmt->relation);
  const CatalogTable* known = ctx.catalog.FindTable(table);
  if (!create && (known == nullptr || known->partial)) return;  // its indexes are unknown
  // Most statements add no foreign key: the table's indexes are looked up only for one that does.
  const std::vector<ForeignKey> keys = ForeignKeysOf(*ctx.node());
  if (keys.empty()) return;

  const std::vector<TableIndex> indexes =
      create ? std::vector<TableIndex>{} : ctx.catalog.IndexesOf(table);
  for (const ForeignKey& key : keys) {
    if (std::any_of(indexes.begin(), indexes.end(),
                    [&](const TableIndex& index) { return Serves(index, key.columns); }) ||
        ctx.facts.built_indexes.LeadsWith(table, key.columns, ctx.index)) {
      continue;
    }
    std::string columns;
    std::string name = table.name;
    for (const std::string& c : key.columns) {
      columns += (columns.empty() ? "" : ", ") + QuoteIdent(c);
      name += "_" + c;
    }
    // A table that is live already gets its index built concurrently.
    const bool live = !create && !known->is_new;
    const std::string target = SqlName(parser::NameOf(key.constraint->pktable));
    const std::string t = SqlName(table);
    report
        .Add("No index on " + t + " (" + columns + ") for its foreign key to " + target +
                 ": each DELETE on " + target + " scans " + t,
             "Index the referencing columns" +
                 std::string(live ? " (concurrently, outside a transaction)" : "") + ":\n  " +
                 (live ? "CREATE INDEX CONCURRENTLY " : "CREATE INDEX ") +
                 QuoteIdent(name.substr(0, 59) + "_idx") + " ON " + t + " (" + columns + ");",
             {}, key.constraint->location)
        .whole_item = true;
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
