// Builds libpg_query's protobuf-c parse tree (pg_query.pb-c.h) from the JSON that pg_query_parse
// prints, straight into an arena.
//
// Why: pg_query_parse_protobuf serialises the tree with protobuf-c, whose reflective packer walks
// every field of every node's ~250-field oneof, and recomputes sub-message sizes at each level;
// unpacking and freeing walk them again. Together that is most of the time pgshift spends linting.
// The JSON printer is linear, and this decoder fills in the same structs as
// pg_query__parse_result__unpack, with the same defaults, guided by the same descriptors.
#pragma once

#include <string_view>

#include "parser/arena.h"

struct PgQuery__ParseResult;

namespace pgshift::parser {

// Messages nested deeper than this are not decoded: the decoder and the rules after it recurse
// once per level, and a thread's stack must hold them all (about 2 MB at this depth).
inline constexpr int kMaxJsonTreeDepth = 10000;

struct JsonTree {
  // Null when the JSON holds anything the protobuf schema does not describe or leaves a value
  // unknown (the caller then takes the protobuf path), or when it nests too deeply.
  PgQuery__ParseResult* tree = nullptr;
  bool too_deep = false;  // deeper than kMaxJsonTreeDepth
};

// The tree for `json`, the JSON pg_query_parse printed for `sql`, allocated in `arena`.
JsonTree DecodeJsonParseTree(std::string_view json, std::string_view sql, Arena& arena);

// How deeply the objects and arrays of a JSON text nest.
int JsonNestingDepth(std::string_view json);

}  // namespace pgshift::parser
