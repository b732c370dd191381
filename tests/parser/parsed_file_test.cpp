#include "parser/parsed_file.h"

#include <gtest/gtest.h>

#include <vector>


#include "parser/ast.h"
#include "parser/source_text.h"

namespace pgshift::parser {
namespace {

TEST(ParseSql, EmptyFile) { EXPECT_TRUE(ParseSql("").statements.empty()); }

TEST(ParseSql, OnlyComments) {
  const ParsedFile file = ParseSql("-- nothing\n/* at /* all */ */\n");
  EXPECT_TRUE(file.statements.empty());
  EXPECT_EQ(file.comments.size(), 2u);
}

TEST(ParseSql, NoTrailingSemicolon) {
  const ParsedFile file = ParseSql("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int");
  ASSERT_EQ(file.statements.size(), 2u);
  ASSERT_NE(file.statements[1].node, nullptr);
  EXPECT_EQ(file.statements[1].node->node_case, PG_QUERY__NODE__NODE_ALTER_TABLE_STMT);
}

TEST(ParseSql, DollarQuotedFunctionBodyIsOneStatement) {
  const ParsedFile file = ParseSql(
      "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.a := 1;\n  RETURN NEW;\nEND;\n$$ "
      "LANGUAGE plpgsql;\nSELECT 1;");
  ASSERT_EQ(file.statements.size(), 2u);
  EXPECT_FALSE(file.statements[0].error.has_value());
  EXPECT_EQ(file.statements[0].node->node_case, PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT);
}

TEST(ParseSql, SyntaxErrorIsLocatedAndTheRestIsParsed) {
  const std::string text = "SELECT 1;\nALTER TABLE t ADD COLUMN é text NOT NUL;\nSELECT 2;";
  const ParsedFile file = ParseSql(text);
  ASSERT_EQ(file.statements.size(), 3u);
  ASSERT_TRUE(file.statements[1].error.has_value());
  EXPECT_EQ(file.statements[1].node, nullptr);
  // The error points at NUL (a byte offset in the file, after the two-byte é).
  EXPECT_EQ(file.statements[1].error->offset, text.find("NUL;"));
  EXPECT_NE(file.statements[2].node, nullptr);
}

TEST(ParseSql, UnbalancedParenthesisDoesNotSwallowTheRest) {
  const ParsedFile file = ParseSql("CREATE TABLE t (a int;\nCREATE INDEX i ON u (b);\nSELECT 3;");
  ASSERT_EQ(file.statements.size(), 3u);
  EXPECT_TRUE(file.statements[0].error.has_value());
  ASSERT_NE(file.statements[1].node, nullptr);
  EXPECT_EQ(file.statements[1].node->node_case, PG_QUERY__NODE__NODE_INDEX_STMT);
}

TEST(ParseSql, NewerSyntaxIsALocatedErrorNotACrash) {
  // PostgreSQL 18 syntax: not in the 15 grammar.
  const ParsedFile file = ParseSql("ALTER TABLE t ADD CONSTRAINT c NOT NULL a;\nSELECT 1;");
  ASSERT_EQ(file.statements.size(), 2u);
  EXPECT_TRUE(file.statements[0].error.has_value());
  EXPECT_FALSE(file.statements[1].error.has_value());
}

TEST(ParseSql, SubqueryInFromWithoutAliasParsesAsPostgres16Does) {
  // PostgreSQL 16 accepts an unnamed subquery in FROM; the version 15 parser does not.
  const std::string text =
      "SELECT 1;\nINSERT INTO likes (a, b)\nSELECT a, b FROM (SELECT a, b FROM x) JOIN\n"
      "  (VALUES (1)) ON true WHERE a IN (SELECT a FROM (SELECT 1 AS a));\nSELECT 2;";
  const ParsedFile file = ParseSql(text);
  ASSERT_EQ(file.statements.size(), 3u);
  const Statement& insert = file.statements[1];
  ASSERT_FALSE(insert.error.has_value()) << insert.error->message;
  ASSERT_NE(insert.node, nullptr);
  EXPECT_EQ(insert.node->node_case, PG_QUERY__NODE__NODE_INSERT_STMT);
  // Locations still map into the file: the target table, and a name after the added aliases.
  const auto* relation = insert.node->insert_stmt->relation;
  EXPECT_EQ(insert.FileOffset(static_cast<std::size_t>(relation->location)), text.find("likes"));
  const std::size_t where = insert.text.find("WHERE");
  ASSERT_NE(where, std::string_view::npos);
  EXPECT_EQ(insert.FileOffset(where), text.find("WHERE"));
  EXPECT_EQ(insert.FileOffset(insert.text.size()), insert.span.end);
  ASSERT_EQ(file.notes.size(), 1u);
  EXPECT_EQ(file.notes[0].offset, text.find("INSERT"));
  EXPECT_FALSE(file.statements[2].error.has_value());
}

TEST(ParseSql, OtherSyntaxErrorsInAStatementWithAnUnnamedSubqueryStayErrors) {
  const ParsedFile file = ParseSql("SELECT * FROM (SELECT 1) WHERE WHERE;");
  ASSERT_EQ(file.statements.size(), 1u);
  EXPECT_TRUE(file.statements[0].error.has_value());
  EXPECT_TRUE(file.notes.empty());
}

TEST(ParseSql, MetaCommandInsideAStatementIsBlankedForTheParser) {
  const ParsedFile file = ParseSql("SELECT 1\n\\echo hi\n, 2;");
  ASSERT_EQ(file.statements.size(), 1u);
  EXPECT_FALSE(file.statements[0].error.has_value());
  EXPECT_EQ(file.meta_commands.size(), 1u);
}

TEST(ParseSql, NodeLocationsAreRelativeToTheStatement) {
  const std::string text = "SELECT 1;\n  ALTER TABLE users ADD COLUMN a int;";
  const ParsedFile file = ParseSql(text);
  const Statement& s = file.statements[1];
  const auto* relation = s.node->alter_table_stmt->relation;
  EXPECT_EQ(s.span.begin + relation->location, text.find("users"));
}

TEST(ParseSql, TenMegabyteFile) {
  std::string text;
  text.reserve(10 << 20);
  for (int i = 0; text.size() < (10u << 20); ++i) {
    text += "ALTER TABLE t" + std::to_string(i % 97) + " ADD COLUMN c" + std::to_string(i) +
            " text DEFAULT 'value; with a semicolon';\n";
  }
  ASSERT_FALSE(ValidateText(text).has_value());
  const ParsedFile file = ParseSql(text);
  EXPECT_GT(file.statements.size(), 100000u);
  for (const Statement& s : file.statements) ASSERT_FALSE(s.error.has_value()) << s.text;
}


// Regression: long chains of operators, and deeply nested subqueries, used to overflow the stack
// while the tree was serialised and unpacked. They are now reported where they start, and the
// rest of the file is still analysed.
TEST(ParseSql, StatementsTooDeepToAnalyseAreLocatedErrorsNotCrashes) {
  std::string chain = "SELECT 'a'";  // analysed by the old code up to about 4,000 links
  for (int i = 0; i < 30000; ++i) chain += " || 'a'";
  std::string nested = "SELECT ";
  for (int i = 0; i < 2500; ++i) nested += "(SELECT ";
  nested += "1" + std::string(2500, ')');
  for (const std::string& deep : {chain, chain.substr(0, 10 + 7 * 6000), nested,
                                  "SELECT 1" + std::string(100000, '+') + "1"}) {
    const std::string text = "SELECT 0;\n" + deep + ";\nCREATE INDEX i ON t (a);";
    const ParsedFile file = ParseSql(text);
    ASSERT_EQ(file.statements.size(), 3u);
    ASSERT_TRUE(file.statements[1].error.has_value());
    EXPECT_NE(file.statements[1].error->message.find("too deeply"), std::string::npos)
        << file.statements[1].error->message;
    EXPECT_EQ(file.statements[1].error->offset, text.find(deep.substr(0, 8)));
    EXPECT_NE(file.statements[2].node, nullptr);
  }
}

TEST(ParseSql, LongButShallowStatementsStillParse) {
  std::string values = "INSERT INTO t VALUES ";
  for (int i = 0; i < 30000; ++i) values += (i ? ", " : "") + std::string("(-1, 'x'::text)");
  std::string ors = "DELETE FROM t WHERE id = 0";
  for (int i = 0; i < 30000; ++i) ors += " OR id = " + std::to_string(i);
  std::string chain = "SELECT 'a'";  // a chain the old code handled
  for (int i = 0; i < 3000; ++i) chain += " || 'a'";
  for (const std::string& sql : {values, ors, chain}) {
    const ParsedFile file = ParseSql(sql);
    ASSERT_EQ(file.statements.size(), 1u);
    EXPECT_FALSE(file.statements[0].error.has_value()) << file.statements[0].error->message;
    EXPECT_NE(file.statements[0].node, nullptr);
  }
}

// VisitNodes finds a Node's set member by its number in the descriptor's field array: the walk
// must reach, in order, every node of the tree, whatever member is set.
TEST(VisitNodes, ReachesEveryNodeDepthFirst) {
  const ParsedFile file =
      ParseSql("ALTER TABLE t ADD COLUMN b int CONSTRAINT fk REFERENCES u (id) DEFAULT 1");
  ASSERT_EQ(file.statements.size(), 1u);
  std::vector<PgQuery__Node__NodeCase> kinds;
  VisitNodes(file.statements[0].node, [&](const Node& node) { kinds.push_back(node.node_case); });
  const std::vector<PgQuery__Node__NodeCase> expected = {
      PG_QUERY__NODE__NODE_ALTER_TABLE_STMT, PG_QUERY__NODE__NODE_ALTER_TABLE_CMD,
      PG_QUERY__NODE__NODE_COLUMN_DEF,
      PG_QUERY__NODE__NODE_STRING,  // the type's name: pg_catalog.int4, in a bare TypeName
      PG_QUERY__NODE__NODE_STRING,           PG_QUERY__NODE__NODE_CONSTRAINT,
      PG_QUERY__NODE__NODE_STRING,           PG_QUERY__NODE__NODE_CONSTRAINT,
      PG_QUERY__NODE__NODE_A_CONST};
  EXPECT_EQ(kinds, expected);
}

// The direct lookup agrees with protobuf-c's search for every member of a Node.
TEST(VisitNodes, NodeMembersAreNumberedInOrder) {
  const ProtobufCMessageDescriptor& node = pg_query__node__descriptor;
  for (unsigned i = 0; i < node.n_fields; ++i) {
    EXPECT_EQ(protobuf_c_message_descriptor_get_field(&node, node.fields[i].id), &node.fields[i]);
  }
}

// A walk looks only at the fields that hold messages: the lists made once per type hold each of
// them, no scalar, and name the list of the type each field holds; a Node's by member number.
TEST(VisitNodes, MessageFieldsAreTheMessageTypedFieldsOfEachType) {
  for (const ProtobufCMessageDescriptor* type :
       {&pg_query__range_var__descriptor, &pg_query__column_def__descriptor,
        &pg_query__select_stmt__descriptor, &pg_query__parse_result__descriptor}) {
    const MessageFields& fields = MessageFieldsOf(type);
    EXPECT_FALSE(fields.node);
    std::vector<const ProtobufCFieldDescriptor*> expected;
    for (unsigned i = 0; i < type->n_fields; ++i) {
      if (type->fields[i].type == PROTOBUF_C_TYPE_MESSAGE) expected.push_back(&type->fields[i]);
    }
    std::vector<const ProtobufCFieldDescriptor*> listed;
    for (const MessageField& field : fields.fields) {
      listed.push_back(field.field);
      // The same list (for a type no Node reaches, such as the parse result, an equal copy).
      const MessageFields& held =
          MessageFieldsOf(static_cast<const ProtobufCMessageDescriptor*>(field.field->descriptor));
      ASSERT_NE(field.holds, nullptr);
      ASSERT_EQ(field.holds->fields.size(), held.fields.size()) << field.field->name;
      for (std::size_t i = 0; i < held.fields.size(); ++i) {
        EXPECT_EQ(field.holds->fields[i].field, held.fields[i].field) << field.field->name;
      }
    }
    EXPECT_EQ(listed, expected) << type->name;
    EXPECT_EQ(&MessageFieldsOf(type), &fields);  // made once
  }
  const MessageFields& node = MessageFieldsOf(&pg_query__node__descriptor);
  EXPECT_TRUE(node.node);
  const ProtobufCMessageDescriptor& members = pg_query__node__descriptor;
  for (unsigned i = 0; i < members.n_fields; ++i) {
    ASSERT_LT(members.fields[i].id, node.fields.size());
    EXPECT_EQ(node.fields[members.fields[i].id].field, &members.fields[i]);
  }
}

// LocationOf takes the smallest location of the messages the subtree's Nodes hold (a bare
// message such as the ALTER's RangeVar is not one), found through a table made once.
TEST(LocationOf, SmallestLocationOfTheNodesMessages) {
  const std::string text = "ALTER TABLE t ADD COLUMN b int DEFAULT 1";
  const ParsedFile file = ParseSql(text);
  ASSERT_EQ(file.statements.size(), 1u);
  const Node* statement = file.statements[0].node;
  ASSERT_NE(statement, nullptr);
  const PgQuery__AlterTableStmt& alter = *statement->alter_table_stmt;
  ASSERT_EQ(alter.n_cmds, 1u);
  const Node* def = alter.cmds[0]->alter_table_cmd->def;
  EXPECT_EQ(LocationOf(def), static_cast<int>(text.find(" b ") + 1));
  EXPECT_EQ(LocationOf(statement), static_cast<int>(text.find(" b ") + 1));
  const PgQuery__ColumnDef& column = *def->column_def;
  ASSERT_EQ(column.n_constraints, 1u);
  EXPECT_EQ(LocationOf(column.constraints[0]), static_cast<int>(text.find("DEFAULT")));
  EXPECT_EQ(LocationOf(nullptr), -1);
}

}  // namespace
}  // namespace pgshift::parser
