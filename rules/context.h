// What a rule sees when it checks one statement, and how it reports.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "parser/ast.h"
#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"
#include "rules/analysis/file_facts.h"
#include "rules/analysis/lock_model.h"
#include "rules/lint_settings.h"

namespace pgshift::rules {

struct StatementContext {
  const parser::ParsedFile& file;
  const FileFacts& facts;
  const LintSettings& settings;
  std::size_t index;  // of the statement in file.statements
  const Catalog& catalog;  // the schema as it stands before this statement

  const parser::Statement& statement() const { return file.statements[index]; }
  // The parse tree; null when the statement did not parse.
  const parser::Node* node() const { return statement().node; }
  bool Is(PgQuery__Node__NodeCase kind) const { return node() != nullptr && node()->node_case == kind; }
  const TransactionState& transaction() const { return facts.transactions[index]; }
  // What this statement locks, from the lock model.
  const std::vector<TableLock>& locks() const { return facts.locks[index]; }
  // A table (or index) created earlier in this file is new and empty: it blocks nobody.
  // So is one that a later statement of the file drops: the drop is what reaches production.
  bool IsNew(const parser::QualifiedName& name) const {
    return catalog.IsNew(name) || facts.DroppedLater(index, name);
  }
  // An object this DROP ... IF EXISTS names that the history (or this file) already dropped:
  // the statement finds nothing, takes no lock and changes nothing.
  bool AlreadyDropped(const PgQuery__DropStmt& drop, const parser::QualifiedName& name) const {
    return drop.missing_ok && catalog.WasDropped(name);
  }
  // The column a `DROP COLUMN IF EXISTS` of `table` names, when the history (or this file)
  // already dropped it: nothing is dropped.
  bool ColumnAlreadyDropped(const PgQuery__AlterTableCmd& cmd,
                            const parser::QualifiedName& table) const {
    const CatalogTable* known = cmd.missing_ok ? catalog.FindTable(table) : nullptr;
    return known != nullptr && known->WasColumnDropped(parser::Str(cmd.name));
  }
  // The strongest lock this statement takes on a table that existed before the file, or null.
  const TableLock* LockOnExistingTable() const;
  int pg_version() const { return settings.pg_version; }
};

// A finding as a rule reports it; the engine adds rule id, severity, file and positions.
struct Report {
  std::string message;
  std::string help;
  std::string lock;
  int location = -1;  // byte offset within the statement text; -1 for the statement's start
  std::size_t statement = 0;
  std::optional<parser::Span> span;  // when set, the exact bytes in the file (engine use)
  std::vector<Edit> fix;  // an exact rewrite that removes the hazard, if there is one
  // The report is about the list item at `location` (a column definition, a constraint): its
  // span ends where the item does (the next comma or closing parenthesis outside nested ones),
  // not at the end of the statement, so that editors and annotations mark the column itself.
  bool whole_item = false;
};

class Reporter {
 public:
  explicit Reporter(std::size_t statement) : statement_(statement) {}

  // Returns the report, so that a rule can attach a fix to it.
  Report& Add(std::string message, std::string help, std::string lock = {}, int location = -1) {
    reports_.push_back({std::move(message), std::move(help), std::move(lock), location, statement_});
    return reports_.back();
  }
  // For rules that report on an earlier statement than the one being checked.
  void AddAt(std::size_t statement, std::string message, std::string help, std::string lock = {}) {
    reports_.push_back({std::move(message), std::move(help), std::move(lock), -1, statement});
  }
  std::vector<Report>& reports() { return reports_; }
  // Why a rule stayed quiet where a reader might expect a finding, for --verbose.
  void Note(std::string note) { notes_.push_back(std::move(note)); }
  std::vector<std::string>& notes() { return notes_; }

 private:
  std::size_t statement_;
  std::vector<Report> reports_;
  std::vector<std::string> notes_;
};

}  // namespace pgshift::rules
