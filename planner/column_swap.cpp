// A column replaced by another while two releases run: the new column is added beside the old
// one, a trigger keeps the two in step whichever release writes, a backfill copies the existing
// rows, and the old column is dropped at contract. A column rename and a type change that
// rewrites the table both take this shape; AddSyncedColumn builds its expand stage.
#include <algorithm>

#include "planner/planner.h"
#include "planner/planner_sql.h"
#include "planner/statement_planner.h"
#include "rules/analysis/type_change.h"

namespace pgshift::planner {

using rules::Phase;

// The expand stage of a swap: `column` of `type`, a trigger function running `body` (plpgsql
// statements, before its RETURN NEW) on `events`, and the trigger. Its rollback removes all three.
Planner::SyncTrigger Planner::AddSyncedColumn(const parser::QualifiedName& table,
                                              const std::string& column, const std::string& type,
                                              const std::string& events, const std::string& body,
                                              std::vector<std::string> comment) {
  const std::string table_sql = TableSql(table);
  const std::string function_name = ChooseName(table.name, {"sync"}, column);
  const std::string function = TableSql(parser::QualifiedName{table.schema, function_name});
  PlannedStage& expand = Add(Phase::kExpand, "add-column-" + table.name + "-" + column);
  expand.comment = std::move(comment);
  expand.sql = {"ALTER TABLE " + table_sql + " ADD COLUMN " + Q(column) + " " + type,
                "CREATE FUNCTION " + function +
                    "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n" + body +
                    "  RETURN NEW;\nEND $$",
                "CREATE TRIGGER " + Q(function_name) + " BEFORE " + events + " ON " + table_sql +
                    " FOR EACH ROW EXECUTE FUNCTION " + function + "()"};
  SyncTrigger sync{"DROP TRIGGER " + Q(function_name) + " ON " + table_sql,
                   "DROP FUNCTION " + function + "()"};
  expand.rollback = {sync.drop_trigger, sync.drop_function,
                     "ALTER TABLE " + table_sql + " DROP COLUMN " + Q(column)};
  return sync;
}

// Two names kept in step by a trigger while two releases run: add the new column, sync both
// ways, backfill, carry over uniqueness and NOT NULL, and drop the old column at contract.
void Planner::RenameColumn(const parser::QualifiedName& table, const std::string& from,
                           const std::string& to) {
  const rules::CatalogTable* known = catalog_.FindTable(table);
  const rules::CatalogColumn* column = known == nullptr ? nullptr : known->FindColumn(from);
  if (column == nullptr || column->type.empty()) {
    return Unsafe("renaming column " + from +
                  " breaks every query of the running release that "
                  "names it; its safe sequence (a new column kept in step by a trigger) needs "
                  "the column's type: pass the schema with --schema (a dump or the seed that "
                  "creates " +
                  table.name + ")");
  }
  const std::string table_sql = TableSql(table);
  const std::string o = Q(from), n = Q(to);
  // An INSERT fills the column it was not given; an UPDATE copies the one that changed.
  const SyncTrigger sync = AddSyncedColumn(
      table, to, column->type.ToString(), "INSERT OR UPDATE",
      "  IF TG_OP = 'INSERT' THEN\n    NEW." + n + " := coalesce(NEW." + n + ", NEW." + o +
          ");\n    NEW." + o + " := coalesce(NEW." + o + ", NEW." + n + ");\n  ELSIF NEW." + o +
          " IS DISTINCT FROM OLD." + o + " THEN\n    NEW." + n + " := NEW." + o +
          ";\n  ELSIF NEW." + n + " IS DISTINCT FROM OLD." + n + " THEN\n    NEW." + o +
          " := NEW." + n + ";\n  END IF;\n",
      {"The new name as a column of its own, kept equal to the old one by a trigger whichever",
       "release writes: an INSERT fills the column it was not given; an UPDATE copies the",
       "column that changed onto the other."});
  PlannedStage& fill = Add(Phase::kBackfill, "copy-" + table.name + "-" + from);
  fill.comment = {"Deploy before it the release that reads and writes " + to + " (the trigger",
                  "keeps both names in step); this copies the existing rows in short batches."};
  fill.backfill = Backfill{BackfillTable(table), n + " = " + o, n + " IS DISTINCT FROM " + o};
  bool unique = false;
  for (const auto& constraint : known->constraints) {
    if ((constraint.kind == rules::ConstraintKind::kUnique ||
         constraint.kind == rules::ConstraintKind::kPrimaryKey) &&
        constraint.columns == std::vector<std::string>{from}) {
      unique = true;
    }
  }
  if (unique) {
    const std::string index = ChooseName(table.name, {to}, "key");
    PlannedStage& build = Add(Phase::kSwitch, "index-" + index);
    build.comment = {"The new column carries the old one's uniqueness; built concurrently."};
    build.sql.push_back("CREATE UNIQUE INDEX CONCURRENTLY " + Q(index) + " ON " + table_sql +
                        " (" + n + ")");
    build.rollback.push_back("DROP INDEX CONCURRENTLY " + IndexSql(table, index));
  }
  if (column->not_null) EnforceNotNull(table, to);
  renamed_away_[table.name + "." + from] = to;
  // The default moves to the new column only at contract: before, an INSERT of the running
  // release gives the old column only, and a default on the new one would win over the
  // trigger's copy.
  const auto default_sql = defaults_.find(table.name + "." + from);
  if (column->has_default && default_sql == defaults_.end()) {
    Unsafe("the default of " + table.name + "." + from +
           " could not be read from the schema: the new column " + to +
           " would lose it at contract; set it there by hand");
  }
  PlannedStage& contract = Add(Phase::kContract, "drop-column-" + table.name + "-" + from);
  contract.comment = {"Deploy first the release that reads and writes only " + to +
                          "; no running release may name " + from + ".",
                      "Runs only with --through contract; cannot be undone."};
  if (unique) contract.comment.push_back("The old column's constraints go with it.");
  contract.sql = {sync.drop_trigger, sync.drop_function,
                  "ALTER TABLE " + table_sql + " DROP COLUMN " + o};
  if (default_sql != defaults_.end()) {
    contract.comment.push_back("The new column takes over the old one's default, " +
                               default_sql->second + ".");
    contract.sql.push_back("ALTER TABLE " + table_sql + " ALTER COLUMN " + n + " SET DEFAULT " +
                           default_sql->second);
  }
  contract.irreversible = true;
}

// A type change that rewrites the table: a new column of the new type kept in step by a
// trigger, backfilled, and swapped in for the old one at contract. Only for a plain column: one
// with a key, a foreign key, references or an index is swapped with the columns of its key
// (key_type_change.cpp); a CHECK, a default or a USING expression is staged by hand.
void Planner::ChangeType(const parser::QualifiedName& table, const std::string& name,
                         const PgQuery__ColumnDef* def) {
  const parser::TypeSpec new_type = parser::TypeSpecOf(def->type_name);
  const rules::CatalogTable* known = catalog_.FindTable(table);
  const rules::CatalogColumn* column = known == nullptr ? nullptr : known->FindColumn(name);
  const rules::TypeChangeVerdict verdict = rules::ClassifyTypeChange(
      column == nullptr ? parser::TypeSpec{} : column->type, new_type, def->raw_default, name);
  const std::string table_sql = TableSql(table);
  const std::string where = table.name + "." + name;
  if (verdict.effect == rules::TypeChangeEffect::kCatalogOnly && column != nullptr) {
    // The table stays, but a new collation or operator class, or an index's expression or WHERE
    // clause reading the column, builds indexes again under ACCESS EXCLUSIVE: done by hand.
    if (const auto rebuilt = rules::IndexesRebuiltBy(catalog_, table, name, *def)) {
      std::string indexes;
      for (const rules::TableIndex& index : rebuilt->indexes) {
        indexes += (indexes.empty() ? "" : ", ") +
                   (index.name.empty() ? std::string("a constraint's index") : index.name);
      }
      const std::string way =
          rebuilt->why ? "build each again concurrently with " + Q(name) + " " +
                             rebuilt->why->column_in_index + " and drop the old one first"
                       : "drop each concurrently first and build it again concurrently after";
      return Unsafe("changing the type of " + where + " builds " + indexes +
                    " again under ACCESS EXCLUSIVE (" + rebuilt->Reason() + "); " + way +
                    " (see alter-column-type-rebuilds-index)");
    }
    PlannedStage& stage = Add(Phase::kExpand, "change-type-" + table.name + "-" + name);
    stage.comment = {"A catalog change only (" + verdict.reason + "): no rows are rewritten."};
    // `pgshift plan` checks the plan without the schema, where the old type is not known.
    stage.sql.push_back("-- pgshift-ignore alter-column-type-rewrite: catalog-only from " +
                        column->type.ToString() + " (the schema given to plan new)\n" + Text());
    // The old collation too: ALTER ... TYPE without COLLATE takes the type's default.
    stage.rollback.push_back(
        "ALTER TABLE " + table_sql + " ALTER COLUMN " + Q(name) + " TYPE " +
        column->type.ToString() +
        (column->collation.empty() ? std::string() : " COLLATE " + Q(column->collation)));
    return;
  }
  const std::string hazard =
      "changing the type of " + where + " rewrites the table under ACCESS EXCLUSIVE";
  if (column == nullptr) {
    return Unsafe(hazard +
                  "; its safe sequence (a new column kept in step by a trigger, "
                  "swapped in at contract) needs the old column: pass the schema with --schema");
  }
  if (IsKeyLike(catalog_, facts_, referenced_, table, name)) {
    return DeferKeyTypeChange(table, name, def);
  }
  std::string blocker;
  if (def->raw_default != nullptr) blocker = "a USING expression";
  if (column->has_default) blocker = "its default";
  for (const auto& constraint : known->constraints) {
    if (std::find(constraint.columns.begin(), constraint.columns.end(), name) !=
        constraint.columns.end()) {
      blocker = "constraint " + constraint.name;
    }
  }
  if (!blocker.empty()) {
    return Unsafe(hazard + "; with " + blocker +
                  " on the column, the new column, its indexes "
                  "and constraints and the swap must be staged by hand (see "
                  "migrations-examples/07-change-column-type)");
  }
  const std::string type = new_type.ToString();
  const std::string fresh = ChooseName(name, {}, "new");
  const std::string o = Q(name), n = Q(fresh);
  const std::string converted = o + "::" + type;
  const SyncTrigger sync = AddSyncedColumn(
      table, fresh, type, "INSERT OR UPDATE OF " + o, "  NEW." + n + " := NEW." + converted + ";\n",
      {"The column of the new type beside the old one; a trigger keeps it equal on",
       "every INSERT and on every UPDATE of " + name + "."});
  PlannedStage& fill = Add(Phase::kBackfill, "fill-" + table.name + "-" + fresh);
  fill.comment = {"The existing rows, converted in short batches."};
  fill.backfill =
      Backfill{BackfillTable(table), n + " = " + converted, n + " IS DISTINCT FROM " + converted};
  if (column->not_null) EnforceNotNull(table, fresh, true);
  PlannedStage& swap = Add(Phase::kContract, "swap-" + table.name + "-" + name);
  swap.comment = {"Deploy first the release that reads " + name + " as " + type +
                      "; then the new column takes the old one's name,",
                  "in one short transaction (ACCESS EXCLUSIVE for catalog changes only).",
                  "Runs only with --through contract; cannot be undone."};
  swap.sql = {sync.drop_trigger, sync.drop_function,
              "ALTER TABLE " + table_sql + " DROP COLUMN " + o,
              "ALTER TABLE " + table_sql + " RENAME COLUMN " + n + " TO " + o};
  swap.irreversible = true;
  swapped_.insert({table.name, name});
}

}  // namespace pgshift::planner
