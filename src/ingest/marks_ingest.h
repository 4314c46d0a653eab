// Validation of attendance marks (attendance.csv long form and
// attendance_compact.csv) and their merge into the store's marks files.
//
// Parsing runs on every core, one chunk of the file each; each chunk's
// accepted marks keep their file order, so the merge (one thread) sees rows
// in file order and the first of two duplicate rows always wins.
#ifndef LANTERN_INGEST_MARKS_INGEST_H_
#define LANTERN_INGEST_MARKS_INGEST_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "ingest/ingest_context.h"
#include "store/store.h"

namespace lantern {

// One long-form row's marks, resolved to an enrolment slot.
struct MarkTuple {
  uint32_t slot;
  int32_t date;
  uint8_t am, pm;
  uint32_t line;
};

// One compact-form row (or the part of it inside one enrolment): its
// register string, decoded when merged.
struct CompactSpan {
  uint32_t slot;
  int32_t from_date;  // a weekday
  uint32_t line;
  std::string_view marks;
  std::string_view raw;
};

struct ParsedMarks {
  // Long-form rows, one vector per parsed chunk, in file order (not joined:
  // a region's year is hundreds of millions of rows).
  std::vector<std::vector<MarkTuple>> tuple_chunks;
  std::vector<CompactSpan> spans;
  // raw rows of tuples, looked up only to keep a duplicate aside
  InputSource* source = nullptr;
};

// Validates every row of an attendance file (either form). Requires ctx.year.
ParsedMarks ParseMarks(IngestContext& ctx, InputSource& src);

// A run that writes a block keeps the last this many dates in a block of
// their own (when there are more): the dates read every day (the early
// warning's last 30 school days on a roll, the case list's last marks) then
// lie in 64 bytes of each enrolment's row, not in every page of the year's
// block (docs/store.md).
constexpr size_t kRecentBlockDates = 32;

struct MarksMergeResult {
  uint64_t dates_written = 0;
  bool wrote_block = false;
  // The new blocks, when wrote_block: the earlier dates, then the last
  // kRecentBlockDates in a block of their own.
  std::vector<std::string> block_files;
};

// Merges parsed marks (in file order) into new marks files and records them
// in plan. Rows that repeat a (pupil, school, date) already given in this run
// are rejected as duplicates. Counts go to each source's counts.
Result<MarksMergeResult> MergeMarks(IngestContext& ctx, Store& store,
                                    std::vector<ParsedMarks>& parsed, CommitPlan* plan);

// Splits a compact register string into session codes; false if a token is
// not a register code or the count is odd. `-` gives kNoMark.
bool DecodeCompactMarks(std::string_view text, std::vector<uint8_t>* sessions);

}  // namespace lantern

#endif  // LANTERN_INGEST_MARKS_INGEST_H_
