#include "measures/destinations.h"

namespace lantern {

bool IsEducation(DestinationActivity a) {
  return a == DestinationActivity::kSchoolSixthForm ||
         a == DestinationActivity::kSixthFormCollege || a == DestinationActivity::kFeCollege ||
         a == DestinationActivity::kOtherEducation;
}

bool IsParticipation(DestinationActivity a) {
  return IsEducation(a) || a == DestinationActivity::kApprenticeship ||
         a == DestinationActivity::kEmploymentWithTraining;
}

bool IsEmployment(DestinationActivity a) {
  return a == DestinationActivity::kEmployment || a == DestinationActivity::kEmploymentWithTraining;
}

DestinationOutcome ClassifyDestination(const MonthlyActivity& m) {
  DestinationOutcome out;
  constexpr int kOct = 2, kMar = 7;
  int run = 0;
  for (int k = 0; k <= kMar; ++k) {
    run = m[static_cast<size_t>(k)] == DestinationActivity::kApprenticeship ? run + 1 : 0;
    if (run >= 6) {
      out.sustained = SustainedDestination::kApprenticeship;
      return out;
    }
  }
  bool all_education = true, all_active = true;
  int employed = 0;
  int by_kind[16] = {};
  for (int k = kOct; k <= kMar; ++k) {
    const DestinationActivity a = m[static_cast<size_t>(k)];
    all_education = all_education && IsEducation(a);
    all_active = all_active &&
                 (IsEducation(a) || IsEmployment(a) || a == DestinationActivity::kApprenticeship);
    employed += IsEmployment(a) ? 1 : 0;
    ++by_kind[static_cast<int>(a)];
  }
  if (all_education) {
    out.sustained = SustainedDestination::kEducation;
    // The provider type of most months; ties: the earlier in the code list.
    int best = -1;
    for (DestinationActivity a :
         {DestinationActivity::kSchoolSixthForm, DestinationActivity::kSixthFormCollege,
          DestinationActivity::kFeCollege, DestinationActivity::kOtherEducation}) {
      if (best < 0 || by_kind[static_cast<int>(a)] > by_kind[best]) best = static_cast<int>(a);
    }
    out.education = static_cast<DestinationActivity>(best);
    return out;
  }
  if (employed >= 5) {
    out.sustained = SustainedDestination::kEmployment;
    return out;
  }
  if (all_active) {
    out.sustained = SustainedDestination::kEducation;
    out.education = DestinationActivity::kOtherEducation;
    return out;
  }
  for (int k = 0; k < 12; ++k) {
    if (m[static_cast<size_t>(k)] != DestinationActivity::kNotKnown) {
      out.sustained = SustainedDestination::kNotSustained;
      return out;
    }
  }
  out.sustained = SustainedDestination::kUnknown;
  return out;
}

DestinationActivity ActivityAfter(const MonthlyActivity& m, int months_after) {
  const int k = months_after - 1;
  if (k < 0 || k >= kDestinationMonths) return DestinationActivity::kNotKnown;
  return m[static_cast<size_t>(k)];
}

}  // namespace lantern
