#include "rules/analysis/built_indexes.h"

#include <algorithm>

#include "rules/analysis/catalog.h"

namespace pgshift::rules {
namespace {

// PostgreSQL indexes at most 32 columns, so longer prefixes cannot lead a real index.
constexpr std::size_t kMaxIndexColumns = 32;

std::string Key(const std::string& table, std::vector<std::string> columns) {
  std::sort(columns.begin(), columns.end());
  std::string key = table;
  for (const std::string& column : columns) key += '\0' + column;
  return key;
}

}  // namespace

std::vector<IndexBuilt> IndexesBuiltBy(const parser::Node* node, parser::QualifiedName& table) {
  std::vector<IndexBuilt> out;
  if (node == nullptr) return out;
  if (node->node_case == PG_QUERY__NODE__NODE_INDEX_STMT) {
    table = parser::NameOf(node->index_stmt->relation);
    // A partial index serves only the queries that imply its WHERE clause: a foreign key's check
    // implies that its columns are not null, so such an index counts from where it holds them all.
    const PgQuery__IndexStmt& index = *node->index_stmt;
    IndexBuilt built{IndexColumns(index)};
    if (index.where_clause != nullptr) {
      const auto not_null = NotNullTestsOnly(index.where_clause);
      if (!not_null || not_null->empty()) return out;
      for (const std::string& c : *not_null) {
        const auto at = std::find(built.columns.begin(), built.columns.end(), c);
        if (at == built.columns.end()) return out;
        built.shortest =
            std::max(built.shortest, static_cast<std::size_t>(at - built.columns.begin()) + 1);
      }
    }
    out.push_back(std::move(built));
    return out;
  }
  const bool create = node->node_case == PG_QUERY__NODE__NODE_CREATE_STMT;
  if (!create && node->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) return out;
  table = parser::NameOf(create ? node->create_stmt->relation : node->alter_table_stmt->relation);
  parser::VisitNodes(node, [&](const parser::Node& n) {
    if (n.node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      for (std::size_t k = 0; k < n.column_def->n_constraints; ++k) {
        const parser::Node* c = n.column_def->constraints[k];
        if (c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
            (c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
             c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) {
          out.push_back({{std::string(parser::Str(n.column_def->colname))}});
        }
      }
    } else if (n.node_case == PG_QUERY__NODE__NODE_CONSTRAINT && n.constraint->n_keys > 0) {
      out.push_back({parser::StringList(n.constraint->keys, n.constraint->n_keys)});  // PK, UNIQUE
    }
  });
  return out;
}

BuiltIndexes::BuiltIndexes(const parser::ParsedFile& file) {
  for (std::size_t i = 0; i < file.statements.size(); ++i) {
    parser::QualifiedName table;
    for (IndexBuilt& built : IndexesBuiltBy(file.statements[i].node, table)) {
      std::vector<std::string>& columns = built.columns;
      columns.resize(std::min(columns.size(), kMaxIndexColumns));
      // Every leading prefix: an index on (a, b) covers a key on (a) and one on (b, a).
      for (std::size_t length = columns.size(); length >= built.shortest && length > 0; --length) {
        columns.resize(length);
        std::vector<Built>& seen = built_[Key(table.name, columns)];
        auto same = std::find_if(seen.begin(), seen.end(),
                                 [&](const Built& b) { return b.schema == table.schema; });
        if (same == seen.end())
          seen.push_back({table.schema, i});
        else
          same->last = i;
      }
    }
  }
}

bool BuiltIndexes::LeadsWith(const parser::QualifiedName& table,
                             const std::vector<std::string>& columns, std::size_t from) const {
  if (columns.empty() || columns.size() > kMaxIndexColumns) return false;
  const auto found = built_.find(Key(table.name, columns));
  if (found == built_.end()) return false;
  return std::any_of(found->second.begin(), found->second.end(), [&](const Built& b) {
    return b.last >= from && parser::QualifiedName{b.schema, table.name}.Matches(table);
  });
}

}  // namespace pgshift::rules
