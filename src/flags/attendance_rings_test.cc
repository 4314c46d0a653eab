// The early warning's attendance rings: each pupil's last n school days on
// a roll, moved on a day at a time, against a plain list of the days; and
// the file they are kept in, saved whole or in place, and refused when
// damaged or made for another store generation or rules.
#include "flags/attendance_rings.h"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>

#include "tests/scratch_dir.h"

namespace lantern {
namespace {

struct Day {
  uint32_t possible, attended;
};

// The sessions of the last n days of a plain list.
std::pair<uint32_t, uint32_t> Sums(const std::deque<Day>& days) {
  uint32_t p = 0, a = 0;
  for (const Day& d : days) {
    p += d.possible;
    a += d.attended;
  }
  return {p, a};
}

TEST(AttendanceRingsTest, MovesOnAsAListOfTheLastDaysDoes) {
  std::mt19937 random(11);
  for (size_t n : {size_t{1}, size_t{2}, size_t{7}, size_t{30}, AttendanceRings::kMaxDays}) {
    std::vector<uint8_t> ring(AttendanceRings::Stride(n), 0xAB);
    // Worked out from the latest days first, as the evaluator walks them.
    std::vector<uint32_t> possible, attended;
    std::deque<Day> days;
    for (size_t i = 0; i < n / 2 + 1; ++i) {
      const uint32_t p = 1 + static_cast<uint32_t>(random()) % 2;
      const uint32_t a = static_cast<uint32_t>(random()) % (p + 1);
      possible.insert(possible.begin(), p);
      attended.insert(attended.begin(), a);
      days.push_back({p, a});
    }
    const size_t held = std::min(n, possible.size());
    while (days.size() > held) days.pop_front();
    ASSERT_TRUE(AttendanceRings::Set(ring.data(), n, possible.data(), attended.data(), held, 3));
    EXPECT_EQ(AttendanceRings::DaysInARow(ring.data()), 3u);
    for (int step = 0; step < 600; ++step) {
      ASSERT_EQ(AttendanceRings::DaysHeld(ring.data()), days.size()) << n << " " << step;
      uint32_t sum_p = 0, sum_a = 0;
      AttendanceRings::Sum(ring.data(), n, &sum_p, &sum_a);
      ASSERT_EQ(std::make_pair(sum_p, sum_a), Sums(days)) << n << " " << step;
      if (random() % 5 == 0) {
        AttendanceRings::Skip(ring.data());  // a day off the roll: nothing in or out
        EXPECT_EQ(AttendanceRings::DaysInARow(ring.data()), 0u);
        continue;
      }
      const size_t in_a_row = AttendanceRings::DaysInARow(ring.data());
      // A school day on a roll has a possible session (1 to 3 here).
      const uint32_t p = 1 + static_cast<uint32_t>(random()) % 3;
      const Day day{p, static_cast<uint32_t>(random()) % (p + 1)};
      ASSERT_TRUE(AttendanceRings::Push(ring.data(), n, day.possible, day.attended));
      EXPECT_EQ(AttendanceRings::DaysInARow(ring.data()), std::min<size_t>(in_a_row + 1, 255));
      days.push_back(day);
      if (days.size() > n) days.pop_front();
    }
  }
}

TEST(AttendanceRingsTest, ADayThatDoesNotFitLeavesTheRingNotKnown) {
  const size_t n = 5;
  std::vector<uint8_t> ring(AttendanceRings::Stride(n), 0);
  const uint32_t possible[] = {2, 2}, attended[] = {1, 2};
  ASSERT_TRUE(AttendanceRings::Set(ring.data(), n, possible, attended, 2, 2));
  EXPECT_TRUE(AttendanceRings::Known(ring.data()));
  // Four possible sessions in a day (two registrations): kept elsewhere.
  EXPECT_FALSE(AttendanceRings::Push(ring.data(), n, 4, 4));
  EXPECT_FALSE(AttendanceRings::Known(ring.data()));
  const uint32_t big[] = {2, 4}, some[] = {2, 1};
  EXPECT_FALSE(AttendanceRings::Set(ring.data(), n, big, some, 2, 0));
  EXPECT_FALSE(AttendanceRings::Known(ring.data()));
  // A ring not known does not move on.
  EXPECT_FALSE(AttendanceRings::Push(ring.data(), n, 2, 2));
  EXPECT_EQ(AttendanceRings::DaysHeld(ring.data()), 0u);
}

class AttendanceRingsFileTest : public testing::ScratchDirTest {
 protected:
  AttendanceRingsFileTest() : ScratchDirTest("lantern_rings") {}
  // Rings of windows 30 and 3 for `pupils` pupils, pupil p holding p % 4
  // days of (2, p % 3).
  static void Fill(AttendanceRings* r) {
    for (size_t b = 0; b < r->windows().size(); ++b) {
      for (size_t p = 0; p < r->pupils(); ++p) {
        const uint32_t possible[] = {2, 2, 2}, attended[] = {static_cast<uint32_t>(p % 3), 2, 1};
        AttendanceRings::Set(r->at(b, p), r->windows()[b], possible, attended,
                             std::min<size_t>(p % 4, 3), p % 4);
      }
    }
  }
  static void ExpectSame(const AttendanceRings& x, const AttendanceRings& y) {
    ASSERT_EQ(x.windows(), y.windows());
    ASSERT_EQ(x.pupils(), y.pupils());
    EXPECT_EQ(x.day, y.day);
    for (size_t b = 0; b < x.windows().size(); ++b) {
      for (size_t p = 0; p < x.pupils(); ++p) {
        ASSERT_EQ(0, std::memcmp(x.at(b, p), y.at(b, p), AttendanceRings::Stride(x.windows()[b])))
            << b << " " << p;
      }
    }
  }
};

TEST_F(AttendanceRingsFileTest, SavedWholeOrInPlaceAndReadBack) {
  const std::string path = dir_ + "/fst-1.rings";
  AttendanceRings r({30, 3}, 5000);
  Fill(&r);
  r.day = 17800;
  ASSERT_TRUE(r.Save(path, 7, "key").ok());
  auto loaded = AttendanceRings::Load(path, 7, "key");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSame(r, *loaded);
  EXPECT_EQ(loaded->file(), path);

  // Moved on and written over the file read: read back as changed, and no
  // longer as the generation before.
  ASSERT_TRUE(AttendanceRings::Push(loaded->at(0, 5), 30, 2, 0));
  ASSERT_TRUE(AttendanceRings::Push(r.at(0, 5), 30, 2, 0));
  loaded->day = r.day = 17801;
  loaded->Grow(5100);  // a day's new pupils fit in the file's room
  r.Grow(5100);
  EXPECT_EQ(loaded->file(), path);
  ASSERT_TRUE(loaded->Save(path, 8, "key").ok());
  auto again = AttendanceRings::Load(path, 8, "key");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ExpectSame(r, *again);
  EXPECT_FALSE(AttendanceRings::Load(path, 7, "key").ok());
  EXPECT_FALSE(AttendanceRings::Load(path, 8, "another").ok());

  // More pupils than the room: taken into memory, saved whole elsewhere.
  again->Grow(100000);
  EXPECT_EQ(again->file(), "");
  const std::string other = dir_ + "/fst-2.rings";
  ASSERT_TRUE(again->Save(other, 9, "key").ok());
  auto bigger = AttendanceRings::Load(other, 9, "key");
  ASSERT_TRUE(bigger.ok());
  EXPECT_EQ(bigger->pupils(), 100000u);
  EXPECT_FALSE(AttendanceRings::Known(bigger->at(0, 99999)));
  EXPECT_TRUE(AttendanceRings::Known(bigger->at(0, 5)));
}

TEST_F(AttendanceRingsFileTest, ADamagedOrUnsavedFileIsRefused) {
  const std::string path = dir_ + "/fst-4.rings";
  AttendanceRings r({30}, 2000);
  Fill(&r);
  ASSERT_TRUE(r.Save(path, 3, "key").ok());
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 + 18 * 1000 + 4);
    f.put('\x7f');
  }
  auto damaged = AttendanceRings::Load(path, 3, "key");
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.status().message().find("checksum"), std::string::npos);
  std::filesystem::resize_file(path, 5000);
  EXPECT_FALSE(AttendanceRings::Load(path, 3, "key").ok());
  EXPECT_FALSE(AttendanceRings::Load(dir_ + "/none.rings", 3, "key").ok());
}

}  // namespace
}  // namespace lantern
