#include "parser/plpgsql.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "parser/ast.h"
#include "parser/raw_plpgsql.h"

namespace pgshift::parser {
namespace {

// A String node's value as the parser left it (NUL-terminated), or null.
const char* StringOf(const Node* node) {
  return node != nullptr && node->node_case == PG_QUERY__NODE__NODE_STRING ? node->string->sval
                                                                           : nullptr;
}

// What libpg_query's compile_do_stmt and compile_create_function_stmt read from the statement:
// the last AS and LANGUAGE items, the function's first name item, its parameters' names, and
// whether any name item of its return type is "trigger" and whether it returns a set.
struct Source {
  PgshiftPlpgsqlSource source{};
  std::vector<const char*> parameter_names;
};

void ReadOptions(Node* const* items, std::size_t count, bool body_is_list, Source& out) {
  for (std::size_t i = 0; i < count; ++i) {
    if (items[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem& def = *items[i]->def_elem;
    if (std::strcmp(def.defname, "language") == 0) {
      out.source.language = StringOf(def.arg);
    } else if (std::strcmp(def.defname, "as") == 0 && def.arg != nullptr) {
      if (!body_is_list) {
        out.source.body = StringOf(def.arg);
      } else if (def.arg->node_case == PG_QUERY__NODE__NODE_LIST && def.arg->list->n_items > 0) {
        const PgQuery__List& list = *def.arg->list;
        out.source.body = StringOf(list.items[list.n_items - 1]);
      }
    }
  }
}

void ReadSource(const Node& statement, Source& out) {
  if (statement.node_case == PG_QUERY__NODE__NODE_DO_STMT) {
    out.source.is_do = 1;
    ReadOptions(statement.do_stmt->args, statement.do_stmt->n_args, false, out);
  } else if (statement.node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
    const PgQuery__CreateFunctionStmt& function = *statement.create_function_stmt;
    ReadOptions(function.options, function.n_options, true, out);
    out.source.name = function.n_funcname > 0 ? StringOf(function.funcname[0]) : nullptr;
    if (out.source.name == nullptr) out.source.name = "";
    for (std::size_t i = 0; i < function.n_parameters; ++i) {
      const Node* item = function.parameters[i];
      const char* name = nullptr;
      // The copy leaves an absent name empty; the parser never gives an empty one.
      if (item->node_case == PG_QUERY__NODE__NODE_FUNCTION_PARAMETER &&
          item->function_parameter->name != nullptr && item->function_parameter->name[0] != '\0')
        name = item->function_parameter->name;
      out.parameter_names.push_back(name);
    }
    out.source.parameter_names = out.parameter_names.data();  // `out` is not moved after this
    out.source.n_parameters = out.parameter_names.size();
    if (const PgQuery__TypeName* type = function.return_type; type != nullptr) {
      for (std::size_t i = 0; i < type->n_names; ++i) {
        const char* name = StringOf(type->names[i]);
        if (name != nullptr && std::strcmp(name, "trigger") == 0) out.source.returns_trigger = 1;
      }
      out.source.returns_set = type->setof ? 1 : 0;
    }
  }
}

struct Collected {
  std::vector<PlpgsqlStatement>* statements;
  std::exception_ptr failure;  // thrown once the compiler's memory is released
};

void Found(void* context, const char* sql, int line) noexcept {
  auto& collected = *static_cast<Collected*>(context);
  if (collected.failure) return;
  try {
    collected.statements->push_back({sql, line});
  } catch (...) {
    collected.failure = std::current_exception();
  }
}

}  // namespace

PlpgsqlBody ParsePlpgsqlBody(const PgQuery__Node& statement) {
  PlpgsqlBody body;
  Source source;
  ReadSource(statement, source);
  if (source.source.body == nullptr) return body;
  Collected collected{&body.statements, nullptr};
  char* message = nullptr;
  const int failed = pgshift_plpgsql_statements(&source.source, &Found, &collected, &message);
  const std::unique_ptr<char, decltype(&std::free)> owned(message, &std::free);
  if (failed != 0) body.error = message != nullptr ? message : "PL/pgSQL parse error";
  if (collected.failure) std::rethrow_exception(collected.failure);
  return body;
}

}  // namespace pgshift::parser
