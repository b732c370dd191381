#include "parser/deparse.h"

#include <gtest/gtest.h>

#include <string>

#include "parser/parsed_file.h"

namespace pgshift::parser {
namespace {

std::string Deparsed(const std::string& sql) {
  const ParsedFile parsed = ParseSql(sql);
  EXPECT_EQ(parsed.statements.size(), 1u);
  if (parsed.statements.empty() || parsed.statements[0].node == nullptr) return "";
  return DeparseStatement(parsed.statements[0].node).value_or("");
}

// Prisma names indexes and constraints in mixed case; written bare they would fold to lower
// case, and the plan would create an object its rollback and later stages cannot find.
TEST(DeparseStatement, QuotesIndexNamesThatNeedIt) {
  EXPECT_EQ(Deparsed("CREATE UNIQUE INDEX \"Recipient_documentId_email_key\" ON \"Recipient\" "
                     "(\"documentId\", email)"),
            "CREATE UNIQUE INDEX \"Recipient_documentId_email_key\" ON \"Recipient\" USING btree "
            "(\"documentId\", email)");
  EXPECT_EQ(Deparsed("CREATE INDEX \"a b\"\"c\" ON t (x)"),
            "CREATE INDEX \"a b\"\"c\" ON t USING btree (x)");
}

TEST(DeparseStatement, QuotesConstraintNamesThatNeedIt) {
  EXPECT_EQ(Deparsed("ALTER TABLE \"Template\" ADD CONSTRAINT \"Template_teamId_fkey\" FOREIGN KEY "
                     "(\"teamId\") REFERENCES \"Team\"(id)"),
            "ALTER TABLE \"Template\" ADD CONSTRAINT \"Template_teamId_fkey\" FOREIGN KEY "
            "(\"teamId\") REFERENCES \"Team\" (id)");
  EXPECT_EQ(
      Deparsed("ALTER TABLE t ADD CONSTRAINT \"Pos\" CHECK (x > 0), "
               "ADD CONSTRAINT \"Pos2\" CHECK (x < 9)"),
      "ALTER TABLE t ADD CONSTRAINT \"Pos\" CHECK (x > 0), ADD CONSTRAINT \"Pos2\" CHECK (x < "
      "9)");
}

TEST(DeparseStatement, LeavesLowerCaseNamesBare) {
  EXPECT_EQ(Deparsed("CREATE INDEX orders_customer_id_idx ON orders (customer_id)"),
            "CREATE INDEX orders_customer_id_idx ON orders USING btree (customer_id)");
  EXPECT_EQ(Deparsed("ALTER TABLE t ADD CONSTRAINT t_x_check CHECK (x > 0)"),
            "ALTER TABLE t ADD CONSTRAINT t_x_check CHECK (x > 0)");
}

}  // namespace
}  // namespace pgshift::parser
