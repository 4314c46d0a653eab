// The absence model and its calibration (docs/generator.md, "Absence").
//
// Each pupil has a persistent latent propensity z ~ N(0, 1). The pupil's
// expected absence rate (share of open sessions missed) is
//
//     r = logistic(a_school + x_pupil + s_school * z)
//
// where x is a covariate shift (FSM, disadvantage, SEN, EAL, looked after,
// year group). Absence is realised as episodes: illness spells of one to
// several days, medical appointments (one session), other authorised leave,
// unauthorised holidays (blocks of days, often next to a holiday),
// unauthorised single days, lates after the register closed and reasons not
// yet given. Per term, the number of episodes of each kind is Poisson with a
// mean that makes the expected sessions missed equal r times the open
// sessions, times a lognormal term-to-term drift of mean 1.
//
// Calibration: for each school, a and s are solved so that the expected
// overall absence rate of its 5-15 year olds equals the published PERCTOT
// and the expected share of them missing 10% or more equals PPERSABS10.
// Expectations over z use Gauss-Hermite quadrature; the probability that a
// pupil with rate r reaches 10% is exact for the episode model (a compound
// Poisson distribution, by Panjer's recursion, mixed over the drift).
#ifndef LANTERN_GENERATE_ABSENCE_MODEL_H_
#define LANTERN_GENERATE_ABSENCE_MODEL_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "generate/plan.h"
#include "model/register_codes.h"

namespace lantern::gen {

enum class EpisodeKind : uint8_t {
  kIllness,          // I
  kMedical,          // M
  kAuthorisedOther,  // C
  kReligious,        // R
  kUnauthHoliday,    // G
  kUnauthOther,      // O
  kLateAfterClose,   // U
  kNoReasonYet,      // N
  kCount,
};
constexpr size_t kEpisodeKinds = static_cast<size_t>(EpisodeKind::kCount);
using KindMix = std::array<double, kEpisodeKinds>;  // shares of absent sessions, sum 1

constexpr int kMaxEpisodeSessions = 20;
// The longest episode, in sessions, and the pmf of an episode's length.
using LengthPmf = std::array<double, kMaxEpisodeSessions + 1>;

struct EpisodeKindInfo {
  const char* code;  // register code
  bool unauthorised;
  LengthPmf sessions;  // probability of each length in sessions (index 0 unused)
  double mean_sessions;
};
const EpisodeKindInfo& KindInfo(EpisodeKind kind);

// Term-to-term drift of a pupil's episode rate: lognormal with this sd.
constexpr double kTermDriftSd = 0.25;

// The national mix of absence reasons for a phase (2018/19), with the LA's
// unauthorised share applied (factor 1 = England's share).
KindMix PhaseMix(SchoolPhaseCode phase, double unauthorised_factor = 1.0);
// A pupil's own mix: more unauthorised absence for disadvantaged pupils and
// for pupils with a high propensity.
KindMix PupilMix(const KindMix& school_mix, const GenPupil& pupil);

// Logit-scale shift of a pupil's absence rate from their characteristics.
double AbsenceShift(const GenPupil& pupil, SchoolPhaseCode phase);

// P(an enrolment with expected rate r misses 10% or more of `possible`
// sessions) under the episode model with the given mix.
class PersistenceTable {
 public:
  PersistenceTable(const KindMix& mix, int possible_sessions);
  double At(double rate) const { return At(rate, 0); }
  // The same for a pupil who also misses `fixed` sessions outside the
  // model (suspensions, a part-time timetable).
  double At(double rate, int fixed) const;

 private:
  int threshold_ = 0;  // sessions that make 10%
  // tail_[i][k] = P(sessions missed >= k) at rate i / (points - 1), k <= threshold.
  std::vector<std::vector<double>> tail_;
};
// A shared table for a phase's mix (with an LA's unauthorised factor,
// rounded to 0.05) and a number of sessions.
const PersistenceTable& PersistenceTableFor(SchoolPhaseCode phase, int possible_sessions,
                                            double unauthorised_factor = 1.0);

// Gauss-Hermite nodes and weights: E[f(Z)] ~ sum w_i f(z_i), Z ~ N(0, 1).
struct NormalQuadrature {
  std::vector<double> z, w;
};
const NormalQuadrature& StandardNormalQuadrature();  // 24 nodes

// Pupils of the calibration cohort grouped by covariate shift.
struct ShiftGroup {
  double shift = 0;
  double weight = 0;  // number of pupils (or sessions)
  int fixed = 0;      // sessions missed outside the model (E, C2)
};

// Solves intercept and spread; `converged` is false when no spread in
// [0.02, 3.5] reaches the persistent-absence target (the closest is kept).
AbsenceFit FitAbsence(const std::vector<ShiftGroup>& groups, double target_overall,
                      double target_persistent, const PersistenceTable& table);

// Expected overall rate and persistent share for given parameters.
void ExpectedAbsence(const std::vector<ShiftGroup>& groups, double intercept, double spread,
                     const PersistenceTable& table, double* overall, double* persistent);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_ABSENCE_MODEL_H_
