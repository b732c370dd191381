#include "tests/examples/catalog_snapshot.h"

#include <algorithm>
#include <set>

#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

// Each part yields one text column per row. Names, never OIDs: a dropped and recreated object
// must compare equal to the original.
constexpr const char* kParts[] = {
    // Relations of every kind: tables, indexes, sequences, views.
    "SELECT 'relation ' || c.relname || ' kind ' || c.relkind::text || ' persistence ' || "
    "c.relpersistence::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace",
    // Columns, with type, nullability, default, identity and generation.
    "SELECT 'column ' || c.relname || '.' || a.attname || ' ' || "
    "format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END "
    "|| coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || ' identity ' || "
    "a.attidentity::text || ' generated ' || a.attgenerated::text "
    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') "
    "AND a.attnum > 0 AND NOT a.attisdropped",
    // Constraints, with their definition and whether they are validated.
    "SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid) "
    "|| CASE WHEN k.convalidated THEN '' ELSE ' not valid' END "
    "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
    "WHERE c.relnamespace = 'public'::regnamespace",
    // Indexes, with validity and readiness (a failed CONCURRENTLY build leaves an invalid one).
    "SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' valid ' || i.indisvalid::text || "
    "' ready ' || i.indisready::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
    "WHERE c.relnamespace = 'public'::regnamespace",
    // Triggers, with their state.
    "SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text "
    "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal",
    // Sequences: type, bounds and owner.
    "SELECT 'sequence ' || c.relname || ' ' || format_type(s.seqtypid, NULL) || ' ' || s.seqmin "
    "|| '..' || s.seqmax || coalesce(' owned by ' || (SELECT o.relname || '.' || a.attname "
    "FROM pg_depend d JOIN pg_class o ON o.oid = d.refobjid JOIN pg_attribute a ON "
    "a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass "
    "AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0), '') "
    "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid",
    // Functions, with their arguments and a hash of their body.
    "SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' "
    "|| md5(p.prosrc) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace",
};

}  // namespace

std::vector<std::string> CatalogSnapshot(runner::Database& db) {
  std::vector<std::string> lines;
  for (const char* part : kParts) {
    for (const runner::Row& row : Sql(db, part).rows) lines.push_back(row[0].value_or("(null)"));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string SnapshotDiff(const std::vector<std::string>& before,
                         const std::vector<std::string>& after) {
  const std::set<std::string> a(before.begin(), before.end()), b(after.begin(), after.end());
  std::string diff;
  for (const std::string& line : a) {
    if (!b.count(line)) diff += "- " + line + "\n";
  }
  for (const std::string& line : b) {
    if (!a.count(line)) diff += "+ " + line + "\n";
  }
  return diff;
}

}  // namespace pgshift::testing
