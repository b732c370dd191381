// The planner's state while it reads a migration, statement by statement: what it knows of the
// database, what this migration created, added and swapped out, and the plan it writes. Not part
// of the library's interface (planner/planner.h is); its members are defined by the kind of
// statement they stage:
//   planner.cpp      dispatch, pass-through, indexes, creations, drops and renames
//   alter_table.cpp  ALTER TABLE: constraints, columns, NOT NULL, defaults
//   column_swap.cpp  a column replaced by another kept in step by a trigger (rename, type change)
//   key_type_change.cpp  a key's type change, with the columns referencing it, swapped together
//   data_changes.cpp UPDATE, DELETE, INSERT
//   copy_rows.cpp    INSERT ... SELECT of columns into a new table, kept in step by triggers
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "parser/ast.h"
#include "planner/key_facts.h"
#include "planner/migration_plan.h"
#include "rules/analysis/catalog.h"

namespace pgshift::planner {

class Planner {
 public:
  explicit Planner(MigrationPlan& plan) : plan_(plan) {}

  // The database before the migration, and each statement of it once planned.
  void Learn(const parser::Node* node, bool in_migration);
  void Statement(std::size_t source, const parser::Node* node);
  // After the last statement: copy triggers no DROP COLUMN took, columns made NOT NULL that
  // nothing fills.
  void Finish();

 private:
  // --- building stages (planner.cpp) ---
  const SourceStatement& Source() const { return plan_.sources[source_]; }
  std::string Text() const { return Source().text; }
  void Unsafe(const std::string& reason);
  PlannedStage& Add(rules::Phase phase, const std::string& name);
  void PassThrough(const std::string& name, std::vector<std::string> rollback,
                   rules::Phase phase = rules::Phase::kExpand);
  void Contract(const std::string& name, const std::string& sql, const std::string& deploy);
  void JoinCreation(const parser::QualifiedName& table);
  std::string NamesSwappedColumn() const;
  bool IsNew(const parser::QualifiedName& table) const;

  // --- statements staged as written, or nearly (planner.cpp) ---
  void VariableSet(const PgQuery__VariableSetStmt* set);
  void CreateType(const parser::QualifiedName& type);
  void Index(const parser::Node* node, const PgQuery__IndexStmt* index);
  void Create(const PgQuery__CreateStmt* create);
  void CreateFunction(const PgQuery__CreateFunctionStmt* function);
  void CreateTrigger(const PgQuery__CreateTrigStmt* trigger);
  void CreateView(const PgQuery__ViewStmt* view);
  void Drop(const parser::Node* node, const PgQuery__DropStmt* drop);
  void Rename(const PgQuery__RenameStmt* rename);
  void RenameTable(const parser::QualifiedName& table, const std::string& to, bool missing_ok);

  // --- ALTER TABLE (alter_table.cpp) ---
  void AlterTable(const parser::Node* node, const PgQuery__AlterTableStmt* alter);
  void AddConstraint(const parser::Node* node, std::size_t index,
                     const parser::QualifiedName& table, const PgQuery__Constraint* constraint);
  void AddColumn(const parser::Node* node, std::size_t index, const parser::QualifiedName& table,
                 const PgQuery__ColumnDef* column);
  void AddColumnAndConstraints(const parser::Node* node, std::size_t index,
                               const parser::QualifiedName& table,
                               const PgQuery__ColumnDef* column);
  // `synced`: a trigger fills the column on every INSERT (a swap's new column).
  void EnforceNotNull(const parser::QualifiedName& table, const std::string& column,
                      bool synced = false);
  void LearnDefaults(const parser::Node* node);
  // The contract stage that gives an object built under a temporary name the name of the one
  // this migration drops (`rename` is the ALTER ... RENAME statement).
  void TakeOverName(const std::string& what, const std::string& temporary,
                    const std::string& name, const std::string& rename);

  // --- column swaps (column_swap.cpp) ---
  void RenameColumn(const parser::QualifiedName& table, const std::string& from,
                    const std::string& to);
  void ChangeType(const parser::QualifiedName& table, const std::string& name,
                  const PgQuery__ColumnDef* def);
  // The statements that remove a synced column's trigger and its function, in that order.
  struct SyncTrigger {
    std::string drop_trigger, drop_function;
  };
  SyncTrigger AddSyncedColumn(const parser::QualifiedName& table, const std::string& column,
                              const std::string& type, const std::string& events,
                              const std::string& body, std::vector<std::string> comment);

  // --- a key's type change (key_type_change.cpp) ---
  void DeferKeyTypeChange(const parser::QualifiedName& table, const std::string& name,
                          const PgQuery__ColumnDef* def);
  int KeyReferencedBy(const KeyColumn& referencing) const;
  void BlockIncompleteKeySwaps();
  void StageKeySwaps();
  SyncTrigger ExpandSwapColumn(const KeyColumn& key);
  void BuildSwapIndexes(const KeyColumn& key);
  void AddSwapForeignKey(const KeyColumn& referencing);
  void DropOldForeignKey(const KeyColumn& referencing);
  void SwapInColumn(const KeyColumn& key, const SyncTrigger& sync);

  // --- data (data_changes.cpp) ---
  void Update(const PgQuery__UpdateStmt* update);
  void Delete(const PgQuery__DeleteStmt* remove);
  void Insert(const PgQuery__InsertStmt* insert);

  // --- columns copied into a new table (copy_rows.cpp) ---
  void CopyRows(const parser::QualifiedName& target, const PgQuery__InsertStmt* insert);
  // Puts the drop of the trigger that copies `table.column` first in `drop`, once.
  void DropCopyTrigger(const std::string& table, const std::string& column, PlannedStage& drop);
  // Copy triggers no DROP COLUMN took: dropped at contract.
  void FinishCopies();

  MigrationPlan& plan_;
  std::size_t source_ = 0;
  rules::Catalog catalog_;
  KeyFacts facts_;
  // Type changes of keys and of the columns referencing them, planned together in Finish.
  std::vector<KeyColumn> key_changes_;
  std::set<std::string> referenced_;  // "table.column" that a foreign key references
  std::set<std::pair<std::string, std::string>> swapped_;  // table, column a type change swaps
  std::set<std::string> ids_;
  std::set<std::string> new_tables_;
  std::map<std::string, std::size_t> created_in_;   // new table → the stage that creates it
  std::set<std::string> added_;                     // "table.column" added by this migration
  std::map<std::string, std::size_t> needs_value_;  // added NOT NULL, no value yet
  // Names an earlier statement of this migration drops at contract: an index ("name"), a
  // constraint ("table.name"). Created again under the same name, the new one is built under
  // a temporary name and takes the old name at contract, once the old one is gone.
  std::set<std::string> dropped_indexes_;
  std::set<std::string> dropped_constraints_;
  // "table.column" an earlier RENAME COLUMN of this migration renames (kept until contract).
  std::map<std::string, std::string> renamed_away_;
  // "table.column" → its DEFAULT expression as SQL, as the schema and the migration so far set it.
  std::map<std::string, std::string> defaults_;
  // The triggers that copy columns of an existing table into a new one, dropped at contract.
  struct CopyTrigger {
    std::string table, target;  // the existing table, the new one
    SyncTrigger drop;
    std::size_t source = 0;
    bool dropped = false;
  };
  std::vector<CopyTrigger> copy_triggers_;
  std::map<std::string, std::size_t> copied_columns_;  // "table.column" → its copy trigger
};

}  // namespace pgshift::planner
