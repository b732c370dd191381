#include "rules/history/code_index.h"

#include <gtest/gtest.h>

namespace pgshift::rules {
namespace {

TEST(CodeIndex, WholeWordsOnly) {
  CodeIndex index;
  index.AddFile("app/a.rb", "users_old = 1\nfoo(:legacy_flag_v2)\n");
  index.AddFile("app/b.py",
                "x = row['legacy_flag']\nq = 'SELECT * FROM public.users WHERE legacy_flag'\n");
  const CodeMatches flag = index.Find("legacy_flag");
  ASSERT_EQ(flag.total, 2u);
  EXPECT_EQ(flag.first[0].file, "app/b.py");
  EXPECT_EQ(flag.first[0].line, 1);
  EXPECT_EQ(flag.first[1].line, 2);
  EXPECT_EQ(index.Find("users").total, 1u);  // not users_old
  EXPECT_EQ(index.Find("legacy").total, 0u);
  EXPECT_EQ(index.files(), 2u);
}

TEST(CodeIndex, LowerCaseNamesMatchAnyCaseQuotedMixedCaseOnlyItself) {
  CodeIndex index;
  index.AddFile("q.sql",
                "SELECT LEGACY_FLAG FROM Users;\nprisma.document.findMany({ signedAt })\n");
  EXPECT_EQ(index.Find("legacy_flag").total, 1u);
  EXPECT_EQ(index.Find("users").total, 1u);
  EXPECT_EQ(index.Find("signedAt").total, 1u);
  EXPECT_EQ(index.Find("SignedAt").total, 0u);  // "SignedAt" is another column than "signedAt"
  EXPECT_EQ(index.Find("Users").total, 1u);
}

TEST(CodeIndex, KeepsTheFirstFewPositionsAndCountsAll) {
  CodeIndex index;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "legacy_flag\n";
  index.AddFile("a.rb", text);
  const CodeMatches matches = index.Find("legacy_flag");
  EXPECT_EQ(matches.total, 10u);
  ASSERT_EQ(matches.first.size(), CodeIndex::kKeptReferences);
  EXPECT_EQ(matches.first.back().line, static_cast<int>(CodeIndex::kKeptReferences));
}

TEST(CodeIndex, NumbersAndNonAsciiWords) {
  CodeIndex index;
  index.AddFile("a.txt", "12345 größe 2fa_enabled");
  EXPECT_EQ(index.Find("12345").total, 0u);
  EXPECT_EQ(index.Find("größe").total, 1u);
  EXPECT_EQ(index.Find("2fa_enabled").total, 1u);
}

}  // namespace
}  // namespace pgshift::rules
