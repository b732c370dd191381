// The SQL statements of a PL/pgSQL body, from PostgreSQL's PL/pgSQL compiler called directly
// (raw_plpgsql.c says why). A C interface: raw_plpgsql.c is C, and plpgsql.cpp calls it.
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// What libpg_query's pg_query_parse_plpgsql reads from a DO or CREATE FUNCTION statement's tree.
typedef struct PgshiftPlpgsqlSource {
  int is_do;             // a DO block; otherwise CREATE FUNCTION or PROCEDURE
  const char* body;      // the DO block's string, or the function's last AS item
  const char* language;  // the last LANGUAGE item; NULL for none (plpgsql)
  // CREATE FUNCTION only:
  const char* name;                    // the first item of the function's name
  const char* const* parameter_names;  // one per parameter, NULL for an unnamed one
  size_t n_parameters;
  int returns_trigger;  // an item of the return type's name is "trigger"
  int returns_set;      // RETURNS SETOF
} PgshiftPlpgsqlSource;

// Called once per statement the body writes out (PLpgSQL_stmt_execsql): its text as PL/pgSQL
// runs it and its 1-based line in the body. `sql` lives only during the call.
typedef void (*PgshiftPlpgsqlFound)(void* context, const char* sql, int line);

// Compiles the body and calls `found` for each statement, in the order libpg_query's JSON
// printer prints them. Returns 0, or 1 when the compiler raised an error: then *message is its
// message (free it with free(); NULL when it had none) and `found` was not called. A body in
// another language than plpgsql has no statements. Safe to call from several threads at once.
int pgshift_plpgsql_statements(const PgshiftPlpgsqlSource* source, PgshiftPlpgsqlFound found,
                               void* context, char** message);

#ifdef __cplusplus
}
#endif
