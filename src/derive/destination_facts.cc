// The destination grain: one row per pupil at the end of KS4 in the year
// (ks4_results), or with destination records for it, at their KS4 school:
// their sustained destination in the year after KS4, their activity 6,
// 12 and 24 months after Year 11 (definitions.md 4.1; docs/measures.md), and
// their months of December to February at 16 and at 17 (definitions.md 4.2).
// Counts of pupils, so the cube adds them up at every level and group and
// the one disclosure pass controls them.
#include <algorithm>
#include <array>
#include <unordered_map>

#include "derive/row_grain.h"
#include "measures/destinations.h"

namespace lantern {

namespace {

enum DestinationMeasure : int {
  kCohort,
  kSustained,
  kEducation,
  kApprenticeship,
  kEmployment,
  kNotSustained,
  kUnknown,
  kPart6,
  kPart12,
  kPart24,
  kNeet6,
  kNeet12,
  kNeet24,
  kNotKnown6,
  kNotKnown12,
  kNotKnown24,
  kNeetNkDecFeb,
  kParticipDecFeb,
  kCohortDecFeb,
  kNeetNkDecFeb17,
  kParticipDecFeb17,
  kCohortDecFeb17,
  kDestinationMeasures
};

constexpr MeasureDecl P(std::string_view id, std::string_view what) {
  return {id, Quantity::kPupils, 1, Aggregation::kSum, 1, 1, what};
}

constexpr std::array<MeasureDecl, kDestinationMeasures> kMeasures = {{
    P("ks4_cohort", "pupils at the end of KS4 in the year (or with destination records for it)"),
    P("dest_sustained", "pupils in a sustained destination in the year after KS4"),
    P("dest_education", "pupils in sustained education (incl. the combination)"),
    P("dest_apprenticeship", "pupils in a sustained apprenticeship"),
    P("dest_employment", "pupils in sustained employment"),
    P("dest_not_sustained", "pupils with activity recorded but not sustained"),
    P("dest_unknown", "pupils with no activity captured in the year after KS4"),
    P("particip_6m",
      "pupils in education, an apprenticeship or employment with training 6 months after Year 11"),
    P("particip_12m", "the same 12 months after Year 11"),
    P("particip_24m", "the same 24 months after Year 11"),
    P("neet_6m", "pupils NEET 6 months after Year 11"),
    P("neet_12m", "pupils NEET 12 months after Year 11"),
    P("neet_24m", "pupils NEET 24 months after Year 11"),
    P("not_known_6m", "pupils whose activity is not known 6 months after Year 11"),
    P("not_known_12m", "the same 12 months after Year 11"),
    P("not_known_24m", "the same 24 months after Year 11"),
    {"neet_nk_dec_feb_16", Quantity::kEvents, 1, Aggregation::kSum, 1, 3,
     "months of December, January and February after Year 11 in which the young person was NEET "
     "or their activity was not known (0 to 3 each)"},
    {"particip_dec_feb_16", Quantity::kEvents, 1, Aggregation::kSum, 1, 3,
     "months of December, January and February after Year 11 in education, an apprenticeship or "
     "employment with training (0 to 3 each)"},
    {"cohort_dec_feb_16", Quantity::kEvents, 1, Aggregation::kSum, 1, 3,
     "months of December, January and February after Year 11 counted: three for each young "
     "person of the cohort"},
    {"neet_nk_dec_feb_17", Quantity::kEvents, 1, Aggregation::kSum, 1, 3,
     "the same a year on (months 16 to 18 after Year 11, at academic age 17): months NEET or not "
     "known (0 to 3 each)"},
    {"particip_dec_feb_17", Quantity::kEvents, 1, Aggregation::kSum, 1, 3,
     "the same a year on: months in education, an apprenticeship or employment with training "
     "(0 to 3 each)"},
    {"cohort_dec_feb_17", Quantity::kEvents, 1, Aggregation::kSum, 1, 3,
     "the same a year on: months counted, three for each young person of the cohort"},
}};

class DestinationFacts : public RowGrain<kDestinationMeasures> {
 public:
  explicit DestinationFacts(const FactContext& c) : RowGrain("destination", kMeasures) {
    const StoreState& s = *c.state;
    const int year = c.year.start_year();
    std::vector<MonthlyActivity> months;
    std::unordered_map<uint32_t, size_t> at;  // pupil -> row
    auto row_of = [&](uint32_t pupil, uint32_t school) -> Row& {
      auto [it, fresh] = at.try_emplace(pupil, rows_.size());
      if (fresh) {
        rows_.push_back({school, pupil, {}});
        months.emplace_back();
        months.back().fill(DestinationActivity::kNotKnown);
      }
      return rows_[it->second];
    };
    const Ks4ResultTable& k = s.ks4_results;
    for (size_t r = 0; r < k.size(); ++r) {
      if (k.ks4_year[r] == year && k.pupil[r] < s.pupils.size() && k.school[r] < s.schools.size())
        row_of(k.pupil[r], k.school[r]);
    }
    const DestinationTable& d = s.destinations;
    const int first = (year + 1) * 12 + 7;
    for (size_t r = 0; r < d.size(); ++r) {
      if (d.ks4_year[r] != year || d.pupil[r] >= s.pupils.size() || d.school[r] >= s.schools.size())
        continue;
      row_of(d.pupil[r], d.school[r]);
      const int m = (d.month[r] / 100) * 12 + (d.month[r] % 100 - 1) - first;
      if (m >= 0 && m < kDestinationMonths) {
        months[at[d.pupil[r]]][static_cast<size_t>(m)] =
            static_cast<DestinationActivity>(d.activity[r]);
      }
    }
    for (size_t i = 0; i < rows_.size(); ++i) {
      auto& v = rows_[i].values;
      const DestinationOutcome o = ClassifyDestination(months[i]);
      v[kCohort] = 1;
      v[kEducation] = o.sustained == SustainedDestination::kEducation;
      v[kApprenticeship] = o.sustained == SustainedDestination::kApprenticeship;
      v[kEmployment] = o.sustained == SustainedDestination::kEmployment;
      v[kSustained] = v[kEducation] | v[kApprenticeship] | v[kEmployment];
      v[kNotSustained] = o.sustained == SustainedDestination::kNotSustained;
      v[kUnknown] = o.sustained == SustainedDestination::kUnknown;
      const int after[3] = {6, 12, 24};
      for (int h = 0; h < 3; ++h) {
        const DestinationActivity a = ActivityAfter(months[i], after[h]);
        v[static_cast<size_t>(kPart6 + h)] = IsParticipation(a);
        v[static_cast<size_t>(kNeet6 + h)] = a == DestinationActivity::kNeet;
        v[static_cast<size_t>(kNotKnown6 + h)] = a == DestinationActivity::kNotKnown;
      }
      // The Department's NEET measure averages the ends of December, January
      // and February (definitions.md 4.2): months 4 to 6 after Year 11, at
      // age 16, for this cohort.
      // The same a year on (months 16 to 18), at age 17: the cohort's half
      // of the Department's 16-17 measure a year later.
      const size_t first_month[2] = {4, 16};
      const DestinationMeasure cohort[2] = {kCohortDecFeb, kCohortDecFeb17},
                               neet_nk[2] = {kNeetNkDecFeb, kNeetNkDecFeb17},
                               particip[2] = {kParticipDecFeb, kParticipDecFeb17};
      for (size_t age = 0; age < 2; ++age) {
        v[cohort[age]] = 3;
        for (size_t m = first_month[age]; m < first_month[age] + 3; ++m) {
          const DestinationActivity a = months[i][m];
          v[neet_nk[age]] += a == DestinationActivity::kNeet || a == DestinationActivity::kNotKnown;
          v[particip[age]] += IsParticipation(a);
        }
      }
    }
    Sort();
  }
};

}  // namespace

std::span<const MeasureDecl> DestinationFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeDestinationFacts(const FactContext& context) {
  return std::make_unique<DestinationFacts>(context);
}

}  // namespace lantern
