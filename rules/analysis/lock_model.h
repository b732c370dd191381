// The lock model: which lock each statement form takes on which table, and whether it rewrites
// the table, scans it, or only changes the catalog, per server version. One table (kLockTable in
// lock_model.cpp) that rules read instead of deciding locks for themselves, and that the trace
// tests check against a real server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/ast.h"

namespace pgshift::rules {

// PostgreSQL's table lock modes, weakest first.
enum class LockMode {
  kAccessShare,
  kRowShare,
  kRowExclusive,
  kShareUpdateExclusive,
  kShare,
  kShareRowExclusive,
  kExclusive,
  kAccessExclusive,
};

enum class TableWork {
  kCatalogOnly,  // instant apart from waiting for the lock
  kRows,         // reads or writes the rows the statement names (DML with a WHERE, INSERT)
  kScan,         // reads every row (validation, index build) while holding the lock
  kRewrite,      // writes a new copy of the table (and its indexes) while holding the lock
};

enum class Form {
  kCreateIndex,
  kCreateIndexConcurrently,
  kCreateIndexThatExists,  // IF NOT EXISTS, and the table has an index of that name
  kCreateIndexOnOnly,      // ON ONLY a partitioned parent: an invalid index, no partition's
  kDropIndex,
  kDropIndexConcurrently,
  kReindex,
  kReindexConcurrently,
  kAddColumn,                 // nullable, no default
  kAddColumnConstantDefault,  // non-volatile default
  kAddColumnVolatileDefault,  // volatile default, serial, identity, GENERATED ... STORED
  kAddColumnNotNullNoDefault,
  kAddColumnWithCheck,   // inline CHECK on a new column: validated against every row
  kAddColumnReferences,  // inline REFERENCES on a new column without default: the
                         // referenced table's lock (with a default it is kAddForeignKey)
  kDropColumn,
  kAlterColumnTypeCatalogOnly,  // binary-coercible change
  kAlterColumnTypeRewrite,
  // Catalog-only for the table, but indexes are built again: the column's collation or operator
  // class changes, or an index's expression or WHERE clause reads it (type_change.h's
  // IndexesRebuiltBy).
  kAlterColumnTypeRebuildsIndexes,
  // The referenced table of a foreign key on the column: the key is dropped and added again,
  // and validated again unless the change is binary-coercible.
  kAlterColumnTypeForeignKeyReferenced,
  kAlterColumnTypeCatalogOnlyForeignKeyReferenced,
  kSetDefault,
  kDropDefault,
  kSetNotNull,
  kSetNotNullWithValidatedCheck,
  kDropNotNull,
  kSetStatistics,
  kSetStorage,
  kAddCheck,
  kAddCheckNotValid,
  kAddForeignKey,
  kAddForeignKeyNotValid,
  kAddUniqueOrPrimaryKey,
  kAddConstraintUsingIndex,
  kAddPrimaryKeyUsingIndexSetsNotNull,  // PRIMARY KEY USING INDEX on a nullable column
  kAddExclusion,
  kValidateConstraint,
  kValidateForeignKeyReferenced,  // the referenced table while a foreign key is validated
  kDropConstraint,
  kDropForeignKeyReferenced,  // the referenced table when a foreign key goes (also DROP TABLE)
  kReferencedByNewTable,      // the referenced table of a foreign key on a new table
  kRenameTable,
  kRenameColumn,
  kRenameConstraint,
  kSetSchema,  // ALTER TABLE ... SET SCHEMA
  kDropTable,
  kTruncate,
  kEnableDisableTrigger,
  kCreateTrigger,
  kDropTrigger,
  kSetLoggedUnlogged,
  kSetTablespace,
  kSetAccessMethod,
  kSetStorageParameters,
  kClusterOn,
  kAttachPartition,             // the partitioned parent
  kAttachedPartition,           // the table being attached: scanned to prove the bound
  kAttachedPartitionWithCheck,  // ... unless a validated CHECK already proves it (or it is new)
  kDetachPartition,
  kDetachPartitionConcurrently,
  kDetachedPartition,  // the partition being detached
  kCreatePartitionOf,
  kAlterDomainAddConstraint,       // every table with a column of the domain
  kAlterDomainValidateConstraint,  // ... and when its NOT VALID constraint is validated
  kVacuumFull,
  kVacuum,
  kAnalyze,
  kCluster,
  kRefreshMaterializedView,
  kRefreshMaterializedViewConcurrently,
  kLockTable,
  kChangeOwner,
  kReplicaIdentity,
  kRowSecurity,
  kInheritance,
  kAddIdentity,
  kCreateRule,
  kPolicy,  // CREATE / ALTER / DROP POLICY
  kCreateStatistics,
  kComment,
  kInsert,
  kUpdate,  // with a WHERE clause
  kDelete,  // with a WHERE clause
  kUpdateWithoutWhere,
  kDeleteWithoutWhere,
  kOtherAlterTable,
};

struct LockEntry {
  Form form;
  std::string_view sql;  // the form as users write it, for docs and messages
  LockMode mode;
  TableWork work;
  int from_version;  // first server major version this entry describes
  int until_version; // first major version it no longer describes (0: still current)
  // What else it does that the table lock alone does not say, for messages; may be empty.
  std::string_view also = {};
  // Gives the table new, empty storage (TRUNCATE): its relfilenode changes, as in a rewrite,
  // but there is no work in proportion to its size.
  bool new_storage = false;
};

// One lock a statement takes, on one table.
struct TableLock {
  Form form;
  parser::QualifiedName table;
  LockMode mode;
  TableWork work;
  int location = -1;  // of the sub-command or clause in the statement text
  bool new_table = false;  // created earlier in the file: empty, used by nobody yet
  std::string_view also;   // from the model entry
  bool named_by_index = false;  // `table` names an index whose table is not known
};

// "users", or "the table of index users_email_idx" when only the index is known.
std::string TableLabel(const TableLock& lock);

// The whole model, for docs and the trace tests.
const std::vector<LockEntry>& LockTable();
// The entry for a form at a server version.
const LockEntry& LockFor(Form form, int pg_version);

class Catalog;

// Every table lock a parsed statement takes at the given server version, judged against the
// catalog as it stands before the statement (for SET NOT NULL after a validated check, and for
// type changes against the old type). Statements that lock no existing table give none.
std::vector<TableLock> LocksOf(const parser::Node* statement, int pg_version,
                               const Catalog& catalog);

// The strongest of the locks on one table, or null.  Ties in mode go to the heavier work.
const TableLock* StrongestLock(const std::vector<TableLock>& locks);

// The strongest lock that blocks the application's writes (SHARE or stronger) on a table that
// existed before the file, or null: what a lock_timeout should bound.
const TableLock* BlockingLock(const std::vector<TableLock>& locks);

std::string_view LockModeName(LockMode mode);  // "ACCESS EXCLUSIVE"
std::optional<LockMode> ParseLockMode(std::string_view name);  // as pg_locks names it
// What the mode blocks for the application: "blocking reads and writes".
std::string_view WhatItBlocks(LockMode mode);
std::string_view TableWorkName(TableWork work);  // "rewrites the table"

// "takes ACCESS EXCLUSIVE on users, blocking reads and writes; rewrites the table"
std::string DescribeLock(const TableLock& lock);
// Whether the application's reads or writes wait behind this mode (SHARE and above).
inline bool BlocksWrites(LockMode mode) { return mode >= LockMode::kShare; }
inline bool BlocksReads(LockMode mode) { return mode == LockMode::kAccessExclusive; }

}  // namespace pgshift::rules
