#include "generate/marks.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "generate/random.h"

namespace lantern::gen {

namespace {

// A session the absence model may use; replaced before output.
constexpr MarkCode kFree = 254;

struct Codes {
  MarkCode present_am, present_pm, late;
  std::array<MarkCode, kEpisodeKinds> kind;
};
const Codes& C() {
  static const Codes c = [] {
    Codes c{*ParseMarkCode("/"), *ParseMarkCode("\\"), *ParseMarkCode("L"), {}};
    for (size_t k = 0; k < kEpisodeKinds; ++k) {
      c.kind[k] = *ParseMarkCode(KindInfo(static_cast<EpisodeKind>(k)).code);
    }
    return c;
  }();
  return c;
}

// Relative chance of an illness spell starting in each month (winter peak).
double IllnessSeason(Date d) {
  int y;
  unsigned m, day;
  d.ToCivil(&y, &m, &day);
  static const double kByMonth[] = {1.30, 1.20, 1.05, 0.85, 0.80, 0.75,
                                    0.70, 0.70, 0.80, 1.00, 1.15, 1.25};
  return kByMonth[m - 1];
}

bool DayBased(EpisodeKind k) {
  return k == EpisodeKind::kIllness || k == EpisodeKind::kAuthorisedOther ||
         k == EpisodeKind::kReligious || k == EpisodeKind::kUnauthHoliday;
}

int DrawLength(EpisodeKind k, Rng& rng) {
  const LengthPmf& pmf = KindInfo(k).sessions;
  double u = rng.Uniform();
  for (int i = 1; i <= kMaxEpisodeSessions; ++i) {
    if (u < pmf[static_cast<size_t>(i)]) return i;
    u -= pmf[static_cast<size_t>(i)];
  }
  return 1;
}

}  // namespace

MarksRenderer::MarksRenderer(const World& world, const LaPlan& plan, uint64_t seed)
    : world_(world), plan_(plan), seed_(seed) {
  rule_begin_.assign(plan.enrolments.size() + 1, 0);
  for (const MarkRule& r : plan.rules) ++rule_begin_[r.enrolment + 1];
  for (size_t i = 1; i < rule_begin_.size(); ++i) rule_begin_[i] += rule_begin_[i - 1];
  const double unauthorised = world.inputs->UnauthorisedFactor(plan.la);
  for (uint32_t s : plan.schools) {
    mixes_.push_back({s, PhaseMix(world.schools[s].phase, unauthorised)});
  }
}

void MarksRenderer::Render(uint32_t e, EnrolmentMarks* m) const {
  const GenEnrolment& en = plan_.enrolments[e];
  const GenSchool& school = world_.schools[en.school];
  const GenPupil& pupil = plan_.pupils[en.pupil];
  const SchoolCalendar& cal = school.calendar;
  m->first = cal.FirstOnOrAfter(Date{en.entry});
  const int last = cal.LastOnOrBefore(Date{std::min(en.leaving, cal.last_day().days)});
  m->sessions.clear();
  if (m->first > last) return;
  const bool subsidiary = en.status == EnrolStatus::kSubsidiary;
  m->sessions.assign(static_cast<size_t>(2 * (last - m->first + 1)), subsidiary ? kNoMark : kFree);
  Rng rng(StreamKey(seed_, Purpose::kMarks, pupil.key, static_cast<uint64_t>(school.urn),
                    static_cast<uint64_t>(en.entry)));
  ApplyRules(e, cal, rng, m);
  AddAbsence(pupil, school, rng, m);
  FillPresent(pupil, rng, m);
}

void MarksRenderer::ApplyRules(uint32_t e, const SchoolCalendar& cal, Rng& rng,
                               EnrolmentMarks* m) const {
  const int last = m->first + m->days() - 1;
  for (uint32_t k = rule_begin_[e]; k < rule_begin_[e + 1]; ++k) {
    const MarkRule& r = plan_.rules[k];
    for (int i = std::max(m->first, cal.FirstOnOrAfter(Date{r.first}));
         i <= last && cal.day(i).days <= r.last; ++i) {
      if (!(r.weekdays & (1 << cal.day(i).Weekday()))) continue;
      for (int half = 0; half < 2; ++half) {
        if (!(half == 0 ? r.am : r.pm)) continue;
        MarkCode& slot = m->sessions[static_cast<size_t>(2 * (i - m->first) + half)];
        if (r.code == kAttendDays) {
          slot = kFree;
        } else if (r.attend_share > 0 && rng.Uniform() < r.attend_share) {
          slot = half == 0 ? C().present_am : C().present_pm;
        } else {
          slot = r.code;
        }
      }
    }
  }
}

void MarksRenderer::AddAbsence(const GenPupil& pupil, const GenSchool& school, Rng& rng,
                               EnrolmentMarks* m) const {
  const SchoolCalendar& cal = school.calendar;
  const double rate =
      Logistic(school.fit.intercept + pupil.absence_shift + school.fit.spread * pupil.absence_z);
  auto it = std::lower_bound(
      mixes_.begin(), mixes_.end(),
      std::make_pair(static_cast<uint32_t>(&school - &world_.schools[0]), KindMix{}),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  const KindMix mix = PupilMix(it->second, pupil);
  std::vector<int> free;
  for (int term = 0; term < 3; ++term) {
    free.clear();
    for (size_t j = 0; j < m->sessions.size(); ++j) {
      if (m->sessions[j] == kFree && cal.TermOf(m->first + static_cast<int>(j / 2)) == term) {
        free.push_back(static_cast<int>(j));
      }
    }
    const double drift = std::exp(kTermDriftSd * rng.Normal() - kTermDriftSd * kTermDriftSd / 2);
    if (free.empty()) continue;
    for (size_t k = 0; k < kEpisodeKinds; ++k) {
      const EpisodeKind kind = static_cast<EpisodeKind>(k);
      const double lambda =
          rate * static_cast<double>(free.size()) * mix[k] / KindInfo(kind).mean_sessions * drift;
      const int episodes = rng.Poisson(lambda);
      for (int n = 0; n < episodes; ++n) Place(kind, DrawLength(kind, rng), free, cal, rng, m);
    }
  }
}

// Marks `length` free sessions from a start chosen in `free`, walking
// forward (or back, for a holiday taken just before a break) over sessions
// that are still free, and stopping at a holiday.
void MarksRenderer::Place(EpisodeKind kind, int length, const std::vector<int>& free,
                          const SchoolCalendar& cal, Rng& rng, EnrolmentMarks* m) const {
  int pos = free[static_cast<size_t>(rng.Below(static_cast<int>(free.size())))];
  auto day_of = [&](int session) { return m->first + session / 2; };
  int step = 1;
  if (kind == EpisodeKind::kIllness) {
    for (int tries = 0; tries < 8 && rng.Uniform() * 1.3 > IllnessSeason(cal.day(day_of(pos)));
         ++tries) {
      pos = free[static_cast<size_t>(rng.Below(static_cast<int>(free.size())))];
    }
  } else if (kind == EpisodeKind::kUnauthHoliday && rng.Bernoulli(0.7)) {
    // Most unauthorised holidays sit next to a school holiday.
    for (int tries = 0; tries < 30; ++tries) {
      const int p = free[static_cast<size_t>(rng.Below(static_cast<int>(free.size())))];
      const int d = day_of(p);
      if (!cal.NextToHoliday(d)) continue;
      const bool before_break = d + 1 >= cal.size() || cal.day(d + 1) - cal.day(d) >= 7;
      pos = before_break ? 2 * (d - m->first) + 1 : 2 * (d - m->first);
      step = before_break ? -1 : 1;
      break;
    }
  }
  if (step == 1) {
    if (kind == EpisodeKind::kLateAfterClose || (DayBased(kind) && length % 2 == 0)) {
      pos &= ~1;  // starts in the morning
    } else if (kind == EpisodeKind::kIllness) {
      pos |= 1;  // an odd-length illness spell starts in the afternoon
    }
  }
  // Episodes do not run across a holiday or past the enrolment: what does
  // not fit after the start is placed before it, so the length is kept.
  const int size = static_cast<int>(m->sessions.size());
  auto walk = [&](int from, int dir, int remaining) {
    for (int p = from; p >= 0 && p < size && remaining > 0; p += dir) {
      MarkCode& slot = m->sessions[static_cast<size_t>(p)];
      if (slot == kFree) {
        slot = C().kind[static_cast<size_t>(kind)];
        --remaining;
      }
      const int next = p + dir;
      if (next >= 0 && next < size && day_of(next) != day_of(p) &&
          std::abs(cal.day(day_of(next)) - cal.day(day_of(p))) > 4) {
        break;
      }
    }
    return remaining;
  };
  int left = walk(pos, step, length);
  if (left > 0) left = walk(pos - step, -step, left);
  // Crowded out (a pupil absent most of the term): the rest goes wherever
  // sessions are still free, so the expected total is kept.
  for (int tries = 0; left > 0 && tries < 8; ++tries) {
    left = walk(free[static_cast<size_t>(rng.Below(static_cast<int>(free.size())))], 1, left);
  }
}

void MarksRenderer::FillPresent(const GenPupil& pupil, Rng& rng, EnrolmentMarks* m) const {
  for (size_t j = 0; j < m->sessions.size(); ++j) {
    if (m->sessions[j] == kFree) m->sessions[j] = (j % 2 == 0) ? C().present_am : C().present_pm;
  }
  // Late before the register closed (L, counted as present): a few
  // mornings a year for most pupils, more for those often absent.
  const int days = m->days();
  if (days == 0) return;
  const int lates = rng.Poisson(days * 0.012 * std::exp(0.8 * pupil.absence_z));
  for (int k = 0; k < lates; ++k) {
    MarkCode& am = m->sessions[static_cast<size_t>(2 * rng.Below(days))];
    if (am == C().present_am) am = C().late;
  }
}

std::vector<std::array<char, 10>> FormatOpenDays(const SchoolCalendar& cal) {
  std::vector<std::array<char, 10>> out(static_cast<size_t>(cal.size()));
  for (int i = 0; i < cal.size(); ++i)
    FormatIsoDate(cal.day(i), out[static_cast<size_t>(i)].data());
  return out;
}

namespace {
void AppendKeys(const GenPupil& pupil, const GenSchool& school, std::string* out) {
  out->append(pupil.upn, 13);
  out->push_back(',');
  char urn[12];
  const int n = std::snprintf(urn, sizeof urn, "%d", school.urn);
  out->append(urn, static_cast<size_t>(n));
  out->push_back(',');
}
}  // namespace

uint64_t AppendLongRows(const GenPupil& pupil, const GenSchool& school,
                        const std::vector<std::array<char, 10>>& dates, const EnrolmentMarks& m,
                        const DayWindow& window, std::string* out) {
  uint64_t rows = 0;
  const SchoolCalendar& cal = school.calendar;
  for (int d = 0; d < m.days(); ++d) {
    const int index = m.first + d;
    if (!window.Contains(cal.day(index))) continue;
    const MarkCode am = m.sessions[static_cast<size_t>(2 * d)];
    const MarkCode pm = m.sessions[static_cast<size_t>(2 * d + 1)];
    if (am == kNoMark && pm == kNoMark) continue;
    AppendKeys(pupil, school, out);
    out->append(dates[static_cast<size_t>(index)].data(), 10);
    out->push_back(',');
    out->append(CodeInfo(am).code);
    out->push_back(',');
    out->append(CodeInfo(pm).code);
    out->push_back('\n');
    ++rows;
  }
  return rows;
}

uint64_t AppendCompactRow(const GenPupil& pupil, const GenSchool& school, const EnrolmentMarks& m,
                          const DayWindow& window, std::string* out) {
  const SchoolCalendar& cal = school.calendar;
  int first = -1, last = -1;
  for (int d = 0; d < m.days(); ++d) {
    if (!window.Contains(cal.day(m.first + d))) continue;
    if (m.sessions[static_cast<size_t>(2 * d)] == kNoMark &&
        m.sessions[static_cast<size_t>(2 * d + 1)] == kNoMark) {
      continue;
    }
    if (first < 0) first = d;
    last = d;
  }
  if (first < 0) return 0;
  AppendKeys(pupil, school, out);
  char from[10];
  FormatIsoDate(cal.day(m.first + first), from);
  out->append(from, 10);
  out->push_back(',');
  const Date end = cal.day(m.first + last);
  for (Date d = cal.day(m.first + first); d <= end; d = d + 1) {
    if (!d.IsWeekday()) continue;
    const int index = cal.OpenIndex(d);
    const int k = index - m.first;
    if (index < 0 || k < first || k > last || !window.Contains(d)) {
      out->append("--");
      continue;
    }
    for (int half = 0; half < 2; ++half) {
      const MarkCode c = m.sessions[static_cast<size_t>(2 * k + half)];
      if (c == kNoMark) {
        out->push_back('-');
      } else {
        out->append(CodeInfo(c).code);
      }
    }
  }
  out->push_back('\n');
  return 1;
}

}  // namespace lantern::gen
