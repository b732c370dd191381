// What a reader of application code finds in one file: uses of tables and columns, as the
// database names them, each with its place and how strong a piece of evidence it is; the ORM
// models that tie code names to tables; and the columns an ORM is told to leave alone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgshift::rules::evidence {

// Strongest first: the order in which a finding picks the use it cites.
enum class UseKind : std::uint8_t {
  kModelColumn,      // an ORM model maps the column (a field of the model of its table)
  kSqlColumn,        // SQL names the table and the column in one statement
  kModelAllColumns,  // an ORM model maps the table and writes every column it finds there
  kModelTable,       // an ORM model maps the table
  kSqlTable,         // SQL names the table
  kTableString,      // the table's name as a string given to a call or a table option
  kNamedInFile,      // the column's name in code of a file that names or maps its table
};

// "SQL names users and legacy_flag", for messages.
std::string_view UseKindText(UseKind kind);

struct Use {
  // As the database sees it. Empty for a mapping whose table this file does not say (a Go struct
  // tag): it belongs to the tables the file names or maps.
  std::string table;
  std::string column;  // empty: the table as a whole; "*": every column (ActiveRecord)
  UseKind kind = UseKind::kNamedInFile;
  int line = 0;
  std::string how;  // what was read there: "Prisma model Document, field signedAt"
  // A column an ORM's listing names, which the ORM reads only through its default select
  // (Diesel's table!): a use only where code of the same commit loads the table whole.
  bool only_if_loaded_whole = false;
};

// Code that has the ORM read a table whole, every column its listing names (a Diesel Queryable
// struct of the table without Selectable, `users::all_columns`).
struct WholeLoad {
  std::string table;
  int line = 0;
  std::string how;  // "Diesel Queryable Version (no Selectable) loads versions whole"
};

// An ORM model: the names application code uses for a table and its columns.
struct Model {
  std::string name;   // the class, struct or model: "User"
  std::string table;  // as the database sees it
  std::vector<std::pair<std::string, std::string>> fields;  // field -> column, where they differ
};

struct FileEvidence {
  std::vector<Use> uses;
  std::vector<Model> models;
  // (table, column) pairs an ORM is told to leave alone (ActiveRecord's ignored_columns): no use.
  std::vector<std::pair<std::string, std::string>> ignored;
  // Tables whose every column the ORM knows is listed here (Diesel's table!, a Prisma model): a
  // column they do not list is one the ORM cannot read, so its name elsewhere is no use.
  std::vector<std::string> complete_tables;
  std::vector<WholeLoad> whole_loads;
};

}  // namespace pgshift::rules::evidence
