// The catalog's name indexes (tables, indexes, a wide table's columns) against a plain model of
// what the statements leave: random scripts of creates, drops, renames (of tables and indexes) and
// column changes, with a lookup of every name after every statement.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {
namespace {

// What the catalog should know: the latest definition of each table name wins, as in the catalog.
struct Model {
  std::map<std::string, std::vector<std::string>> tables;  // name → columns, in order
  std::map<std::string, std::string> indexes;               // index → table
};

void Apply(Catalog& catalog, const std::string& sql) {
  const parser::ParsedFile file = parser::ParseSql(sql);
  ASSERT_EQ(file.statements.size(), 1u) << sql;
  ASSERT_NE(file.statements[0].node, nullptr) << sql;
  catalog.Apply(file.statements[0].node, true);
}

TEST(CatalogIndex, LookupsMatchAModelOfRandomScripts) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 random(seed);
    auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    Catalog catalog;
    Model model;
    for (int step = 0; step < 400; ++step) {
      const std::string t = "t" + std::to_string(pick(6));
      const std::string u = "t" + std::to_string(pick(6));
      const std::string c = "c" + std::to_string(pick(60));
      const std::string i = "i" + std::to_string(pick(5));
      const std::string j = "i" + std::to_string(pick(5));
      std::string sql;
      switch (pick(9)) {
        case 0:
          if (model.tables.count(t)) continue;  // PostgreSQL refuses; the catalog would append
          sql = "CREATE TABLE " + t + " (id int, " + c + " int)";
          model.tables[t] = {"id", c};
          break;
        case 1:
          sql = "DROP TABLE IF EXISTS " + t;
          model.tables.erase(t);
          std::erase_if(model.indexes, [&](const auto& e) { return e.second == t; });
          break;
        case 2:
          if (!model.tables.count(t) || model.tables.count(u)) continue;
          sql = "ALTER TABLE " + t + " RENAME TO " + u;
          model.tables[u] = model.tables[t];
          model.tables.erase(t);
          for (auto& [index, table] : model.indexes)
            if (table == t) table = u;
          break;
        case 3:
        case 4: {
          if (!model.tables.count(t)) continue;
          auto& columns = model.tables[t];
          if (std::find(columns.begin(), columns.end(), c) != columns.end()) continue;
          sql = "ALTER TABLE " + t + " ADD COLUMN " + c + " text";
          columns.push_back(c);
          break;
        }
        case 5: {
          if (!model.tables.count(t)) continue;
          sql = "ALTER TABLE " + t + " DROP COLUMN IF EXISTS " + c;
          std::erase(model.tables[t], c);
          break;
        }
        case 6: {
          if (!model.tables.count(t)) continue;
          auto& columns = model.tables[t];
          const std::string to = c + "x";
          if (std::find(columns.begin(), columns.end(), c) == columns.end() ||
              std::find(columns.begin(), columns.end(), to) != columns.end()) {
            continue;
          }
          sql = "ALTER TABLE " + t + " RENAME COLUMN " + c + " TO " + to;
          *std::find(columns.begin(), columns.end(), c) = to;
          break;
        }
        case 7:
          if (!model.tables.count(t)) continue;
          if (model.indexes.count(i)) {
            sql = "DROP INDEX " + i;
            model.indexes.erase(i);
          } else {
            sql = "CREATE INDEX " + i + " ON " + t + " (id)";
            model.indexes[i] = t;
          }
          break;
        case 8:
          if (!model.indexes.count(i) || model.indexes.count(j)) continue;
          sql = "ALTER INDEX " + i + " RENAME TO " + j;
          model.indexes[j] = model.indexes[i];
          model.indexes.erase(i);
          break;
      }
      Apply(catalog, sql);
      for (int k = 0; k < 6; ++k) {
        const std::string name = "t" + std::to_string(k);
        const CatalogTable* table = catalog.FindTable({"", name});
        const auto known = model.tables.find(name);
        ASSERT_EQ(table != nullptr, known != model.tables.end())
            << "seed " << seed << " after " << sql << ": " << name;
        if (table == nullptr) continue;
        ASSERT_EQ(table->columns.size(), known->second.size()) << seed << " " << sql;
        for (const std::string& column : known->second)
          ASSERT_NE(table->FindColumn(column), nullptr) << seed << " " << sql << ": " << column;
        for (int m = 0; m < 60; m += 7) {
          const std::string other = "c" + std::to_string(m) + "y";
          ASSERT_EQ(table->FindColumn(other), nullptr) << other;
        }
        std::size_t on_table = 0;
        for (const auto& [index, of] : model.indexes) on_table += of == name;
        ASSERT_EQ(catalog.IndexedColumns({"", name}).size(), on_table) << seed << " " << sql;
      }
      for (int k = 0; k < 5; ++k) {
        const std::string name = "i" + std::to_string(k);
        ASSERT_EQ(catalog.FindIndex({"", name}) != nullptr, model.indexes.count(name) == 1)
            << "seed " << seed << " after " << sql << ": " << name;
      }
    }
  }
}

// The name indexes are in layers (a base that copies share, and each copy's own entries, merged
// into a new base as they grow): each migration a copy of the catalog before it, some kept and
// some thrown away, with enough names that the layers merge many times. Every copy must find
// exactly its own tables, and the catalog it was copied from must not change.
TEST(CatalogIndex, CopiesKeepTheirOwnNamesAcrossLayerMerges) {
  std::mt19937 random(7);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  constexpr int kNames = 300;
  auto name = [](int n) { return "t" + std::to_string(n); };
  const auto matches = [&](const Catalog& catalog, const std::set<std::string>& model) {
    for (int n = 0; n < kNames; ++n) {
      if ((catalog.FindTable({"", name(n)}) != nullptr) != (model.count(name(n)) > 0)) return false;
    }
    return true;
  };
  Catalog history;
  std::set<std::string> history_model;
  for (int migration = 0; migration < 60; ++migration) {
    Catalog copy = history;
    std::set<std::string> model = history_model;
    for (int step = 0; step < 40; ++step) {
      const std::string t = name(pick(kNames));
      const std::string u = name(pick(kNames));
      std::string sql;
      // Renames only in every tenth migration: each rebuilds the index into one layer, and the
      // layers must grow to merge.
      switch (migration % 10 == 9 ? pick(10) : pick(9)) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
          if (model.count(t)) continue;
          sql = "CREATE TABLE " + t + " (id int)";
          model.insert(t);
          break;
        case 5:
        case 6:
        case 7:
        case 8:
          sql = "DROP TABLE IF EXISTS " + t;
          model.erase(t);
          break;
        default:
          if (!model.count(t) || model.count(u)) continue;
          sql = "ALTER TABLE " + t + " RENAME TO " + u;
          model.erase(t);
          model.insert(u);
          break;
      }
      Apply(copy, sql);
      ASSERT_TRUE(matches(copy, model)) << "migration " << migration << " after " << sql;
    }
    ASSERT_TRUE(matches(history, history_model)) << "migration " << migration;
    if (pick(3) != 0) {
      history = copy;
      history_model = model;
    }
  }
}

// Releasing an already released catalog is skipped; what is applied after, to it or to a copy,
// is still released by the next MarkAllReleased.
TEST(CatalogIndex, ReleasesWhatIsAppliedAfterAnEarlierRelease) {
  const parser::QualifiedName a{"", "a"}, b{"", "b"};
  Catalog catalog;
  catalog.MarkAllReleased();
  Apply(catalog, "CREATE TABLE a (id int)");
  ASSERT_TRUE(catalog.IsNew(a));
  catalog.MarkAllReleased();
  EXPECT_FALSE(catalog.IsNew(a));
  catalog.MarkAllReleased();
  Catalog copy = catalog;
  Apply(copy, "CREATE TABLE b (id int)");
  Apply(copy, "ALTER TABLE a ADD COLUMN note text");
  ASSERT_TRUE(copy.IsNew(b));
  ASSERT_NE(copy.FindTable(a), nullptr);
  ASSERT_NE(copy.FindTable(a)->FindColumn("note"), nullptr);
  ASSERT_TRUE(copy.FindTable(a)->FindColumn("note")->is_new);
  copy.MarkAllReleased();
  EXPECT_FALSE(copy.IsNew(b));
  EXPECT_FALSE(copy.FindTable(a)->FindColumn("note")->is_new);
  EXPECT_EQ(catalog.FindTable(b), nullptr);
}

}  // namespace
}  // namespace pgshift::rules
