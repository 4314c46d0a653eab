#include "server/pupil_records.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <utility>

#include "common/date.h"
#include "derive/enrolment_sessions.h"
#include "model/codes.h"
#include "model/upn.h"
#include "store/loaded_store.h"

namespace lantern::server {

struct PupilRecords::Impl {
  std::shared_ptr<const LoadedStore> store;
  Policy policy;
  CodeTreatments treatments;
  std::unique_ptr<SessionCounter> counter;
  std::unordered_map<int, uint32_t> school_by_urn;
  // Rows of each table by school (enrolments, suspensions, internal units)
  // or commissioning school (AP placements).
  std::vector<std::vector<uint32_t>> enrolments, suspensions, ap, units;
  int32_t first_day = 0, last_day = 0;  // the store's year, to its last marked day

  const StoreState& state() const { return store->impl().state; }
};

namespace {

// The rows of `rows` (sorted by pupil) that belong to pupil p.
template <typename Column>
std::span<const uint32_t> RowsOf(const std::vector<uint32_t>& rows, const Column& pupil,
                                 uint32_t p) {
  auto lo =
      std::partition_point(rows.begin(), rows.end(), [&](uint32_t r) { return pupil[r] < p; });
  auto hi = std::partition_point(lo, rows.end(), [&](uint32_t r) { return pupil[r] == p; });
  return {rows.data() + (lo - rows.begin()), static_cast<size_t>(hi - lo)};
}

std::string Iso(int32_t days) {
  return days == kNoDate ? std::string() : FormatIsoDate(Date{days});
}

}  // namespace

PupilRecords::PupilRecords(std::shared_ptr<const LoadedStore> store, Policy policy)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.store = std::move(store);
  m.policy = std::move(policy);
  m.treatments = m.policy.Treatments();
  const StoreState& s = m.state();
  m.counter = std::make_unique<SessionCounter>(s.marks, m.treatments);
  const size_t n = s.schools.size();
  for (size_t i = 0; i < n; ++i) m.school_by_urn[s.schools.urn[i]] = static_cast<uint32_t>(i);
  m.enrolments.resize(n);
  m.suspensions.resize(n);
  m.ap.resize(n);
  m.units.resize(n);
  for (size_t e = 0; e < s.enrolments.size(); ++e) {
    m.enrolments[s.enrolments.school[e]].push_back(static_cast<uint32_t>(e));
  }
  for (size_t e = 0; e < s.suspensions.size(); ++e) {
    m.suspensions[s.suspensions.school[e]].push_back(static_cast<uint32_t>(e));
  }
  for (size_t e = 0; e < s.ap_placements.size(); ++e) {
    m.ap[s.ap_placements.commissioner[e]].push_back(static_cast<uint32_t>(e));
  }
  for (size_t e = 0; e < s.internal_units.size(); ++e) {
    m.units[s.internal_units.school[e]].push_back(static_cast<uint32_t>(e));
  }
  // Each school's rows in pupil order, so a pupil's rows are found by search.
  for (size_t i = 0; i < n; ++i) {
    auto by = [](const auto& pupil_column) {
      return [&pupil_column](uint32_t a, uint32_t b) {
        return std::pair(pupil_column[a], a) < std::pair(pupil_column[b], b);
      };
    };
    std::sort(m.enrolments[i].begin(), m.enrolments[i].end(), by(s.enrolments.pupil));
    std::sort(m.suspensions[i].begin(), m.suspensions[i].end(), by(s.suspensions.pupil));
    std::sort(m.ap[i].begin(), m.ap[i].end(), by(s.ap_placements.pupil));
    std::sort(m.units[i].begin(), m.units[i].end(), by(s.internal_units.pupil));
  }
  const auto dates = s.marks.Dates();
  if (s.year) {
    m.first_day = Date::FromCivil(s.year->start_year(), 8, 1).days;
    m.last_day =
        dates.empty() ? Date::FromCivil(s.year->start_year() + 1, 7, 31).days : dates.back();
  }
}

PupilRecords::~PupilRecords() = default;

std::optional<SchoolFacts> PupilRecords::School(int urn) const {
  auto it = impl_->school_by_urn.find(urn);
  if (it == impl_->school_by_urn.end()) return std::nullopt;
  const StoreState& s = impl_->state();
  SchoolFacts f;
  f.urn = urn;
  f.la_code = s.schools.la_code[it->second];
  f.trust_id = s.schools.trust_id[it->second];
  return f;
}

std::string PupilRecords::SchoolName(int urn) const {
  auto it = impl_->school_by_urn.find(urn);
  return it == impl_->school_by_urn.end() ? std::string() : impl_->state().schools.name[it->second];
}

nlohmann::json PupilRecords::List(int urn, const PupilAccess& access, size_t* count) const {
  const Impl& m = *impl_;
  const StoreState& s = m.state();
  nlohmann::json out = nlohmann::json::array();
  *count = 0;
  auto it = m.school_by_urn.find(urn);
  if (it == m.school_by_urn.end() || !access.allowed) return out;
  const uint32_t school = it->second;
  const bool attendance = Shows(access, "attendance"), suspensions = Shows(access, "suspensions"),
             ap = Shows(access, "ap"), units = Shows(access, "internal_units"),
             sen = Shows(access, "sen");

  // A pupil once, however many registrations they had at the school.
  std::vector<uint32_t> pupils;
  for (uint32_t e : m.enrolments[school]) {
    const int32_t leave = s.enrolments.leaving_date[e];
    if (s.enrolments.entry_date[e] > m.last_day || (leave != kNoDate && leave < m.first_day)) {
      continue;
    }
    const uint32_t p = s.enrolments.pupil[e];
    if (access.residents_of != 0 && s.pupils.home_la[p] != access.residents_of) continue;
    pupils.push_back(p);
  }
  std::sort(pupils.begin(), pupils.end());
  pupils.erase(std::unique(pupils.begin(), pupils.end()), pupils.end());

  for (uint32_t p : pupils) {
    nlohmann::json row;
    row["upn"] = UnpackUpn(s.pupils.upn[p]);
    row["year_group"] = std::string(YearGroupCode(static_cast<YearGroup>(s.pupils.year_group[p])));
    row["sex"] = std::string(CodeOf(SexCodes(), static_cast<Sex>(s.pupils.sex[p])));
    row["fsm"] = s.pupils.fsm[p] != 0;
    row["disadvantaged"] = s.pupils.disadvantaged[p] != 0;
    if (sen) {
      row["sen"] = std::string(
          CodeOf(SenProvisionCodes(), static_cast<SenProvision>(s.pupils.sen_provision[p])));
    }
    if (attendance) {
      EnrolmentSessions total{};
      for (uint32_t e : RowsOf(m.enrolments[school], s.enrolments.pupil, p)) {
        const int32_t leave = s.enrolments.leaving_date[e];
        CountWindow w{std::max(m.first_day, s.enrolments.entry_date[e]),
                      std::min(m.last_day, leave == kNoDate ? m.last_day : leave)};
        EnrolmentSessions one{};
        m.counter->Count(e, w, &one);
        for (int c = 0; c < kSessionColumns; ++c) total.n[c] += one.n[c];
      }
      const int possible = total.n[kSessPossible], absent = total.n[kSessOverall];
      row["attendance"] = {
          {"possible", possible},
          {"absent", absent},
          {"authorised", total.n[kSessAuthorised]},
          {"unauthorised", total.n[kSessUnauthorised]},
          {"percent",
           possible > 0 ? nlohmann::json(std::round(1000.0 * (possible - absent) / possible) / 10.0)
                        : nlohmann::json("z")}};
    }
    if (suspensions) {
      nlohmann::json list = nlohmann::json::array();
      for (uint32_t e : RowsOf(m.suspensions[school], s.suspensions.pupil, p)) {
        list.push_back(
            {{"start", Iso(s.suspensions.start_date[e])},
             {"category",
              std::string(LabelOf(SuspensionCategoryCodes(),
                                  static_cast<SuspensionCategory>(s.suspensions.category[e])))},
             {"sessions", s.suspensions.sessions[e]}});
      }
      row["suspensions"] = std::move(list);
    }
    if (ap) {
      nlohmann::json list = nlohmann::json::array();
      for (uint32_t e : RowsOf(m.ap[school], s.ap_placements.pupil, p)) {
        list.push_back(
            {{"start", Iso(s.ap_placements.start_date[e])},
             {"end", Iso(s.ap_placements.end_date[e])},
             {"setting", std::string(LabelOf(ApSettingCodes(),
                                             static_cast<ApSetting>(s.ap_placements.setting[e])))},
             {"reason", std::string(LabelOf(ApReasonCodes(),
                                            static_cast<ApReason>(s.ap_placements.reason[e])))},
             {"hours_per_week", s.ap_placements.hours_per_week[e]},
             {"reintegration_plan", s.ap_placements.reintegration_plan[e] != 0}});
      }
      row["ap"] = std::move(list);
    }
    if (units) {
      nlohmann::json list = nlohmann::json::array();
      for (uint32_t e : RowsOf(m.units[school], s.internal_units.pupil, p)) {
        list.push_back(
            {{"start", Iso(s.internal_units.start_date[e])},
             {"end", Iso(s.internal_units.end_date[e])},
             {"unit", std::string(LabelOf(UnitKindCodes(),
                                          static_cast<UnitKind>(s.internal_units.unit[e])))},
             {"sessions", s.internal_units.sessions[e]}});
      }
      row["internal_units"] = std::move(list);
    }
    out.push_back(std::move(row));
  }
  *count = pupils.size();
  return out;
}

}  // namespace lantern::server
