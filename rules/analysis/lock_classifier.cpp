#include "rules/analysis/lock_classifier.h"

#include <algorithm>
#include <string_view>

#include "rules/analysis/column_forms.h"
#include "rules/analysis/type_change.h"

namespace pgshift::rules {
namespace {

using parser::Node;
using parser::QualifiedName;
using parser::Str;

class Classifier {
 public:
  Classifier(int pg_version, const Catalog& catalog) : pg_version_(pg_version), catalog_(catalog) {}

  std::vector<ClassifiedForm> Run(const Node* node) {
    if (node == nullptr) return {};
    switch (node->node_case) {
      case PG_QUERY__NODE__NODE_INDEX_STMT: {
        const auto* index = node->index_stmt;
        const QualifiedName table = parser::NameOf(index->relation);
        const CatalogTable* known = catalog_.FindTable(table);
        const bool partitioned = known != nullptr && known->partitioned;
        Form form = index->concurrent ? Form::kCreateIndexConcurrently : Form::kCreateIndex;
        // PostgreSQL takes the table's lock before it finds the name taken and skips the build.
        const CatalogIndex* same_name =
            index->if_not_exists
                ? catalog_.FindIndex({table.schema, std::string(Str(index->idxname))})
                : nullptr;
        if (same_name != nullptr && same_name->table.Matches(table) && !index->concurrent) {
          form = Form::kCreateIndexThatExists;
        } else if (partitioned && !index->relation->inh && !index->concurrent) {
          form = Form::kCreateIndexOnOnly;
        }
        Add(form, table, index->relation->location);
        // On a partitioned table the index is built on every partition, under the same lock.
        if (!index->relation->inh || form == Form::kCreateIndexThatExists) break;
        for (const CatalogTable* partition : catalog_.PartitionsOf(table)) {
          Add(form, partition->name, index->relation->location);
        }
        break;
      }
      case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        AlterTable(*node->alter_table_stmt);
        break;
      case PG_QUERY__NODE__NODE_DROP_STMT:
        Drop(*node->drop_stmt);
        break;
      case PG_QUERY__NODE__NODE_RENAME_STMT:
        Rename(*node->rename_stmt);
        break;
      case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT: {
        const auto* move = node->alter_object_schema_stmt;
        if (move->relation != nullptr && (move->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
                                          move->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW)) {
          Add(Form::kSetSchema, parser::NameOf(move->relation), move->relation->location);
        }
        break;
      }
      case PG_QUERY__NODE__NODE_REINDEX_STMT:
        Reindex(*node->reindex_stmt);
        break;
      case PG_QUERY__NODE__NODE_CREATE_STMT:
        CreateTable(*node->create_stmt);
        break;
      case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
        AlterDomain(*node->alter_domain_stmt);
        break;
      case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
        Add(Form::kCreateTrigger, parser::NameOf(node->create_trig_stmt->relation), -1);
        break;
      case PG_QUERY__NODE__NODE_RULE_STMT:
        Add(Form::kCreateRule, parser::NameOf(node->rule_stmt->relation), -1);
        break;
      case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
        Add(Form::kPolicy, parser::NameOf(node->create_policy_stmt->table), -1);
        break;
      case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
        Add(Form::kPolicy, parser::NameOf(node->alter_policy_stmt->table), -1);
        break;
      case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
        for (std::size_t i = 0; i < node->create_stats_stmt->n_relations; ++i) {
          const Node* relation = node->create_stats_stmt->relations[i];
          if (relation->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
            Add(Form::kCreateStatistics, parser::NameOf(relation->range_var),
                relation->range_var->location);
          }
        }
        break;
      case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
        for (std::size_t i = 0; i < node->truncate_stmt->n_relations; ++i) {
          const Node* relation = node->truncate_stmt->relations[i];
          if (relation->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
            Add(Form::kTruncate, parser::NameOf(relation->range_var), relation->range_var->location);
          }
        }
        break;
      case PG_QUERY__NODE__NODE_VACUUM_STMT:
        Vacuum(*node->vacuum_stmt);
        break;
      case PG_QUERY__NODE__NODE_CLUSTER_STMT:
        if (node->cluster_stmt->relation != nullptr) {
          Add(Form::kCluster, parser::NameOf(node->cluster_stmt->relation), -1);
        }
        break;
      case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
        Add(node->refresh_mat_view_stmt->concurrent ? Form::kRefreshMaterializedViewConcurrently
                                                    : Form::kRefreshMaterializedView,
            parser::NameOf(node->refresh_mat_view_stmt->relation), -1);
        break;
      case PG_QUERY__NODE__NODE_LOCK_STMT:
        for (std::size_t i = 0; i < node->lock_stmt->n_relations; ++i) {
          const Node* relation = node->lock_stmt->relations[i];
          if (relation->node_case != PG_QUERY__NODE__NODE_RANGE_VAR) continue;
          Add(Form::kLockTable, parser::NameOf(relation->range_var), relation->range_var->location);
          const int mode = node->lock_stmt->mode;  // 1 = AccessShareLock ... 8 = AccessExclusiveLock
          if (mode >= 1 && mode <= 8) forms_.back().mode_override = static_cast<LockMode>(mode - 1);
        }
        break;
      case PG_QUERY__NODE__NODE_COMMENT_STMT:
        Comment(*node->comment_stmt);
        break;
      case PG_QUERY__NODE__NODE_INSERT_STMT:
        Add(Form::kInsert, parser::NameOf(node->insert_stmt->relation), -1);
        break;
      case PG_QUERY__NODE__NODE_UPDATE_STMT:
        Add(node->update_stmt->where_clause != nullptr ? Form::kUpdate : Form::kUpdateWithoutWhere,
            parser::NameOf(node->update_stmt->relation), -1);
        break;
      case PG_QUERY__NODE__NODE_DELETE_STMT:
        Add(node->delete_stmt->where_clause != nullptr ? Form::kDelete : Form::kDeleteWithoutWhere,
            parser::NameOf(node->delete_stmt->relation), -1);
        break;
      default:
        break;
    }
    return std::move(forms_);
  }

 private:
  void Add(Form form, QualifiedName table, int location) {
    forms_.push_back({form, std::move(table), location, std::nullopt});
  }

  void AlterTable(const PgQuery__AlterTableStmt& alter) {
    if (alter.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE &&
        alter.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW &&
        alter.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE) {
      return;
    }
    const QualifiedName table = parser::NameOf(alter.relation);
    for (std::size_t i = 0; i < alter.n_cmds; ++i) {
      if (alter.cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
      AlterCommand(table, *alter.cmds[i]->alter_table_cmd);
    }
  }

  void AlterCommand(const QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
    const int location = parser::LocationOf(cmd.def);
    const std::string_view column = Str(cmd.name);
    switch (cmd.subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        if (cmd.def != nullptr && cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          AddColumn(table, *cmd.def->column_def, location);
        }
        return;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        return Add(Form::kDropColumn, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        return AlterType(table, column, cmd, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        return Add(cmd.def != nullptr ? Form::kSetDefault : Form::kDropDefault, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: {
        const CatalogTable* known = catalog_.FindTable(table);
        const bool has_check = known != nullptr && known->HasValidatedNotNullCheck(column);
        return Add(has_check ? Form::kSetNotNullWithValidatedCheck : Form::kSetNotNull, table,
                   location);
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        return Add(Form::kDropNotNull, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
        return Add(Form::kSetStatistics, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
        return Add(Form::kSetStorage, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        if (cmd.def != nullptr && cmd.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
          AddConstraint(table, *cmd.def->constraint, location);
        }
        return;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
        Add(Form::kValidateConstraint, table, location);
        if (const CatalogConstraint* fk = catalog_.ForeignKeyNamed(table, column)) {
          Add(Form::kValidateForeignKeyReferenced, fk->references, location);
        }
        return;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
        Add(Form::kDropConstraint, table, location);
        if (const CatalogConstraint* fk = catalog_.ForeignKeyNamed(table, column)) {
          Add(Form::kDropForeignKeyReferenced, fk->references, location);
        }
        return;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
        return Add(Form::kEnableDisableTrigger, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
        return Add(Form::kSetLoggedUnlogged, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
        return Add(Form::kSetTablespace, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
        return Add(Form::kSetAccessMethod, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
        return Add(Form::kSetStorageParameters, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
        return Add(Form::kClusterOn, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
        return AttachPartition(table, cmd, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize: {
        const PgQuery__PartitionCmd* partition =
            cmd.def != nullptr && cmd.def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD
                ? cmd.def->partition_cmd
                : nullptr;
        const bool concurrent = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize ||
                                (partition != nullptr && partition->concurrent);
        Add(concurrent ? Form::kDetachPartitionConcurrently : Form::kDetachPartition, table, location);
        if (partition != nullptr && partition->name != nullptr) {
          Add(Form::kDetachedPartition, parser::NameOf(partition->name), location);
        }
        return;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
        return Add(Form::kChangeOwner, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
        return Add(Form::kReplicaIdentity, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
        return Add(Form::kRowSecurity, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
        return Add(Form::kInheritance, table, location);
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
        return Add(Form::kAddIdentity, table, location);
      default:
        return Add(Form::kOtherAlterTable, table, location);
    }
  }

  void CreateTable(const PgQuery__CreateStmt& create) {
    const QualifiedName table = parser::NameOf(create.relation);
    if (create.partbound != nullptr) {
      for (std::size_t i = 0; i < create.n_inh_relations; ++i) {
        const Node* parent = create.inh_relations[i];
        if (parent->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
          Add(Form::kCreatePartitionOf, parser::NameOf(parent->range_var), parent->range_var->location);
        }
      }
    }
    // A foreign key on the new table locks the table it references.
    parser::VisitNodes(reinterpret_cast<const ProtobufCMessage*>(&create), [&](const Node& node) {
      if (node.node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
          node.constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN || node.constraint->pktable == nullptr) {
        return;
      }
      const QualifiedName target = parser::NameOf(node.constraint->pktable);
      if (!target.Matches(table)) Add(Form::kReferencedByNewTable, target, node.constraint->location);
    });
  }

  void AddConstraint(const QualifiedName& table, const PgQuery__Constraint& constraint, int location) {
    Form form = ClassifyConstraint(constraint);
    if (form == Form::kAddConstraintUsingIndex &&
        constraint.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY &&
        catalog_.PrimaryKeyWouldScan(table, Str(constraint.indexname), pg_version_ >= 12)) {
      form = Form::kAddPrimaryKeyUsingIndexSetsNotNull;
    }
    Add(form, table, location);
    if (constraint.contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN || constraint.pktable == nullptr) return;
    const QualifiedName target = parser::NameOf(constraint.pktable);
    if (target.Matches(table)) return;
    // From a new, empty table nothing is validated: the referenced table only waits for the lock.
    // Otherwise validation joins both tables, which on PostgreSQL 15 reads the target in full too
    // (a hash anti-join) unless it is large enough for the planner to look keys up one by one.
    Add(catalog_.IsNew(table) ? Form::kReferencedByNewTable : form, target, location);
  }

  void AttachPartition(const QualifiedName& parent, const PgQuery__AlterTableCmd& cmd, int location) {
    Add(Form::kAttachPartition, parent, location);
    if (cmd.def == nullptr || cmd.def->node_case != PG_QUERY__NODE__NODE_PARTITION_CMD ||
        cmd.def->partition_cmd->name == nullptr) {
      return;
    }
    const QualifiedName partition = parser::NameOf(cmd.def->partition_cmd->name);
    Add(catalog_.ProvesPartitionBound(parent, partition) ? Form::kAttachedPartitionWithCheck : Form::kAttachedPartition,
        partition, location);
  }

  void AlterDomain(const PgQuery__AlterDomainStmt& alter) {
    // Subtype 'C' adds a constraint (NOT VALID checks nothing yet), 'V' validates one: both read
    // every column of the domain under SHARE.
    const std::string_view subtype = Str(alter.subtype);
    Form form = Form::kAlterDomainValidateConstraint;
    int location = -1;
    if (subtype == "C") {
      if (alter.def == nullptr || alter.def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
          alter.def->constraint->skip_validation) {
        return;
      }
      form = Form::kAlterDomainAddConstraint;
      location = alter.def->constraint->location;
    } else if (subtype != "V") {
      return;
    }
    const std::vector<std::string> parts = parser::StringList(alter.type_name, alter.n_type_name);
    if (parts.empty()) return;
    for (const CatalogTable* table : catalog_.TablesUsingType(parts.back())) Add(form, table->name, location);
  }

  void AddColumn(const QualifiedName& table, const PgQuery__ColumnDef& column, int location) {
    Add(ClassifyAddColumn(column, pg_version_), table, location);
    for (std::size_t i = 0; i < column.n_constraints; ++i) {
      const Node* node = column.constraints[i];
      if (node->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
      const PgQuery__Constraint& constraint = *node->constraint;
      switch (constraint.contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
          if (!constraint.skip_validation) Add(Form::kAddColumnWithCheck, table, location);
          break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: {
          // Without a default every value is NULL and nothing is checked; with one, every row is.
          const QualifiedName target =
              constraint.pktable != nullptr ? parser::NameOf(constraint.pktable) : table;
          if (ColumnDefault(column) != nullptr) {
            Add(Form::kAddForeignKey, table, location);
            if (!target.Matches(table)) Add(Form::kAddForeignKey, target, location);
          } else if (!target.Matches(table)) {
            Add(Form::kAddColumnReferences, target, location);
          }
          break;
        }
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
          Add(Form::kAddUniqueOrPrimaryKey, table, location);
          break;
        default:
          break;
      }
    }
  }

  void AlterType(const QualifiedName& table, std::string_view column,
                 const PgQuery__AlterTableCmd& cmd, int location) {
    if (cmd.def == nullptr || cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) return;
    const auto& def = *cmd.def->column_def;
    parser::TypeSpec old_type;
    const CatalogTable* known = catalog_.FindTable(table);
    if (known != nullptr) {
      if (const CatalogColumn* c = known->FindColumn(column)) old_type = c->type;
    }
    const TypeChangeVerdict verdict =
        ClassifyTypeChange(old_type, parser::TypeSpecOf(def.type_name), def.raw_default, column);
    const bool catalog_only = verdict.effect == TypeChangeEffect::kCatalogOnly;
    Add(!catalog_only                                    ? Form::kAlterColumnTypeRewrite
        : IndexesRebuiltBy(catalog_, table, column, def) ? Form::kAlterColumnTypeRebuildsIndexes
                                                         : Form::kAlterColumnTypeCatalogOnly,
        table, location);
    // A foreign key on the column is dropped and added again: its referenced table is locked too.
    if (known == nullptr) return;
    for (const CatalogConstraint& c : known->constraints) {
      if (c.kind != ConstraintKind::kForeignKey || c.references.empty() || c.references.Matches(table) ||
          std::find(c.columns.begin(), c.columns.end(), column) == c.columns.end()) {
        continue;
      }
      Add(catalog_only ? Form::kAlterColumnTypeCatalogOnlyForeignKeyReferenced
                       : Form::kAlterColumnTypeForeignKeyReferenced,
          c.references, location);
    }
  }

  void Drop(const PgQuery__DropStmt& drop) {
    for (std::size_t i = 0; i < drop.n_objects; ++i) {
      const Node* object = drop.objects[i];
      if (object->node_case != PG_QUERY__NODE__NODE_LIST) continue;
      std::vector<std::string> parts = parser::StringList(object->list);
      // IF EXISTS of what is already gone finds nothing to lock.
      if (drop.missing_ok && catalog_.WasDropped(parser::NameOfList(parts))) continue;
      switch (drop.remove_type) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: {
          const QualifiedName table = parser::NameOfList(parts);
          Add(Form::kDropTable, table, -1);
          // Its foreign keys' triggers go from the referenced tables too.
          if (const CatalogTable* known = catalog_.FindTable(table)) {
            for (const CatalogConstraint& c : known->constraints) {
              if (c.kind == ConstraintKind::kForeignKey && !c.references.empty() &&
                  !c.references.Matches(table)) {
                Add(Form::kDropForeignKeyReferenced, c.references, -1);
              }
            }
          }
          break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
          // The lock falls on the index's table; name it when the catalog knows it.
          const QualifiedName index = parser::NameOfList(parts);
          const CatalogIndex* known = catalog_.FindIndex(index);
          Add(drop.concurrent ? Form::kDropIndexConcurrently : Form::kDropIndex,
              known != nullptr ? known->table : index, -1);
          forms_.back().named_by_index = known == nullptr;
          break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
        case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
          // The last part names the trigger or policy; the ones before it, its table.
          if (parts.size() >= 2) {
            parts.pop_back();
            Add(drop.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ? Form::kDropTrigger
                                                                          : Form::kPolicy,
                parser::NameOfList(parts), -1);
          }
          break;
        default:
          break;
      }
    }
  }

  void Rename(const PgQuery__RenameStmt& rename) {
    if (rename.relation == nullptr) return;
    const QualifiedName table = parser::NameOf(rename.relation);
    switch (rename.rename_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        return Add(Form::kRenameTable, table, rename.relation->location);
      case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
        return Add(Form::kRenameColumn, table, rename.relation->location);
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
        return Add(Form::kRenameConstraint, table, rename.relation->location);
      default:
        return;
    }
  }

  void Reindex(const PgQuery__ReindexStmt& reindex) {
    if (reindex.relation == nullptr) return;
    const bool concurrent = HasDefElem(reindex.params, reindex.n_params, "concurrently");
    QualifiedName table = parser::NameOf(reindex.relation);
    bool by_index = false;
    if (reindex.kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX) {
      const CatalogIndex* known = catalog_.FindIndex(table);
      if (known != nullptr) table = known->table;
      by_index = known == nullptr;
    }
    Add(concurrent ? Form::kReindexConcurrently : Form::kReindex, table, reindex.relation->location);
    forms_.back().named_by_index = by_index;
  }

  // VACUUM and ANALYZE share a statement; VACUUM (ANALYZE) is a VACUUM. Without tables they
  // go through every table, one at a time, and name none.
  void Vacuum(const PgQuery__VacuumStmt& vacuum) {
    const bool full = HasDefElem(vacuum.options, vacuum.n_options, "full");
    const Form form = !vacuum.is_vacuumcmd ? Form::kAnalyze
                      : full               ? Form::kVacuumFull
                                           : Form::kVacuum;
    for (std::size_t i = 0; i < vacuum.n_rels; ++i) {
      const Node* rel = vacuum.rels[i];
      if (rel->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION && rel->vacuum_relation->relation) {
        Add(form, parser::NameOf(rel->vacuum_relation->relation), -1);
      }
    }
  }

  void Comment(const PgQuery__CommentStmt& comment) {
    if (comment.object == nullptr || comment.object->node_case != PG_QUERY__NODE__NODE_LIST) return;
    std::vector<std::string> parts = parser::StringList(comment.object->list);
    if (comment.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && !parts.empty()) parts.pop_back();
    if (comment.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
        comment.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
      Add(Form::kComment, parser::NameOfList(parts), -1);
    }
  }

  int pg_version_;
  const Catalog& catalog_;
  std::vector<ClassifiedForm> forms_;
};

}  // namespace

std::vector<ClassifiedForm> ClassifyStatement(const Node* statement, int pg_version,
                                              const Catalog& catalog) {
  return Classifier(pg_version, catalog).Run(statement);
}

}  // namespace pgshift::rules
