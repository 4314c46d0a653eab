#include "aggregate/attendance_cube.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <thread>

#include "aggregate/breakdowns.h"

namespace lantern {

std::string_view ReportTypeLabel(int type) {
  static constexpr std::string_view kLabels[kReportTypes] = {
      "Total", "State-funded primary", "State-funded secondary", "State-funded special",
      "Pupil referral unit"};
  return kLabels[type];
}

int ReportTypeOf(SchoolType t) {
  switch (t) {
    case SchoolType::kPrimary:
      return 1;
    case SchoolType::kSecondary:
      return 2;
    case SchoolType::kSpecial:
      return 3;
    case SchoolType::kPupilReferralUnit:
      return 4;
    case SchoolType::kNursery:
      return -1;
  }
  return -1;
}

std::string_view LocationBasisLabel(LocationBasis b) {
  return b == LocationBasis::kSchool ? "School location" : "Pupil residence";
}

namespace {

bool InHeadline(int type, const Policy& policy) {
  return type >= 1 && type <= 3 ? true : (type == 4 && policy.pru_in_headline_total);
}

template <typename T>
void AddValues(int64_t* to, const T* from) {
  for (int m = 0; m < kAttendanceMeasures; ++m) to[m] += from[m];
}

// One enrolment's measures into its school's cells: the total and each
// pupil group it is in, other than the usual ones (those are filled in
// afterwards, breakdowns.h). The hottest loop of the aggregation: built for
// AVX-512, AVX2 and plain x86-64, chosen when the program loads.
__attribute__((target_clones("avx512f", "avx2", "default"))) void AddToSchool(
    int32_t* cells, const int16_t* categories, size_t n, const int32_t* v) {
  for (size_t t = 0; t < n; ++t) {
    int32_t* a = cells + static_cast<size_t>(categories[t]) * kAttendanceMeasures;
    for (int m = 0; m < kAttendanceMeasures; ++m) a[m] += v[m];
  }
}

// A pupil who lives outside the LA of their school: their measures move from
// that LA's residence cells (which start as the school-location cells) to
// those of the LA they live in.
__attribute__((target_clones("avx512f", "avx2", "default"))) void MoveResidence(
    int64_t* to, int64_t* from, const int16_t* categories, size_t n, const int64_t* v) {
  for (size_t t = 0; t < n; ++t) {
    const size_t at = static_cast<size_t>(categories[t]) * kAttendanceMeasures;
    for (int m = 0; m < kAttendanceMeasures; ++m) {
      to[at + static_cast<size_t>(m)] += v[m];
      from[at + static_cast<size_t>(m)] -= v[m];
    }
  }
}

// Builds the list of aggregate units and each school's links into it.
class UnitBuilder {
 public:
  UnitBuilder(const StoreState& s, AttendanceCube* cube) : s_(s), cube_(cube) {
    for (size_t i = 0; i < s.local_authorities.size(); ++i)
      la_row_[s.local_authorities.old_la_code[i]] = i;
    for (size_t i = 0; i < s.trusts.size(); ++i) trust_row_[s.trusts.trust_id[i]] = i;
    GeographyRow england;
    england.level = GeographicLevel::kNational;
    national_ = Add(england, LocationBasis::kSchool, -1);
  }

  int La(int16_t code, LocationBasis basis) {
    int& cached = (basis == LocationBasis::kSchool ? la_cache_ : res_la_cache_)[code & 1023];
    if (cached >= 0) return cached;
    auto& map = basis == LocationBasis::kSchool ? las_ : res_las_;
    if (auto it = map.find(code); it != map.end()) return cached = it->second;
    GeographyRow g;
    g.level = GeographicLevel::kLocalAuthority;
    g.old_la_code = fmt::format("{:03d}", code);
    if (auto it = la_row_.find(code); it != la_row_.end()) {
      const LocalAuthorityTable& t = s_.local_authorities;
      g.new_la_code = t.new_la_code[it->second];
      g.la_name = t.la_name[it->second];
      g.region_code = t.region_code[it->second];
      g.region_name = t.region_name[it->second];
    }
    int parent = Region(g.region_code, g.region_name, basis);
    int unit = Add(g, basis, parent);
    map[code] = unit;
    return cached = unit;
  }

  int Trust(const std::string& id, int16_t la) {
    if (auto it = trusts_.find(id); it != trusts_.end()) return it->second;
    GeographyRow g;
    g.level = GeographicLevel::kMat;
    g.trust_id = id;
    if (auto it = trust_row_.find(id); it != trust_row_.end()) {
      g.trust_name = s_.trusts.trust_name[it->second];
    }
    int unit = Add(g, LocationBasis::kSchool, -1);
    trusts_[id] = unit;
    return unit;
  }

 private:
  int Region(const std::string& code, const std::string& name, LocationBasis basis) {
    if (code.empty()) return basis == LocationBasis::kSchool ? national_ : -1;
    auto& map = basis == LocationBasis::kSchool ? regions_ : res_regions_;
    if (auto it = map.find(code); it != map.end()) return it->second;
    GeographyRow g;
    g.level = GeographicLevel::kRegional;
    g.region_code = code;
    g.region_name = name;
    int unit = Add(g, basis, basis == LocationBasis::kSchool ? national_ : -1);
    map[code] = unit;
    return unit;
  }
  int Add(GeographyRow g, LocationBasis basis, int parent) {
    cube_->units.push_back({std::move(g), basis, parent});
    return static_cast<int>(cube_->units.size() - 1);
  }

  const StoreState& s_;
  AttendanceCube* cube_;
  int national_;
  std::map<int16_t, size_t> la_row_;
  std::map<std::string, size_t> trust_row_;
  std::map<int16_t, int> las_, res_las_;
  std::array<int, 1024> la_cache_ = Filled(), res_la_cache_ = Filled();
  static std::array<int, 1024> Filled() {
    std::array<int, 1024> a;
    a.fill(-1);
    return a;
  }
  std::map<std::string, int> regions_, res_regions_, trusts_;
};

}  // namespace

AttendanceCube BuildAttendanceCube(const CubeInputs& in) {
  const StoreState& s = *in.state;
  const SchoolTable& schools = s.schools;
  const EnrolmentTable& enrol = s.enrolments;
  AttendanceCube cube;
  cube.categories = BreakdownCategoryCount();
  const size_t cats = static_cast<size_t>(cube.categories);

  // Units: schools link to their LA and trust; then the residence LAs.
  UnitBuilder units(s, &cube);
  cube.school_type.resize(schools.size());
  cube.school_la.resize(schools.size());
  cube.school_trust.resize(schools.size());
  for (size_t i = 0; i < schools.size(); ++i) {
    cube.school_type[i] = ReportTypeOf(schools.school_type(i));
    cube.school_la[i] = units.La(schools.la_code[i], LocationBasis::kSchool);
    cube.school_trust[i] =
        schools.trust_id[i].empty() ? -1 : units.Trust(schools.trust_id[i], schools.la_code[i]);
  }
  // Residence LAs get a compact ordinal, so each thread's residence sums are
  // small (LAs x types x groups) however many other units there are. Every
  // LA a pupil lives in or a school is in gets one, in code order; those with
  // no pupil in the cohort publish no rows. An LA's residence cells start as
  // its school-location cells; only pupils who cross a border are moved.
  std::array<int, 1024> ordinal_of_code;
  ordinal_of_code.fill(-1);
  for (int16_t code : s.pupils.home_la) ordinal_of_code[static_cast<size_t>(code) & 1023] = 0;
  for (int16_t code : schools.la_code) ordinal_of_code[static_cast<size_t>(code) & 1023] = 0;
  std::vector<int> residence_unit;          // ordinal -> aggregate unit
  std::vector<int> school_unit_of_ordinal;  // ordinal -> school-location LA unit, or -1
  for (size_t code = 0; code < ordinal_of_code.size(); ++code) {
    if (ordinal_of_code[code] < 0) continue;
    ordinal_of_code[code] = static_cast<int>(residence_unit.size());
    residence_unit.push_back(units.La(static_cast<int16_t>(code), LocationBasis::kResidence));
    school_unit_of_ordinal.push_back(-1);
  }
  std::vector<int> school_ordinal(schools.size());
  for (size_t i = 0; i < schools.size(); ++i) {
    school_ordinal[i] = ordinal_of_code[static_cast<size_t>(schools.la_code[i]) & 1023];
    school_unit_of_ordinal[static_cast<size_t>(school_ordinal[i])] = cube.school_la[i];
  }
  const size_t n_units = cube.units.size();
  cube.school = FillArray<int32_t>(schools.size() * cats * kAttendanceMeasures);
  cube.aggregate = FillArray<int64_t>(n_units * kReportTypes * cats * kAttendanceMeasures);
  cube.aggregate_schools.assign(n_units * kReportTypes * cats, 0);

  // Each thread owns whole schools (blocks of 64, dealt in turn), so school
  // cells need no locks; every thread reads the enrolments in store order
  // and takes those at its schools.
  const int threads = std::clamp(in.threads, 1, 1024);
  // The owner of each school, looked up (not divided out) for every enrolment.
  std::vector<uint16_t> owner_of(schools.size());
  for (size_t i = 0; i < schools.size(); ++i) {
    owner_of[i] = static_cast<uint16_t>((i / 64) % static_cast<size_t>(threads));
  }
  auto owner = [&owner_of](uint32_t school) { return static_cast<int>(owner_of[school]); };
  const PupilGroupReader groups(s.pupils, in.threads);
  std::vector<std::vector<int64_t>> residence_parts(static_cast<size_t>(threads));
  std::vector<uint64_t> counted(static_cast<size_t>(threads), 0);
  std::vector<std::thread> workers;
  for (int k = 0; k < threads; ++k) {
    workers.emplace_back([&, k] {
      // Zeroed here, in parallel: this thread's schools' cells, and its share
      // of the aggregate cells (filled after every thread is done).
      for (uint32_t school = 0; school < schools.size(); ++school) {
        if (owner(school) == k) {
          const size_t at = static_cast<size_t>(cube.School(school, 0) - cube.school.data());
          cube.school.Zero(at, at + cats * kAttendanceMeasures);
        }
      }
      const size_t ks = static_cast<size_t>(k), ts = static_cast<size_t>(threads);
      cube.aggregate.Zero(cube.aggregate.size() * ks / ts, cube.aggregate.size() * (ks + 1) / ts);
      auto& res = residence_parts[static_cast<size_t>(k)];
      res.assign(residence_unit.size() * kReportTypes * cats * kAttendanceMeasures, 0);
      AttendanceValues v;
      int32_t v32[kAttendanceMeasures];
      EnrolmentSessions sessions;
      CountWindow window;
      uint64_t n = 0;
      for (size_t e = 0; e < enrol.size(); ++e) {
        const uint32_t school = enrol.school[e];
        if (owner(school) != k) continue;
        const int type = cube.school_type[school];
        if (type < 0 || !in.cohort->Window(e, &window)) continue;
        in.counter->Count(e, window, &sessions);
        EnrolmentMeasures(sessions, *in.policy, &v);
        if (v[kMeasureEnrolments] == 0) continue;  // no possible sessions
        ++n;
        const uint32_t p = enrol.pupil[e];
        const std::span<const int16_t> cat = groups.Explicit(p);
        for (int m = 0; m < kAttendanceMeasures; ++m) v32[m] = static_cast<int32_t>(v[m]);
        AddToSchool(cube.School(school, 0), cat.data(), cat.size(), v32);
        const int home = ordinal_of_code[static_cast<size_t>(s.pupils.home_la[p]) & 1023];
        if (home != school_ordinal[school]) {
          auto cells = [&](int r) {
            return &res[(static_cast<size_t>(r) * kReportTypes + static_cast<size_t>(type)) * cats *
                        kAttendanceMeasures];
          };
          MoveResidence(cells(home), cells(school_ordinal[school]), cat.data(), cat.size(),
                        v.data());
        }
      }
      for (uint32_t school = 0; school < schools.size(); ++school) {
        if (owner(school) == k)
          CompleteUsualCategories(cube.School(school, 0), kAttendanceMeasures);
      }
      for (size_t block = 0; block < residence_unit.size() * kReportTypes; ++block) {
        CompleteUsualCategories(&res[block * cats * kAttendanceMeasures], kAttendanceMeasures);
      }
      counted[static_cast<size_t>(k)] = n;
    });
  }
  for (auto& w : workers) w.join();
  for (uint64_t n : counted) cube.enrolments_counted += n;
  const size_t per_unit = kReportTypes * cats * kAttendanceMeasures;
  for (const auto& part : residence_parts) {
    for (size_t r = 0; r < residence_unit.size(); ++r) {
      int64_t* to = &cube.aggregate[static_cast<size_t>(residence_unit[r]) * per_unit];
      for (size_t i = 0; i < per_unit; ++i) to[i] += part[r * per_unit + i];
    }
  }

  // Schools into their LA and trust, counting the schools in each cell.
  auto add_school = [&](int unit, size_t school, int type) {
    for (size_t c = 0; c < cats; ++c) {
      const int32_t* from = cube.School(school, static_cast<int>(c));
      if (from[kMeasureEnrolments] == 0) continue;
      AddValues(cube.Aggregate(static_cast<size_t>(unit), type, static_cast<int>(c)), from);
      ++cube.aggregate_schools[cube.AggregateIndex(static_cast<size_t>(unit), type,
                                                   static_cast<int>(c))];
    }
  };
  for (size_t i = 0; i < schools.size(); ++i) {
    const int type = cube.school_type[i];
    if (type < 0) continue;
    add_school(cube.school_la[i], i, type);
    if (cube.school_trust[i] >= 0) add_school(cube.school_trust[i], i, type);
  }
  // Each LA's residence cells: its school-location cells, plus the pupils
  // moved in from other LAs' schools, less those moved out (added above).
  for (size_t r = 0; r < residence_unit.size(); ++r) {
    const int from = school_unit_of_ordinal[r];
    if (from < 0) continue;
    for (int type = 1; type < kReportTypes; ++type) {
      for (size_t c = 0; c < cats; ++c) {
        AddValues(cube.Aggregate(static_cast<size_t>(residence_unit[r]), type, static_cast<int>(c)),
                  static_cast<const int64_t*>(
                      cube.Aggregate(static_cast<size_t>(from), type, static_cast<int>(c))));
      }
    }
  }
  // Child units into parents (LA -> region -> England), deepest first: units
  // were created parent-before-child, so walk them backwards.
  for (size_t u = n_units; u-- > 0;) {
    const int parent = cube.units[u].parent;
    if (parent < 0) continue;
    for (int type = 1; type < kReportTypes; ++type) {
      for (size_t c = 0; c < cats; ++c) {
        AddValues(cube.Aggregate(static_cast<size_t>(parent), type, static_cast<int>(c)),
                  cube.Aggregate(u, type, static_cast<int>(c)));
        cube.aggregate_schools[cube.AggregateIndex(static_cast<size_t>(parent), type,
                                                   static_cast<int>(c))] +=
            cube.aggregate_schools[cube.AggregateIndex(u, type, static_cast<int>(c))];
      }
    }
  }
  // The Total type: the headline types added together.
  for (size_t u = 0; u < n_units; ++u) {
    for (size_t c = 0; c < cats; ++c) {
      int64_t* total = cube.Aggregate(u, 0, static_cast<int>(c));
      int32_t& total_schools =
          cube.aggregate_schools[cube.AggregateIndex(u, 0, static_cast<int>(c))];
      for (int type = 1; type < kReportTypes; ++type) {
        if (!InHeadline(type, *in.policy)) continue;
        AddValues(total, cube.Aggregate(u, type, static_cast<int>(c)));
        total_schools += cube.aggregate_schools[cube.AggregateIndex(u, type, static_cast<int>(c))];
      }
    }
    if (cube.units[u].basis == LocationBasis::kResidence) {
      std::fill_n(&cube.aggregate_schools[cube.AggregateIndex(u, 0, 0)], kReportTypes * cats, -1);
    }
  }
  return cube;
}

}  // namespace lantern
