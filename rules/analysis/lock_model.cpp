#include "rules/analysis/lock_model.h"

#include <algorithm>

#include "rules/analysis/lock_classifier.h"

namespace pgshift::rules {
namespace {

using enum LockMode;
using enum TableWork;

// Statement form → lock and work, per server version. Entries for one form are in version
// order; a form absent from a version range does not exist there.
//
// Every form is checked against a real PostgreSQL 15 by the differential suite
// (tests/lock_model/server_differential_test.cpp): each case of tests/fixtures/lock_model/cases.sql
// runs through `pgshift trace`'s machinery (pg_locks for the mode held on each table,
// pg_class.relfilenode for rewrites, pg_stat_xact_user_tables for scans), and the observation must
// equal this table's prediction. LockModelCases in tests/rules/ checks this table against the same
// cases without a server. Entries for other versions follow the release notes. docs/locks.md is
// generated from this table (`pgshift locks --format markdown`).
constexpr std::string_view kIndexLock =
    "and ACCESS EXCLUSIVE on the index, which every query that plans against the table waits for";

const std::vector<LockEntry> kLockTable = {
    // Indexes
    {Form::kCreateIndex, "CREATE INDEX", kShare, kScan, 0, 0},
    {Form::kCreateIndexConcurrently, "CREATE INDEX CONCURRENTLY", kShareUpdateExclusive, kScan, 0, 0},
    {Form::kCreateIndexThatExists, "CREATE INDEX IF NOT EXISTS of an index the table has", kShare, kCatalogOnly, 0, 0},
    {Form::kCreateIndexOnOnly, "CREATE INDEX ON ONLY a partitioned table", kShare, kCatalogOnly, 11, 0},
    {Form::kDropIndex, "DROP INDEX", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kDropIndexConcurrently, "DROP INDEX CONCURRENTLY", kShareUpdateExclusive, kCatalogOnly, 0, 0},
    {Form::kReindex, "REINDEX", kShare, kScan, 0, 0, kIndexLock},
    {Form::kReindexConcurrently, "REINDEX CONCURRENTLY", kShareUpdateExclusive, kScan, 12, 0},
    // Columns
    {Form::kAddColumn, "ADD COLUMN (nullable, no default)", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kAddColumnConstantDefault, "ADD COLUMN ... DEFAULT <non-volatile>", kAccessExclusive, kRewrite, 0, 11},
    {Form::kAddColumnConstantDefault, "ADD COLUMN ... DEFAULT <non-volatile>", kAccessExclusive, kCatalogOnly, 11, 0},
    {Form::kAddColumnVolatileDefault, "ADD COLUMN ... DEFAULT <volatile> / serial / identity / GENERATED STORED", kAccessExclusive, kRewrite, 0, 0},
    {Form::kAddColumnNotNullNoDefault, "ADD COLUMN ... NOT NULL (no default)", kAccessExclusive, kScan, 0, 0},
    {Form::kAddColumnWithCheck, "ADD COLUMN ... CHECK (...)", kAccessExclusive, kScan, 0, 0},
    {Form::kAddColumnReferences, "ADD COLUMN ... REFERENCES (no default; the referenced table)", kShareRowExclusive, kCatalogOnly, 0, 0},
    {Form::kDropColumn, "DROP COLUMN", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kAlterColumnTypeCatalogOnly, "ALTER COLUMN TYPE (binary-coercible)", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kAlterColumnTypeRewrite, "ALTER COLUMN TYPE", kAccessExclusive, kRewrite, 0, 0},
    {Form::kAlterColumnTypeRebuildsIndexes, "ALTER COLUMN TYPE (catalog-only, an index built again: new collation or operator class, or an expression or WHERE reading the column)", kAccessExclusive, kScan, 0, 0,
     "as each index built again is"},
    {Form::kAlterColumnTypeForeignKeyReferenced, "ALTER COLUMN TYPE of a foreign-key column (the referenced table)", kAccessExclusive, kScan, 0, 0,
     "as its foreign key is dropped, added and validated again"},
    {Form::kAlterColumnTypeCatalogOnlyForeignKeyReferenced, "ALTER COLUMN TYPE (binary-coercible) of a foreign-key column (the referenced table)", kAccessExclusive, kCatalogOnly, 0, 0,
     "as its foreign key is dropped and added again"},
    {Form::kSetDefault, "ALTER COLUMN SET DEFAULT", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kDropDefault, "ALTER COLUMN DROP DEFAULT", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kSetNotNull, "ALTER COLUMN SET NOT NULL", kAccessExclusive, kScan, 0, 0},
    {Form::kSetNotNullWithValidatedCheck, "ALTER COLUMN SET NOT NULL (validated CHECK exists)", kAccessExclusive, kScan, 0, 12},
    {Form::kSetNotNullWithValidatedCheck, "ALTER COLUMN SET NOT NULL (validated CHECK exists)", kAccessExclusive, kCatalogOnly, 12, 0},
    {Form::kDropNotNull, "ALTER COLUMN DROP NOT NULL", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kSetStatistics, "ALTER COLUMN SET STATISTICS / SET (attribute_option)", kShareUpdateExclusive, kCatalogOnly, 0, 0},
    {Form::kSetStorage, "ALTER COLUMN SET STORAGE / COMPRESSION", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kAddIdentity, "ALTER COLUMN ... ADD GENERATED AS IDENTITY", kAccessExclusive, kCatalogOnly, 0, 0},
    // Constraints
    {Form::kAddCheck, "ADD CONSTRAINT ... CHECK", kAccessExclusive, kScan, 0, 0},
    {Form::kAddCheckNotValid, "ADD CONSTRAINT ... CHECK ... NOT VALID", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kAddForeignKey, "ADD CONSTRAINT ... FOREIGN KEY (both tables)", kShareRowExclusive, kScan, 0, 0},
    {Form::kAddForeignKeyNotValid, "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID (both tables)", kShareRowExclusive, kCatalogOnly, 0, 0},
    {Form::kReferencedByNewTable, "FOREIGN KEY on a new table (the referenced table)", kShareRowExclusive, kCatalogOnly, 0, 0},
    {Form::kAddUniqueOrPrimaryKey, "ADD CONSTRAINT ... UNIQUE / PRIMARY KEY", kAccessExclusive, kScan, 0, 0},
    {Form::kAddConstraintUsingIndex, "ADD CONSTRAINT ... USING INDEX", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kAddPrimaryKeyUsingIndexSetsNotNull, "ADD PRIMARY KEY USING INDEX on a nullable column", kAccessExclusive, kScan, 0, 0},
    {Form::kAddExclusion, "ADD CONSTRAINT ... EXCLUDE", kAccessExclusive, kScan, 0, 0},
    {Form::kValidateConstraint, "VALIDATE CONSTRAINT", kShareUpdateExclusive, kScan, 0, 0},
    {Form::kValidateForeignKeyReferenced, "VALIDATE CONSTRAINT of a foreign key (the referenced table)", kRowShare, kScan, 0, 0},
    {Form::kDropConstraint, "DROP CONSTRAINT", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kDropForeignKeyReferenced, "DROP CONSTRAINT / DROP TABLE of a foreign key (the referenced table)", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kAlterDomainAddConstraint, "ALTER DOMAIN ... ADD CONSTRAINT (each table using the domain)", kShare, kScan, 0, 0},
    {Form::kAlterDomainValidateConstraint, "ALTER DOMAIN ... VALIDATE CONSTRAINT (each table using the domain)", kShare, kScan, 0, 0},
    // Whole tables
    {Form::kRenameTable, "ALTER TABLE ... RENAME TO", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kRenameColumn, "ALTER TABLE ... RENAME COLUMN", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kRenameConstraint, "ALTER TABLE ... RENAME CONSTRAINT", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kSetSchema, "ALTER TABLE ... SET SCHEMA", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kDropTable, "DROP TABLE", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kTruncate, "TRUNCATE", kAccessExclusive, kCatalogOnly, 0, 0, {}, /*new_storage=*/true},
    {Form::kEnableDisableTrigger, "ALTER TABLE ... ENABLE / DISABLE TRIGGER", kShareRowExclusive, kCatalogOnly, 0, 0},
    {Form::kCreateTrigger, "CREATE TRIGGER", kShareRowExclusive, kCatalogOnly, 0, 0},
    {Form::kDropTrigger, "DROP TRIGGER", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kSetLoggedUnlogged, "ALTER TABLE ... SET LOGGED / UNLOGGED", kAccessExclusive, kRewrite, 0, 0},
    {Form::kSetTablespace, "ALTER TABLE ... SET TABLESPACE", kAccessExclusive, kRewrite, 0, 0},
    {Form::kSetAccessMethod, "ALTER TABLE ... SET ACCESS METHOD", kAccessExclusive, kRewrite, 15, 0},
    {Form::kSetStorageParameters, "ALTER TABLE ... SET (storage_parameter)", kShareUpdateExclusive, kCatalogOnly, 0, 0},
    {Form::kClusterOn, "ALTER TABLE ... CLUSTER ON / SET WITHOUT CLUSTER", kShareUpdateExclusive, kCatalogOnly, 0, 0},
    {Form::kChangeOwner, "ALTER TABLE ... OWNER TO", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kReplicaIdentity, "ALTER TABLE ... REPLICA IDENTITY", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kRowSecurity, "ALTER TABLE ... ENABLE / DISABLE ROW LEVEL SECURITY", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kInheritance, "ALTER TABLE ... INHERIT / NO INHERIT", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kCreateRule, "CREATE RULE", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kPolicy, "CREATE / ALTER / DROP POLICY", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kCreateStatistics, "CREATE STATISTICS", kShareUpdateExclusive, kCatalogOnly, 10, 0},
    {Form::kComment, "COMMENT ON TABLE / COLUMN", kShareUpdateExclusive, kCatalogOnly, 0, 0},
    {Form::kOtherAlterTable, "ALTER TABLE (other)", kAccessExclusive, kCatalogOnly, 0, 0},
    // Partitions
    {Form::kAttachPartition, "ALTER TABLE ... ATTACH PARTITION (the parent)", kAccessExclusive, kCatalogOnly, 0, 12},
    {Form::kAttachPartition, "ALTER TABLE ... ATTACH PARTITION (the parent)", kShareUpdateExclusive, kCatalogOnly, 12, 0},
    {Form::kAttachedPartition, "ALTER TABLE ... ATTACH PARTITION (the partition)", kAccessExclusive, kScan, 0, 0},
    {Form::kAttachedPartitionWithCheck, "ALTER TABLE ... ATTACH PARTITION (the partition, a validated CHECK proves the bound)", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kDetachPartition, "ALTER TABLE ... DETACH PARTITION (the parent)", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kDetachPartitionConcurrently, "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (the parent)", kShareUpdateExclusive, kCatalogOnly, 14, 0},
    {Form::kDetachedPartition, "ALTER TABLE ... DETACH PARTITION (the partition)", kAccessExclusive, kCatalogOnly, 0, 0},
    {Form::kCreatePartitionOf, "CREATE TABLE ... PARTITION OF (the parent)", kAccessExclusive, kCatalogOnly, 0, 0},
    // Maintenance
    {Form::kVacuumFull, "VACUUM FULL", kAccessExclusive, kRewrite, 0, 0},
    {Form::kVacuum, "VACUUM", kShareUpdateExclusive, kScan, 0, 0},
    {Form::kAnalyze, "ANALYZE (reads a sample of the rows)", kShareUpdateExclusive, kRows, 0, 0},
    {Form::kCluster, "CLUSTER", kAccessExclusive, kRewrite, 0, 0},
    {Form::kRefreshMaterializedView, "REFRESH MATERIALIZED VIEW", kAccessExclusive, kRewrite, 0, 0},
    {Form::kRefreshMaterializedViewConcurrently, "REFRESH MATERIALIZED VIEW CONCURRENTLY", kExclusive, kScan, 0, 0},
    {Form::kLockTable, "LOCK TABLE", kAccessExclusive, kCatalogOnly, 0, 0},
    // Data
    {Form::kInsert, "INSERT", kRowExclusive, kRows, 0, 0},
    {Form::kUpdate, "UPDATE ... WHERE", kRowExclusive, kRows, 0, 0},
    {Form::kDelete, "DELETE ... WHERE", kRowExclusive, kRows, 0, 0},
    {Form::kUpdateWithoutWhere, "UPDATE (every row)", kRowExclusive, kScan, 0, 0},
    {Form::kDeleteWithoutWhere, "DELETE (every row)", kRowExclusive, kScan, 0, 0},
};

}  // namespace

const std::vector<LockEntry>& LockTable() { return kLockTable; }

const LockEntry& LockFor(Form form, int pg_version) {
  const LockEntry* fallback = nullptr;
  for (const LockEntry& entry : kLockTable) {
    if (entry.form != form) continue;
    if (fallback == nullptr) fallback = &entry;
    if (pg_version >= entry.from_version &&
        (entry.until_version == 0 || pg_version < entry.until_version)) {
      return entry;
    }
  }
  // Asked about a version before the form existed: describe its earliest form.
  return *fallback;
}

std::vector<TableLock> LocksOf(const parser::Node* statement, int pg_version,
                               const Catalog& catalog) {
  std::vector<ClassifiedForm> forms = ClassifyStatement(statement, pg_version, catalog);
  std::vector<TableLock> locks;
  locks.reserve(forms.size());
  for (ClassifiedForm& classified : forms) {
    const LockEntry& entry = LockFor(classified.form, pg_version);
    const bool is_new = catalog.IsNew(classified.table);
    // The name moves from the form, which is not used again.
    TableLock lock{classified.form, std::move(classified.table), entry.mode, entry.work,
                   classified.location, is_new, entry.also, classified.named_by_index};
    if (classified.mode_override) lock.mode = *classified.mode_override;
    locks.push_back(std::move(lock));
  }
  return locks;
}

const TableLock* StrongestLock(const std::vector<TableLock>& locks) {
  const TableLock* strongest = nullptr;
  for (const TableLock& lock : locks) {
    if (strongest == nullptr || lock.mode > strongest->mode ||
        (lock.mode == strongest->mode && lock.work > strongest->work)) {
      strongest = &lock;
    }
  }
  return strongest;
}

const TableLock* BlockingLock(const std::vector<TableLock>& locks) {
  const TableLock* strongest = nullptr;
  for (const TableLock& lock : locks) {
    if (lock.new_table || !BlocksWrites(lock.mode)) continue;
    if (strongest == nullptr || lock.mode > strongest->mode) strongest = &lock;
  }
  return strongest;
}

std::string_view LockModeName(LockMode mode) {
  switch (mode) {
    case kAccessShare: return "ACCESS SHARE";
    case kRowShare: return "ROW SHARE";
    case kRowExclusive: return "ROW EXCLUSIVE";
    case kShareUpdateExclusive: return "SHARE UPDATE EXCLUSIVE";
    case kShare: return "SHARE";
    case kShareRowExclusive: return "SHARE ROW EXCLUSIVE";
    case kExclusive: return "EXCLUSIVE";
    case kAccessExclusive: return "ACCESS EXCLUSIVE";
  }
  return "?";
}

std::optional<LockMode> ParseLockMode(std::string_view name) {
  static constexpr std::pair<std::string_view, LockMode> kNames[] = {
      {"AccessShareLock", kAccessShare}, {"RowShareLock", kRowShare},
      {"RowExclusiveLock", kRowExclusive}, {"ShareUpdateExclusiveLock", kShareUpdateExclusive},
      {"ShareLock", kShare}, {"ShareRowExclusiveLock", kShareRowExclusive},
      {"ExclusiveLock", kExclusive}, {"AccessExclusiveLock", kAccessExclusive}};
  for (const auto& [text, mode] : kNames) {
    if (name == text || name == LockModeName(mode)) return mode;
  }
  return std::nullopt;
}

std::string_view WhatItBlocks(LockMode mode) {
  switch (mode) {
    case kAccessExclusive: return "blocking reads and writes";
    case kExclusive: return "blocking writes and SELECT FOR UPDATE";
    case kShareRowExclusive:
    case kShare: return "blocking writes";
    case kShareUpdateExclusive: return "blocking other schema changes and VACUUM, not reads or writes";
    case kRowExclusive: return "blocking index builds and schema changes, not reads or writes";
    case kRowShare:
    case kAccessShare: return "blocking only schema changes that take ACCESS EXCLUSIVE";
  }
  return "";
}

std::string_view TableWorkName(TableWork work) {
  switch (work) {
    case kCatalogOnly: return "catalog only";
    case kRows: return "reads or writes the rows it names";
    case kScan: return "scans the table";
    case kRewrite: return "rewrites the table";
  }
  return "";
}

std::string TableLabel(const TableLock& lock) {
  return lock.named_by_index ? "the table of index " + lock.table.ToSql() : lock.table.ToSql();
}

std::string DescribeLock(const TableLock& lock) {
  std::string out = "takes ";
  out += LockModeName(lock.mode);
  out += " on ";
  out += TableLabel(lock);
  out += ", ";
  out += WhatItBlocks(lock.mode);
  if (!lock.also.empty()) {
    out += ", ";
    out += lock.also;
  }
  if (lock.work != kCatalogOnly && lock.work != kRows) {
    out += "; ";
    out += TableWorkName(lock.work);
  }
  return out;
}

}  // namespace pgshift::rules
