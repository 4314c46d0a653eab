#include "derive/enrolment_sessions.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "common/parallel.h"
#include "derive/sessions_summary.h"

namespace lantern {

namespace {

// For each code, the columns it adds one to: always four, the unused ones
// pointing at a spare column, so adding a code's count has no branches.
constexpr int kSpareColumn = kSessionColumns;
struct CodeColumns {
  uint8_t count = 0;
  uint8_t cols[4] = {kSpareColumn, kSpareColumn, kSpareColumn, kSpareColumn};
};

std::array<CodeColumns, 256> BuildCodeColumns(const CodeTreatments& treatments) {
  std::array<CodeColumns, 256> t{};
  auto codes = RegisterCodes();
  for (size_t i = 1; i < codes.size(); ++i) {
    const RegisterCode& c = codes[i];
    CodeColumns& cc = t[i];
    auto add = [&](int col) { cc.cols[cc.count++] = static_cast<uint8_t>(col); };
    switch (treatments[static_cast<MarkCode>(i)]) {
      case SessionTreatment::kAttendance:
        add(kSessPossible);
        add(c.approved_activity ? kSessAea : kSessPresent);
        if (c.late) add(kSessLate);
        break;
      case SessionTreatment::kAuthorisedAbsence:
        add(kSessPossible);
        add(kSessAuthorised);
        add(kSessOverall);
        if (c.reason != AbsenceReason::kNone) add(ReasonColumn(c.reason));
        break;
      case SessionTreatment::kUnauthorisedAbsence:
        add(kSessPossible);
        add(kSessUnauthorised);
        add(kSessOverall);
        if (c.reason != AbsenceReason::kNone) add(ReasonColumn(c.reason));
        break;
      case SessionTreatment::kNotPossible:
      case SessionTreatment::kNone:
        break;
    }
  }
  return t;
}

// Each code's contribution to the session columns as 32 lanes of 16 bits,
// for adding a code's count to all its columns in one vector operation.
struct alignas(64) ContributionRow {
  uint16_t lane[32] = {};
};

// Built per counter from the policy's treatments.
struct Tables {
  explicit Tables(const CodeTreatments& treatments) : columns(BuildCodeColumns(treatments)) {
    for (int code = 0; code < kMaxMarkCodes; ++code) {
      for (int i = 0; i < columns[code].count; ++i) {
        contributions[code].lane[columns[code].cols[i]] = 1;
      }
    }
  }
  std::array<CodeColumns, 256> columns;
  std::array<ContributionRow, kMaxMarkCodes> contributions{};
};

void AddCode(const Tables& t, uint8_t code, uint32_t k, uint32_t* acc) {
  const CodeColumns& cc = t.columns[code];
  acc[cc.cols[0]] += k;
  acc[cc.cols[1]] += k;
  acc[cc.cols[2]] += k;
  acc[cc.cols[3]] += k;
}

// Counts codes in marks[0, n): present marks (1, 2) and no-mark bytes are
// counted 32 at a time; the rest (a few percent) one by one.
__attribute__((target("avx2"))) void HistogramAvx2(const uint8_t* p, size_t n, uint32_t* hist,
                                                   uint32_t* present) {
  const __m256i one = _mm256_set1_epi8(1), two = _mm256_set1_epi8(2);
  const __m256i zero = _mm256_setzero_si256();
  size_t i = 0;
  uint32_t pres = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    uint32_t is_present = static_cast<uint32_t>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, one), _mm256_cmpeq_epi8(v, two))));
    uint32_t is_zero = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero)));
    pres += static_cast<uint32_t>(__builtin_popcount(is_present));
    uint32_t other = ~(is_present | is_zero);
    while (other != 0) {
      ++hist[p[i + static_cast<size_t>(__builtin_ctz(other))]];
      other &= other - 1;
    }
  }
  for (; i < n; ++i) {
    uint8_t c = p[i];
    if (c == kPresentAm || c == kPresentPm) {
      ++pres;
    } else if (c != kNoMark) {
      ++hist[c];
    }
  }
  *present += pres;
}

// 64 marks: present ones (/ and \) counted, absence and other codes
// appended to out, no-mark bytes skipped.
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"), always_inline)) inline void
Classify64(__m512i v, uint8_t* out, size_t* others, uint64_t* present) {
  const __mmask64 low = _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(2));
  const __mmask64 none = _mm512_cmpeq_epi8_mask(v, _mm512_setzero_si512());
  const __mmask64 other = ~low;
  *present += static_cast<uint64_t>(__builtin_popcountll(low & ~none));
  _mm512_storeu_si512(out + *others, _mm512_maskz_compress_epi8(other, v));
  *others += static_cast<size_t>(__builtin_popcountll(other));
}

// AVX-512: 64 marks at a time. The absence codes of a whole row are first
// compressed into a scratch run (VPCOMPRESSB, no branches), then counted in
// one tight loop over that run with two interleaved histograms, so a row of
// repeated codes (an illness spell) does not stall on one counter.
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) void HistogramAvx512(
    const uint8_t* p, size_t n, uint32_t* hist, uint32_t* present) {
  thread_local std::vector<uint8_t> scratch;
  if (scratch.size() < n + 64) scratch.resize(n + 64);
  uint8_t* out = scratch.data();
  size_t others = 0;
  uint64_t pres = 0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) Classify64(_mm512_loadu_si512(p + i), out, &others, &pres);
  if (i < n) {
    // The last partial run in one masked step: bytes past the end load as
    // zero (no mark) and are not read from memory.
    const __mmask64 in_range = (~uint64_t{0}) >> (64 - (n - i));
    Classify64(_mm512_maskz_loadu_epi8(in_range, p + i), out, &others, &pres);
  }
  uint32_t h2[kMaxMarkCodes] = {};
  size_t k = 0;
  for (; k + 2 <= others; k += 2) {
    ++hist[out[k]];
    ++h2[out[k + 1]];
  }
  if (k < others) ++hist[out[k]];
  for (int c = 0; c < kMaxMarkCodes; ++c) hist[c] += h2[c];
  *present += static_cast<uint32_t>(pres);
}

void HistogramScalar(const uint8_t* p, size_t n, uint32_t* hist, uint32_t* present) {
  uint32_t pres = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = p[i];
    if (c == kPresentAm || c == kPresentPm) {
      ++pres;
    } else if (c != kNoMark) {
      ++hist[c];
    }
  }
  *present += pres;
}

ScanKernel BestKernel() {
  if (KernelAvailable(ScanKernel::kAvx512)) return ScanKernel::kAvx512;
  if (KernelAvailable(ScanKernel::kAvx2)) return ScanKernel::kAvx2;
  return ScanKernel::kScalar;
}
const ScanKernel kBestKernel = BestKernel();

void Histogram(const uint8_t* p, size_t n, uint32_t* hist, uint32_t* present) {
  CountCodes(kBestKernel, p, n, hist, present);
}

// Which histogram entries are non-zero, as a bit mask (most enrolments have
// a handful of absence codes, so Finish visits only those).
__attribute__((target("avx512f"))) uint64_t NonZeroAvx512(const uint32_t* hist) {
  static_assert(kMaxMarkCodes == 48);
  uint64_t mask = 0;
  for (int k = 0; k < 3; ++k) {
    __m512i v = _mm512_loadu_si512(hist + 16 * k);
    mask |= static_cast<uint64_t>(_mm512_test_epi32_mask(v, v)) << (16 * k);
  }
  return mask;
}

uint64_t NonZero(const uint32_t* hist) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) return NonZeroAvx512(hist);
  uint64_t mask = 0;
  for (int c = 0; c < kMaxMarkCodes; ++c) mask |= static_cast<uint64_t>(hist[c] != 0) << c;
  return mask;
}

// The same with the columns held in one register: no store-to-load chains
// through a counter array when several codes share columns.
__attribute__((target("avx512f,avx512bw"))) void FinishAvx512(const Tables& t, const uint32_t* hist,
                                                              uint32_t present,
                                                              EnrolmentSessions* out) {
  static_assert(kSessionColumns <= 32 && sizeof(EnrolmentSessions) <= 64);
  __m512i acc = _mm512_setzero_si512();
  alignas(64) uint16_t first[32] = {};
  first[kSessPossible] = static_cast<uint16_t>(present);
  first[kSessPresent] = static_cast<uint16_t>(present);
  acc = _mm512_load_si512(first);
  for (uint64_t m = NonZeroAvx512(hist) & ~uint64_t{7}; m != 0; m &= m - 1) {
    const int code = __builtin_ctzll(m);
    const __m512i row = _mm512_load_si512(t.contributions[code].lane);
    acc = _mm512_add_epi16(
        acc, _mm512_mullo_epi16(row, _mm512_set1_epi16(static_cast<int16_t>(hist[code]))));
  }
  alignas(64) uint16_t lanes[32];
  _mm512_store_si512(lanes, acc);
  std::memcpy(out->n.data(), lanes, sizeof(out->n));
}

void Finish(const Tables& t, const uint32_t* hist, uint32_t present, EnrolmentSessions* out) {
  static const bool avx512 = __builtin_cpu_supports("avx512bw");
  if (avx512) {
    FinishAvx512(t, hist, present, out);
    return;
  }
  uint32_t acc[kSessionColumns + 1] = {};
  acc[kSessPossible] = present;
  acc[kSessPresent] = present;
  for (uint64_t m = NonZero(hist) & ~uint64_t{7}; m != 0; m &= m - 1) {
    const int code = __builtin_ctzll(m);
    AddCode(t, static_cast<uint8_t>(code), hist[code], acc);
  }
  for (int c = 0; c < kSessionColumns; ++c) out->n[c] = static_cast<uint16_t>(acc[c]);
}

// For one block, the first column on or after each date in its range, so an
// enrolment's window becomes a column range with two loads.
class ColumnIndex {
 public:
  explicit ColumnIndex(const MarksBlock& b) {
    auto d = b.dates();
    if (d.empty()) return;
    first_ = d.front();
    first_at_or_after_.resize(static_cast<size_t>(d.back() - first_) + 2);
    size_t c = 0;
    for (size_t i = 0; i < first_at_or_after_.size(); ++i) {
      while (c < d.size() && d[c] < first_ + static_cast<int32_t>(i)) ++c;
      first_at_or_after_[i] = static_cast<uint32_t>(c);
    }
  }
  // Columns of dates in [first, last].
  std::pair<size_t, size_t> Range(int32_t first, int32_t last) const {
    if (first_at_or_after_.empty()) return {0, 0};
    size_t c0 = At(first), c1 = At(last + 1);
    return {c0, std::max(c0, c1)};
  }

 private:
  size_t At(int32_t date) const {
    int64_t i = static_cast<int64_t>(date) - first_;
    if (i <= 0) return 0;
    if (i >= static_cast<int64_t>(first_at_or_after_.size())) return first_at_or_after_.back();
    return first_at_or_after_[static_cast<size_t>(i)];
  }
  int32_t first_ = 0;
  std::vector<uint32_t> first_at_or_after_;
};

}  // namespace

// The day files in date order, each with the block column it overrides.
struct SessionCounter::Impl {
  struct Day {
    int32_t date;
    const MarksDay* day;
    const MarksBlock* block;  // the block holding the same date, or null
    int column;
  };
  const MarksSet& marks;
  const SessionsSummary* summary;
  std::vector<uint8_t> summarised;  // per block of `marks`: counted in the summary
  Tables tables;
  std::vector<Day> days;
  std::vector<ColumnIndex> columns;

  Impl(const MarksSet& m, const CodeTreatments& t, const SessionsSummary* s,
       std::span<const MarksBlock* const> sb)
      : marks(m), summary(sb.empty() ? nullptr : s), summarised(m.blocks.size(), 0), tables(t) {
    // Counts saved under other treatments would give other figures.
    if (summary != nullptr && summary->fingerprint() != CodeTreatmentFingerprint(t)) {
      summary = nullptr;
    }
    for (size_t k = 0; summary != nullptr && k < m.blocks.size(); ++k) {
      summarised[k] = std::find(sb.begin(), sb.end(), m.blocks[k].get()) != sb.end();
    }
    for (const auto& [date, day] : marks.days) {
      Day d{date, day.get(), nullptr, -1};
      for (const auto& b : marks.blocks) {
        int c = b->ColumnOf(date);
        if (c >= 0) {
          d.block = b.get();
          d.column = c;
        }
      }
      days.push_back(d);
    }
    for (const auto& b : marks.blocks) columns.emplace_back(*b);
  }
};

SessionCounter::SessionCounter(const MarksSet& marks, const CodeTreatments& treatments,
                               const SessionsSummary* summary,
                               std::span<const MarksBlock* const> summary_blocks)
    : impl_(std::make_unique<Impl>(marks, treatments, summary, summary_blocks)) {}
SessionCounter::~SessionCounter() = default;
bool SessionCounter::uses_saved_counts() const { return impl_->summary != nullptr; }

// Adds (sign 1) or takes back (sign -1, modular) one mark's contribution.
void AddMark(const Tables& t, uint8_t code, int sign, EnrolmentSessions* out) {
  const CodeColumns& cc = t.columns[code];
  for (int i = 0; i < cc.count; ++i) {
    out->n[cc.cols[i]] = static_cast<uint16_t>(out->n[cc.cols[i]] + sign);
  }
}

void SessionCounter::Count(size_t e, CountWindow w, EnrolmentSessions* out) const {
  const Impl& x = *impl_;
  *out = EnrolmentSessions();
  if (w.first > w.last) return;
  // Counts are linear in the marks, so a saved count plus the blocks not in
  // it, plus the day files (less the block marks they replace, going below
  // zero in modular arithmetic on the way), is the right total.
  const SessionsSummary* summary = x.summary;
  const bool saved = summary != nullptr && e < summary->slots() &&
                     summary->window(e).first == w.first && summary->window(e).last == w.last;
  if (saved) *out = summary->sessions(e);
  uint32_t hist[kMaxMarkCodes];
  uint32_t present = 0;
  bool scanned = false;
  for (size_t k = 0; k < x.marks.blocks.size(); ++k) {
    const MarksBlock& b = *x.marks.blocks[k];
    if (e >= b.slots() || (saved && x.summarised[k])) continue;
    auto [c0, c1] = x.columns[k].Range(w.first, w.last);
    if (c1 <= c0) continue;
    if (!scanned) std::fill(hist, hist + kMaxMarkCodes, 0);
    scanned = true;
    Histogram(b.row(e) + c0 * 2, (c1 - c0) * 2, hist, &present);
  }
  if (scanned) {
    EnrolmentSessions blocks;
    Finish(x.tables, hist, present, &blocks);
    for (int c = 0; c < kSessionColumns; ++c) {
      out->n[c] = static_cast<uint16_t>(out->n[c] + blocks.n[c]);
    }
  }
  for (const Impl::Day& d : x.days) {
    if (d.date < w.first || d.date > w.last) continue;
    if (d.block != nullptr && e < d.block->slots()) {
      // Take the block's marks for this date back out.
      const uint8_t* old = d.block->row(e) + d.column * 2;
      for (int s = 0; s < 2; ++s) AddMark(x.tables, old[s], -1, out);
    }
    if (e < d.day->slots()) {
      const uint8_t* m = d.day->data() + e * 2;
      for (int s = 0; s < 2; ++s) AddMark(x.tables, m[s], 1, out);
    }
  }
}

bool KernelAvailable(ScanKernel k) {
  switch (k) {
    case ScanKernel::kScalar:
      return true;
    case ScanKernel::kAvx2:
      return __builtin_cpu_supports("avx2");
    case ScanKernel::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vbmi2");
  }
  return false;
}

void CountCodes(ScanKernel k, const uint8_t* marks, size_t n, uint32_t* hist, uint32_t* present) {
  switch (k) {
    case ScanKernel::kAvx512:
      HistogramAvx512(marks, n, hist, present);
      return;
    case ScanKernel::kAvx2:
      HistogramAvx2(marks, n, hist, present);
      return;
    case ScanKernel::kScalar:
      HistogramScalar(marks, n, hist, present);
      return;
  }
}

struct MarkTally::Tables {
  explicit Tables(const CodeTreatments& treatments) : t(treatments) {}
  lantern::Tables t;
};
MarkTally::MarkTally(const CodeTreatments& treatments)
    : tables_(std::make_unique<const Tables>(treatments)) {}
MarkTally::~MarkTally() = default;

void MarkTally::Add(const uint8_t* marks, size_t n, EnrolmentSessions* out) const {
  const lantern::Tables& t = tables_->t;
  uint32_t hist[kMaxMarkCodes] = {};
  uint32_t present = 0;
  Histogram(marks, n, hist, &present);
  EnrolmentSessions add;
  Finish(t, hist, present, &add);
  for (int c = 0; c < kSessionColumns; ++c) out->n[c] = static_cast<uint16_t>(out->n[c] + add.n[c]);
}

std::vector<EnrolmentSessions> CountEnrolmentSessions(
    const MarksSet& marks, const CodeTreatments& treatments, std::span<const CountWindow> windows,
    int threads, const SessionsSummary* summary,
    std::span<const MarksBlock* const> summary_blocks) {
  std::vector<EnrolmentSessions> out(windows.size());
  const SessionCounter counter(marks, treatments, summary, summary_blocks);
  ParallelRanges(windows.size(), threads, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) counter.Count(i, windows[i], &out[i]);
  });
  return out;
}

}  // namespace lantern
