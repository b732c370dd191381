// Columns that move to a table this migration creates: INSERT INTO new (key, a, b) SELECT id, a, b
// FROM old. Copied once, the rows the running release writes afterwards would be missed; instead
// two triggers keep both places in step while two releases run (writes to the old columns reach
// the new table, writes to the new table reach the old columns), a batched copy backfill (INSERT
// ... SELECT ... ON CONFLICT DO NOTHING over key ranges) brings the existing rows, and the
// triggers go at contract, the old table's with the first DROP COLUMN of a copied column. The
// shape of migrations-examples/08-move-columns-to-new-table.
#include <algorithm>

#include "planner/planner.h"
#include "planner/planner_sql.h"
#include "planner/statement_planner.h"

namespace pgshift::planner {

using rules::Phase;

namespace {

// The single-column primary key or unique constraint of `table` on exactly `column`.
bool IsUniqueOn(const rules::CatalogTable& table, const std::string& column) {
  return std::any_of(table.constraints.begin(), table.constraints.end(), [&](const auto& c) {
    return (c.kind == rules::ConstraintKind::kPrimaryKey ||
            c.kind == rules::ConstraintKind::kUnique) &&
           c.columns == std::vector<std::string>{column};
  });
}

// The column of `table`'s single-column primary key; empty when it has none or a wider one.
std::string PrimaryKeyOf(const rules::CatalogTable& table) {
  for (const auto& constraint : table.constraints) {
    if (constraint.kind == rules::ConstraintKind::kPrimaryKey) {
      return constraint.columns.size() == 1 ? constraint.columns[0] : "";
    }
  }
  return "";
}

// A plain column of the FROM table: `name`, or `table.name`; empty for anything else.
std::string PlainColumn(const parser::Node* value) {
  if (value == nullptr || value->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return "";
  const auto* ref = value->column_ref;
  if (ref->n_fields == 0 || ref->n_fields > 2) return "";
  const parser::Node* last = ref->fields[ref->n_fields - 1];
  if (last->node_case != PG_QUERY__NODE__NODE_STRING) return "";  // a * is not carried
  return std::string(parser::StringValue(last));
}

}  // namespace

void Planner::CopyRows(const parser::QualifiedName& target, const PgQuery__InsertStmt* insert) {
  const auto* select = insert->select_stmt->select_stmt;
  const std::string once =
      "copies the rows once, in one long transaction; rows the application writes "
      "afterwards are not copied";
  const std::string by_hand =
      ". Keep both places in step with triggers and copy the rows in a backfill, by hand (see "
      "migrations-examples/08-move-columns-to-new-table)";
  if (select->n_from_clause != 1 ||
      select->from_clause[0]->node_case != PG_QUERY__NODE__NODE_RANGE_VAR ||
      select->where_clause != nullptr || select->n_distinct_clause > 0 ||
      select->n_group_clause > 0 || select->having_clause != nullptr ||
      select->n_window_clause > 0 || select->n_sort_clause > 0 || select->limit_count != nullptr ||
      select->limit_offset != nullptr || select->n_locking_clause > 0 ||
      select->with_clause != nullptr || select->op > PG_QUERY__SET_OPERATION__SETOP_NONE ||
      insert->with_clause != nullptr || insert->on_conflict_clause != nullptr ||
      insert->n_returning_list > 0) {
    return Unsafe(once +
                  "; pgshift plan new keeps in step only a plain copy of columns of one table "
                  "(no WHERE, join, grouping or ON CONFLICT)" +
                  by_hand);
  }
  const parser::QualifiedName source = parser::NameOf(select->from_clause[0]->range_var);
  const rules::CatalogTable* from = catalog_.FindTable(source);
  const rules::CatalogTable* into = catalog_.FindTable(target);
  if (from == nullptr || into == nullptr || IsNew(source) || source.name == target.name) {
    return Unsafe(once + "; keeping both places in step needs the columns and primary key of " +
                  source.name + ": pass the schema with --schema" + by_hand);
  }
  if (insert->n_cols == 0 || insert->n_cols != select->n_target_list) {
    return Unsafe(once + "; name the columns of " + target.name + " the copy fills" + by_hand);
  }
  const std::string key = PrimaryKeyOf(*from);
  std::string target_key;
  std::vector<std::pair<std::string, std::string>> moved;  // source column, target column
  for (std::size_t i = 0; i < insert->n_cols; ++i) {
    const auto* res = select->target_list[i]->res_target;
    const std::string column = PlainColumn(res->val);
    const std::string into_column(parser::Str(insert->cols[i]->res_target->name));
    if (column.empty() || from->FindColumn(column) == nullptr ||
        insert->cols[i]->res_target->n_indirection > 0) {
      return Unsafe(once + "; each value copied must be a column of " + source.name + " as it is" +
                    by_hand);
    }
    if (column == key) {
      target_key = into_column;
    } else {
      moved.emplace_back(column, into_column);
    }
  }
  if (key.empty() || target_key.empty() || moved.empty() || !IsUniqueOn(*into, target_key)) {
    return Unsafe(once + "; keeping both places in step needs one row of " + target.name +
                  " per row of " + source.name + ": the copy must carry " + source.name +
                  "'s single-column primary key into a column of " + target.name +
                  " that is its primary key (or unique)" + by_hand);
  }

  const std::string s = TableSql(source), t = TableSql(target);
  const std::string k = Q(key), tk = Q(target_key);
  std::string any_set, columns_old, new_values, excluded, from_new, to_null, targets, differs;
  for (const auto& [old_column, new_column] : moved) {
    const bool first = any_set.empty();
    const std::string sep = first ? "" : ", ";
    any_set += std::string(first ? "" : " OR ") + Q(old_column) + " IS NOT NULL";
    columns_old += sep + Q(old_column);
    targets += sep + Q(new_column);
    new_values += ", NEW." + Q(old_column);
    excluded += sep + Q(new_column) + " = EXCLUDED." + Q(new_column);
    from_new += sep + Q(old_column) + " = NEW." + Q(new_column);
    to_null += sep + Q(old_column) + " = NULL";
    differs +=
        std::string(first ? "" : " OR ") + Q(old_column) + " IS DISTINCT FROM NEW." + Q(new_column);
  }
  std::string all_null = "TG_OP = 'INSERT'";
  for (const auto& moved_column : moved)
    all_null += " AND NEW." + Q(moved_column.first) + " IS NULL";

  const std::string forward_name = ChooseName(source.name, {"copy_to"}, target.name);
  const std::string backward_name = ChooseName(target.name, {"copy_to"}, source.name);
  const std::string forward = TableSql(parser::QualifiedName{source.schema, forward_name});
  const std::string backward = TableSql(parser::QualifiedName{target.schema, backward_name});
  const std::string forward_trigger = "DROP TRIGGER " + Q(forward_name) + " ON " + s;
  const std::string forward_function = "DROP FUNCTION " + forward + "()";
  const std::string backward_function = "DROP FUNCTION " + backward + "()";

  PlannedStage& create =
      plan_.stages[created_in_.count(target.ToString()) > 0 ? created_in_[target.ToString()]
                                                            : created_in_[target.name]];
  create.comment.push_back("From line " + std::to_string(Source().line) + ": the columns " +
                           columns_old + " of " + source.name + " are kept in step with " +
                           target.name + " by two triggers,");
  create.comment.push_back(
      "whichever release writes them; each ignores what the other writes (pg_trigger_depth).");
  create.comment.push_back("An INSERT into " + source.name +
                           " with none of them makes no row: the release that writes " +
                           target.name + " adds it.");
  create.sql.push_back("CREATE FUNCTION " + forward +
                       "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n" +
                       "  IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;\n  IF " + all_null +
                       " THEN\n    RETURN NULL;\n  END IF;\n  INSERT INTO " + t + " (" + tk + ", " +
                       targets + ")\n  VALUES (NEW." + k + new_values + ")\n  ON CONFLICT (" + tk +
                       ") DO UPDATE\n    SET " + excluded + ";\n  RETURN NULL;\nEND $$");
  create.sql.push_back("CREATE TRIGGER " + Q(forward_name) + " AFTER INSERT OR UPDATE OF " +
                       columns_old + " ON " + s + " FOR EACH ROW EXECUTE FUNCTION " + forward +
                       "()");
  create.sql.push_back(
      "CREATE FUNCTION " + backward + "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n" +
      "  IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;\n  IF TG_OP = 'DELETE' THEN\n" +
      "    UPDATE " + s + " SET " + to_null + " WHERE " + k + " = OLD." + tk + " AND (" + any_set +
      ");\n  ELSE\n" + "    UPDATE " + s + " SET " + from_new + " WHERE " + k + " = NEW." + tk +
      " AND (" + differs + ");\n  END IF;\n  RETURN NULL;\nEND $$");
  create.sql.push_back("CREATE TRIGGER " + Q(backward_name) +
                       " AFTER INSERT OR UPDATE OR DELETE ON " + t +
                       " FOR EACH ROW EXECUTE FUNCTION " + backward + "()");
  // The table's DROP takes its own trigger; the functions and the trigger on the old table go
  // by name.
  create.rollback.insert(create.rollback.begin(), {forward_trigger, forward_function});
  create.rollback.push_back(backward_function);

  const std::string missing = "NOT EXISTS (SELECT 1 FROM " + t + " WHERE " + Q(target.name) + "." +
                              tk + " = " + Q(source.name) + "." + k + ")";
  PlannedStage& fill = Add(Phase::kBackfill, "copy-" + source.name + "-to-" + target.name);
  fill.comment = {
      "The existing rows of " + source.name + ", copied in short batches over its primary key,",
      "each its own transaction; a row the trigger copied first is kept (ON CONFLICT DO",
      "NOTHING). " + source.name + " is only read. Deploy after it the release that reads " +
          target.name + "."};
  fill.backfill =
      Backfill{BackfillTable(source), "", any_set, false, t + " (" + tk + ", " + targets + ")",
               k + ", " + columns_old};

  // Each contract stage locks one table: a transaction holding locks on both could deadlock with
  // an application query that takes them in the other order.
  PlannedStage& stop = Add(Phase::kContract, "stop-copying-" + target.name + "-to-" + source.name);
  stop.comment = {
      "Deploy first the release that reads and writes only " + target.name +
          "; writes to it stop reaching " + source.name + ".",
      "Gate: every row of " + source.name + " with a value has its row in " + target.name + ".",
      "Runs only with --through contract; cannot be undone."};
  stop.gate =
      "SELECT NOT EXISTS (SELECT 1 FROM " + s + " WHERE (" + any_set + ") AND " + missing + ")";
  stop.sql = {"DROP TRIGGER " + Q(backward_name) + " ON " + t, backward_function};
  stop.irreversible = true;

  const std::size_t pending = copy_triggers_.size();
  copy_triggers_.push_back(
      {source.name, target.name, {forward_trigger, forward_function}, source_, false});
  for (const auto& moved_column : moved) {
    copied_columns_[source.name + "." + moved_column.first] = pending;
  }
}

// The trigger that copies `table.column` to a new table goes before the column's drop (its
// UPDATE OF names the column, which PostgreSQL then refuses to drop).
void Planner::DropCopyTrigger(const std::string& table, const std::string& column,
                              PlannedStage& drop) {
  const auto found = copied_columns_.find(table + "." + column);
  if (found == copied_columns_.end()) return;
  CopyTrigger& trigger = copy_triggers_[found->second];
  if (trigger.dropped) return;
  trigger.dropped = true;
  drop.sql.insert(drop.sql.begin(), {trigger.drop.drop_trigger, trigger.drop.drop_function});
  drop.comment.insert(drop.comment.begin() + 1,
                      "The trigger that copies it to the new table goes first.");
}

// Copied columns that the migration keeps: their trigger goes at contract all the same, as the
// one-shot copy would not have followed later writes either.
void Planner::FinishCopies() {
  for (CopyTrigger& trigger : copy_triggers_) {
    if (trigger.dropped) continue;
    trigger.dropped = true;
    PlannedStage& stop =
        Add(Phase::kContract, "stop-copying-" + trigger.table + "-to-" + trigger.target);
    stop.comment = {"Deploy first the release that writes only the new table: writes to " +
                        trigger.table + " stop reaching it.",
                    "Runs only with --through contract; cannot be undone."};
    stop.sql = {trigger.drop.drop_trigger, trigger.drop.drop_function};
    stop.irreversible = true;
    stop.source = trigger.source;
  }
}

}  // namespace pgshift::planner
