// The early warning's attendance rings: each pupil's last n school days on
// a roll, moved on a day at a time, against a plain list of the days; and
// the file they are kept in, saved whole or in place, and refused when
// damaged or made for another store generation or rules.
#include "flags/attendance_rings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "tests/scratch_dir.h"

namespace lantern {
namespace {

// A school day of the calendar for one pupil: on a roll with its sessions,
// or skipped (possible 0).
struct Day {
  uint32_t possible, attended;
};

// What a ring of window n should hold after a pupil's calendar days (the
// last is the ring's day): the sessions of the last n days on a roll, and
// how many calendar days back the oldest and latest of them are.
struct Expected {
  size_t held = 0;
  uint32_t possible = 0, attended = 0;
  size_t oldest = 0, latest = 0;
};
Expected Expect(const std::vector<Day>& calendar, size_t n) {
  Expected e;
  for (size_t back = 0; back < calendar.size() && e.held < n; ++back) {
    const Day& d = calendar[calendar.size() - 1 - back];
    if (d.possible == 0) continue;
    if (e.held == 0) e.latest = back;
    e.oldest = back;
    e.possible += d.possible;
    e.attended += d.attended;
    ++e.held;
  }
  return e;
}

void ExpectRing(const uint8_t* ring, size_t n, const std::vector<Day>& calendar, bool* dated) {
  const Expected e = Expect(calendar, n);
  ASSERT_EQ(AttendanceRings::DaysHeld(ring), e.held);
  uint32_t p = 0, a = 0;
  AttendanceRings::Sum(ring, n, &p, &a);
  ASSERT_EQ(p, e.possible);
  ASSERT_EQ(a, e.attended);
  size_t oldest = 0, latest = 0;
  *dated = AttendanceRings::DaysBack(ring, n, &oldest, &latest);
  if (*dated) {
    ASSERT_EQ(oldest, e.oldest);
    ASSERT_EQ(latest, e.latest);
  }
}

// The ring worked out afresh from the calendar, latest first, as the
// evaluator walks it.
bool SetFrom(uint8_t* ring, size_t n, const std::vector<Day>& calendar) {
  std::vector<uint32_t> possible, attended, back;
  for (size_t b = 0; b < calendar.size() && possible.size() < n; ++b) {
    const Day& d = calendar[calendar.size() - 1 - b];
    if (d.possible == 0) continue;
    possible.push_back(d.possible);
    attended.push_back(d.attended);
    back.push_back(static_cast<uint32_t>(b));
  }
  return AttendanceRings::Set(ring, n, possible.data(), attended.data(), back.data(),
                              possible.size());
}

TEST(AttendanceRingsTest, MovesOnAsAListOfTheLastDaysDoes) {
  std::mt19937 random(11);
  for (size_t n : {size_t{1}, size_t{2}, size_t{7}, size_t{30}, AttendanceRings::kMaxDays}) {
    // Skipped days often, now and then, or seldom; and a long spell off
    // the roll (more than the ring has room for) once.
    for (int skip_in : {3, 10, 60}) {
      std::vector<uint8_t> ring(AttendanceRings::Stride(n), 0xAB);
      std::vector<Day> calendar;
      for (size_t i = 0; i < n / 2 + 1; ++i) {
        const uint32_t p = random() % 4 == 0 ? 0 : 1 + static_cast<uint32_t>(random()) % 2;
        calendar.push_back({p, p == 0 ? 0 : static_cast<uint32_t>(random()) % (p + 1)});
      }
      ASSERT_TRUE(SetFrom(ring.data(), n, calendar));
      // By calendar day: how many calendar days the days held spanned
      // then (the ring's slots they needed).
      std::vector<size_t> span(calendar.size(), 0);
      span.back() = Expect(calendar, n).oldest + 1;
      size_t dated_steps = 0;
      for (int step = 0; step < 600; ++step) {
        bool dated = false;
        ExpectRing(ring.data(), n, calendar, &dated);
        ASSERT_FALSE(::testing::Test::HasFatalFailure()) << n << " " << step;
        dated_steps += dated;
        // The days held always fitted the ring since the oldest came in:
        // their places are known.
        const Expected e = Expect(calendar, n);
        const bool fitted =
            e.held > 0 && *std::max_element(span.end() - static_cast<std::ptrdiff_t>(e.oldest + 1),
                                            span.end()) <= AttendanceRings::Capacity(n);
        ASSERT_TRUE(dated || !fitted) << n << " " << skip_in << " " << step;
        const bool away = step >= 300 && step < 300 + static_cast<int>(n) + 20;
        if (away || random() % skip_in == 0) {
          AttendanceRings::Skip(ring.data(), n);  // a school day not on a roll
          calendar.push_back({0, 0});
        } else {
          // A school day on a roll has a possible session (1 to 3 here).
          const uint32_t p = 1 + static_cast<uint32_t>(random()) % 3;
          const Day day{p, static_cast<uint32_t>(random()) % (p + 1)};
          ASSERT_TRUE(AttendanceRings::Push(ring.data(), n, day.possible, day.attended));
          calendar.push_back(day);
        }
        const Expected after = Expect(calendar, n);
        span.push_back(after.held > 0 ? after.oldest + 1 : 0);
      }
      // Seldom skipped: dated on most days, not only while the days held
      // are next to each other in the calendar.
      if (skip_in == 60 && n <= 30) {
        EXPECT_GT(dated_steps, 400u) << n;
      }
    }
  }
}

TEST(AttendanceRingsTest, AHalfTermThatWasNotTheSchoolsKeepsTheWindowsDays) {
  const size_t n = 30;
  std::vector<uint8_t> ring(AttendanceRings::Stride(n), 0);
  std::vector<Day> calendar(20, Day{2, 2});
  ASSERT_TRUE(SetFrom(ring.data(), n, calendar));
  // Another LA's week at school: five calendar days skipped.
  for (int i = 0; i < 5; ++i) {
    AttendanceRings::Skip(ring.data(), n);
    calendar.push_back({0, 0});
  }
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(AttendanceRings::Push(ring.data(), n, 2, 1));
    calendar.push_back({2, 1});
    bool dated = false;
    ExpectRing(ring.data(), n, calendar, &dated);
    EXPECT_TRUE(dated) << i;
  }
  // Worked out afresh with the week inside the window: the same.
  std::vector<uint8_t> afresh(AttendanceRings::Stride(n), 0);
  calendar.resize(20 + 5 + 15);
  ASSERT_TRUE(SetFrom(afresh.data(), n, calendar));
  bool dated = false;
  ExpectRing(afresh.data(), n, calendar, &dated);
  EXPECT_TRUE(dated);
  // Two weeks away: more skipped days than the ring has room for. The days
  // held before them have no known place until they have left the window.
  for (int i = 0; i < 10; ++i) {
    AttendanceRings::Skip(afresh.data(), n);
    calendar.push_back({0, 0});
  }
  ExpectRing(afresh.data(), n, calendar, &dated);
  EXPECT_FALSE(dated);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(AttendanceRings::Push(afresh.data(), n, 1, 1));
    calendar.push_back({1, 1});
    ExpectRing(afresh.data(), n, calendar, &dated);
    EXPECT_EQ(dated, i == n - 1) << i;
  }
}

TEST(AttendanceRingsTest, ADayThatDoesNotFitLeavesTheRingNotKnown) {
  const size_t n = 5;
  std::vector<uint8_t> ring(AttendanceRings::Stride(n), 0);
  const uint32_t possible[] = {2, 2}, attended[] = {1, 2}, back[] = {0, 1};
  ASSERT_TRUE(AttendanceRings::Set(ring.data(), n, possible, attended, back, 2));
  EXPECT_TRUE(AttendanceRings::Known(ring.data()));
  // Four possible sessions in a day (two registrations): kept elsewhere.
  EXPECT_FALSE(AttendanceRings::Push(ring.data(), n, 4, 4));
  EXPECT_FALSE(AttendanceRings::Known(ring.data()));
  const uint32_t big[] = {2, 4}, some[] = {2, 1};
  EXPECT_FALSE(AttendanceRings::Set(ring.data(), n, big, some, back, 2));
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
        const uint32_t back[] = {0, 1 + static_cast<uint32_t>(p % 2), 3};
        AttendanceRings::Set(r->at(b, p), r->windows()[b], possible, attended, back,
                             std::min<size_t>(p % 4, 3));
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
