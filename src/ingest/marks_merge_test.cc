// The marks files (store/marks.h) and their merge (MergeMarks), on small
// hand-built stores: after any merge every (slot, date) reads back the mark
// a simple model of "later files replace earlier ones" says it should.
// Mark codes are opaque bytes to the files and the merge (0 = no mark).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <set>
#include <span>

#include "common/date.h"
#include "common/file_util.h"
#include "ingest/ingest_context.h"
#include "ingest/marks_ingest.h"
#include "store/marks.h"
#include "store/store.h"
#include "tests/scratch_dir.h"

namespace lantern {
namespace {

int32_t Sept(unsigned day) { return Date::FromCivil(2018, 9, day).days; }

// What every (slot, date) should read: (am, pm); absent = no marks.
using Model = std::map<std::pair<uint64_t, int32_t>, std::array<uint8_t, 2>>;

// Block marks: am 1 + 4 slot + column, pm 20 more. Day marks: am 8 + slot, pm 30 + slot.
std::vector<uint8_t> BlockData(uint64_t slots, size_t dates, Model* m,
                               const std::vector<int32_t>& d) {
  std::vector<uint8_t> data;
  for (uint64_t s = 0; s < slots; ++s) {
    for (size_t c = 0; c < dates; ++c) {
      const uint8_t am = static_cast<uint8_t>(1 + 4 * s + c);
      data.insert(data.end(), {am, static_cast<uint8_t>(am + 20)});
      if (m) (*m)[{s, d[c]}] = {am, static_cast<uint8_t>(am + 20)};
    }
  }
  return data;
}
std::vector<uint8_t> DayData(uint64_t slots, int32_t date, Model* m) {
  std::vector<uint8_t> data;
  for (uint64_t s = 0; s < slots; ++s) {
    data.insert(data.end(), {static_cast<uint8_t>(8 + s), static_cast<uint8_t>(30 + s)});
    if (m) (*m)[{s, date}] = {static_cast<uint8_t>(8 + s), static_cast<uint8_t>(30 + s)};
  }
  return data;
}

// Every slot below `slots` on every date of the model (and one unknown date).
void ExpectReads(const MarksSet& marks, const Model& model, uint64_t slots) {
  std::set<int32_t> dates = {Sept(28)};
  for (const auto& [key, v] : model) dates.insert(key.second);
  for (uint64_t s = 0; s < slots + 1; ++s) {
    for (int32_t d : dates) {
      uint8_t am = 99, pm = 99;
      marks.Get(s, d, &am, &pm);
      auto it = model.find({s, d});
      const std::array<uint8_t, 2> want = it == model.end() ? std::array<uint8_t, 2>{} : it->second;
      EXPECT_EQ(am, want[0]) << "slot " << s << " date " << FormatIsoDate(Date{d});
      EXPECT_EQ(pm, want[1]) << "slot " << s << " date " << FormatIsoDate(Date{d});
    }
  }
}

class MarksFileTest : public testing::ScratchDirTest {
 protected:
  MarksFileTest() : ScratchDirTest("lantern_marks") {}
};

// ReadMarks reads what Get does for any run of dates: a block's adjacent
// columns in one read, a day file's date on its own, nothing past a file's
// slots or on a date without marks.
TEST_F(MarksFileTest, ReadMarksReadsWhatGetDoes) {
  const std::vector<int32_t> dates = {Sept(3), Sept(4), Sept(5), Sept(10)};
  const std::vector<uint8_t> data = BlockData(3, 4, nullptr, dates);
  ASSERT_TRUE(MarksBlock::Write(dir_ + "/b.marks", dates, 3, data.data()).ok());
  const std::vector<uint8_t> fix = DayData(2, Sept(5), nullptr);
  ASSERT_TRUE(MarksDay::Write(dir_ + "/d5.marks", Sept(5), 2, fix.data()).ok());
  const std::vector<uint8_t> day = DayData(4, Sept(11), nullptr);
  ASSERT_TRUE(MarksDay::Write(dir_ + "/d11.marks", Sept(11), 4, day.data()).ok());
  for (const bool corrected : {false, true}) {
    MarksSet m;
    m.blocks.push_back(MarksBlock::Open(dir_ + "/b.marks").value());
    if (corrected) m.days[Sept(5)] = MarksDay::Open(dir_ + "/d5.marks").value();
    m.days[Sept(11)] = MarksDay::Open(dir_ + "/d11.marks").value();
    const std::vector<int32_t> asked = {Sept(3), Sept(4), Sept(5), Sept(6), Sept(10), Sept(11)};
    const std::vector<DateMarks> where = m.Locate(asked);
    for (size_t i = 0; i < asked.size(); ++i) {
      for (size_t j = i; j <= asked.size(); ++j) {
        for (uint64_t s = 0; s < 5; ++s) {
          std::vector<uint8_t> got(2 * (j - i), 0xEE);
          ReadMarks(std::span(where).subspan(i, j - i), s, got.data());
          for (size_t k = i; k < j; ++k) {
            uint8_t am = 0, pm = 0;
            m.Get(s, asked[k], &am, &pm);
            EXPECT_EQ(got[2 * (k - i)], am) << corrected << " " << i << ".." << j << " slot " << s;
            EXPECT_EQ(got[2 * (k - i) + 1], pm)
                << corrected << " " << i << ".." << j << " slot " << s;
          }
        }
      }
    }
  }
}

// Locate finds each date's marks where Get does: a day file before a block
// (a correction), a block's column otherwise, nothing for a date without
// marks or a slot past the file's.
TEST_F(MarksFileTest, LocateFindsEachDateWhereGetDoes) {
  const std::vector<int32_t> dates = {Sept(3), Sept(4), Sept(10)};
  const std::vector<uint8_t> data = BlockData(3, 3, nullptr, dates);
  ASSERT_TRUE(MarksBlock::Write(dir_ + "/b.marks", dates, 3, data.data()).ok());
  const std::vector<uint8_t> fix = DayData(2, Sept(4), nullptr);  // Sept 4 again, 2 slots
  ASSERT_TRUE(MarksDay::Write(dir_ + "/d4.marks", Sept(4), 2, fix.data()).ok());
  const std::vector<uint8_t> day = DayData(4, Sept(11), nullptr);
  ASSERT_TRUE(MarksDay::Write(dir_ + "/d11.marks", Sept(11), 4, day.data()).ok());
  MarksSet m;
  m.blocks.push_back(MarksBlock::Open(dir_ + "/b.marks").value());
  m.days[Sept(4)] = MarksDay::Open(dir_ + "/d4.marks").value();
  m.days[Sept(11)] = MarksDay::Open(dir_ + "/d11.marks").value();
  const std::vector<int32_t> asked = {Sept(3), Sept(4), Sept(5), Sept(10), Sept(11)};
  const std::vector<DateMarks> where = m.Locate(asked);
  ASSERT_EQ(where.size(), asked.size());
  EXPECT_EQ(where[1].stride, 2u);  // the day file, not the block's column
  EXPECT_EQ(where[2].slots, 0u);   // no marks on Sept 5
  EXPECT_EQ(where[0].stride, m.blocks[0]->row_bytes());
  for (size_t i = 0; i < asked.size(); ++i) {
    for (uint64_t s = 0; s < 5; ++s) {
      uint8_t am = 0, pm = 0;
      m.Get(s, asked[i], &am, &pm);
      const uint8_t* at = where[i].at(s);
      EXPECT_EQ(at == nullptr ? kNoMark : at[0], am) << i << " slot " << s;
      EXPECT_EQ(at == nullptr ? kNoMark : at[1], pm) << i << " slot " << s;
      if (at != nullptr) {
        EXPECT_NE(am, kNoMark) << i << " slot " << s;
      }
    }
  }
}

TEST_F(MarksFileTest, BlocksAndDayFilesRoundTrip) {
  const std::vector<int32_t> dates = {Sept(3), Sept(4), Sept(10)};
  const std::vector<uint8_t> data = BlockData(3, 3, nullptr, dates);
  ASSERT_TRUE(MarksBlock::Write(dir_ + "/b.marks", dates, 3, data.data()).ok());
  auto b = MarksBlock::Open(dir_ + "/b.marks");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)->slots(), 3u);
  EXPECT_TRUE(std::equal(dates.begin(), dates.end(), (*b)->dates().begin(), (*b)->dates().end()));
  EXPECT_EQ((*b)->data_bytes(), 18u);
  for (uint64_t s = 0; s < 3; ++s) {
    for (int c = 0; c < 3; ++c) {
      EXPECT_EQ((*b)->row(s)[c * 2], 1 + 4 * s + c);  // enrolment-major: am, pm per date
      EXPECT_EQ((*b)->row(s)[c * 2 + 1], 21 + 4 * s + c);
    }
  }
  for (int c = 0; c < 3; ++c) EXPECT_EQ((*b)->ColumnOf(dates[c]), c);
  for (int32_t missing : {Sept(2), Sept(5), Sept(11)}) EXPECT_EQ((*b)->ColumnOf(missing), -1);

  const std::vector<uint8_t> day = DayData(4, Sept(11), nullptr);
  ASSERT_TRUE(MarksDay::Write(dir_ + "/d.marks", Sept(11), 4, day.data()).ok());
  auto d = MarksDay::Open(dir_ + "/d.marks");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)->date(), Sept(11));
  EXPECT_EQ((*d)->slots(), 4u);
  EXPECT_TRUE(std::equal(day.begin(), day.end(), (*d)->data()));
  // No slots, no dates.
  ASSERT_TRUE(MarksDay::Write(dir_ + "/d0.marks", Sept(12), 0, nullptr).ok());
  EXPECT_EQ(MarksDay::Open(dir_ + "/d0.marks").value()->slots(), 0u);
  ASSERT_TRUE(MarksBlock::Write(dir_ + "/b0.marks", {}, 5, nullptr).ok());
  EXPECT_EQ(MarksBlock::Open(dir_ + "/b0.marks").value()->ColumnOf(Sept(3)), -1);
}

TEST_F(MarksFileTest, DamagedMarksFilesAreErrors) {
  const std::vector<int32_t> dates = {Sept(3)};
  const std::vector<uint8_t> data = BlockData(2, 1, nullptr, dates);
  ASSERT_TRUE(MarksBlock::Write(dir_ + "/b.marks", dates, 2, data.data()).ok());
  ASSERT_TRUE(MarksDay::Write(dir_ + "/d.marks", Sept(3), 2, data.data()).ok());
  const std::string block = ReadFileToString(dir_ + "/b.marks").value();
  const std::string dayfile = ReadFileToString(dir_ + "/d.marks").value();
  auto put = [&](const std::string& bytes) {
    const std::string p = dir_ + "/bad.marks";
    std::filesystem::remove(p);
    EXPECT_TRUE(WriteFileAtomic(p, bytes).ok());
    return p;
  };
  EXPECT_FALSE(MarksBlock::Open(put(block.substr(0, block.size() - 1))).ok());
  EXPECT_FALSE(MarksBlock::Open(put(block + "x")).ok());
  EXPECT_FALSE(MarksBlock::Open(put(block.substr(0, 12))).ok());
  EXPECT_FALSE(MarksDay::Open(put(dayfile.substr(0, dayfile.size() - 1))).ok());
  EXPECT_FALSE(MarksDay::Open(put(dayfile.substr(0, 100))).ok());
  EXPECT_FALSE(MarksBlock::Open(dir_ + "/d.marks").ok());  // the other kind
  EXPECT_FALSE(MarksDay::Open(dir_ + "/b.marks").ok());
  EXPECT_FALSE(MarksDay::Open(dir_ + "/absent.marks").ok());
}

class MarksMergeTest : public testing::ScratchDirTest {
 protected:
  MarksMergeTest() : ScratchDirTest("lantern_marks_merge") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    store_ = Store::Open(dir_ + "/store", Store::Mode::kWrite).value();
  }
  // Writes a block (and day files) into the store as one commit.
  void Seed(const std::vector<int32_t>& dates, uint64_t slots,
            const std::vector<std::pair<int32_t, uint64_t>>& days) {
    StoreState state;
    CommitPlan plan;
    plan.state = &state;
    plan.year = AcademicYear(2018);
    const std::string file = store_->NewFileName("blk", "marks");
    const auto data = BlockData(slots, dates.size(), &model_, dates);
    ASSERT_TRUE(MarksBlock::Write(store_->PathOf(file), dates, slots, data.data()).ok());
    plan.add_blocks.push_back(file);
    for (auto [date, day_slots] : days) {
      const std::string f = store_->NewFileName("day", "marks");
      const auto d = DayData(day_slots, date, &model_);
      ASSERT_TRUE(MarksDay::Write(store_->PathOf(f), date, day_slots, d.data()).ok());
      plan.add_days[date] = f;
    }
    ASSERT_TRUE(store_->Commit(plan).ok());
  }
  // Merges these rows (in file order) into a store of `slots` enrolments and commits.
  MarksMergeResult Merge(uint64_t slots, const std::vector<MarkTuple>& rows) {
    StoreState state;
    state.year = AcademicYear(2018);
    state.enrolments.pupil.assign(slots, 0);
    state.marks = store_->LoadMarks().value();
    IngestContext ctx(&state, 1);
    ctx.year = state.year;
    std::vector<ParsedMarks> parsed(1);
    parsed[0].tuple_chunks = {rows};
    parsed[0].source = &source_;
    CommitPlan plan;
    plan.state = &state;
    plan.year = state.year;
    auto r = MergeMarks(ctx, *store_, parsed, &plan);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(store_->Commit(plan).ok());
    return r.ok() ? *r : MarksMergeResult();
  }
  // A row of the file; the model takes each session given, first row first.
  MarkTuple Row(uint32_t slot, int32_t date, uint8_t am, uint8_t pm) {
    auto& cell = model_[{slot, date}];
    if (!given_.insert({slot, date}).second) return {slot, date, am, pm, ++line_};
    if (am != kNoMark) cell[0] = am;
    if (pm != kNoMark) cell[1] = pm;
    return {slot, date, am, pm, ++line_};
  }

  std::unique_ptr<Store> store_;
  Model model_;
  std::set<std::pair<uint64_t, int32_t>> given_;
  InputSource source_;
  uint32_t line_ = 1;
};

TEST_F(MarksMergeTest, DayFilesOverrideTheBlockAndLaterSlotsHaveNoMarks) {
  // A block of 2 slots; a correction of 4 Sept and a new day, each with 3 slots.
  Seed({Sept(3), Sept(4), Sept(5)}, 2, {{Sept(4), 3}, {Sept(6), 3}});
  const MarksSet marks = store_->LoadMarks().value();
  EXPECT_EQ(marks.Dates(), (std::vector<int32_t>{Sept(3), Sept(4), Sept(5), Sept(6)}));
  EXPECT_EQ(marks.MarkBytes(), 2u * 3 * 2 + 2 * 3 * 2);
  EXPECT_EQ(model_.at({1, Sept(4)})[0], 9);  // the day file's, not the block's 6
  ExpectReads(marks, model_, 3);             // slot 2 has no marks on 3 and 5 Sept
}

TEST_F(MarksMergeTest, ManyDatesFoldEveryFileIntoOneBlock) {
  Seed({Sept(3), Sept(4), Sept(5)}, 2, {{Sept(4), 3}, {Sept(6), 3}});
  // Eight new dates, out of order in the file, for a slot that enrolled
  // after every file (3); a pupil's later day; a morning-only correction.
  const std::vector<int32_t> fresh = {Sept(18), Sept(7),  Sept(10), Sept(14),
                                      Sept(11), Sept(12), Sept(13), Sept(17)};
  std::vector<MarkTuple> rows;
  for (uint8_t i = 0; i < fresh.size(); ++i) {
    rows.push_back(Row(3, fresh[i], static_cast<uint8_t>(30 + i), static_cast<uint8_t>(38 + i)));
  }
  rows.push_back(Row(0, Sept(17), 47, 46));
  rows.push_back(Row(1, Sept(3), 45, kNoMark));  // keeps the block's afternoon
  const MarksMergeResult r = Merge(4, rows);
  EXPECT_TRUE(r.wrote_block);
  EXPECT_EQ(r.dates_written, 12u);
  const MarksSet marks = store_->LoadMarks().value();
  ASSERT_EQ(marks.blocks.size(), 1u);
  EXPECT_TRUE(marks.days.empty());
  const MarksBlock& b = *marks.blocks[0];
  EXPECT_EQ(b.slots(), 4u);
  std::vector<int32_t> all = {Sept(3), Sept(4), Sept(5), Sept(6)};
  all.insert(all.end(), fresh.begin(), fresh.end());
  std::sort(all.begin(), all.end());
  EXPECT_TRUE(std::equal(all.begin(), all.end(), b.dates().begin(), b.dates().end()));
  EXPECT_EQ(model_.at({1, Sept(3)}), (std::array<uint8_t, 2>{45, 25}));
  ExpectReads(marks, model_, 4);
}

TEST_F(MarksMergeTest, TheLastDatesOfAFoldGetABlockOfTheirOwn) {
  // Forty school days from 3 September for two slots, folded with a block
  // of three: the last kRecentBlockDates dates in the second block.
  Seed({Sept(3), Sept(4), Sept(5)}, 2, {});
  std::vector<int32_t> fresh;
  for (Date d{Sept(6)}; fresh.size() < 40; d = d + 1) {
    if (d.IsWeekday()) fresh.push_back(d.days);
  }
  std::vector<MarkTuple> rows;
  for (size_t i = 0; i < fresh.size(); ++i) {
    rows.push_back(Row(i % 2, fresh[i], static_cast<uint8_t>(30 + i % 20), 50));
  }
  const MarksMergeResult r = Merge(2, rows);
  EXPECT_TRUE(r.wrote_block);
  EXPECT_EQ(r.dates_written, 43u);
  ASSERT_EQ(r.block_files.size(), 2u);
  const MarksSet marks = store_->LoadMarks().value();
  ASSERT_EQ(marks.blocks.size(), 2u);
  const MarksBlock& older = *marks.blocks[0];
  const MarksBlock& recent = *marks.blocks[1];
  ASSERT_EQ(recent.dates().size(), kRecentBlockDates);
  EXPECT_EQ(older.dates().size(), 43u - kRecentBlockDates);
  EXPECT_EQ(recent.dates().back(), fresh.back());
  EXPECT_LT(older.dates().back(), recent.dates().front());
  EXPECT_EQ(recent.row_bytes(), kRecentBlockDates * 2);
  ExpectReads(marks, model_, 2);
}

TEST_F(MarksMergeTest, AFewDatesAreWrittenAsDayFilesThatReplaceTheirDate) {
  Seed({Sept(3), Sept(4), Sept(5)}, 2, {});
  const std::vector<MarkTuple> rows = {
      Row(0, Sept(4), 44, 45),  // a correction: updated
      Row(2, Sept(4), 42, 43),  // a new slot: inserted
      Row(1, Sept(6), 40, 41),  // a new date: inserted
      Row(1, Sept(6), 46, 47),  // the same cell again: rejected, the first wins
  };
  MarksMergeResult r = Merge(3, rows);
  EXPECT_FALSE(r.wrote_block);
  EXPECT_EQ(r.dates_written, 2u);
  EXPECT_EQ(source_.counts.inserted, 2u);
  EXPECT_EQ(source_.counts.updated, 1u);
  EXPECT_EQ(source_.counts.rejected, 1u);
  EXPECT_EQ(source_.rejects.size(), 1u);
  const MarksSet marks = store_->LoadMarks().value();
  ASSERT_EQ(marks.blocks.size(), 1u);
  EXPECT_EQ(marks.blocks[0]->dates().size(), 3u);  // the block is not rewritten
  ASSERT_EQ(marks.days.size(), 2u);
  // The day file for 4 Sept is the whole date: slot 1 keeps its block marks.
  EXPECT_EQ(marks.days.at(Sept(4))->slots(), 3u);
  EXPECT_EQ(marks.days.at(Sept(4))->data()[2], 6);
  ExpectReads(marks, model_, 3);
  // The same rows again change nothing and write nothing.
  source_ = InputSource();
  r = Merge(3, {rows[0], rows[1], rows[2]});
  EXPECT_EQ(r.dates_written, 0u);
  EXPECT_EQ(source_.counts.unchanged, 3u);
  ExpectReads(store_->LoadMarks().value(), model_, 3);
}

}  // namespace
}  // namespace lantern
