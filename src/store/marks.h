// Attendance marks on disk.
//
// A mark is one byte per session (model/register_codes.h: 0 = no mark).
// Marks live in two kinds of immutable file:
//  - a block holds a set of dates for every enrolment slot it covers, laid
//    out enrolment by enrolment (row = am,pm for each date in order), so the
//    build reads each enrolment's year as one run of bytes;
//  - a day file holds one date for every slot (am,pm per slot): the daily
//    feed appends one of these, and a correction to a date already in a
//    block is written as a day file that replaces that date.
// A slot past a file's slot count has no marks in that file (it enrolled
// later). `lantern ingest` merges day files into a new block when they pile
// up (docs/store.md).
#ifndef LANTERN_STORE_MARKS_H_
#define LANTERN_STORE_MARKS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "lantern/status.h"
#include "model/register_codes.h"

namespace lantern {

class MarksBlock {
 public:
  static Result<std::unique_ptr<MarksBlock>> Open(const std::string& path);
  // Writes a block; data is slots x dates x 2 bytes, enrolment-major. With
  // a row_stride (bytes from one slot's row to the next, at least
  // dates.size() * 2), each row is the first dates.size() * 2 bytes of its
  // stride: a block of some of a wider grid's columns.
  static Status Write(const std::string& path, std::span<const int32_t> dates, uint64_t slots,
                      const uint8_t* data, size_t row_stride = 0);

  uint64_t slots() const { return slots_; }
  std::span<const int32_t> dates() const { return dates_; }
  size_t row_bytes() const { return dates_.size() * 2; }
  const uint8_t* row(uint64_t slot) const { return data_ + slot * row_bytes(); }
  const uint8_t* data() const { return data_; }
  uint64_t data_bytes() const { return slots_ * row_bytes(); }
  // Column of a date, or -1.
  int ColumnOf(int32_t date) const;
  const MappedFile& file() const { return *file_; }

 private:
  std::unique_ptr<MappedFile> file_;
  std::vector<int32_t> dates_;
  uint64_t slots_ = 0;
  const uint8_t* data_ = nullptr;
};

class MarksDay {
 public:
  static Result<std::unique_ptr<MarksDay>> Open(const std::string& path);
  // data is slots x 2 bytes (am, pm).
  static Status Write(const std::string& path, int32_t date, uint64_t slots, const uint8_t* data);

  int32_t date() const { return date_; }
  uint64_t slots() const { return slots_; }
  const uint8_t* data() const { return data_; }
  const MappedFile& file() const { return *file_; }

 private:
  std::unique_ptr<MappedFile> file_;
  int32_t date_ = 0;
  uint64_t slots_ = 0;
  const uint8_t* data_ = nullptr;
};

// Where one date's marks are, for reading many slots on it: the am and pm
// marks of slot s are at(s)[0] and at(s)[1] (nullptr: the slot has none).
// A day file and a block column differ only in the stride.
struct DateMarks {
  const uint8_t* base = nullptr;
  uint64_t stride = 0, slots = 0;
  const MappedFile* file = nullptr;  // the file base lies in (null: not a file's)
  const uint8_t* at(uint64_t slot) const { return slot < slots ? base + slot * stride : nullptr; }
};

// The marks of one slot on each date of `on` (am, pm; 0 where it has none)
// into out[0 .. 2 * on.size()), read from the files with one read for each
// run of dates side by side in a file, not through the mappings: for a
// scattered few slots of a national store (the case list of children
// missing education), a read costs less than the first touch of a mapped
// page does on virtual machines (bench/RESULTS.md, session 20).
void ReadMarks(std::span<const DateMarks> on, uint64_t slot, uint8_t* out);

// Every mark in the store: blocks plus the day files that override or extend
// them. A date appears in at most one block.
class MarksSet {
 public:
  std::vector<std::unique_ptr<MarksBlock>> blocks;
  std::map<int32_t, std::unique_ptr<MarksDay>> days;  // by date

  // All dates with marks, sorted.
  std::vector<int32_t> Dates() const;
  // The am/pm marks of a slot on a date (0,0 when none).
  void Get(uint64_t slot, int32_t date, uint8_t* am, uint8_t* pm) const;
  // Where a date's marks are: a day file (which corrects a block's date)
  // before a block's column; no slots for a date without marks.
  DateMarks Locate(int32_t date) const;
  std::vector<DateMarks> Locate(std::span<const int32_t> dates) const;
  uint64_t MarkBytes() const;
};

}  // namespace lantern

#endif  // LANTERN_STORE_MARKS_H_
