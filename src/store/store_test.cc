#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/file_util.h"
#include "store/table_ops.h"
#include "tests/scratch_dir.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

class StoreTest : public testing::ScratchDirTest {
 protected:
  StoreTest() : ScratchDirTest("lantern_store") {}
};

TrustTable Trusts(int n) {
  TrustTable t;
  for (int i = 0; i < n; ++i) {
    t.trust_id.push_back("T" + std::to_string(i));
    t.trust_name.push_back("Trust " + std::to_string(i));
    t.trust_type.push_back(0);
  }
  return t;
}

TEST_F(StoreTest, TablesRoundTripThroughSegments) {
  SchoolTable s;
  s.urn = {100000, 100001};
  s.la_code = {805, 806};
  s.estab = {2001, 4001};
  s.phase = {0, 1};
  s.name = {"A, \"quoted\"", ""};
  s.type = {"x", "y"};
  s.trust_id = {"", "T1"};
  s.postcode = {"TS1", ""};
  s.open_date = {kNoDate, 100};
  s.close_date = {kNoDate, kNoDate};
  fs::create_directories(dir_);
  ASSERT_TRUE(SaveTable(s, dir_ + "/s.seg").ok());
  auto back = LoadTable<SchoolTable>(dir_ + "/s.seg");
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_TRUE(RowsEqual(s, i, *back, i));
  auto reader = SegmentReader::Open(dir_ + "/s.seg");
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->Verify().ok());
}

TEST_F(StoreTest, FewChangedRowsAreWrittenAsADeltaAndReadBack) {
  auto store = Store::Open(dir_, Store::Mode::kWrite).value();
  StoreState state;
  state.trusts = Trusts(100);
  CommitPlan plan;
  plan.state = &state;
  plan.changed_tables = {TableId::kTrusts};
  ASSERT_TRUE(store->Commit(plan).ok());

  // Change two rows and add one: a delta, not a new copy of the table.
  state.trusts.trust_name[5] = "Renamed";
  state.trusts.trust_name[70] = "Also renamed";
  AppendRow(state.trusts, Trusts(101), 100);
  plan.changed_rows[TableId::kTrusts] = {5, 70, 100};
  ASSERT_TRUE(store->Commit(plan).ok());
  EXPECT_NE(store->manifest_text().find("delta"), std::string::npos);
  store.reset();  // release the writer's lock

  auto reopened = Store::Open(dir_, Store::Mode::kRead).value();
  StoreState loaded = reopened->Load().value();
  ASSERT_EQ(loaded.trusts.size(), 101u);
  for (size_t i = 0; i < 101; ++i) EXPECT_TRUE(RowsEqual(state.trusts, i, loaded.trusts, i)) << i;
}

TEST_F(StoreTest, ManyChangedRowsRewriteTheTable) {
  auto store = Store::Open(dir_, Store::Mode::kWrite).value();
  StoreState state;
  state.trusts = Trusts(10);
  CommitPlan plan;
  plan.state = &state;
  plan.changed_tables = {TableId::kTrusts};
  ASSERT_TRUE(store->Commit(plan).ok());
  for (int i = 0; i < 5; ++i) state.trusts.trust_name[i] = "x";
  plan.changed_rows[TableId::kTrusts] = {0, 1, 2, 3, 4};
  ASSERT_TRUE(store->Commit(plan).ok());
  EXPECT_EQ(store->manifest_text().find("delta"), std::string::npos);
  store.reset();
  EXPECT_EQ(Store::Open(dir_, Store::Mode::kRead).value()->Load().value().trusts.trust_name[3],
            "x");
}

TEST_F(StoreTest, AReaderCommitsAsAWriterAndKeepsItsSharedLock) {
  StoreState state;
  state.trusts = Trusts(4);
  CommitPlan plan;
  plan.state = &state;
  plan.changed_tables = {TableId::kTrusts};
  ASSERT_TRUE(Store::Open(dir_, Store::Mode::kWrite).value()->Commit(plan).ok());
  auto reader = Store::Open(dir_, Store::Mode::kRead).value();
  const uint64_t before = reader->generation();
  state.trusts.trust_name[2] = "changed";
  plan.changed_rows[TableId::kTrusts] = {2};
  ASSERT_TRUE(reader->CommitFromReader(plan).ok());
  EXPECT_EQ(reader->generation(), before) << "the reader keeps the generation it read";
  // The reader holds the shared lock again: no writer may open the store.
  EXPECT_EQ(Store::Open(dir_, Store::Mode::kWrite).status().code(), StatusCode::kUnavailable);
  auto fresh = Store::Open(dir_, Store::Mode::kRead).value();
  EXPECT_EQ(fresh->generation(), before + 1);
  EXPECT_EQ(fresh->Load().value().trusts.trust_name[2], "changed");
  fresh.reset();
  reader.reset();
  // While another reader holds the store, the commit is refused, nothing
  // changes, and the reader still holds its shared lock.
  auto a = Store::Open(dir_, Store::Mode::kRead).value();
  auto b = Store::Open(dir_, Store::Mode::kRead).value();
  state.trusts.trust_name[2] = "again";
  EXPECT_EQ(a->CommitFromReader(plan).code(), StatusCode::kUnavailable);
  b.reset();
  EXPECT_FALSE(Store::Open(dir_, Store::Mode::kWrite).ok()) << "a still holds its lock";
  a.reset();
  EXPECT_EQ(Store::Open(dir_, Store::Mode::kRead).value()->Load().value().trusts.trust_name[2],
            "changed");
  // A writer cannot use the reader's path.
  auto w3 = Store::Open(dir_, Store::Mode::kWrite).value();
  EXPECT_EQ(w3->CommitFromReader(plan).code(), StatusCode::kFailedPrecondition);
}

TEST_F(StoreTest, OldFilesAreCollectedAfterACommit) {
  auto store = Store::Open(dir_, Store::Mode::kWrite).value();
  StoreState state;
  state.trusts = Trusts(3);
  CommitPlan plan;
  plan.state = &state;
  plan.changed_tables = {TableId::kTrusts};
  ASSERT_TRUE(store->Commit(plan).ok());
  ASSERT_TRUE(store->Commit(plan).ok());
  int segments = 0, manifests = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    std::string n = e.path().filename().string();
    segments += n.rfind("tbl-", 0) == 0;
    manifests += n.rfind("MANIFEST-", 0) == 0;
  }
  EXPECT_EQ(segments, 1);
  EXPECT_EQ(manifests, 1);
  EXPECT_EQ(store->generation(), 2u);
}

TEST_F(StoreTest, ACorruptedSegmentIsCaughtByVerify) {
  auto store = Store::Open(dir_, Store::Mode::kWrite).value();
  StoreState state;
  state.trusts = Trusts(50);
  CommitPlan plan;
  plan.state = &state;
  plan.changed_tables = {TableId::kTrusts};
  ASSERT_TRUE(store->Commit(plan).ok());
  EXPECT_TRUE(store->Verify().ok());
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().filename().string().rfind("tbl-", 0) != 0) continue;
    std::string bytes = ReadFileToString(e.path().string()).value();
    bytes[bytes.size() - 3] ^= 0x55;  // flip bits in the last column's data
    fs::remove(e.path());
    ASSERT_TRUE(WriteFileAtomic(e.path().string(), bytes).ok());
  }
  EXPECT_EQ(store->Verify().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace lantern
