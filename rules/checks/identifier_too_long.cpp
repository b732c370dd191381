// A name defined longer than 63 bytes, which PostgreSQL silently truncates.
#include <algorithm>
#include <set>
#include <vector>

#include "parser/identifiers.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "identifier-too-long",
    .summary = "A table, column, index, constraint or other name longer than 63 bytes",
    .rationale =
        "PostgreSQL keeps the first 63 bytes of a name and drops the rest with only a NOTICE. "
        "The object then exists under a name the migration never wrote: two long names that "
        "share their first 63 bytes collide, tools and ORMs that compare the schema with their "
        "models see a difference on every run, and a later migration or error message names "
        "something no one can find in the code. Multi-byte characters count by bytes.",
    .bad =
        "CREATE INDEX index_customer_subscriptions_on_customer_id_and_plan_id_and_started_at\n"
        "  ON customer_subscriptions (customer_id, plan_id, started_at);",
    .good =
        "CREATE INDEX customer_subscriptions_customer_plan_started_idx\n"
        "  ON customer_subscriptions (customer_id, plan_id, started_at);",
    .severity = Severity::kInfo,
};

constexpr std::size_t kMaxBytes = 63;  // NAMEDATALEN - 1

// The names a statement defines (not those it only refers to), as the parser truncated them,
// that may be a truncated name: those of 60 bytes or more (63 cut back to a character boundary).
// Most statements have none, so the list is mostly empty and never allocated. The tree is walked
// for columns and constraints only when some name-like field is that long (`longest_field`).
std::vector<std::string_view> LongDefinedNames(const parser::Node& node,
                                               std::size_t longest_field) {
  std::vector<std::string_view> names;
  const auto add = [&](std::string_view name) {
    if (name.size() + 3 >= kMaxBytes) names.push_back(name);
  };
  const auto relation = [&](const PgQuery__RangeVar* rv) {
    if (rv != nullptr) add(parser::Str(rv->relname));
  };
  const auto last = [&](parser::Node* const* items, std::size_t count) {
    if (count > 0) add(parser::StringValue(items[count - 1]));
  };
  switch (node.node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      relation(node.create_stmt->relation);
      break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      relation(node.view_stmt->view);
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (node.create_table_as_stmt->into != nullptr)
        relation(node.create_table_as_stmt->into->rel);
      break;
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
      relation(node.create_seq_stmt->sequence);
      break;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
      relation(node.composite_type_stmt->typevar);
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      add(parser::Str(node.index_stmt->idxname));
      break;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
      add(parser::Str(node.create_schema_stmt->schemaname));
      break;
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
      add(parser::Str(node.create_trig_stmt->trigname));
      break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      add(parser::Str(node.rename_stmt->newname));
      break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
      last(node.create_enum_stmt->type_name, node.create_enum_stmt->n_type_name);
      break;
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
      last(node.create_domain_stmt->domainname, node.create_domain_stmt->n_domainname);
      break;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
      last(node.create_function_stmt->funcname, node.create_function_stmt->n_funcname);
      break;
    default:
      break;
  }
  // Columns and constraints, wherever the statement defines them.
  if (longest_field + 3 < kMaxBytes) return names;
  parser::VisitNodes(&node, [&](const parser::Node& n) {
    if (n.node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) add(parser::Str(n.column_def->colname));
    if (n.node_case == PG_QUERY__NODE__NODE_CONSTRAINT) add(parser::Str(n.constraint->conname));
  });
  return names;
}

// What PostgreSQL keeps of a name: at most 63 bytes, cut at a character boundary.
std::string_view Truncated(std::string_view name) {
  std::size_t cut = std::min(name.size(), kMaxBytes);
  while (cut > 0 && cut < name.size() && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80)
    --cut;
  return name.substr(0, cut);
}

void Check(const StatementContext& ctx, Reporter& report) {
  if (ctx.node() == nullptr) return;
  // The tree holds names as PostgreSQL keeps them: a name written longer than 63 bytes is there
  // cut to 60 to 63 (at a character boundary). Without such a name, scanning the text is wasted.
  const std::vector<std::string_view> defined =
      LongDefinedNames(*ctx.node(), ctx.statement().longest_field);
  if (defined.empty()) return;
  std::set<std::string> reported;
  for (const parser::WrittenIdentifier& id : parser::WrittenIdentifiers(ctx.statement().text)) {
    if (id.name.size() <= kMaxBytes ||
        std::find(defined.begin(), defined.end(), Truncated(id.name)) == defined.end() ||
        !reported.insert(id.name).second) {
      continue;
    }
    report.Add("The name " + QuoteIdent(id.name) + " is " + std::to_string(id.name.size()) +
                   " bytes: PostgreSQL truncates it to " + QuoteIdent(Truncated(id.name)),
               "Choose a name of at most 63 bytes.", {}, static_cast<int>(id.span.begin));
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
