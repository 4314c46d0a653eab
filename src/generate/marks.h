// Rendering marks: the two sessions of every open day of an enrolment,
// from the plan's fixed rules (E, C2, B, K, D, S) and the school's
// calibrated absence model, and writing them in the long or compact form.
//
// An enrolment's marks are always rendered whole, from one random stream
// keyed by (seed, pupil, school, entry date); --through and --day only cut
// what is written. So a one-day run writes exactly the marks of the full run.
#ifndef LANTERN_GENERATE_MARKS_H_
#define LANTERN_GENERATE_MARKS_H_

#include <array>
#include <string>
#include <vector>

#include "generate/absence_model.h"
#include "generate/plan.h"
#include "generate/random.h"
#include "generate/world.h"

namespace lantern::gen {

struct EnrolmentMarks {
  int first = 0;                   // open-day index of the first day
  std::vector<MarkCode> sessions;  // two per open day (am, pm); kNoMark where none
  int days() const { return static_cast<int>(sessions.size() / 2); }
};

class MarksRenderer {
 public:
  MarksRenderer(const World& world, const LaPlan& plan, uint64_t seed);
  void Render(uint32_t enrolment, EnrolmentMarks* out) const;

 private:
  void ApplyRules(uint32_t enrolment, const SchoolCalendar& cal, Rng& rng, EnrolmentMarks* m) const;
  void AddAbsence(const GenPupil& pupil, const GenSchool& school, Rng& rng,
                  EnrolmentMarks* m) const;
  void Place(EpisodeKind kind, int length, const std::vector<int>& free, const SchoolCalendar& cal,
             Rng& rng, EnrolmentMarks* m) const;
  void FillPresent(const GenPupil& pupil, Rng& rng, EnrolmentMarks* m) const;

  const World& world_;
  const LaPlan& plan_;
  uint64_t seed_;
  std::vector<uint32_t> rule_begin_;                 // per enrolment, into plan.rules (sorted)
  std::vector<std::pair<uint32_t, KindMix>> mixes_;  // school index -> its mix
};

// The school's open days as ISO text, for writing rows fast.
std::vector<std::array<char, 10>> FormatOpenDays(const SchoolCalendar& cal);

// Which days to write: up to `through` (inclusive), or only `day`.
struct DayWindow {
  Date through;
  bool single_day = false;
  Date day;
  bool Contains(Date d) const { return single_day ? d == day : d <= through; }
};

// Appends long-form rows (upn,urn,date,am,pm) for the days in the window;
// returns the number of rows.
uint64_t AppendLongRows(const GenPupil& pupil, const GenSchool& school,
                        const std::vector<std::array<char, 10>>& dates, const EnrolmentMarks& m,
                        const DayWindow& window, std::string* out);
// Appends one compact row (upn,urn,from_date,marks) covering the marked
// days in the window; returns 0 or 1.
uint64_t AppendCompactRow(const GenPupil& pupil, const GenSchool& school, const EnrolmentMarks& m,
                          const DayWindow& window, std::string* out);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_MARKS_H_
