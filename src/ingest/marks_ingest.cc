#include "ingest/marks_ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <span>
#include <utility>

#include "common/csv_reader.h"
#include "common/parallel.h"
#include "ingest/for_each_row.h"
#include "ingest/row_check.h"
#include "model/register_codes.h"
#include "model/upn.h"

namespace lantern {

namespace {

// Column positions in the two schemas.
constexpr size_t kUpn = 0, kUrn = 1, kDate = 2, kAm = 3, kPm = 4;  // long form
constexpr size_t kFromDate = 2, kMarks = 3;                        // compact form

// More than this many distinct dates in one run rewrites the marks as
// blocks; fewer are written as day files (the daily feed).
constexpr size_t kMaxDayFileDates = 7;
// Day files are folded into a new block once there are this many.
constexpr size_t kMaxDayFiles = 40;

// Finds the enrolment slot of a row by looking just past the previous row's
// slot: files written in store order (as the generator and most MIS exports
// write them) resolve without a hash lookup.
class SlotCursor {
 public:
  explicit SlotCursor(const StoreState& s) : e_(s.enrolments), p_(s.pupils) {}
  uint32_t Find(uint64_t upn, uint32_t school, int32_t date) {
    if (last_ == kNoIndex) return kNoIndex;
    // The previous row's slot can only match the same pupil.
    const uint32_t begin = upn == last_upn_ ? last_ : last_ + 1;
    const uint32_t end = std::min<uint32_t>(begin + 9, static_cast<uint32_t>(e_.size()));
    for (uint32_t c = begin; c < end; ++c) {
      if (e_.school[c] == school && e_.entry_date[c] <= date && date <= e_.leaving_date[c] &&
          p_.upn[e_.pupil[c]] == upn) {
        Set(c, upn);
        return c;
      }
    }
    return kNoIndex;
  }
  void Set(uint32_t slot, uint64_t upn) {
    last_ = slot;
    last_upn_ = upn;
  }

 private:
  const EnrolmentTable& e_;
  const PupilTable& p_;
  uint32_t last_ = kNoIndex;
  uint64_t last_upn_ = 0;
};

// The enrolment a mark belongs to: the cursor first, else the pupil's
// enrolments by UPN. On failure, rejects the row (upn or no_enrolment).
uint32_t ResolveSlot(const IngestContext& ctx, SlotCursor& cursor, RowCheck& check, uint64_t upn,
                     uint32_t school, int32_t date) {
  uint32_t slot = cursor.Find(upn, school, date);
  if (slot != kNoIndex) return slot;
  const uint32_t pupil = ctx.FindPupil(upn);
  if (pupil == kNoIndex) {
    check.Fail(kUpn, "unknown_pupil", "no pupil with this UPN in pupils.csv or the store");
    return kNoIndex;
  }
  slot = ctx.EnrolmentOn(pupil, school, date);
  if (slot == kNoIndex) {
    check.FailRow(
        "no_enrolment",
        "the pupil was not on this school's roll on that date: a mark needs an enrolment");
    return kNoIndex;
  }
  cursor.Set(slot, upn);
  return slot;
}

struct ChunkResult {
  std::vector<MarkTuple> tuples;
  std::vector<CompactSpan> spans;
  RejectList rejects;
  uint64_t rows = 0, rejected = 0;
};

// Reads one mark: empty is no session; an unknown code, or a code withdrawn
// in 2024 used after it, fails the row.
bool ParseSessionMark(RowCheck& check, size_t col, Date date, uint8_t* out) {
  std::string_view t = check.Text(col);
  if (t.empty()) {
    *out = kNoMark;
    return true;
  }
  // Present (/ and \), nine marks in ten, need no table.
  if (t.size() == 1 && (t[0] == '/' || t[0] == '\\')) {
    *out = t[0] == '/' ? kPresentAm : kPresentPm;
    return true;
  }
  auto code = ParseMarkCode(t);
  if (!code) {
    check.Fail(col, "code", fmt::format("'{}' is not a register code", RedactValue("", t)));
    return false;
  }
  if (CodeInfo(*code).historic && date >= RegisterCodes2024Start()) {
    check.Fail(col, "code",
               fmt::format("code {} was withdrawn on 19 August 2024", CodeInfo(*code).code));
    return false;
  }
  *out = *code;
  return true;
}

// The school row of the last URN read: files sorted by school (as most are)
// parse and look up each URN once per run of rows.
class SchoolCache {
 public:
  bool Find(std::string_view urn, uint32_t* row) const {
    if (row_ == kNoIndex || urn.size() != 6 || std::memcmp(urn.data(), text_, 6) != 0) return false;
    *row = row_;
    return true;
  }
  void Remember(std::string_view urn, uint32_t row) {
    if (urn.size() != 6) return;
    std::memcpy(text_, urn.data(), 6);
    row_ = row;
  }

 private:
  char text_[6] = {};
  uint32_t row_ = kNoIndex;
};

// Parses the upn and urn of a marks row (format checks only: the lookup of
// the pupil happens through the cursor or after the parse).
bool ParseKeys(RowCheck& check, const IngestContext& ctx, SchoolCache& schools, uint64_t* upn,
               uint32_t* school) {
  auto u = check.Upn(kUpn);
  if (!schools.Find(check.Text(kUrn), school)) {
    if (auto urn = check.Urn(kUrn)) {
      *school = ctx.SchoolRow(*urn);
      if (*school == kNoIndex) {
        check.Fail(kUrn, "unknown_school", "no school with this URN in schools.csv or the store");
      } else {
        schools.Remember(check.Text(kUrn), *school);
      }
    }
  }
  if (u) *upn = *u;
  return check.ok();
}

class DateCache {
 public:
  std::optional<Date> Parse(std::string_view t) {
    if (t.size() == 10 && std::memcmp(t.data(), text_, 10) == 0) return last_;
    last_ = ParseIsoDate(t);
    if (t.size() == 10) std::memcpy(text_, t.data(), 10);
    return last_;
  }

 private:
  char text_[10] = {};
  std::optional<Date> last_;
};

// The academic year's first and last days, worked out once per chunk.
struct YearRange {
  explicit YearRange(AcademicYear y) : year(y), first(y.FirstDay().days), last(y.LastDay().days) {}
  AcademicYear year;
  int32_t first, last;
};

bool DateInYear(RowCheck& check, size_t col, const YearRange& range, Date d) {
  if (d.days >= range.first && d.days <= range.last) return true;
  check.Fail(col, "date",
             fmt::format("date is outside the store's academic year {}", range.year.Label()));
  return false;
}

void ParseLongChunk(const IngestContext& ctx, const InputSource& src, const CsvChunk& chunk,
                    ChunkResult* out) {
  const YearRange year(*ctx.year);
  SlotCursor cursor(ctx.state());
  SchoolCache schools;
  DateCache dates;
  CsvReader reader(chunk.data, chunk.first_line);
  reader.set_expected_fields(src.header.field_count());
  CsvRecord rec;
  out->tuples.reserve(chunk.data.size() / 34);  // a long-form row is about 36 bytes
  while (reader.Next(&rec)) {
    ++out->rows;
    if (RejectUnreadableRow(rec, &out->rejects)) {
      ++out->rejected;
      continue;
    }
    RowCheck check(*src.schema, src.header, rec, &out->rejects);
    uint64_t upn = 0;
    uint32_t school = kNoIndex;
    ParseKeys(check, ctx, schools, &upn, &school);
    std::optional<Date> date;
    if (check.RequiredPresent(kDate)) {
      date = dates.Parse(check.Text(kDate));
      if (!date) {
        check.Fail(kDate, "date", "not a real date in the form YYYY-MM-DD");
      } else {
        DateInYear(check, kDate, year, *date);
      }
    }
    uint8_t am = kNoMark, pm = kNoMark;
    if (date) {
      ParseSessionMark(check, kAm, *date, &am);
      ParseSessionMark(check, kPm, *date, &pm);
      if (check.ok() && am == kNoMark && pm == kNoMark) {
        check.FailRow("no_marks", "both am and pm are empty: the row records nothing");
      }
    }
    const uint32_t slot =
        check.ok() ? ResolveSlot(ctx, cursor, check, upn, school, date->days) : kNoIndex;
    if (!check.ok()) {
      ++out->rejected;
      continue;
    }
    out->tuples.push_back({slot, date->days, am, pm, static_cast<uint32_t>(rec.line)});
  }
}

// The weekday after d.
Date NextWeekday(Date d) {
  do {
    d = d + 1;
  } while (!d.IsWeekday());
  return d;
}

// The weekday dates a compact string covers, from from_date.
Date NthWeekday(Date from, size_t n) {
  // from is a weekday; step whole weeks, then single days skipping weekends.
  Date d = from + static_cast<int>(n / 5) * 7;
  for (size_t k = n % 5; k > 0;) {
    d = d + 1;
    if (d.IsWeekday()) --k;
  }
  return d;
}

void ParseCompactChunk(const IngestContext& ctx, const InputSource& src, const CsvChunk& chunk,
                       ChunkResult* out) {
  const YearRange year(*ctx.year);
  SlotCursor cursor(ctx.state());
  SchoolCache schools;
  CsvReader reader(chunk.data, chunk.first_line);
  reader.set_expected_fields(src.header.field_count());
  CsvRecord rec;
  std::vector<uint8_t> sessions;
  while (reader.Next(&rec)) {
    ++out->rows;
    if (RejectUnreadableRow(rec, &out->rejects)) {
      ++out->rejected;
      continue;
    }
    RowCheck check(*src.schema, src.header, rec, &out->rejects);
    uint64_t upn = 0;
    uint32_t school = kNoIndex;
    ParseKeys(check, ctx, schools, &upn, &school);
    auto from = check.DateField(kFromDate);
    if (from) {
      if (!from->IsWeekday()) {
        check.Fail(kFromDate, "date", "from_date must be a Monday to Friday");
      } else {
        DateInYear(check, kFromDate, year, *from);
      }
    }
    std::string_view marks = check.Text(kMarks);
    if (check.RequiredPresent(kMarks) && !DecodeCompactMarks(marks, &sessions)) {
      check.Fail(kMarks, "marks",
                 "marks must be pairs of register codes (or -) for consecutive weekdays");
    }
    if (check.ok() && from) {
      // Every marked day must fall in the academic year; withdrawn codes
      // only before August 2024.
      const size_t days = sessions.size() / 2;
      if (days > 0 && NthWeekday(*from, days - 1).days > year.last) {
        check.Fail(kMarks, "date", "the marks run past the end of the academic year");
      }
      for (size_t i = 0; i < sessions.size() && check.ok(); ++i) {
        if (sessions[i] != kNoMark && CodeInfo(sessions[i]).historic &&
            NthWeekday(*from, i / 2) >= RegisterCodes2024Start()) {
          check.Fail(kMarks, "code", "a code withdrawn on 19 August 2024 is used after it");
        }
      }
      if (check.ok() &&
          std::all_of(sessions.begin(), sessions.end(), [](uint8_t m) { return m == kNoMark; })) {
        check.FailRow("no_marks", "the register string holds no marks");
      }
    }
    const uint32_t slot =
        check.ok() ? ResolveSlot(ctx, cursor, check, upn, school, from->days) : kNoIndex;
    if (!check.ok()) {
      ++out->rejected;
      continue;
    }
    out->spans.push_back({slot, from->days, static_cast<uint32_t>(rec.line), marks, rec.raw});
  }
}

// A compact row must lie inside one enrolment, or be split at the
// enrolment boundaries of the same school. Runs on the chunk's worker.
void SplitSpansAtEnrolments(const IngestContext& ctx, ChunkResult* out) {
  const EnrolmentTable& e = ctx.state().enrolments;
  ChunkResult& r = *out;
  std::vector<CompactSpan> split;
  split.reserve(r.spans.size());
  std::vector<uint8_t> sessions;
  for (const CompactSpan& s : r.spans) {
    if (s.slot == kNoIndex) continue;
    const uint32_t pupil = e.pupil[s.slot], school = e.school[s.slot];
    DecodeCompactMarks(s.marks, &sessions);
    const Date from{s.from_date};
    // Character offset of each day's first session in the string.
    std::vector<size_t> day_offset;
    size_t pos = 0;
    for (size_t i = 0; i < sessions.size(); ++i) {
      if (i % 2 == 0) day_offset.push_back(pos);
      pos += (s.marks[pos] != '-' && pos + 1 < s.marks.size() && s.marks[pos + 1] >= '0' &&
              s.marks[pos + 1] <= '9')
                 ? 2
                 : 1;
    }
    day_offset.push_back(s.marks.size());
    uint32_t current = kNoIndex;
    size_t span_start = 0;
    bool bad = false;
    std::vector<CompactSpan> pieces;
    Date d = from;
    for (size_t day = 0; day + 1 < day_offset.size(); ++day, d = NextWeekday(d)) {
      if (sessions[2 * day] == kNoMark && sessions[2 * day + 1] == kNoMark) continue;
      uint32_t slot = (current != kNoIndex && e.entry_date[current] <= d.days &&
                       d.days <= e.leaving_date[current])
                          ? current
                          : ctx.EnrolmentOn(pupil, school, d.days);
      if (slot == kNoIndex) {
        bad = true;
        break;
      }
      if (slot != current) {
        if (current != kNoIndex) {
          pieces.back().marks =
              s.marks.substr(day_offset[span_start], day_offset[day] - day_offset[span_start]);
        }
        pieces.push_back({slot, d.days, s.line, {}, s.raw});
        current = slot;
        span_start = day;
      }
    }
    if (bad) {
      r.rejects.Add(s.line, "marks", "", "no_enrolment",
                    "marks fall on days the pupil was not on this school's roll", s.raw);
      ++r.rejected;
      continue;
    }
    if (!pieces.empty()) {
      pieces.back().marks = s.marks.substr(day_offset[span_start]);
    }
    split.insert(split.end(), pieces.begin(), pieces.end());
  }
  r.spans = std::move(split);
}

}  // namespace

bool DecodeCompactMarks(std::string_view text, std::vector<uint8_t>* sessions) {
  sessions->clear();
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '-') {
      sessions->push_back(kNoMark);
      ++i;
      continue;
    }
    // Two-character codes first: no one-character code is a digit.
    if (i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
      auto code = ParseMarkCode(text.substr(i, 2));
      if (!code) return false;
      sessions->push_back(*code);
      i += 2;
      continue;
    }
    auto code = ParseMarkCode(text.substr(i, 1));
    if (!code) return false;
    sessions->push_back(*code);
    ++i;
  }
  return sessions->size() % 2 == 0;
}

ParsedMarks ParseMarks(IngestContext& ctx, InputSource& src) {
  const bool compact = src.schema->id == InputFile::kAttendanceCompact;
  std::vector<CsvChunk> chunks =
      SplitCsvChunks(src.body, src.body_first_line, ctx.threads(), 1 << 20, ctx.threads());
  ctx.BuildPupilIndex();  // the workers look pupils up read-only
  std::vector<ChunkResult> results(chunks.size());
  ParallelFor(chunks.size(), ctx.threads(), 1, [&](size_t begin, size_t end, int) {
    for (size_t k = begin; k < end; ++k) {
      if (compact) {
        ParseCompactChunk(ctx, src, chunks[k], &results[k]);
        SplitSpansAtEnrolments(ctx, &results[k]);
      } else {
        ParseLongChunk(ctx, src, chunks[k], &results[k]);
      }
    }
  });

  ParsedMarks parsed;
  parsed.source = &src;
  for (ChunkResult& r : results) {
    src.counts.rows += r.rows;
    src.counts.rejected += r.rejected;
    src.rejects.Append(std::move(r.rejects));
    if (!r.tuples.empty()) parsed.tuple_chunks.push_back(std::move(r.tuples));
    parsed.spans.insert(parsed.spans.end(), r.spans.begin(), r.spans.end());
    r = ChunkResult();  // free the chunk's spans now
  }
  src.rejects.SortByLine();
  return parsed;
}

namespace {

// A dense grid of marks for some dates: slots x dates x 2 bytes, enrolment-
// major (the block layout), plus one "set in this run" bit per cell pair.
class MarksGrid {
 public:
  MarksGrid(uint64_t slots, std::vector<int32_t> dates)
      : slots_(slots),
        dates_(std::move(dates)),
        data_(slots * dates_.size() * 2, 0),
        touched_((slots * dates_.size() + 63) / 64, 0),
        column_changed_(dates_.size(), 0) {
    first_ = dates_.empty() ? 0 : dates_.front();
    column_.assign(dates_.empty() ? 0 : dates_.back() - first_ + 1, -1);
    for (size_t i = 0; i < dates_.size(); ++i) column_[dates_[i] - first_] = static_cast<int>(i);
  }
  int Column(int32_t date) const {
    int64_t i = static_cast<int64_t>(date) - first_;
    return i < 0 || i >= static_cast<int64_t>(column_.size()) ? -1 : column_[i];
  }
  uint8_t* Cell(uint64_t slot, int col) { return &data_[(slot * dates_.size() + col) * 2]; }
  // Marks a cell as given in this run; false if it already was (a duplicate).
  bool Touch(uint64_t slot, int col) {
    uint64_t bit = slot * dates_.size() + static_cast<uint64_t>(col);
    uint64_t& w = touched_[bit / 64];
    uint64_t m = uint64_t{1} << (bit % 64);
    if (w & m) return false;
    w |= m;
    return true;
  }
  // Writes one session pair: an empty session leaves what was there.
  void Put(uint64_t slot, int col, uint8_t am, uint8_t pm) {
    uint8_t* cell = Cell(slot, col);
    if ((am != kNoMark && cell[0] != am) || (pm != kNoMark && cell[1] != pm)) {
      column_changed_[static_cast<size_t>(col)] = 1;
    }
    if (am != kNoMark) cell[0] = am;
    if (pm != kNoMark) cell[1] = pm;
  }
  bool ColumnChanged(size_t col) const { return column_changed_[col] != 0; }
  bool AnyChanged() const {
    return std::any_of(column_changed_.begin(), column_changed_.end(), [](uint8_t c) { return c; });
  }
  uint64_t slots() const { return slots_; }
  const std::vector<int32_t>& dates() const { return dates_; }
  const std::vector<uint8_t>& data() const { return data_; }

  // Copies every stored mark for the grid's dates into the grid.
  void LoadFrom(const MarksSet& marks) {
    const size_t nd = dates_.size();
    for (const auto& b : marks.blocks) {
      std::vector<std::pair<size_t, size_t>> map;  // (block column, grid column)
      for (size_t c = 0; c < b->dates().size(); ++c) {
        int g = Column(b->dates()[c]);
        if (g >= 0) map.emplace_back(c, static_cast<size_t>(g));
      }
      if (map.empty()) continue;
      const uint64_t n = std::min<uint64_t>(b->slots(), slots_);
      for (uint64_t s = 0; s < n; ++s) {
        const uint8_t* row = b->row(s);
        uint8_t* out = &data_[s * nd * 2];
        for (auto [c, g] : map) {
          out[g * 2] = row[c * 2];
          out[g * 2 + 1] = row[c * 2 + 1];
        }
      }
    }
    for (const auto& [date, day] : marks.days) {
      int col = Column(date);
      if (col < 0) continue;
      const uint64_t n = std::min<uint64_t>(day->slots(), slots_);
      for (uint64_t s = 0; s < n; ++s) {
        data_[(s * nd + col) * 2] = day->data()[s * 2];
        data_[(s * nd + col) * 2 + 1] = day->data()[s * 2 + 1];
      }
    }
  }

 private:
  uint64_t slots_;
  std::vector<int32_t> dates_;
  std::vector<uint8_t> data_;
  std::vector<uint64_t> touched_;
  int32_t first_ = 0;
  std::vector<int> column_;
  std::vector<uint8_t> column_changed_;
};

struct MergeCounts {
  uint64_t inserted = 0, updated = 0, unchanged = 0;
  void Count(uint8_t old_am, uint8_t old_pm, uint8_t am, uint8_t pm) {
    uint8_t new_am = am == kNoMark ? old_am : am, new_pm = pm == kNoMark ? old_pm : pm;
    if (old_am == kNoMark && old_pm == kNoMark) {
      ++inserted;
    } else if (old_am == new_am && old_pm == new_pm) {
      ++unchanged;
    } else {
      ++updated;
    }
  }
};

void ApplyToGrid(MarksGrid& grid, ParsedMarks& p, MergeCounts* counts) {
  InputSource& src = *p.source;
  for (const std::vector<MarkTuple>& chunk : p.tuple_chunks) {
    for (const MarkTuple& t : chunk) {
      int col = grid.Column(t.date);
      if (!grid.Touch(t.slot, col)) {
        src.rejects.Add(t.line, "date", FormatIsoDate(Date{t.date}), "duplicate",
                        "marks for this pupil, school and date were already given in this run", "");
        ++src.counts.rejected;
        continue;
      }
      const uint8_t* cell = grid.Cell(t.slot, col);
      counts->Count(cell[0], cell[1], t.am, t.pm);
      grid.Put(t.slot, col, t.am, t.pm);
    }
  }
  std::vector<uint8_t> sessions;
  for (const CompactSpan& s : p.spans) {
    DecodeCompactMarks(s.marks, &sessions);
    // First check the whole span for duplicates, so a row is taken or left whole.
    bool duplicate = false;
    std::vector<std::pair<int, size_t>> cols;
    Date d{s.from_date};
    for (size_t day = 0; day * 2 < sessions.size(); ++day, d = NextWeekday(d)) {
      if (sessions[2 * day] == kNoMark && sessions[2 * day + 1] == kNoMark) continue;
      int col = grid.Column(d.days);
      if (!grid.Touch(s.slot, col)) {
        duplicate = true;
        break;
      }
      cols.emplace_back(col, day);
    }
    if (duplicate) {
      src.rejects.Add(s.line, "marks", "", "duplicate",
                      "marks for this pupil, school and date were already given in this run",
                      s.raw);
      ++src.counts.rejected;
      continue;
    }
    for (auto [col, day] : cols) {
      const uint8_t* cell = grid.Cell(s.slot, col);
      counts->Count(cell[0], cell[1], sessions[2 * day], sessions[2 * day + 1]);
      grid.Put(s.slot, col, sessions[2 * day], sessions[2 * day + 1]);
    }
  }
}

}  // namespace

Result<MarksMergeResult> MergeMarks(IngestContext& ctx, Store& store,
                                    std::vector<ParsedMarks>& parsed, CommitPlan* plan) {
  MarksMergeResult result;
  const MarksSet& marks = ctx.state().marks;
  const uint64_t slots = ctx.state().enrolments.size();

  if (parsed.empty() || !ctx.year) return result;
  // Which dates does this run touch? Every mark lies in the academic year
  // (checked when parsed), so a flag per day of the year will do.
  const Date first = ctx.year->FirstDay();
  std::vector<uint8_t> touched(static_cast<size_t>(ctx.year->LastDay() - first + 1), 0);
  std::vector<uint8_t> sessions;
  for (const ParsedMarks& p : parsed) {
    for (const auto& chunk : p.tuple_chunks) {
      for (const MarkTuple& t : chunk) touched[static_cast<size_t>(t.date - first.days)] = 1;
    }
    for (const CompactSpan& s : p.spans) {
      DecodeCompactMarks(s.marks, &sessions);
      Date d{s.from_date};
      for (size_t day = 0; day * 2 < sessions.size(); ++day, d = NextWeekday(d)) {
        if (sessions[2 * day] != kNoMark || sessions[2 * day + 1] != kNoMark) {
          touched[static_cast<size_t>(d - first)] = 1;
        }
      }
    }
  }
  std::vector<int32_t> incoming;
  for (size_t i = 0; i < touched.size(); ++i) {
    if (touched[i]) incoming.push_back(first.days + static_cast<int32_t>(i));
  }
  if (incoming.empty()) return result;

  const bool as_days =
      incoming.size() <= kMaxDayFileDates && marks.days.size() + incoming.size() <= kMaxDayFiles;
  std::vector<int32_t> dates = incoming;
  if (!as_days) {
    std::vector<int32_t> stored = marks.Dates();
    dates.insert(dates.end(), stored.begin(), stored.end());
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  }
  MarksGrid grid(slots, dates);
  grid.LoadFrom(marks);
  for (ParsedMarks& p : parsed) {
    MergeCounts file_counts;
    ApplyToGrid(grid, p, &file_counts);
    p.source->counts.inserted += file_counts.inserted;
    p.source->counts.updated += file_counts.updated;
    p.source->counts.unchanged += file_counts.unchanged;
    p.source->rejects.SortByLine();
  }
  if (!grid.AnyChanged()) return result;  // ingesting the same marks again changes nothing

  if (as_days) {
    // One day file per changed date.
    const size_t nd = dates.size();
    std::vector<uint8_t> column(slots * 2);
    for (size_t c = 0; c < nd; ++c) {
      if (!grid.ColumnChanged(c)) continue;
      for (uint64_t s = 0; s < slots; ++s) {
        const size_t i = (s * nd + c) * 2;
        column[s * 2] = grid.data()[i];
        column[s * 2 + 1] = grid.data()[i + 1];
      }
      std::string file = store.NewFileName("day", FormatIsoDate(Date{dates[c]}) + ".marks");
      LANTERN_RETURN_IF_ERROR(MarksDay::Write(store.PathOf(file), dates[c], slots, column.data()));
      plan->add_days[dates[c]] = file;
      ++result.dates_written;
    }
    return result;
  }
  // Every date in new blocks, the last kRecentBlockDates in one of their
  // own: they replace all earlier blocks and day files.
  const size_t nd = dates.size();
  const size_t split = nd > kRecentBlockDates ? nd - kRecentBlockDates : 0;
  const std::span<const int32_t> all(dates);
  for (auto [begin, end] : {std::pair{size_t{0}, split}, std::pair{split, nd}}) {
    if (begin == end) continue;
    std::string file = store.NewFileName("blk", "marks");
    LANTERN_RETURN_IF_ERROR(MarksBlock::Write(store.PathOf(file), all.subspan(begin, end - begin),
                                              slots, grid.data().data() + begin * 2, nd * 2));
    plan->add_blocks.push_back(file);
    result.block_files.push_back(file);
  }
  for (const auto& b : marks.blocks) {
    plan->drop_blocks.push_back(std::filesystem::path(b->file().path()).filename().string());
  }
  plan->drop_all_days = true;
  result.wrote_block = true;
  result.dates_written = nd;
  return result;
}

}  // namespace lantern
