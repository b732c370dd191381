// The comparison of a traced statement with the lock model, without a server: each way the two
// can differ is a disagreement that names the form.
#include "runner/trace_verdict.h"

#include <gtest/gtest.h>

namespace pgshift::runner {
namespace {

using rules::Form;
using rules::LockMode;
using rules::TableWork;

TracedRelation Table(const std::string& name, char kind = 'r') {
  static long long oid = 16000;
  return {++oid, {"public", name}, kind};
}

rules::TableLock Predict(Form form, const std::string& table) {
  const rules::LockEntry& entry = rules::LockFor(form, 15);
  return {form, {"", table}, entry.mode, entry.work};
}

StatementObservation Took(std::vector<std::pair<TracedRelation, LockMode>> locks) {
  StatementObservation o;
  for (const auto& [relation, mode] : locks) o.locks.push_back({relation, mode});
  return o;
}

TEST(TraceVerdict, AgreesWhenModeStorageAndScanMatch) {
  const TracedRelation users = Table("users");
  StatementObservation o =
      Took({{users, LockMode::kShare}, {Table("users_pkey", 'i'), LockMode::kAccessShare}});
  o.scanned.push_back(users);
  const StatementVerdict v = Judge({Predict(Form::kCreateIndex, "users")}, o, 15);
  ASSERT_EQ(v.tables.size(), 1u);
  EXPECT_EQ(v.verdict, Verdict::kAgree);
  EXPECT_EQ(v.tables[0].table.ToString(), "public.users");
  EXPECT_TRUE(v.tables[0].problems.empty());
}

TEST(TraceVerdict, ADifferentModeDisagreesAndNamesTheForm) {
  const TracedRelation users = Table("users");
  StatementObservation o = Took({{users, LockMode::kAccessExclusive}});
  o.scanned.push_back(users);
  const StatementVerdict v = Judge({Predict(Form::kCreateIndex, "users")}, o, 15);
  EXPECT_EQ(v.verdict, Verdict::kDisagree);
  ASSERT_EQ(v.tables[0].problems.size(), 1u);
  EXPECT_EQ(v.tables[0].problems[0],
            "server takes ACCESS EXCLUSIVE, the model (`CREATE INDEX`) says SHARE");
}

TEST(TraceVerdict, RewritesAndScansAreCheckedBothWays) {
  const TracedRelation orders = Table("orders");
  StatementObservation rewritten = Took({{orders, LockMode::kAccessExclusive}});
  rewritten.new_storage.push_back(orders);
  EXPECT_EQ(Judge({Predict(Form::kAlterColumnTypeRewrite, "orders")}, rewritten, 15).verdict,
            Verdict::kAgree);
  const StatementVerdict not_predicted =
      Judge({Predict(Form::kAlterColumnTypeCatalogOnly, "orders")}, rewritten, 15);
  EXPECT_EQ(not_predicted.verdict, Verdict::kDisagree);
  EXPECT_NE(not_predicted.tables[0].problems[0].find("rewritten (relfilenode changed)"),
            std::string::npos);

  const StatementObservation untouched = Took({{orders, LockMode::kAccessExclusive}});
  const StatementVerdict missing =
      Judge({Predict(Form::kAlterColumnTypeRewrite, "orders")}, untouched, 15);
  EXPECT_EQ(missing.verdict, Verdict::kDisagree);
  EXPECT_NE(missing.tables[0].problems[0].find("not rewritten"), std::string::npos);

  // A scan the model does not expect, and one it expects that did not happen.
  StatementObservation scanned = Took({{orders, LockMode::kAccessExclusive}});
  scanned.scanned.push_back(orders);
  EXPECT_EQ(Judge({Predict(Form::kDropDefault, "orders")}, scanned, 15).verdict,
            Verdict::kDisagree);
  EXPECT_EQ(Judge({Predict(Form::kSetNotNull, "orders")}, untouched, 15).verdict,
            Verdict::kDisagree);
  EXPECT_EQ(Judge({Predict(Form::kSetNotNull, "orders")}, scanned, 15).verdict, Verdict::kAgree);
  // Outside a transaction block scans are not visible, and not judged.
  StatementObservation sampled = untouched;
  sampled.in_transaction = false;
  sampled.sampled = true;
  EXPECT_EQ(Judge({Predict(Form::kSetNotNull, "orders")}, sampled, 15).verdict, Verdict::kAgree);
}

TEST(TraceVerdict, TruncateGivesNewStorageWithoutARewrite) {
  const TracedRelation orders = Table("orders");
  StatementObservation o = Took({{orders, LockMode::kAccessExclusive}});
  EXPECT_EQ(Judge({Predict(Form::kTruncate, "orders")}, o, 15).verdict, Verdict::kDisagree);
  o.new_storage.push_back(orders);
  const StatementVerdict v = Judge({Predict(Form::kTruncate, "orders")}, o, 15);
  EXPECT_EQ(v.verdict, Verdict::kAgree);
  EXPECT_TRUE(v.tables[0].predicted_new_storage);
}

TEST(TraceVerdict, APartitionedParentHasNoStorageToJudge) {
  const TracedRelation events = Table("events", 'p');
  const StatementObservation o = Took({{events, LockMode::kShare}});
  EXPECT_EQ(Judge({Predict(Form::kCreateIndex, "events")}, o, 15).verdict, Verdict::kAgree);
}

TEST(TraceVerdict, AModeHeldBeforeOrMissedBySamplingCannotBeTold) {
  const TracedRelation users = Table("users");
  StatementObservation held;
  held.held_before.push_back({users, LockMode::kAccessExclusive});
  const StatementVerdict v = Judge({Predict(Form::kAddColumn, "users")}, held, 15);
  EXPECT_EQ(v.verdict, Verdict::kUnknown);
  EXPECT_TRUE(v.tables[0].already_held);

  StatementObservation sampled;
  sampled.in_transaction = false;
  sampled.sampled = true;
  EXPECT_EQ(Judge({Predict(Form::kCreateIndexConcurrently, "users")}, sampled, 15).verdict,
            Verdict::kUnknown);
  // In a transaction of its own, no lock at all is a disagreement.
  EXPECT_EQ(Judge({Predict(Form::kAddColumn, "users")}, StatementObservation{}, 15).verdict,
            Verdict::kDisagree);
}

TEST(TraceVerdict, LocksTheModelDoesNotNameAreJudgedFromShareUpdateExclusiveUp) {
  const TracedRelation users = Table("users");
  const TracedRelation orders = Table("orders");
  const StatementVerdict strong = Judge({}, Took({{users, LockMode::kShareUpdateExclusive}}), 15);
  EXPECT_EQ(strong.verdict, Verdict::kDisagree);
  EXPECT_EQ(strong.tables[0].problems[0],
            "server takes SHARE UPDATE EXCLUSIVE, the model predicts no lock on it");
  // Foreign-key checks and SELECT FOR UPDATE: shown, not judged; reading: not shown.
  const StatementVerdict weak = Judge({Predict(Form::kInsert, "orders")},
                                      Took({{orders, LockMode::kRowExclusive},
                                            {users, LockMode::kRowShare},
                                            {Table("plans"), LockMode::kAccessShare}}),
                                      15);
  EXPECT_EQ(weak.verdict, Verdict::kAgree);
  ASSERT_EQ(weak.tables.size(), 2u);
  EXPECT_EQ(weak.tables[1].verdict, Verdict::kUnjudged);
  EXPECT_EQ(Judge({}, Took({{users, LockMode::kAccessShare}}), 15).verdict, Verdict::kNone);
}

TEST(TraceVerdict, PredictionsMergePerTableToTheStrongest) {
  const TracedRelation orders = Table("orders");
  StatementObservation o = Took({{orders, LockMode::kAccessExclusive}});
  o.scanned.push_back(orders);
  // ADD COLUMN ... DEFAULT ... REFERENCES: the column (ACCESS EXCLUSIVE) and the key's scan.
  const StatementVerdict v = Judge(
      {Predict(Form::kAddColumnConstantDefault, "orders"), Predict(Form::kAddForeignKey, "orders")},
      o, 15);
  ASSERT_EQ(v.tables.size(), 1u);
  EXPECT_EQ(v.tables[0].predicted->mode, LockMode::kAccessExclusive);
  EXPECT_EQ(v.tables[0].predicted->work, TableWork::kScan);
  EXPECT_EQ(v.verdict, Verdict::kAgree);
}

}  // namespace
}  // namespace pgshift::runner
