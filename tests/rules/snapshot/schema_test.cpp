// Schema snapshots: the JSON form read back as written, bad files refused with the file and the
// key's JSON path, and linting against a snapshot: the old type is known, small tables are notes.
#include "rules/snapshot/schema.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <fstream>
#include <optional>
#include <sstream>

#include "parser/source_text.h"
#include "rules/analysis/small_tables.h"
#include "rules/engine.h"
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

// A database of one table `users` with `rows` rows (unknown when negative).
Schema Users(std::int64_t rows) {
  Schema schema;
  schema.source = "postgresql://app:***@db/app";
  schema.server_version = "15.4";
  SnapshotTable users;
  users.schema = "public";
  users.name = "users";
  if (rows >= 0) users.rows = rows;
  users.bytes = 8192;
  users.columns = {{"id", "bigint", true, std::nullopt, "by default", false},
                   {"email", "character varying(20)", false, std::nullopt, "", false},
                   {"status", "mood", true, "'ok'::mood", "", false}};
  users.constraints = {{"users_pkey", "PRIMARY KEY (id)", true},
                       {"users_email_check", "CHECK ((email IS NOT NULL))", false}};
  users.indexes = {{"users_pkey", "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)",
                    "users_pkey", true, 16384}};
  schema.tables.push_back(users);
  schema.enums.push_back({"public", "mood", {"ok", "sad"}});
  return schema;
}

std::shared_ptr<const SchemaSnapshot> Snapshot(const Schema& schema) {
  auto snapshot = std::make_shared<SchemaSnapshot>();
  snapshot->path = "schema.json";
  snapshot->schema = schema;
  auto catalog = CatalogOf(schema, "schema.json");
  EXPECT_TRUE(std::holds_alternative<Catalog>(catalog))
      << std::get<SchemaError>(catalog).message;
  if (auto* built = std::get_if<Catalog>(&catalog)) snapshot->catalog = std::move(*built);
  return snapshot;
}

std::string ErrorOf(const std::string& json) {
  auto parsed = ParseSchema(json, "schema.json");
  if (auto* error = std::get_if<SchemaError>(&parsed)) return error->message;
  auto catalog = CatalogOf(std::get<Schema>(parsed), "schema.json");
  if (auto* error = std::get_if<SchemaError>(&catalog)) return error->message;
  return "";
}

std::vector<Finding> Lint(const std::string& sql,
                          std::shared_ptr<const SchemaSnapshot> snapshot = nullptr,
                          std::int64_t small_table_rows = 10000) {
  LintSettings settings;
  settings.schema = std::move(snapshot);
  settings.small_table_rows = small_table_rows;
  return LintSource(parser::SourceText("m.sql", sql), settings).findings;
}

// A copy: the findings are often a temporary that is gone by the time the test reads them.
std::optional<Finding> Find(const std::vector<Finding>& findings, const std::string& rule) {
  for (const Finding& f : findings) {
    if (f.rule == rule) return f;
  }
  return std::nullopt;
}

constexpr const char* kPrelude = "SET lock_timeout = '2s';\n";

TEST(SchemaSnapshot, JsonReadsBackAsWritten) {
  const Schema schema = Users(40);
  const std::string json = SchemaJson(schema);
  auto parsed = ParseSchema(json, "schema.json");
  ASSERT_TRUE(std::holds_alternative<Schema>(parsed)) << std::get<SchemaError>(parsed).message;
  EXPECT_EQ(SchemaJson(std::get<Schema>(parsed)), json);
  const Schema& back = std::get<Schema>(parsed);
  ASSERT_EQ(back.tables.size(), 1u);
  EXPECT_EQ(back.tables[0].rows, 40);
  EXPECT_EQ(back.tables[0].columns[1].type, "character varying(20)");
  EXPECT_FALSE(back.tables[0].constraints[1].validated);
  EXPECT_EQ(back.enums[0].labels, (std::vector<std::string>{"ok", "sad"}));
  // Unknown rows stay unknown, not zero.
  auto unknown = ParseSchema(SchemaJson(Users(-1)), "schema.json");
  EXPECT_FALSE(std::get<Schema>(unknown).tables[0].rows.has_value());
}

TEST(SchemaSnapshot, CatalogHoldsTheRealTypesAndConstraints) {
  const auto snapshot = Snapshot(Users(40));
  const CatalogTable* users = snapshot->catalog.FindTable({"", "users"});
  ASSERT_NE(users, nullptr);
  EXPECT_FALSE(users->is_new);
  EXPECT_EQ(users->FindColumn("email")->type.ToString(), "varchar(20)");
  EXPECT_TRUE(users->FindColumn("id")->not_null);
  EXPECT_TRUE(users->FindColumn("status")->has_default);
  ASSERT_NE(users->FindConstraint("users_email_check"), nullptr);
  EXPECT_FALSE(users->FindConstraint("users_email_check")->validated);
  EXPECT_EQ(users->FindConstraint("users_pkey")->kind, ConstraintKind::kPrimaryKey);
  ASSERT_NE(snapshot->catalog.FindType({"", "mood"}), nullptr);
}

TEST(SchemaSnapshot, VarcharWideningIsQuietWhenTheOldTypeIsKnown) {
  const auto snapshot = Snapshot(Users(1000000));
  for (const char* type : {"varchar(200)", "text", "varchar"}) {
    const std::string sql =
        std::string(kPrelude) + "ALTER TABLE users ALTER COLUMN email TYPE " + type + ";\n";
    // Without the old type, the change may rewrite the table.
    EXPECT_TRUE(Find(Lint(sql), "alter-column-type-rewrite").has_value()) << type;
    EXPECT_FALSE(Find(Lint(sql, snapshot), "alter-column-type-rewrite").has_value()) << type;
  }
  // Narrowing still rewrites (and checks every row).
  const std::string narrower =
      std::string(kPrelude) + "ALTER TABLE users ALTER COLUMN email TYPE varchar(10);\n";
  const std::optional<Finding> finding = Find(Lint(narrower, snapshot), "alter-column-type-rewrite");
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->severity, Severity::kError);
}

TEST(SchemaSnapshot, LockOnASmallTableIsANoteWithTheEstimate) {
  const std::string sql = std::string(kPrelude) + "CREATE INDEX users_email_idx ON users (email);\n";
  const std::optional<Finding> small = Find(Lint(sql, Snapshot(Users(40))), "non-concurrent-index-creation");
  ASSERT_TRUE(small.has_value());
  EXPECT_EQ(small->severity, Severity::kInfo);
  EXPECT_NE(small->message.find("users ~40 rows"), std::string::npos) << small->message;

  // At or over the threshold, with rows unknown, with the threshold off, or without a snapshot:
  // as before.
  for (const auto& [rows, threshold] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {10000, 10000}, {250000, 10000}, {-1, 10000}, {40, 0}}) {
    const std::optional<Finding> f = Find(Lint(sql, Snapshot(Users(rows)), threshold), "non-concurrent-index-creation");
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->severity, Severity::kError) << rows << " rows, threshold " << threshold;
    EXPECT_EQ(f->message.find("rows"), std::string::npos) << f->message;
  }
  EXPECT_EQ(Find(Lint(sql), "non-concurrent-index-creation")->severity, Severity::kError);

  // The threshold is configurable: 40 rows are not small under 30.
  EXPECT_EQ(Find(Lint(sql, Snapshot(Users(40)), 30), "non-concurrent-index-creation")->severity,
            Severity::kError);
}

TEST(SchemaSnapshot, OnlySizeBoundFindingsBecomeNotes) {
  // A dropped column breaks the running application however small its table is.
  const std::string sql = std::string(kPrelude) + "ALTER TABLE users DROP COLUMN email;\n";
  const std::optional<Finding> drop = Find(Lint(sql, Snapshot(Users(40))), "drop-column");
  ASSERT_TRUE(drop.has_value());
  EXPECT_EQ(drop->severity, Severity::kError);
  // A statement that also locks a large table is judged by it.
  Schema two = Users(40);
  SnapshotTable orders = two.tables[0];
  orders.name = "orders";
  orders.rows = 5000000;
  orders.constraints.clear();
  orders.indexes.clear();
  two.tables.push_back(orders);
  const std::string fk = std::string(kPrelude) +
                         "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (id) "
                         "REFERENCES users (id);\n";
  const std::optional<Finding> key = Find(Lint(fk, Snapshot(two)), "foreign-key-without-not-valid");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->severity, Severity::kError);
}

TEST(SchemaSnapshot, BadFilesNameTheFileAndTheKey) {
  EXPECT_EQ(ErrorOf(SchemaJson(Users(40))), "");
  EXPECT_EQ(ErrorOf("{\n  \"format\": 1,\n  \"tables\": [ }"),
            "schema.json:3:15: not JSON: syntax error while parsing value - unexpected '}'; "
            "expected '[', '{', or a literal");
  EXPECT_EQ(ErrorOf("[]"), "schema.json: /: must be an object");
  EXPECT_EQ(ErrorOf(R"({"tables": []})"), "schema.json: /format: is missing");
  EXPECT_EQ(ErrorOf(R"({"format": 2, "tables": []})").rfind("schema.json: /format: must be 1", 0),
            0u);
  EXPECT_EQ(ErrorOf(R"({"format": 1, "tables": [], "colour": 1})"),
            "schema.json: /colour: unknown key");
  EXPECT_EQ(ErrorOf(R"({"format": 1, "tables": [{"schema": "public", "name": "t",
                       "columns": [{"name": "a", "type": 5}]}]})"),
            "schema.json: /tables/0/columns/0/type: must be a string");
  EXPECT_EQ(ErrorOf(R"({"format": 1, "tables": [{"schema": "public", "name": "t", "rows": -3,
                       "columns": []}]})"),
            "schema.json: /tables/0/rows: must be a whole number of at least 0, or null");
  // Definitions that do not read as SQL are named by their path.
  EXPECT_EQ(ErrorOf(R"j({"format": 1, "tables": [{"schema": "public", "name": "t", "columns": [
                       {"name": "a", "type": "int"}, {"name": "b", "type": "int)"}]}]})j")
                .rfind("schema.json: /tables/0/columns/1: does not read as SQL", 0),
            0u);
  EXPECT_EQ(ErrorOf(R"j({"format": 1, "tables": [{"schema": "public", "name": "t", "columns": [],
                       "constraints": [{"name": "c", "definition": "CHECK (a > 0)"},
                                       {"name": "d", "definition": "CHECK (a >"}]}]})j")
                .rfind("schema.json: /tables/0/constraints/1/definition: does not read as SQL", 0),
            0u);
  EXPECT_EQ(ErrorOf(R"({"format": 1, "tables": [{"schema": "public", "name": "t", "columns": [],
                       "indexes": [{"name": "i", "definition": "DROP TABLE t"}]}]})"),
            "schema.json: /tables/0/indexes/0/definition: does not read as the definition it "
            "should be");
  EXPECT_EQ(ErrorOf(R"({"format": 1, "tables": [{"schema": "public", "name": "t", "columns": [],
                       "indexes": [{"name": "i", "definition": "CREATE INDEX i ON t (a); DROP TABLE t"}]}]})"),
            "schema.json: /tables/0/indexes/0/definition: holds more than one SQL statement");
}

TEST(SchemaSnapshot, SizeBoundRulesExistAndAreDocumented) {
  std::ifstream in(std::string(PGSHIFT_SOURCE_DIR) + "/docs/snapshot.md");
  std::ostringstream docs;
  docs << in.rdbuf();
  const auto& rules = SizeBoundRules();
  EXPECT_TRUE(std::is_sorted(rules.begin(), rules.end()));
  for (std::string_view id : rules) {
    EXPECT_NE(FindRule(id), nullptr) << id;
    EXPECT_NE(docs.str().find("`" + std::string(id) + "`"), std::string::npos)
        << id << " is not listed in docs/snapshot.md";
  }
  EXPECT_EQ(RowEstimate(40), "~40 rows");
  EXPECT_EQ(RowEstimate(1), "~1 row");
  EXPECT_EQ(RowEstimate(1234567), "~1,234,567 rows");
}

}  // namespace
}  // namespace pgshift::rules
