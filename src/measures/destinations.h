// KS4 destinations from a former Year 11 pupil's monthly activity
// (definitions.md 4.1; docs/measures.md): the Department's sustained
// destination in the year after KS4, and activity 6, 12 and 24 months after
// Year 11 (participation, NEET, not known).
#ifndef LANTERN_MEASURES_DESTINATIONS_H_
#define LANTERN_MEASURES_DESTINATIONS_H_

#include <array>
#include <cstdint>

#include "model/codes.h"

namespace lantern {

// Month 0 is the August after Year 11; month 35 the July three years on.
constexpr int kDestinationMonths = 36;
using MonthlyActivity = std::array<DestinationActivity, kDestinationMonths>;

enum class SustainedDestination : uint8_t {
  kApprenticeship,
  kEducation,     // all of October to March in education (or the combination)
  kEmployment,    // 5 of the 6 months October to March in employment
  kNotSustained,  // some activity recorded, not sustained (incl. NEET)
  kUnknown,       // no activity captured in the destination year
};

struct DestinationOutcome {
  SustainedDestination sustained = SustainedDestination::kUnknown;
  // For sustained education: where (the month-by-month modal provider
  // type over October to March; the combination counts as other education).
  DestinationActivity education = DestinationActivity::kNotKnown;
};

bool IsEducation(DestinationActivity a);
// In education, an apprenticeship or employment with training: what the
// participation age requires.
bool IsParticipation(DestinationActivity a);
bool IsEmployment(DestinationActivity a);  // with or without training

// The sustained destination in the academic year after KS4 (months 0-11):
//   apprenticeship: 6 consecutive months in an apprenticeship in August to
//     March (months 0-7) [U: consecutive; window per definitions.md 4.1];
//   education: every month October to March (2-7) in education;
//   employment: at least 5 of October to March in employment;
//   combination: every month October to March in education, apprenticeship
//     or employment (a mix): counted as education, other;
//   not sustained: any month of the year with an activity recorded;
//   unknown: none.
// Checked in that order.
DestinationOutcome ClassifyDestination(const MonthlyActivity& months);

// The activity `months_after` months after Year 11 (6: January; 12 and 24:
// July), i.e. month index months_after - 1.
DestinationActivity ActivityAfter(const MonthlyActivity& months, int months_after);

}  // namespace lantern

#endif  // LANTERN_MEASURES_DESTINATIONS_H_
