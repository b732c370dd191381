// Parses SQL with PostgreSQL's raw parser and copies the tree into libpg_query's protobuf-c
// structs (pg_query.pb-c.h), straight into the caller's arena.
//
// Why: pg_query_parse prints the tree as JSON (with printf-style formatting for every field) and
// pgshift read it back; pg_query_parse_protobuf packs it and pgshift unpacked it. Both routes
// built a text only to parse it again, and together they cost about a quarter of a lint run. This
// file does what libpg_query's own protobuf printer does before it packs (the same generated
// per-node functions, third_party/libpg_query), so the structs hold exactly what unpacking
// pg_query_parse_protobuf's output would give; tests/raw_tree_test.cpp packs both and compares.
//
// C, not C++: PostgreSQL's node headers are C. They come from third_party/libpg_query/include,
// the copy libpg_query 15-4.0.0 was built with, because the node structs must match the library
// byte for byte (PostgreSQL's later 15.x headers moved an enum value and added a field).
// PostgreSQL's headers need postgres.h before the rest.
// clang-format off
#include <pg_query.h>

#include "postgres.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "nodes/value.h"
#include "utils/memutils.h"

#include <pg_query/pg_query.pb-c.h>
#include <stdlib.h>
#include <string.h>

#include "parser/raw_tree.h"
// clang-format on

#if PG_VERSION_NUM != 150001
#error "third_party/libpg_query/include must be the PostgreSQL headers libpg_query was built with"
#endif

// libpg_query's entry points for the raw tree (its pg_query_internal.h, which needs these headers).
typedef struct {
  List* tree;
  char* stderr_buffer;
  PgQueryError* error;
} PgQueryInternalParsetreeAndError;
PgQueryInternalParsetreeAndError pg_query_raw_parse(const char* input);
MemoryContext pg_query_enter_memory_context(void);
void pg_query_exit_memory_context(MemoryContext ctx);
void pg_query_free_error(PgQueryError* error);

// The conversion's state: the generated functions take only (out, node), so what they share lives
// here, one per thread (a conversion runs on one thread from start to end).
static __thread PgshiftAllocate allocate_;
static __thread void* arena_;
static __thread int depth_;
static __thread int max_depth_;
static __thread int too_deep_;
static __thread int unknown_node_;
static __thread size_t longest_field_;

static void* Allocate(size_t size) { return allocate_(arena_, size); }

// `length` bytes of `text` and its terminating NUL.
static char* CopyBytes(const char* text, size_t length) {
  char* copy = Allocate(length + 1);
  memcpy(copy, text, length + 1);
  return copy;
}

static char* CopyString(const char* text) { return CopyBytes(text, strlen(text)); }

// A node's own string field, mostly a name (a column's, a constraint's): the longest is kept.
static char* CopyField(const char* text) {
  const size_t length = strlen(text);
  if (length > longest_field_) longest_field_ = length;
  return CopyBytes(text, length);
}

// The macros the generated functions are written in, as libpg_query's protobuf printer defines
// them, with the arena in place of palloc and every string copied out of the parser's memory.
#define OUT_TYPE(typename, typename_c) PgQuery__##typename_c*

#define OUT_NODE(typename, typename_c, typename_underscore, typename_underscore_upcase, \
                 typename_cast, fldname)                                                \
  {                                                                                     \
    PgQuery__##typename_c* __node = Allocate(sizeof(PgQuery__##typename_c));            \
    pg_query__##typename_underscore##__init(__node);                                    \
    _out##typename_c(__node, (const typename_cast*)obj);                                \
    out->fldname = __node;                                                              \
    out->node_case = PG_QUERY__NODE__NODE_##typename_underscore_upcase;                 \
  }

#define WRITE_INT_FIELD(outname, outname_json, fldname) out->outname = node->fldname;
#define WRITE_UINT_FIELD(outname, outname_json, fldname) out->outname = node->fldname;
#define WRITE_LONG_FIELD(outname, outname_json, fldname) out->outname = node->fldname;
#define WRITE_FLOAT_FIELD(outname, outname_json, fldname) out->outname = node->fldname;
#define WRITE_BOOL_FIELD(outname, outname_json, fldname) out->outname = node->fldname;

#define WRITE_CHAR_FIELD(outname, outname_json, fldname) \
  if (node->fldname != 0) {                              \
    out->outname = Allocate(2);                          \
    out->outname[0] = node->fldname;                     \
    out->outname[1] = '\0';                              \
  }

#define WRITE_STRING_FIELD(outname, outname_json, fldname) \
  if (node->fldname != NULL) out->outname = CopyField(node->fldname);

#define WRITE_ENUM_FIELD(typename, outname, outname_json, fldname) \
  out->outname = _enumToInt##typename(node->fldname);

#define WRITE_LIST_FIELD(outname, outname_json, fldname) \
  if (node->fldname != NULL) ListItems(&out->n_##outname, &out->outname, node->fldname);

// Bitmapsets appear only in planner nodes, never in a raw parse tree.
#define WRITE_BITMAPSET_FIELD(outname, outname_json, fldname) \
  if (!bms_is_empty(node->fldname)) unknown_node_ = 1;

#define WRITE_NODE_FIELD(outname, outname_json, fldname) out->outname = NewNode(&node->fldname);

#define WRITE_NODE_PTR_FIELD(outname, outname_json, fldname) \
  if (node->fldname != NULL) out->outname = NewNode(node->fldname);

#define WRITE_SPECIFIC_NODE_FIELD(typename, typename_underscore, outname, outname_json, fldname) \
  {                                                                                              \
    PgQuery__##typename* __node = Allocate(sizeof(PgQuery__##typename));                         \
    pg_query__##typename_underscore##__init(__node);                                             \
    _out##typename(__node, &node->fldname);                                                      \
    out->outname = __node;                                                                       \
  }

#define WRITE_SPECIFIC_NODE_PTR_FIELD(typename, typename_underscore, outname, outname_json, \
                                      fldname)                                              \
  if (node->fldname != NULL) {                                                              \
    PgQuery__##typename* __node = Allocate(sizeof(PgQuery__##typename));                    \
    pg_query__##typename_underscore##__init(__node);                                        \
    _out##typename(__node, node->fldname);                                                  \
    out->outname = __node;                                                                  \
  }

static void _outNode(PgQuery__Node* out, const void* obj);
static void ListItems(size_t* n_items, PgQuery__Node*** items, const List* list);

static PgQuery__Node* NewNode(const void* obj) {
  PgQuery__Node* node = Allocate(sizeof(PgQuery__Node));
  pg_query__node__init(node);
  _outNode(node, obj);
  return node;
}

// The value nodes and lists, written by hand in libpg_query's printer too.
static void ListItems(size_t* n_items, PgQuery__Node*** items, const List* list) {
  *n_items = list_length(list);
  *items = Allocate(sizeof(PgQuery__Node*) * *n_items);
  for (size_t i = 0; i < *n_items; i++) (*items)[i] = NewNode(list_nth(list, (int)i));
}

static void _outList(PgQuery__List* out, const List* node) {
  ListItems(&out->n_items, &out->items, node);
}
static void _outIntList(PgQuery__IntList* out, const List* node) {
  ListItems(&out->n_items, &out->items, node);
}
static void _outOidList(PgQuery__OidList* out, const List* node) {
  ListItems(&out->n_items, &out->items, node);
}

static void _outInteger(PgQuery__Integer* out, const Integer* node) { out->ival = node->ival; }
static void _outFloat(PgQuery__Float* out, const Float* node) {
  out->fval = CopyString(node->fval);
}
static void _outBoolean(PgQuery__Boolean* out, const Boolean* node) {
  out->boolval = node->boolval;
}
static void _outString(PgQuery__String* out, const String* node) {
  out->sval = CopyString(node->sval);
}
static void _outBitString(PgQuery__BitString* out, const BitString* node) {
  out->bsval = CopyString(node->bsval);
}

// A constant's value, in the member of the oneof its type names.
#define A_CONST_VALUE(member, typename_c, typename_underscore, value_case, node_member) \
  out->member = Allocate(sizeof(PgQuery__##typename_c));                                \
  pg_query__##typename_underscore##__init(out->member);                                 \
  _out##typename_c(out->member, &node->val.node_member);                                \
  out->val_case = PG_QUERY__A__CONST__VAL_##value_case;                                 \
  break;

static void _outAConst(PgQuery__AConst* out, const A_Const* node) {
  out->isnull = node->isnull;
  out->location = node->location;
  if (node->isnull) return;
  switch (nodeTag(&node->val.node)) {
    case T_Integer:
      A_CONST_VALUE(ival, Integer, integer, IVAL, ival)
    case T_Float:
      A_CONST_VALUE(fval, Float, float, FVAL, fval)
    case T_Boolean:
      A_CONST_VALUE(boolval, Boolean, boolean, BOOLVAL, boolval)
    case T_String:
      A_CONST_VALUE(sval, String, string, SVAL, sval)
    case T_BitString:
      A_CONST_VALUE(bsval, BitString, bit_string, BSVAL, bsval)
    default:
      unknown_node_ = 1;
  }
}

// Generated from PostgreSQL's node structs by libpg_query (third_party/libpg_query/README.md).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "pg_query_enum_defs.c"
#include "pg_query_outfuncs_defs.c"
#pragma GCC diagnostic pop

static void _outNode(PgQuery__Node* out, const void* obj) {
  if (obj == NULL || too_deep_ || unknown_node_) return;
  // Each level costs the rules after this a stack frame or more: a tree deeper than the caller
  // allows is not built.
  if (++depth_ > max_depth_) {
    too_deep_ = 1;
  } else {
    switch (nodeTag(obj)) {
#include "pg_query_outfuncs_conds.c"
      default:
        unknown_node_ = 1;
    }
  }
  --depth_;
}

PgshiftRawParse pgshift_raw_parse(const char* sql, PgshiftAllocate allocate, void* arena,
                                  int max_depth) {
  PgshiftRawParse parse = {0};
  MemoryContext context = pg_query_enter_memory_context();
  PgQueryInternalParsetreeAndError raw = pg_query_raw_parse(sql);
  free(raw.stderr_buffer);
  if (raw.error != NULL) {
    parse.error = raw.error;
  } else {
    allocate_ = allocate;
    arena_ = arena;
    depth_ = 0;
    max_depth_ = max_depth;
    too_deep_ = 0;
    unknown_node_ = 0;
    longest_field_ = 0;
    PgQuery__ParseResult* result = Allocate(sizeof(PgQuery__ParseResult));
    pg_query__parse_result__init(result);
    result->version = PG_VERSION_NUM;
    result->n_stmts = list_length(raw.tree);
    result->stmts = Allocate(sizeof(PgQuery__RawStmt*) * result->n_stmts);
    for (size_t i = 0; i < result->n_stmts; i++) {
      result->stmts[i] = Allocate(sizeof(PgQuery__RawStmt));
      pg_query__raw_stmt__init(result->stmts[i]);
      _outRawStmt(result->stmts[i], list_nth(raw.tree, (int)i));
    }
    parse.too_deep = too_deep_;
    parse.unknown = unknown_node_;
    parse.longest_field = longest_field_;
    if (!too_deep_ && !unknown_node_) parse.tree = result;
  }
  pg_query_exit_memory_context(context);
  return parse;
}

void pgshift_raw_parse_free(PgshiftRawParse* parse) {
  if (parse->error != NULL) pg_query_free_error(parse->error);
  parse->error = NULL;
}
