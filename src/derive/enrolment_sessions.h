// Per-enrolment session counts: the first derived data of the build.
//
// For each enrolment, the marks inside its time on roll (entry date to
// leaving date, and for pupils aged 15 not past the start of the second half
// of the summer term: definitions.md 1.1) are counted by how the absence
// statistics treat them. Counting reads each enrolment's marks once, as one
// run of bytes (store/marks.h).
#ifndef LANTERN_DERIVE_ENROLMENT_SESSIONS_H_
#define LANTERN_DERIVE_ENROLMENT_SESSIONS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/register_codes.h"
#include "store/marks.h"
#include "store/tables.h"

namespace lantern {

enum SessionColumn : uint8_t {
  kSessPossible = 0,  // sessions counted in the denominator
  kSessPresent,       // / \ L
  kSessAea,           // approved educational activity: K V P W B
  kSessLate,          // L (also in present)
  kSessAuthorised,
  kSessUnauthorised,
  kSessOverall,      // authorised + unauthorised
  kSessReasonFirst,  // one column per AbsenceReason from kIllness
  kSessionColumns = kSessReasonFirst + static_cast<int>(AbsenceReason::kCount) - 1,
};
inline int ReasonColumn(AbsenceReason r) { return kSessReasonFirst + static_cast<int>(r) - 1; }

struct EnrolmentSessions {
  std::array<uint16_t, kSessionColumns> n{};
};

// The window of dates counted for each enrolment: [first, last] inclusive.
struct CountWindow {
  int32_t first;
  int32_t last;
};

class SessionsSummary;

// Counts one enrolment's marks inside its window at a time, so a caller that
// needs each enrolment's counts only once (the build's aggregation) keeps no
// vector of them. Each code is counted as `treatments` says (the policy's).
// With a saved summary of `summary_blocks` made under the same treatments,
// an enrolment whose window is unchanged takes those blocks' counts from the
// summary instead of counting its marks, and only the day files are counted
// on top (a summary made under other treatments is not used). Count() may be
// called from several threads at once.
class SessionCounter {
 public:
  SessionCounter(const MarksSet& marks, const CodeTreatments& treatments,
                 const SessionsSummary* summary = nullptr,
                 std::span<const MarksBlock* const> summary_blocks = {});
  ~SessionCounter();
  SessionCounter(const SessionCounter&) = delete;
  SessionCounter& operator=(const SessionCounter&) = delete;

  // An enrolment whose window is empty (first > last) gets zeros.
  void Count(size_t enrolment, CountWindow window, EnrolmentSessions* out) const;
  // Whether the saved summary is being used.
  bool uses_saved_counts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Counts every enrolment's marks inside its window, on `threads` threads.
// An enrolment whose window is empty (first > last) gets zeros. With a saved
// summary of `summary_blocks`, an enrolment whose window is unchanged takes
// those blocks' counts from the summary instead of counting its marks.
std::vector<EnrolmentSessions> CountEnrolmentSessions(
    const MarksSet& marks, const CodeTreatments& treatments, std::span<const CountWindow> windows,
    int threads, const SessionsSummary* summary = nullptr,
    std::span<const MarksBlock* const> summary_blocks = {});

// Counts runs of marks under one policy's treatments (tests and benchmarks;
// the build counts through SessionCounter).
class MarkTally {
 public:
  explicit MarkTally(const CodeTreatments& treatments);
  ~MarkTally();
  // Adds the counts of marks[0, n) to *out.
  void Add(const uint8_t* marks, size_t n, EnrolmentSessions* out) const;

 private:
  struct Tables;
  std::unique_ptr<const Tables> tables_;
};

// The counting kernels: the build uses the fastest this CPU has; all must
// agree (enrolment_sessions_test.cc).
enum class ScanKernel { kScalar, kAvx2, kAvx512 };
bool KernelAvailable(ScanKernel k);
// Adds the count of each code in marks[0, n) to hist[code] (codes 3 and up)
// and the count of present marks (/ and \) to *present. hist has
// kMaxMarkCodes entries.
void CountCodes(ScanKernel k, const uint8_t* marks, size_t n, uint32_t* hist, uint32_t* present);

}  // namespace lantern

#endif  // LANTERN_DERIVE_ENROLMENT_SESSIONS_H_
