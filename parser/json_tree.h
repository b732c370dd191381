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

// The tree for `json`, the JSON pg_query_parse printed for `sql`, allocated in `arena`. Null when
// the JSON holds anything the protobuf schema does not describe, or leaves a value unknown (the
// caller then takes the protobuf path).
PgQuery__ParseResult* DecodeJsonParseTree(std::string_view json, std::string_view sql,
                                          Arena& arena);

}  // namespace pgshift::parser
