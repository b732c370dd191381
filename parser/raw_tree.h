// PostgreSQL's raw parse tree, copied into libpg_query's protobuf-c structs in an arena
// (raw_tree.c says why). A C interface: raw_tree.c is C, and parsed_file.cpp calls it.
#pragma once

#include <pg_query.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct PgQuery__ParseResult;

// Returns `size` bytes of memory aligned for any scalar or pointer, from `arena`.
typedef void* (*PgshiftAllocate)(void* arena, size_t size);

typedef struct PgshiftRawParse {
  struct PgQuery__ParseResult* tree;  // in the arena; null on an error, too_deep or unknown
  PgQueryError* error;                // the parser's error; free with pgshift_raw_parse_free
  int too_deep;                       // the tree nests more than max_depth nodes deep
  int unknown;                        // the tree holds a node the protobuf schema lacks
  // The bytes of the longest string a node holds in a string field of its own (a column's,
  // a constraint's, a table's name...; not a String node nor a constant's value).
  size_t longest_field;
} PgshiftRawParse;

// Parses `sql` (NUL-terminated). Every node, list and string of the tree is allocated with
// `allocate(arena, size)`; nothing else is kept. Safe to call from several threads at once.
PgshiftRawParse pgshift_raw_parse(const char* sql, PgshiftAllocate allocate, void* arena,
                                  int max_depth);

// Frees what pgshift_raw_parse allocated outside the arena (the error).
void pgshift_raw_parse_free(PgshiftRawParse* parse);

#ifdef __cplusplus
}
#endif
