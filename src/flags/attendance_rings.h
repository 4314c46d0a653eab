// What the early warning keeps from one school day to the next besides the
// flag history: for each attendance trigger and pupil, the sessions of the
// pupil's last n school days on a roll, a day at a time. The next school
// day's window is this one with the day's sessions in and, once n days are
// held, the oldest day's out, so the daily step reads one date of marks
// rather than n (docs/early-warning.md, "Speed").
#ifndef LANTERN_FLAGS_ATTENDANCE_RINGS_H_
#define LANTERN_FLAGS_ATTENDANCE_RINGS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/date.h"
#include "lantern/status.h"

namespace lantern {

// A pupil's window for one trigger is a ring of n days and a few more
// slots, each day's possible and attended sessions (0 to 3 each) in four
// bits, after four bytes: how many days it holds plus one (0: not known),
// the slot the next day goes into, and how many skipped days it holds. A
// skipped day is a school day of the calendar that was not one on a roll
// for the pupil (a half-term week that was not their school's, a closure):
// kept in a slot of its own between the days, so that each day's place in
// the calendar, and the window's first and last days, are known without
// the marks. Skipped days that do not fit are let go, and the days held
// then have no known place until they have left the window (the fourth
// byte counts them). Slots not holding a day are 0.
class AttendanceRings {
 public:
  static constexpr size_t kMaxDays = 248;
  static constexpr size_t kSkipRoom = 6;       // slots for skipped days (a week's and one)
  static constexpr uint32_t kMaxSessions = 3;  // a day's possible or attended
  static constexpr size_t kHead = 4;

  AttendanceRings() = default;
  // Rings for triggers of these windows (each 1 to kMaxDays school days),
  // for `pupils` pupils, ending on no day, their contents not set: the
  // first evaluation writes every one (its rings end on no day).
  AttendanceRings(std::vector<uint16_t> windows, size_t pupils);
  AttendanceRings(AttendanceRings&&) = default;
  AttendanceRings& operator=(AttendanceRings&&) = default;

  // The school day the rings end on (kNoDate: none known).
  int32_t day = kNoDate;
  // How many pupils' first rings the last evaluation moved on from the day
  // before (the rest worked out from the marks).
  size_t moved_on = 0;
  const std::vector<uint16_t>& windows() const { return windows_; }
  size_t pupils() const { return pupils_; }
  // The file the rings were read from, if they still fit it ("" : none).
  const std::string& file() const { return file_; }

  // The ring of trigger b (its index among the attendance triggers) for
  // the pupil.
  uint8_t* at(size_t b, size_t pupil) { return rings_[b].get() + pupil * Stride(windows_[b]); }
  const uint8_t* at(size_t b, size_t pupil) const {
    return rings_[b].get() + pupil * Stride(windows_[b]);
  }
  // More pupils (their rings not known); never fewer.
  void Grow(size_t pupils);

  static size_t Capacity(size_t n) { return n + kSkipRoom; }
  static size_t Stride(size_t n) { return kHead + (Capacity(n) + 1) / 2; }
  static bool Known(const uint8_t* ring) { return ring[0] != 0; }
  static size_t DaysHeld(const uint8_t* ring) { return ring[0] == 0 ? 0 : ring[0] - 1u; }
  static void Forget(uint8_t* ring, size_t n);
  // The ring of the pupil's last school days on a roll, given latest first
  // (possible, attended), with how many school days of the calendar each
  // is before the ring's day (increasing): false, the ring not known, if a
  // day does not fit.
  static bool Set(uint8_t* ring, size_t n, const uint32_t* possible, const uint32_t* attended,
                  const uint32_t* back, size_t days);
  // One more school day on a roll, with a possible session (the oldest out
  // when n are held): false, the ring not known, if the day does not fit.
  static bool Push(uint8_t* ring, size_t n, uint32_t possible, uint32_t attended);
  // A school day of the calendar that was not one on a roll for the pupil.
  static void Skip(uint8_t* ring, size_t n);
  // The sessions of the days held.
  static void Sum(const uint8_t* ring, size_t n, uint32_t* possible, uint32_t* attended);
  // How many school days of the calendar before the ring's day its oldest
  // and latest days held are; false when not known (no days, or skipped
  // days let go since the oldest).
  static bool DaysBack(const uint8_t* ring, size_t n, size_t* oldest, size_t* latest);

  // A binary file with a checksum, not synced: a cache that its reader
  // checks. Rings read from `path` are written back over it in place (its
  // pages reused, its head last); any others are written to a temporary
  // file renamed into place. A run that fails part way leaves a file that
  // no longer passes the checks. `key` says what the rings were worked out
  // under (the triggers' windows and how each mark code counts);
  // `generation` the store generation they hold for.
  Status Save(const std::string& path, uint64_t generation, const std::string& key,
              int threads = 0) const;
  // The rings saved in a file, read on `threads` threads (0: every core).
  // A file that is not one, damaged, or saved under another key or
  // generation is an error: the caller then works every window out.
  static Result<AttendanceRings> Load(const std::string& path, uint64_t generation,
                                      const std::string& key, int threads = 0);

 private:
  static void Append(uint8_t* ring, size_t n, uint8_t v);
  static void PopOldest(uint8_t* ring, size_t n);
  // The days held only, their skipped days let go.
  static void Compact(uint8_t* ring, size_t n);
  // Room for `pupils` and a few more (so that a day's new pupils fit the
  // file without a copy), not cleared: a fresh buffer's pages are zeroed
  // by the kernel anyway, and clearing them again costs as much.
  void Allocate(size_t pupils);
  static size_t RoomFor(size_t pupils) { return pupils + pupils / 64 + 1024; }
  // The head (a page) with its checksum, which covers the head after
  // itself and the rings of `pupils_` pupils.
  std::string Head(uint64_t generation, const std::string& key, int threads) const;
  // Where trigger b's rings start in the file.
  size_t Offset(size_t b) const;
  std::vector<uint16_t> windows_;
  size_t pupils_ = 0, room_ = 0;
  std::vector<std::unique_ptr<uint8_t[]>> rings_;  // by trigger: room_ x Stride(n) bytes
  std::string file_;
};

}  // namespace lantern

#endif  // LANTERN_FLAGS_ATTENDANCE_RINGS_H_
