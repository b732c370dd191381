// The SQL statements of a PL/pgSQL body, from PostgreSQL's PL/pgSQL compiler called directly.
//
// Why: libpg_query's pg_query_parse_plpgsql takes the whole DO or CREATE FUNCTION statement,
// parses it again with the raw parser, compiles each body, prints the compiled function as JSON,
// and pgshift read that JSON back for the statements; the parse, the printing and the reading cost
// about as much as the compile itself. Here the caller hands over what the statement's tree already
// says, the body is compiled as libpg_query's (static) compile_do_stmt and
// compile_create_function_stmt compile it, and the compiled tree is walked in the order the JSON
// printer prints it. tests/parser/plpgsql_test.cpp compares the two routes.
//
// libpg_query's route redirects stderr through a pipe around each compile only when its
// pg_query_internal.h leaves DEBUG undefined; at 15-4.0.0 it defines DEBUG, so the library
// linked here has no pipe (no pipe or dup2 in pg_query_parse_plpgsql.o), and its elog.c sends
// WARNING and NOTICE nowhere (send_message_to_server_log is empty). Only an ERROR ends a compile
// early, with the same message either way: there is no stderr to read.
//
// C, with PostgreSQL's headers as libpg_query was built with them: see raw_tree.c.
// PostgreSQL's headers need postgres.h before the rest.
// clang-format off
#include <pg_query.h>

#include "postgres.h"
#include "catalog/pg_proc_d.h"
#include "catalog/pg_type_d.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"  // in inline functions of plpgsql.h's headers
// <>, not "": "plpgsql.h" would find parser/plpgsql.h, next to this file.
#include <plpgsql.h>
#pragma GCC diagnostic pop
#include "utils/memutils.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/raw_plpgsql.h"
// clang-format on

#if PG_VERSION_NUM != 150001
#error "third_party/libpg_query/include must be the PostgreSQL headers libpg_query was built with"
#endif

MemoryContext pg_query_enter_memory_context(void);
void pg_query_exit_memory_context(MemoryContext ctx);
// catalog/pg_proc.h declares it, with the rest of the catalog's headers.
bool function_parse_error_transpose(const char* prosrc);

// libpg_query's compile_create_function_stmt and its error context callback (both static in
// pg_query_parse_plpgsql.c), reading the statement from `source`. add_dummy_return is left out:
// it appends a RETURN, after wrapping the body in a block without a label when it has EXCEPTION,
// and neither holds a statement the walk below looks for. The callback only adds context to an
// error, never to its message.
static void CompileErrorCallback(void* arg) {
  if (arg) {
    if (function_parse_error_transpose((const char*)arg)) return;
  }
  if (plpgsql_error_funcname)
    errcontext("compilation of PL/pgSQL function \"%s\" near line %d", plpgsql_error_funcname,
               plpgsql_latest_lineno());
}

static PLpgSQL_function* CompileFunction(const PgshiftPlpgsqlSource* source) {
  char* func_name = (char*)source->name;
  ErrorContextCallback plerrcontext;

  plpgsql_scanner_init(source->body);
  plpgsql_error_funcname = func_name;

  plerrcontext.callback = CompileErrorCallback;
  plerrcontext.arg = (void*)source->body;
  plerrcontext.previous = error_context_stack;
  error_context_stack = &plerrcontext;

  plpgsql_check_syntax = true;

  PLpgSQL_function* function = palloc0(sizeof(PLpgSQL_function));
  plpgsql_curr_compile = function;

  MemoryContext func_cxt = AllocSetContextCreate(CurrentMemoryContext, "PL/pgSQL pg_query context",
                                                 ALLOCSET_DEFAULT_SIZES);
  plpgsql_compile_tmp_cxt = MemoryContextSwitchTo(func_cxt);

  function->fn_signature = pstrdup(func_name);
  function->fn_is_trigger = PLPGSQL_NOT_TRIGGER;
  function->fn_input_collation = InvalidOid;
  function->fn_cxt = func_cxt;
  function->out_param_varno = -1;
  function->resolve_option = plpgsql_variable_conflict;
  function->print_strict_params = plpgsql_print_strict_params;
  function->extra_warnings = 0;
  function->extra_errors = 0;

  plpgsql_ns_init();
  plpgsql_ns_push(func_name, PLPGSQL_LABEL_BLOCK);
  plpgsql_DumpExecTree = false;
  plpgsql_start_datums();

  // The named parameters, as variables of an unknown type under their name and their $n.
  for (size_t i = 0; i < source->n_parameters; i++) {
    const char* name = source->parameter_names[i];
    if (name == NULL) continue;
    char buf[32];
    snprintf(buf, sizeof(buf), "$%d", (int)i + 1);
    PLpgSQL_type* argdtype = plpgsql_build_datatype(UNKNOWNOID, -1, InvalidOid, NULL);
    PLpgSQL_variable* argvariable = plpgsql_build_variable(name, 0, argdtype, false);
    PLpgSQL_nsitem_type argitemtype =
        argvariable->dtype == PLPGSQL_DTYPE_VAR ? PLPGSQL_NSTYPE_VAR : PLPGSQL_NSTYPE_REC;
    plpgsql_ns_additem(argitemtype, argvariable->dno, buf);
    plpgsql_ns_additem(argitemtype, argvariable->dno, name);
  }

  function->fn_rettype = VOIDOID;
  function->fn_retset = source->returns_set != 0;
  function->fn_retistuple = false;
  function->fn_retisdomain = false;
  function->fn_prokind = PROKIND_FUNCTION;
  function->fn_retbyval = true;
  function->fn_rettyplen = sizeof(int32);
  function->fn_readonly = false;

  PLpgSQL_variable* var = plpgsql_build_variable(
      "found", 0, plpgsql_build_datatype(BOOLOID, -1, InvalidOid, NULL), true);
  function->found_varno = var->dno;

  if (source->returns_trigger) {
    PLpgSQL_rec* rec = plpgsql_build_record("new", 0, NULL, RECORDOID, true);
    function->new_varno = rec->dno;
    rec = plpgsql_build_record("old", 0, NULL, RECORDOID, true);
    function->old_varno = rec->dno;
  }

  const int parse_rc = plpgsql_yyparse();
  if (parse_rc != 0) elog(ERROR, "plpgsql parser returned %d", parse_rc);
  function->action = plpgsql_parse_result;

  plpgsql_scanner_finish();

  function->fn_nargs = 0;
  plpgsql_finish_datums(function);

  error_context_stack = plerrcontext.previous;
  plpgsql_error_funcname = NULL;
  plpgsql_check_syntax = false;

  MemoryContextSwitchTo(plpgsql_compile_tmp_cxt);
  plpgsql_compile_tmp_cxt = NULL;
  return function;
}

// The walk, in the JSON printer's order (pg_query_json_plpgsql.c): a block's body before its
// exception handlers, an IF's then-branch, its ELSIFs, then its ELSE; a CASE's arms, then its
// ELSE; a loop's body. Only these statements hold statements.
typedef struct Walk {
  PgshiftPlpgsqlFound found;
  void* context;
} Walk;

static void WalkStatements(const Walk* walk, List* statements);

static void WalkStatement(const Walk* walk, PLpgSQL_stmt* statement) {
  ListCell* cell;
  switch (statement->cmd_type) {
    case PLPGSQL_STMT_BLOCK: {
      const PLpgSQL_stmt_block* block = (const PLpgSQL_stmt_block*)statement;
      WalkStatements(walk, block->body);
      if (block->exceptions != NULL) {
        foreach (cell, block->exceptions->exc_list) {
          WalkStatements(walk, ((PLpgSQL_exception*)lfirst(cell))->action);
        }
      }
      break;
    }
    case PLPGSQL_STMT_IF: {
      const PLpgSQL_stmt_if* if_stmt = (const PLpgSQL_stmt_if*)statement;
      WalkStatements(walk, if_stmt->then_body);
      foreach (cell, if_stmt->elsif_list) {
        WalkStatements(walk, ((PLpgSQL_if_elsif*)lfirst(cell))->stmts);
      }
      WalkStatements(walk, if_stmt->else_body);
      break;
    }
    case PLPGSQL_STMT_CASE: {
      const PLpgSQL_stmt_case* case_stmt = (const PLpgSQL_stmt_case*)statement;
      foreach (cell, case_stmt->case_when_list) {
        WalkStatements(walk, ((PLpgSQL_case_when*)lfirst(cell))->stmts);
      }
      WalkStatements(walk, case_stmt->else_stmts);
      break;
    }
    case PLPGSQL_STMT_LOOP:
      WalkStatements(walk, ((PLpgSQL_stmt_loop*)statement)->body);
      break;
    case PLPGSQL_STMT_WHILE:
      WalkStatements(walk, ((PLpgSQL_stmt_while*)statement)->body);
      break;
    case PLPGSQL_STMT_FORI:
      WalkStatements(walk, ((PLpgSQL_stmt_fori*)statement)->body);
      break;
    case PLPGSQL_STMT_FORS:
      WalkStatements(walk, ((PLpgSQL_stmt_fors*)statement)->body);
      break;
    case PLPGSQL_STMT_FORC:
      WalkStatements(walk, ((PLpgSQL_stmt_forc*)statement)->body);
      break;
    case PLPGSQL_STMT_FOREACH_A:
      WalkStatements(walk, ((PLpgSQL_stmt_foreach_a*)statement)->body);
      break;
    case PLPGSQL_STMT_DYNFORS:
      WalkStatements(walk, ((PLpgSQL_stmt_dynfors*)statement)->body);
      break;
    case PLPGSQL_STMT_EXECSQL: {
      const PLpgSQL_stmt_execsql* execsql = (const PLpgSQL_stmt_execsql*)statement;
      // The printer leaves out a zero line and a missing query, and pgshift then skipped the
      // statement.
      if (execsql->lineno != 0 && execsql->sqlstmt != NULL && execsql->sqlstmt->query != NULL) {
        walk->found(walk->context, execsql->sqlstmt->query, execsql->lineno);
      }
      break;
    }
    default:
      break;
  }
}

static void WalkStatements(const Walk* walk, List* statements) {
  ListCell* cell;
  foreach (cell, statements) WalkStatement(walk, (PLpgSQL_stmt*)lfirst(cell));
}

int pgshift_plpgsql_statements(const PgshiftPlpgsqlSource* source, PgshiftPlpgsqlFound found,
                               void* context, char** message) {
  *message = NULL;
  // libpg_query compiles nothing in another language (compared case-sensitively, as there).
  if (source->language != NULL && strcmp(source->language, "plpgsql") != 0) return 0;

  // volatile: PG_TRY's setjmp could otherwise leave them undefined after an error.
  PLpgSQL_function* volatile function = NULL;
  volatile int failed = 0;
  MemoryContext memory = pg_query_enter_memory_context();
  PG_TRY();
  {
    function =
        source->is_do ? plpgsql_compile_inline((char*)source->body) : CompileFunction(source);
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(memory);
    const ErrorData* error = CopyErrorData();
    if (error->message != NULL) *message = strdup(error->message);
    failed = 1;
    FlushErrorState();
  }
  PG_END_TRY();
  // libpg_query then frees the function's memory context; leaving pg_query's frees it too.
  if (!failed && function->action != NULL) {
    const Walk walk = {found, context};
    WalkStatement(&walk, (PLpgSQL_stmt*)function->action);
  }
  pg_query_exit_memory_context(memory);
  return failed;
}
