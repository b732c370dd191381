// Type changes classified against the old type; each pair below was also checked against
// PostgreSQL 15 (tests/fixtures/lock_model/cases.sql holds the server-checked ones).
#include "rules/analysis/type_change.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {
namespace {

// The new type and USING clause of `ALTER TABLE t ALTER COLUMN c TYPE <sql>`.
struct Change {
  parser::ParsedFile file;
  const PgQuery__ColumnDef* def = nullptr;
};

Change Parse(const std::string& type_sql) {
  Change change{parser::ParseSql("ALTER TABLE t ALTER COLUMN c TYPE " + type_sql + ";")};
  const auto* alter = change.file.statements.at(0).node->alter_table_stmt;
  change.def = alter->cmds[0]->alter_table_cmd->def->column_def;
  return change;
}

parser::TypeSpec TypeOf(const std::string& sql) {
  const Change change = Parse(sql);
  return parser::TypeSpecOf(change.def->type_name);
}

TypeChangeEffect Effect(const std::string& from, const std::string& to) {
  const Change change = Parse(to);
  return ClassifyTypeChange(from.empty() ? parser::TypeSpec{} : TypeOf(from),
                            parser::TypeSpecOf(change.def->type_name), change.def->raw_default, "c")
      .effect;
}

constexpr auto kCatalog = TypeChangeEffect::kCatalogOnly;
constexpr auto kRewrite = TypeChangeEffect::kRewrite;
constexpr auto kUnknown = TypeChangeEffect::kUnknown;

TEST(TypeChange, BinaryCoercibleChangesAreCatalogOnly) {
  EXPECT_EQ(Effect("varchar(100)", "varchar(200)"), kCatalog);
  EXPECT_EQ(Effect("varchar(100)", "varchar(100)"), kCatalog);
  EXPECT_EQ(Effect("varchar(100)", "text"), kCatalog);
  EXPECT_EQ(Effect("varchar(100)", "varchar"), kCatalog);
  EXPECT_EQ(Effect("text", "varchar"), kCatalog);
  EXPECT_EQ(Effect("numeric(10,2)", "numeric(12,2)"), kCatalog);
  EXPECT_EQ(Effect("numeric(10,2)", "numeric"), kCatalog);
  EXPECT_EQ(Effect("timestamp(3)", "timestamp(6)"), kCatalog);
  EXPECT_EQ(Effect("timestamp(3)", "timestamp"), kCatalog);
  EXPECT_EQ(Effect("varbit(10)", "varbit(20)"), kCatalog);
  EXPECT_EQ(Effect("cidr", "inet"), kCatalog);
  EXPECT_EQ(Effect("int", "int"), kCatalog);
}

// Checked against PostgreSQL 15: an array is converted element by element (ArrayCoerceExpr).
TEST(TypeChange, ArraysRewriteUnlessOnlyTheLimitGoes) {
  EXPECT_EQ(Effect("varchar[]", "text[]"), kRewrite);
  EXPECT_EQ(Effect("text[]", "varchar[]"), kRewrite);
  EXPECT_EQ(Effect("varchar(10)[]", "varchar(20)[]"), kRewrite);
  EXPECT_EQ(Effect("timestamp(3)[]", "timestamp(6)[]"), kRewrite);
  EXPECT_EQ(Effect("cidr[]", "inet[]"), kRewrite);
  EXPECT_EQ(Effect("int[]", "oid[]"), kRewrite);
  EXPECT_EQ(Effect("numeric(10,2)[]", "numeric[]"), kCatalog);
  EXPECT_EQ(Effect("varchar(20)[]", "varchar[]"), kCatalog);
  EXPECT_EQ(Effect("int[]", "int[]"), kCatalog);
}

TEST(TypeChange, ConversionsRewrite) {
  EXPECT_EQ(Effect("int", "bigint"), kRewrite);
  EXPECT_EQ(Effect("varchar(100)", "varchar(50)"), kRewrite);
  EXPECT_EQ(Effect("text", "varchar(300)"), kRewrite);
  EXPECT_EQ(Effect("varchar", "varchar(10)"), kRewrite);
  EXPECT_EQ(Effect("numeric(10,2)", "numeric(12,3)"), kRewrite);
  EXPECT_EQ(Effect("numeric(10,2)", "numeric(8,2)"), kRewrite);
  EXPECT_EQ(Effect("numeric", "numeric(8,2)"), kRewrite);
  EXPECT_EQ(Effect("timestamp", "timestamp(3)"), kRewrite);
  EXPECT_EQ(Effect("timestamp", "timestamptz"), kRewrite);
  EXPECT_EQ(Effect("text", "char(10)"), kRewrite);
  EXPECT_EQ(Effect("int", "int[]"), kRewrite);
  EXPECT_EQ(Effect("json", "jsonb"), kRewrite);
}

TEST(TypeChange, UsingTheColumnItselfChangesNothing) {
  EXPECT_EQ(Effect("varchar(100)", "text USING c"), kCatalog);
  EXPECT_EQ(Effect("varchar(100)", "text USING c::text"), kCatalog);
  EXPECT_EQ(Effect("varchar(100)", "text USING (c)"), kCatalog);
  EXPECT_EQ(Effect("varchar(100)", "text USING lower(c)"), kRewrite);
  EXPECT_EQ(Effect("varchar(100)", "text USING other"), kRewrite);
  EXPECT_EQ(Effect("int", "int USING c + 0"), kRewrite);
}

TEST(TypeChange, WithoutTheOldTypeTheVerdictSaysWhatItDependsOn) {
  EXPECT_EQ(Effect("", "text"), kUnknown);
  EXPECT_EQ(Effect("", "varchar(255)"), kUnknown);
  EXPECT_EQ(Effect("", "numeric"), kUnknown);
  EXPECT_EQ(Effect("", "timestamptz"), kUnknown);
  EXPECT_EQ(Effect("", "my_domain"), kUnknown);
  EXPECT_EQ(Effect("", "bigint"), kRewrite);
  EXPECT_EQ(Effect("", "uuid"), kRewrite);
  EXPECT_EQ(Effect("", "jsonb"), kRewrite);
  EXPECT_EQ(Effect("", "text USING lower(c)"), kRewrite);
}

TEST(TypeChange, ReasonsNameTheTypes) {
  const Change change = Parse("bigint");
  const TypeChangeVerdict verdict =
      ClassifyTypeChange(TypeOf("int"), parser::TypeSpecOf(change.def->type_name), nullptr, "c");
  EXPECT_EQ(verdict.reason, "integer to bigint converts every row");
}

// IndexRebuildOf for `ALTER ... TYPE <to>` of a column of type `from` with collation
// `from_collation` (empty: the default); the reason, or "" when the indexes are kept.
std::string Rebuild(const std::string& from, const std::string& from_collation,
                    const std::string& to) {
  const Change change = Parse(to);
  const std::optional<IndexRebuild> rebuild =
      IndexRebuildOf(TypeOf(from), from_collation, parser::TypeSpecOf(change.def->type_name),
                     parser::CollationOf(*change.def));
  return rebuild ? rebuild->reason + " | " + rebuild->column_in_index : "";
}

// Each against PostgreSQL 15: pg_class.relfilenode of an index on the column, before and after.
TEST(TypeChange, ANewCollationOrOperatorClassBuildsTheIndexesAgain) {
  EXPECT_EQ(Rebuild("text", "", "text COLLATE \"C\""),
            "the collation changes from the default to \"C\" | COLLATE \"C\"");
  EXPECT_EQ(Rebuild("varchar", "C", "varchar"),
            "the collation changes from \"C\" to the default | COLLATE \"default\"");
  EXPECT_EQ(Rebuild("int", "", "oid"),
            "integer and oid index with different operator classes | oid_ops");
  EXPECT_EQ(Rebuild("oid", "", "int"),
            "oid and integer index with different operator classes | int4_ops");
  EXPECT_EQ(Rebuild("text", "", "bpchar"),
            "text and char index with different operator classes | bpchar_ops");
  EXPECT_EQ(Rebuild("varchar", "", "bpchar"),
            "varchar and char index with different operator classes | bpchar_ops");
  EXPECT_EQ(Rebuild("bit(8)", "", "varbit"),
            "bit(8) and varbit index with different operator classes | varbit_ops");
}

TEST(TypeChange, TheSameCollationAndOperatorClassKeepTheIndexes) {
  EXPECT_EQ(Rebuild("text", "C", "text COLLATE \"C\""), "");
  EXPECT_EQ(Rebuild("text", "", "text COLLATE \"default\""), "");
  EXPECT_EQ(Rebuild("text", "", "text COLLATE pg_catalog.\"default\""), "");
  EXPECT_EQ(Rebuild("varchar(10)", "", "varchar(20)"), "");
  EXPECT_EQ(Rebuild("varchar", "", "text"), "");
  EXPECT_EQ(Rebuild("text", "", "varchar"), "");
  EXPECT_EQ(Rebuild("cidr", "", "inet"), "");
  EXPECT_EQ(Rebuild("numeric(10,2)", "", "numeric"), "");
}

// The indexes a catalog-only change builds again, by name, on a catalog built from `schema`
// (each index as checked against PostgreSQL 15 in tests/fixtures/lock_model/cases.sql).
std::string RebuiltBy(const std::string& schema, const std::string& column,
                      const std::string& type_sql) {
  Catalog catalog;
  const parser::ParsedFile file = parser::ParseSql(schema);
  for (const parser::Statement& statement : file.statements) catalog.Apply(statement.node, false);
  const Change change = Parse(type_sql);
  const std::optional<IndexesRebuilt> rebuilt =
      IndexesRebuiltBy(catalog, parser::QualifiedName{"", "t"}, column, *change.def);
  if (!rebuilt) return "";
  std::string names;
  for (const TableIndex& index : rebuilt->indexes) names += (names.empty() ? "" : " ") + index.name;
  return names + " | " + rebuilt->Reason();
}

TEST(TypeChange, AnIndexWithAnExpressionOrWhereReadingTheColumnIsBuiltAgainOnAnyChange) {
  const std::string schema =
      "CREATE TABLE t (id int, name varchar(10), other text, note text);\n"
      "CREATE INDEX plain ON t (name);\n"
      "CREATE INDEX noted ON t (note);\n"
      "CREATE INDEX expr ON t (lower(name));\n"
      "CREATE INDEX partial ON t (name) WHERE name IS NOT NULL;\n"
      "CREATE INDEX where_reads ON t (id) WHERE name <> '';\n"
      "CREATE INDEX mixed ON t (name, lower(other));\n"
      "CREATE INDEX included ON t (id) INCLUDE (name);\n"
      "CREATE INDEX elsewhere ON t (other) WHERE id > 0;\n";
  EXPECT_EQ(RebuiltBy(schema, "name", "varchar(20)"),
            "expr partial where_reads mixed | " + std::string(kComputedIndexRebuilt));
  EXPECT_EQ(RebuiltBy(schema, "name", "varchar(20) COLLATE \"C\""),
            "plain expr partial where_reads mixed | the collation changes from the default to "
            "\"C\"; and " +
                std::string(kComputedIndexRebuilt));
  EXPECT_EQ(RebuiltBy(schema, "other", "text COLLATE \"C\""),
            "mixed elsewhere | the collation changes from the default to \"C\"; and " +
                std::string(kComputedIndexRebuilt));
  // The same type again still builds them (as PostgreSQL 15 does); nothing computed reads note;
  // a rewrite is another rule's.
  EXPECT_EQ(RebuiltBy(schema, "id", "int"),
            "where_reads elsewhere | " + std::string(kComputedIndexRebuilt));
  EXPECT_EQ(RebuiltBy(schema, "note", "varchar"), "");
  EXPECT_EQ(RebuiltBy(schema, "name", "int"), "");
}

}  // namespace
// A quoted type name is another type than the same name folded; a column follows its type's
// rename (hatchet swaps an enum for a new one and renames it back: the help must name it so).
TEST(TypeChange, AQuotedUserTypeKeepsItsCaseAndItsColumnsFollowARename) {
  EXPECT_EQ(TypeOf("\"Status\"").name, "Status");
  EXPECT_EQ(TypeOf("Status").name, "status");
  EXPECT_EQ(TypeOf("\"Status\"").ToString(), "\"Status\"");
  Catalog catalog;
  const parser::ParsedFile file = parser::ParseSql(
      "CREATE TYPE \"Status\" AS ENUM ('a');\nCREATE TABLE t (s \"Status\", n int);\n"
      "ALTER TYPE \"Status\" RENAME TO \"State\";\n");
  for (const parser::Statement& statement : file.statements) catalog.Apply(statement.node, false);
  const CatalogTable* t = catalog.FindTable({"", "t"});
  ASSERT_NE(t, nullptr);
  ASSERT_NE(t->FindColumn("s"), nullptr);
  EXPECT_EQ(t->FindColumn("s")->type.name, "State");
  EXPECT_EQ(t->FindColumn("n")->type.name, "int4");
  EXPECT_EQ(catalog.TablesUsingType("Status").size(), 0u);
}

}  // namespace pgshift::rules
