// Which protobuf-c field a key of libpg_query's JSON parse tree names. JSON keys are the schema's
// json_name ("typeName", "AlterTableStmt"); protobuf-c keeps only field names ("type_name",
// "alter_table_stmt"). Both agree once underscores and case are dropped, except where the schema
// renamed a field.
#pragma once

#include <protobuf-c/protobuf-c.h>

#include <cstddef>
#include <string_view>

namespace pgshift::parser {

// Keys longer than this name no field (the longest field name is well under it).
constexpr std::size_t kMaxJsonKey = 64;

// The field of `message` that `key` names, or null. The printer writes a message's fields in
// schema order, so the search starts past the previous field (`next`, updated).
const ProtobufCFieldDescriptor* FindField(const ProtobufCMessageDescriptor* message,
                                          std::string_view key, unsigned& next);

}  // namespace pgshift::parser
