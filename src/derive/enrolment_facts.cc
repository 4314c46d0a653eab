// The enrolment grain: one row per enrolment.
//
// Attendance and absence (definitions.md 1): the enrolment's marks inside
// its window in the absence cohort (CohortRule: ages 5 to 15, current and
// main registrations, no boarders, study leave for 15-year-olds) counted by
// kind (SessionCounter), and from them whether it is a persistent (10% or
// more of its own possible sessions) or severe (50% or more) absentee.
// Rates are ratios of sums over enrolments, never means of pupil rates; the
// sums of squares and cross products of overall and possible sessions give
// the enrolment-clustered standard error of a rate (the scorecard).
//
// The January census (definitions.md 2): the enrolment is on roll on the
// census day (Policy::JanuaryCensusDay) as a current or main registration,
// whatever the pupil's age: the headcount behind suspension and exclusion
// rates and the scorecard's context; with the pupil's KS2 scaled scores.
// A pupil has at most one such registration on a day (ingest refuses
// overlapping ones), so enrolments on roll are pupils on roll.
#include <algorithm>
#include <array>

#include "derive/cohort.h"
#include "derive/enrolment_sessions.h"
#include "derive/facts.h"
#include "derive/sessions_summary.h"

namespace lantern {

namespace {

constexpr int64_t kMaxSessions = 2 * 366;

// The enrolment grain's measures, in this order (the enum below indexes
// them): the build asks for the first kHeadcount + 1, which then need no
// gathering.
enum EnrolmentMeasure : int {
  kFirstSessionMeasure = 0,  // the session columns of EnrolmentSessions
  kEnrolments = kSessionColumns,
  kPersistent,
  kSevere,
  kHeadcount,
  kKs2Pupils,
  kKs2Score,
  kKs2ScoreSq,
  kOverallSq,
  kOverallPossible,
  kPossibleSq,
  kEnrolmentMeasures,
};
bool IsAttendance(int m) { return m <= kSevere || m >= kOverallSq; }

constexpr MeasureDecl Sessions(std::string_view id, std::string_view what) {
  return {id, Quantity::kSessions, 1, Aggregation::kSum, 1, kMaxSessions, what};
}

// The session columns take their ids from the Department's column names.
constexpr std::array<MeasureDecl, kEnrolmentMeasures> kMeasures = {{
    Sessions("sess_possible", "possible sessions"),
    Sessions("sess_present", "present sessions (/, \\, L)"),
    Sessions("sess_aea", "approved educational activity sessions (K, V, P, W, B)"),
    Sessions("sess_late", "late sessions (L)"),
    Sessions("sess_authorised", "authorised absence sessions"),
    Sessions("sess_unauthorised", "unauthorised absence sessions"),
    Sessions("sess_overall", "overall absence sessions"),
    Sessions("sess_auth_illness", "sessions coded I"),
    Sessions("sess_auth_appointments", "sessions coded M"),
    Sessions("sess_auth_religious", "sessions coded R"),
    Sessions("sess_auth_study", "sessions coded S"),
    Sessions("sess_auth_traveller", "sessions coded T"),
    Sessions("sess_auth_holiday", "sessions coded H or F"),
    Sessions("sess_auth_excluded", "sessions coded E"),
    Sessions("sess_auth_performance", "sessions coded C1"),
    Sessions("sess_auth_interview", "sessions coded J1"),
    Sessions("sess_auth_part_time", "sessions coded C2"),
    Sessions("sess_auth_other", "sessions coded C"),
    Sessions("sess_unauth_holiday", "sessions coded G"),
    Sessions("sess_unauth_late", "sessions coded U"),
    Sessions("sess_unauth_other", "sessions coded O"),
    Sessions("sess_unauth_noyet", "sessions coded N"),
    {"enrolments", Quantity::kEnrolments, 1, Aggregation::kSum, 1, 1,
     "enrolments in the absence cohort with at least one possible session"},
    {"enrolments_pa_10_exact", Quantity::kEnrolments, 1, Aggregation::kSum, 1, 1,
     "persistent absentees: enrolments missing at least the persistent-absence threshold "
     "(10%) of their own possible sessions"},
    {"enrolments_pa_50_exact", Quantity::kEnrolments, 1, Aggregation::kSum, 1, 1,
     "severe absentees: enrolments missing at least the severe-absence threshold (50%)"},
    {"headcount", Quantity::kPupils, 1, Aggregation::kSum, 1, 1,
     "pupils on roll on the January census day (current and main registrations, all ages)"},
    {"ks2_pupils", Quantity::kPupils, 1, Aggregation::kSum, 1, 1,
     "pupils on roll on census day with a KS2 reading or maths scaled score"},
    {"ks2_score", Quantity::kScore, 1, Aggregation::kSum, 2, 2 * 120,
     "sum of those pupils' KS2 average scaled scores (reading and maths; the one present when "
     "only one is)"},
    {"ks2_score_sq", Quantity::kScore, 2, Aggregation::kSum, 4, 4 * 120 * 120,
     "sum of the squares of those scores"},
    {"sess_overall_sq", Quantity::kSessions, 2, Aggregation::kSum, 1, kMaxSessions* kMaxSessions,
     "sum over enrolments of overall absence sessions squared"},
    {"sess_overall_x_possible", Quantity::kSessions, 2, Aggregation::kSum, 1,
     kMaxSessions* kMaxSessions,
     "sum over enrolments of overall absence sessions times possible sessions"},
    {"sess_possible_sq", Quantity::kSessions, 2, Aggregation::kSum, 1, kMaxSessions* kMaxSessions,
     "sum over enrolments of possible sessions squared"},
}};

class EnrolmentFacts : public FactGrain {
 public:
  explicit EnrolmentFacts(const FactContext& c)
      : c_(c),
        s_(*c.state),
        cohort_(s_, c.year, *c.policy, c.first_day, c.last_day),
        treatments_(c.policy->Treatments()) {
    census_ = c.policy->JanuaryCensusDay(c.year).days;
  }

  std::string_view name() const override { return "enrolment"; }
  std::span<const MeasureDecl> measures() const override { return kMeasures; }
  uint64_t max_rows_per_school() const override {
    std::vector<uint32_t> n(s_.schools.size(), 0);
    uint32_t most = 0;
    for (uint32_t school : s_.enrolments.school) {
      if (school < n.size()) most = std::max(most, ++n[school]);
    }
    return most;
  }

  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    for (int m : wanted_) {
      if (m < 0 || m >= kEnrolmentMeasures) return Status::Internal("enrolment: bad measure");
      attendance_ = attendance_ || IsAttendance(m);
      census_wanted_ = census_wanted_ || !IsAttendance(m);
    }
    prefix_ = true;
    for (size_t k = 0; k < wanted_.size(); ++k)
      prefix_ = prefix_ && wanted_[k] == static_cast<int>(k);
    if (attendance_) {
      if (!c_.full_scan && c_.store != nullptr) {
        saved_ = OpenSavedCounts(*c_.store, s_.marks, treatments_);
      }
      counter_ = std::make_unique<SessionCounter>(s_.marks, treatments_, saved_.summary.get(),
                                                  saved_.blocks);
    }
    return Status::Ok();
  }

  bool used_saved_counts() const override { return counter_ && counter_->uses_saved_counts(); }

  void Scan(const SchoolShare& share, FactSink* sink) const override {
    const EnrolmentTable& e = s_.enrolments;
    const Policy& policy = *c_.policy;
    std::array<int64_t, kEnrolmentMeasures> all;
    std::vector<int64_t> out(wanted_.size());
    EnrolmentSessions sessions;
    CountWindow window;
    for (size_t i = 0; i < e.size(); ++i) {
      const uint32_t school = e.school[i];
      if (!share.owns(school)) continue;
      bool any = false;
      if (attendance_ && cohort_.Window(i, &window)) {
        counter_->Count(i, window, &sessions);
        any = Attendance(sessions, policy, &all);
      } else if (attendance_) {
        ZeroAttendance(&all);
      }
      if (census_wanted_) any = Census(i, &all) || any;
      if (!any) continue;
      if (prefix_) {
        sink->Add(school, e.pupil[i], all.data());
        continue;
      }
      for (size_t k = 0; k < wanted_.size(); ++k) out[k] = all[static_cast<size_t>(wanted_[k])];
      sink->Add(school, e.pupil[i], out.data());
    }
  }

 private:
  // The attendance measures of one enrolment; false (all zero) when it has
  // no possible session.
  static void ZeroAttendance(std::array<int64_t, kEnrolmentMeasures>* out) {
    std::fill(out->begin(), out->begin() + kHeadcount, 0);
    std::fill(out->begin() + kOverallSq, out->end(), 0);
  }
  static bool Attendance(const EnrolmentSessions& s, const Policy& policy,
                         std::array<int64_t, kEnrolmentMeasures>* out) {
    const int64_t possible = s.n[kSessPossible];
    if (possible == 0) {
      ZeroAttendance(out);
      return false;
    }
    for (int c = 0; c < kSessionColumns; ++c) (*out)[static_cast<size_t>(c)] = s.n[c];
    const int64_t overall = s.n[kSessOverall];
    // "At least": exactly 10% is persistent absence; the tolerance keeps
    // binary fractions (0.1 * 310 = 31.000000000000004) from moving the
    // boundary.
    const auto at_least = [&](double share) {
      return static_cast<double>(overall) >= share * static_cast<double>(possible) - 1e-9;
    };
    (*out)[kEnrolments] = 1;
    (*out)[kPersistent] = at_least(policy.persistent_absence_threshold) ? 1 : 0;
    (*out)[kSevere] = at_least(policy.severe_absence_threshold) ? 1 : 0;
    (*out)[kOverallSq] = overall * overall;
    (*out)[kOverallPossible] = overall * possible;
    (*out)[kPossibleSq] = possible * possible;
    return true;
  }

  // The census measures of one enrolment; false when it is not on roll on
  // census day as a counted registration.
  bool Census(size_t i, std::array<int64_t, kEnrolmentMeasures>* out) const {
    const EnrolmentTable& e = s_.enrolments;
    std::fill(out->begin() + kHeadcount, out->begin() + kOverallSq, 0);
    const auto status = static_cast<EnrolStatus>(e.status[i]);
    if (status == EnrolStatus::kSubsidiary && c_.policy->exclude_subsidiary_dual) return false;
    if (status == EnrolStatus::kGuest && c_.policy->exclude_guest) return false;
    if (e.entry_date[i] > census_ || e.leaving_date[i] < census_) return false;
    (*out)[kHeadcount] = 1;
    const uint32_t p = e.pupil[i];
    const int r = s_.pupils.ks2_reading[p], m = s_.pupils.ks2_maths[p];
    if (r > 0 || m > 0) {
      // Twice the pupil's score (scale 2): reading + maths, or twice the one present.
      const int64_t twice = r > 0 && m > 0 ? r + m : 2 * (r > 0 ? r : m);
      (*out)[kKs2Pupils] = 1;
      (*out)[kKs2Score] = twice;
      (*out)[kKs2ScoreSq] = twice * twice;
    }
    return true;
  }

  FactContext c_;
  const StoreState& s_;
  CohortRule cohort_;
  CodeTreatments treatments_;
  int32_t census_;
  std::vector<int> wanted_;
  bool attendance_ = false, census_wanted_ = false;
  bool prefix_ = false;  // wanted_ is 0, 1, 2...: the values need no gathering
  SavedCounts saved_;
  std::unique_ptr<SessionCounter> counter_;
};

}  // namespace

std::span<const MeasureDecl> EnrolmentFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeEnrolmentFacts(const FactContext& context) {
  return std::make_unique<EnrolmentFacts>(context);
}

}  // namespace lantern
