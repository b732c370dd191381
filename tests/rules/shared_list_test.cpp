#include "rules/analysis/shared_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgshift::rules {
namespace {

std::vector<int> Items(const SharedList<int>& list) {
  std::vector<int> out;
  list.AnyOf([&](int v) {
    out.push_back(v);
    return false;
  });
  return out;
}

TEST(SharedList, LatestFirst) {
  SharedList<int> list;
  EXPECT_TRUE(Items(list).empty());
  list.Push(1);
  list.Push(2);
  EXPECT_EQ(Items(list), (std::vector<int>{2, 1}));
  EXPECT_TRUE(list.AnyOf([](int v) { return v == 1; }));
  EXPECT_FALSE(list.AnyOf([](int v) { return v == 3; }));
}

TEST(SharedList, CopiesDoNotSeeEachOthersItems) {
  SharedList<int> a;
  a.Push(1);
  SharedList<int> b = a;
  b.Push(2);
  a.Push(3);
  EXPECT_EQ(Items(a), (std::vector<int>{3, 1}));
  EXPECT_EQ(Items(b), (std::vector<int>{2, 1}));
  SharedList<int> c;
  c = b;
  b = SharedList<int>();
  EXPECT_TRUE(Items(b).empty());
  EXPECT_EQ(Items(c), (std::vector<int>{2, 1}));
}

TEST(SharedList, SharedItemsOutliveTheCopyFreed) {
  auto a = std::make_unique<SharedList<std::string>>();
  a->Push("kept");
  SharedList<std::string> b = *a;
  a->Push("own");
  a.reset();
  EXPECT_TRUE(b.AnyOf([](const std::string& v) { return v == "kept"; }));
  EXPECT_FALSE(b.AnyOf([](const std::string& v) { return v == "own"; }));
}

// Freed link by link: a list this long would overflow the stack if each link freed the next.
TEST(SharedList, FreesALongListWithoutDeepNesting) {
  auto list = std::make_unique<SharedList<int>>();
  for (int i = 0; i < 2'000'000; ++i) list->Push(i);
  SharedList<int> copy = *list;
  copy.Push(-1);
  list.reset();
  EXPECT_TRUE(copy.AnyOf([](int v) { return v == 0; }));
}

}  // namespace
}  // namespace pgshift::rules
