#include "planner/key_facts.h"

#include <algorithm>

#include "planner/planner.h"
#include "rules/analysis/column_forms.h"

namespace pgshift::planner {

using parser::Node;
using parser::QualifiedName;
using parser::Str;

namespace {

bool Has(const std::vector<std::string>& columns, const std::string& column) {
  return std::find(columns.begin(), columns.end(), column) != columns.end();
}

std::string Key(const QualifiedName& table, const std::string& column) {
  return table.name + "." + column;
}

// A referential action as SQL ('c' → "CASCADE"); empty for the default, NO ACTION.
std::string Action(const char* code) {
  switch (Str(code).empty() ? 'a' : code[0]) {
    case 'r':
      return "RESTRICT";
    case 'c':
      return "CASCADE";
    case 'n':
      return "SET NULL";
    case 'd':
      return "SET DEFAULT";
    default:
      return "";
  }
}

bool PlainIndex(const PgQuery__IndexStmt* index) {
  if (index->where_clause != nullptr || index->n_index_including_params > 0 ||
      index->n_options > 0 || index->nulls_not_distinct) {
    return false;
  }
  for (std::size_t i = 0; i < index->n_index_params; ++i) {
    const Node* param = index->index_params[i];
    if (param->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) return false;
    const auto* elem = param->index_elem;
    if (elem->expr != nullptr || elem->n_collation > 0 || elem->n_opclass > 0 ||
        (elem->ordering != PG_QUERY__SORT_BY_DIR__SORTBY_DEFAULT) ||
        (elem->nulls_ordering != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_DEFAULT)) {
      return false;
    }
  }
  return true;
}

}  // namespace

void KeyFacts::Learn(const Node* node) {
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      return LearnCreate(node->create_stmt);
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      return LearnAlter(node->alter_table_stmt);
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return LearnIndex(node->index_stmt);
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
      return LearnSequenceOwner(parser::NameOf(node->create_seq_stmt->sequence),
                                node->create_seq_stmt->options, node->create_seq_stmt->n_options);
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
      return LearnSequenceOwner(parser::NameOf(node->alter_seq_stmt->sequence),
                                node->alter_seq_stmt->options, node->alter_seq_stmt->n_options);
    case PG_QUERY__NODE__NODE_DROP_STMT:
      return LearnDrop(node->drop_stmt);
    default:
      return;
  }
}

void KeyFacts::LearnCreate(const PgQuery__CreateStmt* create) {
  const QualifiedName table = parser::NameOf(create->relation);
  for (std::size_t i = 0; i < create->n_table_elts; ++i) {
    const Node* element = create->table_elts[i];
    if (element->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      LearnColumn(table, element->column_def);
    } else if (element->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      LearnConstraint(table, "", element->constraint);
    }
  }
}

void KeyFacts::LearnAlter(const PgQuery__AlterTableStmt* alter) {
  const QualifiedName table = parser::NameOf(alter->relation);
  for (std::size_t i = 0; i < alter->n_cmds; ++i) {
    const auto* cmd = alter->cmds[i]->alter_table_cmd;
    if (cmd == nullptr) continue;
    const std::string name(Str(cmd->name));
    if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn && cmd->def != nullptr &&
        cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      LearnColumn(table, cmd->def->column_def);
    } else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
               cmd->def != nullptr && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      LearnConstraint(table, "", cmd->def->constraint);
    } else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity) {
      identity_.insert(Key(table, name));
    } else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint) {
      for (ForeignKeyFact& fk : foreign_keys_) {
        if (fk.table.Matches(table) && fk.name == name) fk.valid = true;
      }
    } else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint) {
      std::erase_if(foreign_keys_, [&](const ForeignKeyFact& fk) {
        return fk.table.Matches(table) && fk.name == name;
      });
    }
  }
}

void KeyFacts::LearnColumn(const QualifiedName& table, const PgQuery__ColumnDef* column) {
  const std::string name(Str(column->colname));
  if (rules::IsSerialType(parser::TypeSpecOf(column->type_name).name)) {
    sequences_[Key(table, name)] =
        QualifiedName{table.schema, ChooseName(table.name, {name}, "seq")};
  }
  for (std::size_t i = 0; i < column->n_constraints; ++i) {
    const Node* node = column->constraints[i];
    if (node->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
    if (node->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) {
      identity_.insert(Key(table, name));
    }
    LearnConstraint(table, name, node->constraint);
  }
}

void KeyFacts::LearnConstraint(const QualifiedName& table, const std::string& column,
                               const PgQuery__Constraint* constraint) {
  if (constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) return;
  ForeignKeyFact fk;
  fk.table = table;
  fk.columns = parser::StringList(constraint->fk_attrs, constraint->n_fk_attrs);
  if (fk.columns.empty() && !column.empty()) fk.columns.push_back(column);
  fk.name = Str(constraint->conname);
  if (fk.name.empty()) fk.name = ChooseName(table.name, fk.columns, "fkey");
  fk.references = parser::NameOf(constraint->pktable);
  fk.referenced = parser::StringList(constraint->pk_attrs, constraint->n_pk_attrs);
  if (const std::string update = Action(constraint->fk_upd_action); !update.empty()) {
    fk.actions += " ON UPDATE " + update;
  }
  if (const std::string remove = Action(constraint->fk_del_action); !remove.empty()) {
    fk.actions += " ON DELETE " + remove;
  }
  fk.valid = !constraint->skip_validation;
  fk.plain = !constraint->deferrable && constraint->n_fk_del_set_cols == 0 &&
             (Str(constraint->fk_matchtype).empty() || constraint->fk_matchtype[0] == 's');
  foreign_keys_.push_back(std::move(fk));
}

void KeyFacts::LearnIndex(const PgQuery__IndexStmt* index) {
  IndexFact fact;
  fact.table = parser::NameOf(index->relation);
  fact.columns = rules::IndexColumns(*index);
  fact.name = Str(index->idxname);
  if (fact.name.empty()) fact.name = ChooseName(fact.table.name, fact.columns, "idx");
  fact.unique = index->unique;
  fact.method = Str(index->access_method);
  if (fact.method == "btree") fact.method.clear();
  fact.plain = PlainIndex(index);
  indexes_.push_back(std::move(fact));
}

// CREATE or ALTER SEQUENCE ... OWNED BY table.column.
void KeyFacts::LearnSequenceOwner(const QualifiedName& sequence, Node* const* options,
                                  std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const auto* option = options[i]->def_elem;
    if (Str(option->defname) != "owned_by" || option->arg == nullptr ||
        option->arg->node_case != PG_QUERY__NODE__NODE_LIST) {
      continue;
    }
    const std::vector<std::string> parts = parser::StringList(option->arg->list);
    if (parts.size() < 2) continue;  // OWNED BY NONE
    const QualifiedName table =
        parser::NameOfList(std::vector<std::string>(parts.begin(), parts.end() - 1));
    sequences_[Key(table, parts.back())] = sequence;
  }
}

void KeyFacts::LearnDrop(const PgQuery__DropStmt* drop) {
  if (drop->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) return;
  for (std::size_t i = 0; i < drop->n_objects; ++i) {
    if (drop->objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    const std::string name = parser::NameOfList(parser::StringList(drop->objects[i]->list)).name;
    std::erase_if(indexes_, [&](const IndexFact& index) { return index.name == name; });
  }
}

std::vector<ForeignKeyFact> KeyFacts::ReferencesTo(const QualifiedName& table,
                                                   const std::string& column,
                                                   const std::string& primary_key) const {
  std::vector<ForeignKeyFact> out;
  for (const ForeignKeyFact& fk : foreign_keys_) {
    if (!fk.references.Matches(table)) continue;
    if (Has(fk.referenced, column) || (fk.referenced.empty() && primary_key == column)) {
      out.push_back(fk);
    }
  }
  return out;
}

std::vector<ForeignKeyFact> KeyFacts::ForeignKeysOn(const QualifiedName& table,
                                                    const std::string& column) const {
  std::vector<ForeignKeyFact> out;
  for (const ForeignKeyFact& fk : foreign_keys_) {
    if (fk.table.Matches(table) && Has(fk.columns, column)) out.push_back(fk);
  }
  return out;
}

std::vector<IndexFact> KeyFacts::IndexesOn(const QualifiedName& table,
                                           const std::string& column) const {
  std::vector<IndexFact> out;
  for (const IndexFact& index : indexes_) {
    if (index.table.Matches(table) && Has(index.columns, column)) out.push_back(index);
  }
  return out;
}

bool KeyFacts::IsIdentity(const QualifiedName& table, const std::string& column) const {
  return identity_.count(Key(table, column)) > 0;
}

QualifiedName KeyFacts::SequenceOf(const QualifiedName& table, const std::string& column) const {
  const auto found = sequences_.find(Key(table, column));
  return found == sequences_.end() ? QualifiedName{} : found->second;
}

bool IsKeyLike(const rules::Catalog& catalog, const KeyFacts& facts,
               const std::set<std::string>& referenced, const QualifiedName& table,
               const std::string& column) {
  if (referenced.count(Key(table, column)) > 0 || facts.IsIdentity(table, column) ||
      !facts.IndexesOn(table, column).empty() || !facts.ForeignKeysOn(table, column).empty()) {
    return true;
  }
  const rules::CatalogTable* known = catalog.FindTable(table);
  if (known == nullptr) return false;
  return std::any_of(known->constraints.begin(), known->constraints.end(),
                     [&](const rules::CatalogConstraint& c) {
                       return (c.kind == rules::ConstraintKind::kPrimaryKey ||
                               c.kind == rules::ConstraintKind::kUnique) &&
                              Has(c.columns, column);
                     });
}

namespace {

// The column's constraints as the catalog has them: its one-column key, or why it blocks.
void DescribeConstraints(const rules::CatalogTable& known, KeyColumn& key) {
  for (const rules::CatalogConstraint& c : known.constraints) {
    if (!Has(c.columns, key.column) || c.kind == rules::ConstraintKind::kForeignKey) continue;
    const bool primary = c.kind == rules::ConstraintKind::kPrimaryKey;
    if ((primary || c.kind == rules::ConstraintKind::kUnique) && c.columns.size() == 1) {
      key.key = !c.name.empty() ? c.name
                : primary       ? key.table.name + "_pkey"
                                : ChooseName(key.table.name, c.columns, "key");
      key.primary = primary;
    } else if (key.blocker.empty()) {
      key.blocker = primary || c.kind == rules::ConstraintKind::kUnique ? "a key on several columns"
                    : c.kind == rules::ConstraintKind::kCheck           ? "a CHECK constraint"
                                                                        : "an exclusion constraint";
      if (!c.name.empty()) key.blocker += " (" + c.name + ")";
    }
  }
}

// Its own foreign key and its indexes other than its key's, or why they block.
void DescribeForeignKeyAndIndexes(const KeyFacts& facts, KeyColumn& key) {
  const std::vector<ForeignKeyFact> foreign_keys = facts.ForeignKeysOn(key.table, key.column);
  for (const ForeignKeyFact& fk : foreign_keys) {
    if (fk.columns.size() != 1 || !fk.plain || foreign_keys.size() > 1 || !key.key.empty()) {
      if (key.blocker.empty()) key.blocker = "foreign key " + fk.name + " (of its own kind)";
      continue;
    }
    key.foreign_key = fk;
  }
  for (const IndexFact& index : facts.IndexesOn(key.table, key.column)) {
    if (index.name == key.key) continue;
    if (index.columns.size() != 1 || !index.plain) {
      if (key.blocker.empty()) {
        key.blocker = "index " + index.name + " (on several columns, partial or with options)";
      }
      continue;
    }
    key.indexes.push_back(index);
  }
}

}  // namespace

KeyColumn DescribeKeyColumn(const rules::Catalog& catalog, const KeyFacts& facts,
                            const std::map<std::string, std::string>& defaults,
                            const QualifiedName& table, const std::string& column,
                            const PgQuery__ColumnDef* def) {
  KeyColumn key;
  key.table = table;
  key.column = column;
  key.fresh = ChooseName(column, {}, "new");
  key.type = parser::TypeSpecOf(def->type_name).ToString();
  const rules::CatalogTable* known = catalog.FindTable(table);
  const rules::CatalogColumn* old = known == nullptr ? nullptr : known->FindColumn(column);
  if (old == nullptr) {
    key.blocker = "the old column is not known (pass the schema with --schema)";
    return key;
  }
  key.not_null = old->not_null;
  if (def->raw_default != nullptr) key.blocker = "a USING expression";
  if (known->partitioned || !known->partition_of.empty()) key.blocker = "a partitioned table";
  if (facts.IsIdentity(table, column)) key.blocker = "an identity column";
  DescribeConstraints(*known, key);
  DescribeForeignKeyAndIndexes(facts, key);
  key.sequence = facts.SequenceOf(table, column);
  if (const auto found = defaults.find(Key(table, column)); found != defaults.end()) {
    key.default_sql = found->second;
  } else if (!key.sequence.empty()) {
    // As PostgreSQL writes a serial's default: the sequence's SQL name, as a literal.
    std::string regclass;
    for (const char c : key.sequence.ToSql())
      regclass += c == '\'' ? std::string("''") : std::string(1, c);
    key.default_sql = "nextval('" + regclass + "'::regclass)";
  } else if (old->has_default && key.blocker.empty()) {
    key.blocker = "a default that could not be read from the schema";
  }
  return key;
}

}  // namespace pgshift::planner
