#include "derive/enrolment_sessions.h"

#include <immintrin.h>

#include <algorithm>
#include <thread>

namespace lantern {

namespace {

// For each code, the columns it adds one to (at most 4).
struct CodeColumns {
  uint8_t count = 0;
  uint8_t cols[4] = {};
};

std::array<CodeColumns, 256> BuildCodeColumns() {
  std::array<CodeColumns, 256> t{};
  auto codes = RegisterCodes();
  for (size_t i = 1; i < codes.size(); ++i) {
    const RegisterCode& c = codes[i];
    CodeColumns& cc = t[i];
    auto add = [&](int col) { cc.cols[cc.count++] = static_cast<uint8_t>(col); };
    switch (c.treatment) {
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

// Built per scan, so a policy override of a treatment is respected.
struct Tables {
  std::array<CodeColumns, 256> columns = BuildCodeColumns();
};

void AddCode(const Tables& t, uint8_t code, uint32_t k, uint32_t* acc) {
  const CodeColumns& cc = t.columns[code];
  for (uint8_t i = 0; i < cc.count; ++i) acc[cc.cols[i]] += k;
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
    uint32_t is_present = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(v, one), _mm256_cmpeq_epi8(v, two))));
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

const bool kHaveAvx2 = __builtin_cpu_supports("avx2");

void Histogram(const uint8_t* p, size_t n, uint32_t* hist, uint32_t* present) {
  if (kHaveAvx2) {
    HistogramAvx2(p, n, hist, present);
  } else {
    HistogramScalar(p, n, hist, present);
  }
}

// Column range [c0, c1) of a sorted date list that falls in [first, last].
std::pair<size_t, size_t> ColumnRange(std::span<const int32_t> dates, int32_t first,
                                      int32_t last) {
  size_t c0 = static_cast<size_t>(std::lower_bound(dates.begin(), dates.end(), first) - dates.begin());
  size_t c1 = static_cast<size_t>(std::upper_bound(dates.begin(), dates.end(), last) - dates.begin());
  return {c0, std::max(c0, c1)};
}

void Finish(const Tables& t, const uint32_t* hist, uint32_t present, EnrolmentSessions* out) {
  uint32_t acc[kSessionColumns] = {};
  acc[kSessPossible] = present;
  acc[kSessPresent] = present;
  for (int code = 3; code < kMaxMarkCodes; ++code) {
    if (hist[code] != 0) AddCode(t, static_cast<uint8_t>(code), hist[code], acc);
  }
  for (int c = 0; c < kSessionColumns; ++c) out->n[c] = static_cast<uint16_t>(acc[c]);
}

void CountRange(const MarksSet& marks, std::span<const CountWindow> windows, size_t begin,
                size_t end, const Tables& t, EnrolmentSessions* out) {
  // Day files override any block column for their date.
  struct Override {
    const MarksBlock* block;
    int column;
  };
  std::vector<std::pair<int32_t, const MarksDay*>> days;
  std::vector<Override> overridden;
  for (const auto& [date, day] : marks.days) {
    days.emplace_back(date, day.get());
    Override o{nullptr, -1};
    for (const auto& b : marks.blocks) {
      int c = b->ColumnOf(date);
      if (c >= 0) o = {b.get(), c};
    }
    overridden.push_back(o);
  }
  uint32_t hist[kMaxMarkCodes];
  for (size_t e = begin; e < end; ++e) {
    const CountWindow w = windows[e];
    if (w.first > w.last) {
      out[e] = EnrolmentSessions();
      continue;
    }
    std::fill(hist, hist + kMaxMarkCodes, 0);
    uint32_t present = 0;
    for (const auto& b : marks.blocks) {
      if (e >= b->slots()) continue;
      auto [c0, c1] = ColumnRange(b->dates(), w.first, w.last);
      if (c1 > c0) Histogram(b->row(e) + c0 * 2, (c1 - c0) * 2, hist, &present);
    }
    for (size_t k = 0; k < days.size(); ++k) {
      const int32_t date = days[k].first;
      if (date < w.first || date > w.last) continue;
      const Override& o = overridden[k];
      if (o.block != nullptr && e < o.block->slots()) {
        // Take the block's marks for this date back out.
        const uint8_t* old = o.block->row(e) + o.column * 2;
        for (int s = 0; s < 2; ++s) {
          if (old[s] == kPresentAm || old[s] == kPresentPm) --present;
          else if (old[s] != kNoMark) --hist[old[s]];
        }
      }
      if (e < days[k].second->slots()) {
        const uint8_t* m = days[k].second->data() + e * 2;
        HistogramScalar(m, 2, hist, &present);
      }
    }
    Finish(t, hist, present, &out[e]);
  }
}

}  // namespace

void AddMarks(const uint8_t* marks, size_t n, EnrolmentSessions* out) {
  static const Tables t;
  uint32_t hist[kMaxMarkCodes] = {};
  uint32_t present = 0;
  Histogram(marks, n, hist, &present);
  EnrolmentSessions add;
  Finish(t, hist, present, &add);
  for (int c = 0; c < kSessionColumns; ++c) out->n[c] = static_cast<uint16_t>(out->n[c] + add.n[c]);
}

std::vector<EnrolmentSessions> CountEnrolmentSessions(const MarksSet& marks,
                                                      std::span<const CountWindow> windows,
                                                      int threads) {
  std::vector<EnrolmentSessions> out(windows.size());
  const Tables tables;
  threads = std::max(1, threads);
  const size_t n = windows.size();
  std::vector<std::thread> workers;
  for (int k = 0; k < threads; ++k) {
    size_t b = n * static_cast<size_t>(k) / static_cast<size_t>(threads);
    size_t e = n * static_cast<size_t>(k + 1) / static_cast<size_t>(threads);
    workers.emplace_back([&, b, e] { CountRange(marks, windows, b, e, tables, out.data()); });
  }
  for (auto& w : workers) w.join();
  return out;
}

}  // namespace lantern
