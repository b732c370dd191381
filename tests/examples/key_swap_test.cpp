// A key's type change planned by `pgshift plan new`, on shapes example 07 does not show, on a
// real server: through contract it ends with the catalog the one-shot migration gives (but for
// the sequence, which the plan makes bigint too and ALTER COLUMN TYPE leaves integer), and from
// the last stage before contract it rolls back to the seed's catalog.
#include <gtest/gtest.h>

#include "tests/examples/catalog_snapshot.h"
#include "tests/support/postgres_server.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

struct KeySwapCase {
  std::string name, seed, migration;
  std::vector<std::string> expected_difference;  // one-shot catalog only (-), the plan's only (+)
};

void PrintTo(const KeySwapCase& c, std::ostream* out) { *out << c.name; }

class KeySwap : public ::testing::TestWithParam<KeySwapCase> {
 protected:
  std::string Seeded() {
    const std::string url = FreshDatabase();
    if (auto db = ConnectTo(url)) Sql(*db, GetParam().seed);
    return url;
  }
  Workspace workspace_{"key-swap"};
};

TEST_P(KeySwap, ReachesTheOneShotCatalogAndRollsBack) {
  const std::string seed = workspace_.Write("seed.sql", GetParam().seed);
  const std::string migration = workspace_.Write("0001_keys.sql", GetParam().migration);
  const std::string plan = (workspace_.dir() / "plan.toml").string();
  const ProcessResult made =
      workspace_.Pgshift({"plan", "new", migration, "--schema", seed, "-o", plan});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  const std::string one_shot = Seeded(), planned = Seeded();
  auto one_shot_db = ConnectTo(one_shot);
  auto planned_db = ConnectTo(planned);
  ASSERT_TRUE(one_shot_db && planned_db);
  Sql(*one_shot_db, GetParam().migration);
  const ProcessResult run = workspace_.Pgshift(
      {"run", plan, "--db", planned, "--through", "contract", "--progress", "none"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::string expected;
  for (const std::string& line : GetParam().expected_difference) expected += line + "\n";
  EXPECT_EQ(SnapshotDiff(CatalogSnapshot(*one_shot_db), CatalogSnapshot(*planned_db)), expected);
  EXPECT_EQ(Scalar(*planned_db, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "0");

  const std::string again = Seeded();
  auto again_db = ConnectTo(again);
  ASSERT_TRUE(again_db);
  const std::vector<std::string> before = CatalogSnapshot(*again_db);
  const ProcessResult switched =
      workspace_.Pgshift({"run", plan, "--db", again, "--through", "switch", "--progress", "none"});
  ASSERT_EQ(switched.exit_code, 0) << switched.out << switched.err;
  const ProcessResult back = workspace_.Pgshift({"rollback", plan, "--db", again});
  EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_EQ(SnapshotDiff(before, CatalogSnapshot(*again_db)), "");
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, KeySwap,
    ::testing::Values(
        // A dump's sequence (OWNED BY), a nullable foreign key with ON DELETE CASCADE naming no
        // column, a unique key and a hash index on other columns.
        KeySwapCase{
            "DumpSequenceCascadeUniqueAndHashIndex",
            "CREATE SEQUENCE a_id_seq AS integer;\n"
            "CREATE TABLE a (id integer NOT NULL DEFAULT nextval('a_id_seq'::regclass), code "
            "integer UNIQUE, count integer);\n"
            "ALTER SEQUENCE a_id_seq OWNED BY a.id;\n"
            "ALTER TABLE a ADD CONSTRAINT a_pkey PRIMARY KEY (id);\n"
            "CREATE INDEX a_count_idx ON a USING hash (count);\n"
            "CREATE TABLE b (id bigint PRIMARY KEY, a_id integer REFERENCES a ON DELETE CASCADE);\n"
            "INSERT INTO a (code, count) SELECT i, i % 7 FROM generate_series(1, 300) i;\n"
            "INSERT INTO b SELECT i, 1 + i % 300 FROM generate_series(1, 900) i;\n"
            "INSERT INTO b VALUES (0, NULL);\n",
            "ALTER TABLE b ALTER COLUMN a_id TYPE bigint;\n"
            "ALTER TABLE a ALTER COLUMN id TYPE bigint;\n"
            "ALTER TABLE a ALTER COLUMN count TYPE bigint;\n"
            "ALTER TABLE a ALTER COLUMN code TYPE bigint;\n",
            {"- sequence a_id_seq integer 1..2147483647 owned by a.id",
             "+ sequence a_id_seq bigint 1..9223372036854775807 owned by a.id"}},
        // A referencing column alone: its new foreign key points at the key, which keeps its type.
        KeySwapCase{"ReferencingColumnAlone",
                    "CREATE TABLE accounts (id serial PRIMARY KEY);\n"
                    "CREATE TABLE transfers (id bigint PRIMARY KEY, account_id integer NOT NULL "
                    "REFERENCES accounts (id));\n"
                    "CREATE INDEX transfers_account_id_idx ON transfers (account_id);\n"
                    "INSERT INTO accounts SELECT FROM generate_series(1, 100);\n"
                    "INSERT INTO transfers SELECT i, 1 + i % 100 FROM generate_series(1, 500) i;\n",
                    "ALTER TABLE transfers ALTER COLUMN account_id TYPE bigint;\n",
                    {}},
        // A foreign key added NOT VALID, with a row that breaks it: the plan's stays NOT VALID
        // too (validating it would fail on that row), as ALTER COLUMN TYPE keeps it.
        KeySwapCase{"NotValidForeignKeyStaysNotValid",
                    "CREATE TABLE accounts (id serial PRIMARY KEY);\n"
                    "CREATE TABLE transfers (id bigint PRIMARY KEY, account_id integer);\n"
                    "INSERT INTO accounts SELECT FROM generate_series(1, 100);\n"
                    "INSERT INTO transfers SELECT i, 1 + i % 100 FROM generate_series(1, 500) i;\n"
                    "INSERT INTO transfers VALUES (501, 7777);\n"
                    "ALTER TABLE transfers ADD CONSTRAINT transfers_account_id_fkey FOREIGN KEY "
                    "(account_id) REFERENCES accounts (id) NOT VALID;\n",
                    "ALTER TABLE transfers ALTER COLUMN account_id TYPE bigint;\n"
                    "ALTER TABLE accounts ALTER COLUMN id TYPE bigint;\n",
                    {"- sequence accounts_id_seq integer 1..2147483647 owned by accounts.id",
                     "+ sequence accounts_id_seq bigint 1..9223372036854775807 owned by "
                     "accounts.id"}},
        // A table referencing itself (a tree): the key and the column referencing it on one
        // table, two new columns, their foreign key from the table to itself.
        KeySwapCase{"SelfReferencingTree",
                    "CREATE TABLE categories (id serial PRIMARY KEY, parent_id integer "
                    "REFERENCES categories (id), name text NOT NULL);\n"
                    "CREATE INDEX categories_parent_id_idx ON categories (parent_id);\n"
                    "INSERT INTO categories (name) SELECT 'root ' || i FROM generate_series(1, "
                    "50) i;\n"
                    "INSERT INTO categories (parent_id, name) SELECT 1 + i % 50, 'child ' || i "
                    "FROM generate_series(1, 500) i;\n",
                    "ALTER TABLE categories ALTER COLUMN parent_id TYPE bigint;\n"
                    "ALTER TABLE categories ALTER COLUMN id TYPE bigint;\n",
                    {"- sequence categories_id_seq integer 1..2147483647 owned by categories.id",
                     "+ sequence categories_id_seq bigint 1..9223372036854775807 owned by "
                     "categories.id"}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace pgshift::testing
