#include "runner/statement_objects.h"

#include <map>

#include "runner/database.h"

namespace pgshift::runner {
namespace {

using parser::Node;
using RangeVar = PgQuery__RangeVar;

// Names in the written form of runner/database.h, which the checkpoint's queries read back.
std::string Qualified(std::string_view schema, std::string_view name) {
  if (name.empty()) return "";
  return NameText(schema, name);
}

std::string NameOfNodes(Node* const* items, std::size_t count) {
  const parser::QualifiedName name = parser::NameOfList(parser::StringList(items, count));
  return Qualified(name.schema, name.name);
}

// The name an object of a DROP, RENAME or SET SCHEMA carries: a list of strings, a function
// with its arguments, or a type name.
std::string ObjectName(const Node* node) {
  if (node == nullptr) return "";
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_LIST:
      return NameOfNodes(node->list->items, node->list->n_items);
    case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
      return NameOfNodes(node->object_with_args->objname, node->object_with_args->n_objname);
    case PG_QUERY__NODE__NODE_TYPE_NAME:
      return NameOfNodes(node->type_name->names, node->type_name->n_names);
    case PG_QUERY__NODE__NODE_STRING:
      return std::string(parser::StringValue(node));
    default:
      return "";
  }
}

// "app.f" with its last part replaced: where a renamed or moved object ends up.
std::string Renamed(const std::string& qualified, std::string_view schema, std::string_view name) {
  const std::vector<std::string> parts = NameParts(qualified);
  const std::string old_schema = parts.size() > 1 ? parts[parts.size() - 2] : "";
  return Qualified(schema.empty() ? std::string_view(old_schema) : schema,
                   name.empty() ? std::string_view(parts.back()) : name);
}

}  // namespace

ObjectCollector::Kind ObjectCollector::KindOf(PgQuery__ObjectType type) {
  switch (type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return Kind::kTable;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      return Kind::kIndex;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      return Kind::kSequence;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      return Kind::kView;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
      return Kind::kFunction;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      return Kind::kType;
    default:
      return Kind::kOther;
  }
}

bool ObjectCollector::IsRelation(Kind kind) {
  return kind == Kind::kTable || kind == Kind::kIndex || kind == Kind::kSequence ||
         kind == Kind::kView;
}

void ObjectCollector::Insert(Kind kind, const std::string& name) {
  if (name.empty()) return;
  switch (kind) {
    case Kind::kTable:
      tables_.insert(name);
      break;
    case Kind::kIndex:
      indexes_.insert(name);
      break;
    case Kind::kSequence:
      sequences_.insert(name);
      break;
    case Kind::kView:
      views_.insert(name);
      break;
    case Kind::kFunction:
      functions_.insert(name);
      break;
    case Kind::kType:
      types_.insert(name);
      break;
    case Kind::kOther:
      break;
  }
}

void ObjectCollector::Add(const Node* node) {
  if (node == nullptr) return;
  std::map<const RangeVar*, Kind> kinds;  // relations named where a table's name would be
  Kind others = Kind::kTable;             // every other RangeVar of the statement
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
      kinds[node->create_seq_stmt->sequence] = Kind::kSequence;
      break;
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
      kinds[node->alter_seq_stmt->sequence] = Kind::kSequence;
      break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      kinds[node->view_stmt->view] = Kind::kView;
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (node->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW &&
          node->create_table_as_stmt->into != nullptr) {
        kinds[node->create_table_as_stmt->into->rel] = Kind::kView;
      }
      break;
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
      kinds[node->refresh_mat_view_stmt->relation] = Kind::kView;
      break;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
      kinds[node->composite_type_stmt->typevar] = Kind::kType;
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: {
      const auto* index = node->index_stmt;
      const std::string_view schema =
          index->relation ? parser::Str(index->relation->schemaname) : std::string_view();
      Insert(Kind::kIndex, Qualified(schema, parser::Str(index->idxname)));
      break;
    }
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
      if (node->reindex_stmt->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX) {
        kinds[node->reindex_stmt->relation] = Kind::kIndex;
      }
      break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
      // ALTER INDEX, ALTER SEQUENCE, ALTER VIEW and ALTER TYPE ... ATTRIBUTE share the form.
      const Kind kind = KindOf(node->alter_table_stmt->objtype);
      if (kind != Kind::kOther) others = kind;
      break;
    }
    case PG_QUERY__NODE__NODE_RENAME_STMT: {
      const auto* rename = node->rename_stmt;
      const Kind kind = KindOf(rename->rename_type);
      if (rename->relation != nullptr) {
        // RENAME COLUMN, CONSTRAINT or TRIGGER: the relation keeps its name.
        Kind relation = IsRelation(kind) ? kind : KindOf(rename->relation_type);
        if (!IsRelation(relation)) relation = Kind::kTable;
        kinds[rename->relation] = relation;
        if (kind == relation) {
          Insert(kind, Qualified(parser::Str(rename->relation->schemaname),
                                 parser::Str(rename->newname)));
        }
      } else if (kind == Kind::kFunction || kind == Kind::kType) {
        const std::string name = ObjectName(rename->object);
        Insert(kind, name);
        Insert(kind, Renamed(name, "", parser::Str(rename->newname)));
      }
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT: {
      const auto* move = node->alter_object_schema_stmt;
      const Kind kind = KindOf(move->object_type);
      if (move->relation != nullptr) {
        const Kind relation = IsRelation(kind) || kind == Kind::kType ? kind : Kind::kTable;
        kinds[move->relation] = relation;
        Insert(relation,
               Qualified(parser::Str(move->newschema), parser::Str(move->relation->relname)));
      } else if (kind != Kind::kOther) {
        const std::string name = ObjectName(move->object);
        Insert(kind, name);
        Insert(kind, Renamed(name, parser::Str(move->newschema), ""));
      }
      break;
    }
    case PG_QUERY__NODE__NODE_DROP_STMT: {
      const Kind kind = KindOf(node->drop_stmt->remove_type);
      for (std::size_t i = 0; i < node->drop_stmt->n_objects; ++i) {
        Insert(kind, ObjectName(node->drop_stmt->objects[i]));
      }
      break;
    }
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
      Insert(Kind::kFunction, NameOfNodes(node->create_function_stmt->funcname,
                                          node->create_function_stmt->n_funcname));
      break;
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
      if (node->alter_function_stmt->func != nullptr) {
        Insert(Kind::kFunction, NameOfNodes(node->alter_function_stmt->func->objname,
                                            node->alter_function_stmt->func->n_objname));
      }
      break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
      Insert(Kind::kType,
             NameOfNodes(node->create_enum_stmt->type_name, node->create_enum_stmt->n_type_name));
      break;
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
      Insert(Kind::kType,
             NameOfNodes(node->alter_enum_stmt->type_name, node->alter_enum_stmt->n_type_name));
      break;
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
      Insert(Kind::kType, NameOfNodes(node->create_domain_stmt->domainname,
                                      node->create_domain_stmt->n_domainname));
      break;
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
      Insert(Kind::kType,
             NameOfNodes(node->alter_domain_stmt->type_name, node->alter_domain_stmt->n_type_name));
      break;
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
      Insert(Kind::kType,
             NameOfNodes(node->create_range_stmt->type_name, node->create_range_stmt->n_type_name));
      break;
    default:
      break;
  }
  parser::VisitMessages(&node->base, [&](const ProtobufCMessage& message) {
    if (message.descriptor != &pg_query__range_var__descriptor) return;
    const auto* range_var = reinterpret_cast<const RangeVar*>(&message);
    const auto kind = kinds.find(range_var);
    const parser::QualifiedName name = parser::NameOf(range_var);
    Insert(kind == kinds.end() ? others : kind->second, Qualified(name.schema, name.name));
  });
}

CatalogObjects ObjectCollector::Result() const {
  auto list = [](const std::set<std::string>& names) {
    return std::vector<std::string>(names.begin(), names.end());
  };
  return {list(tables_), list(indexes_),   list(sequences_),
          list(views_),  list(functions_), list(types_)};
}

}  // namespace pgshift::runner
