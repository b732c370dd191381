// A key's type change (integer to bigint, typically): the key and the columns whose foreign keys
// reference it, changed by several ALTER COLUMN TYPE statements of one migration, are swapped
// together. Each gets a new column kept equal by a trigger and backfilled; the new key gets its
// unique index and each new referencing column its index, built concurrently; NOT NULL is proved
// by validated checks; a foreign key links the new columns, added NOT VALID and validated. At
// contract the old foreign keys are dropped, then each table swaps its columns in a transaction
// of its own: the old column dropped, the new one renamed, the key attached to the built index,
// the sequence and default moved, indexes and the new foreign key renamed to the old names.
// Everything before contract is undone by its rollback; the old columns are never touched.
#include <algorithm>

#include "planner/planner.h"
#include "planner/planner_sql.h"
#include "planner/statement_planner.h"

namespace pgshift::planner {

using rules::Phase;

namespace {

const char kHandWritten[] = "migrations-examples/07-change-column-type";

bool IsIntegerType(const std::string& type) {
  return type == "smallint" || type == "integer" || type == "bigint";
}

std::string ColumnSql(const parser::QualifiedName& table, const std::string& column) {
  return TableSql(table) + "." + Q(column);
}

}  // namespace

// Called by ChangeType for a column with a key, a foreign key, an index or references: planned
// in Finish, once every type change of the migration is known.
void Planner::DeferKeyTypeChange(const parser::QualifiedName& table, const std::string& name,
                                 const PgQuery__ColumnDef* def) {
  KeyColumn key = DescribeKeyColumn(catalog_, facts_, defaults_, table, name, def);
  key.source = source_;
  key_changes_.push_back(std::move(key));
  swapped_.insert({table.name, name});
}

// The change of the key a referencing column's foreign key points at, or -1 (its key keeps
// its type).
int Planner::KeyReferencedBy(const KeyColumn& referencing) const {
  if (!referencing.foreign_key) return -1;
  const ForeignKeyFact& fk = *referencing.foreign_key;
  for (std::size_t i = 0; i < key_changes_.size(); ++i) {
    const KeyColumn& key = key_changes_[i];
    if (key.key.empty() || !key.table.Matches(fk.references)) continue;
    if (fk.referenced.empty() ? key.primary : fk.referenced[0] == key.column) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// A key's foreign keys must all come from columns the migration changes too, to the same type:
// the old foreign key could not stay on the old key, which the swap drops. A blocked column then
// blocks every column planned with it, and they with theirs.
void Planner::BlockIncompleteKeySwaps() {
  for (KeyColumn& key : key_changes_) {
    if (key.key.empty() || !key.blocker.empty()) continue;
    for (const ForeignKeyFact& fk :
         facts_.ReferencesTo(key.table, key.column, key.primary ? key.column : "")) {
      const bool changed =
          std::any_of(key_changes_.begin(), key_changes_.end(), [&](const KeyColumn& other) {
            return other.foreign_key && other.foreign_key->name == fk.name &&
                   other.table.Matches(fk.table);
          });
      if (!changed) {
        key.blocker = "foreign key " + Q(fk.name) + " of " + TableSql(fk.table) +
                      " references it, and the migration does not change its column's type "
                      "too (a key and the columns referencing it are swapped together)";
      }
    }
  }
  for (bool spread = true; spread;) {
    spread = false;
    for (KeyColumn& referencing : key_changes_) {
      const int at = KeyReferencedBy(referencing);
      if (at < 0) continue;
      KeyColumn& key = key_changes_[static_cast<std::size_t>(at)];
      const std::string key_name = key.table.name + "." + key.column;
      const std::string referencing_name = referencing.table.name + "." + referencing.column;
      if (referencing.blocker.empty() && !key.blocker.empty()) {
        referencing.blocker = "it references " + key_name + ", whose type change is not made safe";
      } else if (key.blocker.empty() && !referencing.blocker.empty()) {
        key.blocker = referencing_name + " references it, and its type change is not made safe";
      } else if (key.blocker.empty() && key.type != referencing.type) {
        key.blocker = referencing_name + " references it and becomes " + referencing.type +
                      ", not " + key.type;
        referencing.blocker = "it references " + key_name + ", which becomes " + key.type +
                              ", not " + referencing.type;
      } else {
        continue;
      }
      spread = true;
    }
  }
}

void Planner::StageKeySwaps() {
  if (key_changes_.empty()) return;
  BlockIncompleteKeySwaps();
  std::vector<const KeyColumn*> planned;
  for (const KeyColumn& key : key_changes_) {
    source_ = key.source;
    if (key.blocker.empty()) {
      planned.push_back(&key);
      continue;
    }
    Unsafe("changing the type of " + key.table.name + "." + key.column +
           " rewrites the table under ACCESS EXCLUSIVE, and pgshift plan new cannot swap a new "
           "column in for it: " +
           key.blocker + ". Stage it by hand (see " + kHandWritten + ")");
  }
  std::vector<SyncTrigger> syncs;
  for (const KeyColumn* key : planned) syncs.push_back(ExpandSwapColumn(*key));
  for (const KeyColumn* key : planned) BuildSwapIndexes(*key);
  for (const KeyColumn* key : planned) {
    source_ = key->source;
    if (key->not_null || key->primary) EnforceNotNull(key->table, key->fresh, true);
  }
  for (const KeyColumn* key : planned) AddSwapForeignKey(*key);
  for (const KeyColumn* key : planned) DropOldForeignKey(*key);
  // The referencing columns first: the old key goes with its column only once no foreign key
  // points at it.
  for (std::size_t i = 0; i < planned.size(); ++i) {
    if (planned[i]->foreign_key) SwapInColumn(*planned[i], syncs[i]);
  }
  for (std::size_t i = 0; i < planned.size(); ++i) {
    if (!planned[i]->foreign_key) SwapInColumn(*planned[i], syncs[i]);
  }
}

// Expand: the new column, kept equal by a trigger; backfill: the existing rows.
Planner::SyncTrigger Planner::ExpandSwapColumn(const KeyColumn& key) {
  source_ = key.source;
  const std::string o = Q(key.column), n = Q(key.fresh);
  const std::string converted = o + "::" + key.type;
  const SyncTrigger sync = AddSyncedColumn(
      key.table, key.fresh, key.type, "INSERT OR UPDATE OF " + o,
      "  NEW." + n + " := NEW." + converted + ";\n",
      {"The column of the new type beside " + key.column + ", which stays as it is until",
       "contract; a trigger keeps it equal on every INSERT and on every UPDATE of " + key.column +
           "."});
  PlannedStage& fill = Add(Phase::kBackfill, "fill-" + key.table.name + "-" + key.fresh);
  fill.comment = {"The existing rows, converted in short batches."};
  fill.backfill = Backfill{BackfillTable(key.table), n + " = " + converted,
                           n + " IS DISTINCT FROM " + converted};
  return sync;
}

// Switch: the new key's unique index and the copies of the column's indexes, built concurrently.
void Planner::BuildSwapIndexes(const KeyColumn& key) {
  source_ = key.source;
  auto build = [&](const std::string& name, bool unique, const std::string& method,
                   const std::string& why) {
    PlannedStage& stage = Add(Phase::kSwitch, "index-" + name);
    stage.comment = {why, "Built CONCURRENTLY (SHARE UPDATE EXCLUSIVE): reads and writes go on."};
    stage.sql.push_back(std::string("CREATE ") + (unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY " +
                        Q(name) + " ON " + TableSql(key.table) +
                        (method.empty() ? "" : " USING " + method) + " (" + Q(key.fresh) + ")");
    stage.rollback.push_back("DROP INDEX CONCURRENTLY " + IndexSql(key.table, name));
  };
  if (!key.key.empty()) {
    build(ChooseName(key.table.name, {key.fresh}, "key"), true, "",
          "The future " + std::string(key.primary ? "primary key" : "unique constraint") + " " +
              key.key + "'s index, adopted by it at contract.");
  }
  for (const IndexFact& index : key.indexes) {
    build(ChooseName(index.name, {}, "new"), index.unique, index.method,
          "The copy of index " + index.name + " on the new column; it takes the name at contract.");
  }
}

// Switch: the new referencing column's foreign key to the new key (or to the key, when it keeps
// its type), added NOT VALID, then validated without blocking writes.
void Planner::AddSwapForeignKey(const KeyColumn& referencing) {
  if (!referencing.foreign_key) return;
  source_ = referencing.source;
  const ForeignKeyFact& fk = *referencing.foreign_key;
  const int target = KeyReferencedBy(referencing);
  const std::string key_column = target >= 0 ? key_changes_[static_cast<std::size_t>(target)].fresh
                                             : (fk.referenced.empty() ? "" : fk.referenced[0]);
  const std::string name = ChooseName(referencing.table.name, {referencing.fresh}, "fkey");
  const std::string table_sql = TableSql(referencing.table);
  const std::string add =
      "ALTER TABLE " + table_sql + " ADD CONSTRAINT " + Q(name) + " FOREIGN KEY (" +
      Q(referencing.fresh) + ") REFERENCES " + TableSql(fk.references) +
      (key_column.empty() ? "" : " (" + Q(key_column) + ")") + fk.actions + " NOT VALID";
  const std::string drop = "ALTER TABLE " + table_sql + " DROP CONSTRAINT " + Q(name);
  PlannedStage& stage = Add(Phase::kSwitch, "add-" + name);
  stage.comment = {"The foreign key of the new columns, NOT VALID: SHARE ROW EXCLUSIVE on both",
                   "tables for a catalog change only; rows written from now on are checked."};
  stage.sql.push_back(add);
  stage.rollback.push_back(drop);
  if (!fk.valid) {
    // Validating it would check rows the old one never did, and fail the plan on any that
    // breaks it: it stays NOT VALID, as the old one is.
    stage.comment.push_back("Left NOT VALID like " + fk.name + " in the schema: rows written " +
                            "before it may break it; validate it once they are fixed.");
    return;
  }
  PlannedStage& validate = Add(Phase::kSwitch, "validate-" + name);
  validate.comment = {"The scan of the old rows, under SHARE UPDATE EXCLUSIVE (ROW SHARE on " +
                          fk.references.name + ").",
                      "Undone by adding the foreign key again NOT VALID."};
  validate.sql.push_back("ALTER TABLE " + table_sql + " VALIDATE CONSTRAINT " + Q(name));
  validate.rollback = {drop, add};
  if (!key_column.empty()) {
    validate.gate = "SELECT NOT EXISTS (SELECT 1 FROM " + table_sql + " c WHERE c." +
                    Q(referencing.fresh) + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
                    TableSql(fk.references) + " p WHERE p." + Q(key_column) + " = c." +
                    Q(referencing.fresh) + "))";
  }
}

// Contract: the old foreign key, in a stage of its own, since dropping it locks both tables;
// each swap after it then locks one table only.
void Planner::DropOldForeignKey(const KeyColumn& referencing) {
  if (!referencing.foreign_key) return;
  source_ = referencing.source;
  const ForeignKeyFact& fk = *referencing.foreign_key;
  PlannedStage& stage = Add(Phase::kContract, "drop-constraint-" + fk.name);
  stage.comment = {
      "Deploy first the release that reads " + referencing.column + " as " + referencing.type +
          "; no running release may need the old columns.",
      "ACCESS EXCLUSIVE on " + referencing.table.name + " and " + fk.references.name +
          ", for a catalog change only: the " + (fk.valid ? "validated " : "NOT VALID ") +
          "foreign key of the new columns holds.",
      "Runs only with --through contract; cannot be undone."};
  stage.sql.push_back("ALTER TABLE " + TableSql(referencing.table) + " DROP CONSTRAINT " +
                      Q(fk.name));
  stage.irreversible = true;
}

// Contract: in one short transaction on one table, the new column takes the old one's place:
// its name, default and sequence, its key (adopting the built index), its indexes' and foreign
// key's names.
void Planner::SwapInColumn(const KeyColumn& key, const SyncTrigger& sync) {
  source_ = key.source;
  const std::string table_sql = TableSql(key.table);
  const std::string alter = "ALTER TABLE " + table_sql + " ";
  PlannedStage& swap = Add(Phase::kContract, "swap-" + key.table.name + "-" + key.column);
  swap.comment = {
      "Deploy first the release that reads " + key.column + " as " + key.type +
          "; then the new column takes the old one's place in one",
      "short transaction (ACCESS EXCLUSIVE on " + key.table.name + ", for catalog changes only).",
      "Runs only with --through contract; cannot be undone."};
  swap.sql = {sync.drop_trigger, sync.drop_function};
  if (!key.sequence.empty()) {
    swap.sql.push_back("ALTER SEQUENCE " + TableSql(key.sequence) +
                       (IsIntegerType(key.type) ? " AS " + key.type : "") + " OWNED BY " +
                       ColumnSql(key.table, key.fresh));
  }
  if (key.default_sql) {
    swap.sql.push_back(alter + "ALTER COLUMN " + Q(key.fresh) + " SET DEFAULT " + *key.default_sql);
  }
  swap.sql.push_back(alter + "DROP COLUMN " + Q(key.column));
  swap.sql.push_back(alter + "RENAME COLUMN " + Q(key.fresh) + " TO " + Q(key.column));
  if (!key.key.empty()) {
    swap.sql.push_back(alter + "ADD CONSTRAINT " + Q(key.key) +
                       (key.primary ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " +
                       Q(ChooseName(key.table.name, {key.fresh}, "key")));
  }
  for (const IndexFact& index : key.indexes) {
    swap.sql.push_back("ALTER INDEX " + IndexSql(key.table, ChooseName(index.name, {}, "new")) +
                       " RENAME TO " + Q(index.name));
  }
  if (key.foreign_key) {
    swap.sql.push_back(alter + "RENAME CONSTRAINT " +
                       Q(ChooseName(key.table.name, {key.fresh}, "fkey")) + " TO " +
                       Q(key.foreign_key->name));
  }
  swap.irreversible = true;
}

}  // namespace pgshift::planner
