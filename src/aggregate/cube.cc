#include "aggregate/cube.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <map>
#include <memory>
#include <tuple>

#include "aggregate/groups.h"
#include "common/parallel.h"

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

bool InHeadlineTotal(int type, const Policy& policy) {
  return type >= 1 && type <= 3 ? true : (type == 4 && policy.pru_in_headline_total);
}

namespace {

template <typename T>
void AddValues(int64_t* to, const T* from, size_t n) {
  for (size_t m = 0; m < n; ++m) to[m] += from[m];
}

// One row's values into its school's cells: the total and each pupil group
// it is in other than the usual ones (those are completed afterwards,
// groups.h). The hottest loop of the aggregation: built for AVX-512, AVX2
// and plain x86-64, chosen when the program loads.
__attribute__((target_clones("avx512f", "avx2", "default"))) void AddToSchool32(
    int32_t* cells, size_t stride, const int16_t* categories, size_t n, const int32_t* v,
    size_t count) {
  for (size_t t = 0; t < n; ++t) {
    int32_t* a = cells + static_cast<size_t>(categories[t]) * stride;
    for (size_t m = 0; m < count; ++m) a[m] += v[m];
  }
}
__attribute__((target_clones("avx512f", "avx2", "default"))) void AddToSchool64(
    int64_t* cells, size_t stride, const int16_t* categories, size_t n, const int64_t* v,
    size_t count) {
  for (size_t t = 0; t < n; ++t) {
    int64_t* a = cells + static_cast<size_t>(categories[t]) * stride;
    for (size_t m = 0; m < count; ++m) a[m] += v[m];
  }
}

// A pupil who lives outside the LA of their school: their values move from
// that LA's residence cells (which start as its school-location cells) to
// those of the LA they live in.
__attribute__((target_clones("avx512f", "avx2", "default"))) void MoveResidence(
    int64_t* to, int64_t* from, size_t stride, const int16_t* categories, size_t n,
    const int64_t* v, size_t count) {
  for (size_t t = 0; t < n; ++t) {
    const size_t at = static_cast<size_t>(categories[t]) * stride;
    for (size_t m = 0; m < count; ++m) {
      to[at + m] += v[m];
      from[at + m] -= v[m];
    }
  }
}

// Builds the list of aggregate units and each school's links into it, in
// the order the output lists them: England first; each LA (school
// location) after its region, and trusts, as schools are met; then the
// residence LAs in code order; then places.
class UnitBuilder {
 public:
  UnitBuilder(const StoreState& s, std::vector<AggregateUnit>* units) : s_(s), units_(units) {
    for (size_t i = 0; i < s.local_authorities.size(); ++i)
      la_row_[s.local_authorities.old_la_code[i]] = i;
    for (size_t i = 0; i < s.trusts.size(); ++i) trust_row_[s.trusts.trust_id[i]] = i;
    GeographyRow england;
    england.level = GeographicLevel::kNational;
    national_ = Add(england, LocationBasis::kSchool, -1);
  }

  int La(int16_t code, LocationBasis basis) {
    auto& map = basis == LocationBasis::kSchool ? las_ : res_las_;
    if (auto it = map.find(code); it != map.end()) return it->second;
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
    const int parent = Region(g.region_code, g.region_name, basis);
    const int unit = Add(g, basis, parent);
    map[code] = unit;
    return unit;
  }

  int Trust(const std::string& id) {
    if (auto it = trusts_.find(id); it != trusts_.end()) return it->second;
    GeographyRow g;
    g.level = GeographicLevel::kMat;
    g.trust_id = id;
    if (auto it = trust_row_.find(id); it != trust_row_.end()) {
      g.trust_name = s_.trusts.trust_name[it->second];
    }
    const int unit = Add(g, LocationBasis::kSchool, -1);
    trusts_[id] = unit;
    return unit;
  }

  int Place(const lantern::Place& p, LocationBasis basis) {
    return Add(PlaceGeography(p.code, p.name), basis, -1);
  }

  // The LA unit of a code, or -1 when no school or pupil has it.
  int FindLa(int16_t code, LocationBasis basis) const {
    const auto& map = basis == LocationBasis::kSchool ? las_ : res_las_;
    auto it = map.find(code);
    return it == map.end() ? -1 : it->second;
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
    const int unit = Add(g, basis, basis == LocationBasis::kSchool ? national_ : -1);
    map[code] = unit;
    return unit;
  }
  int Add(GeographyRow g, LocationBasis basis, int parent) {
    units_->push_back({std::move(g), basis, parent});
    return static_cast<int>(units_->size() - 1);
  }

  const StoreState& s_;
  std::vector<AggregateUnit>* units_;
  int national_;
  std::map<int16_t, size_t> la_row_;
  std::map<std::string, size_t> trust_row_;
  std::map<int16_t, int> las_, res_las_;
  std::map<std::string, int> regions_, res_regions_, trusts_;
};

// A pupil counted at a school by a kDistinctPupils measure (for the
// corrections above the school).
struct DistinctHit {
  uint32_t measure;  // cube measure
  uint32_t pupil;
  uint32_t school;
};

}  // namespace

// Fills a Cube; one per Build.
class CubeBuilder {
 public:
  CubeBuilder(const CubeRequest& r, Cube* cube) : r_(r), s_(*r.state), c_(*cube) {}

  Status Run() {
    // Measures: each grain's requested ones, one after another.
    for (const GrainRequest& g : r_.grains) {
      if (g.grain == nullptr) return Status::Internal("cube: no grain");
      c_.grain_offset_.push_back(c_.measures_.size());
      const auto decls = g.grain->measures();
      for (int m : g.measures) {
        if (m < 0 || static_cast<size_t>(m) >= decls.size()) {
          return Status::Internal(
              fmt::format("cube: grain {} has no measure {}", g.grain->name(), m));
        }
        c_.measures_.push_back(&decls[static_cast<size_t>(m)]);
      }
      LANTERN_RETURN_IF_ERROR(g.grain->Prepare(g.measures));
    }
    M_ = c_.measures_.size();
    c_.categories_ = CategoryCount();
    C_ = static_cast<size_t>(c_.categories_);
    ChooseWidth();
    MakeUnits();
    Scan();
    AddUp();
    CorrectDistinctPupils();
    AddPlaces();
    return Status::Ok();
  }

 private:
  // 32-bit school cells (half the memory and twice the cells per vector
  // addition) unless a measure could overflow them at the largest school.
  void ChooseWidth() {
    c_.narrow_ = true;
    for (const GrainRequest& g : r_.grains) {
      int64_t largest = 0;
      for (int m : g.measures) {
        largest = std::max(largest, g.grain->measures()[static_cast<size_t>(m)].max_per_row);
      }
      if (largest == 0) continue;
      const uint64_t rows = g.grain->max_rows_per_school();
      if (static_cast<double>(largest) * static_cast<double>(rows) >= 2147483647.0) {
        c_.narrow_ = false;
      }
    }
  }

  void MakeUnits() {
    const SchoolTable& schools = s_.schools;
    UnitBuilder units(s_, &c_.units_);
    const size_t n = schools.size();
    c_.school_type_.resize(n);
    c_.school_la_.resize(n);
    c_.school_trust_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      c_.school_type_[i] = ReportTypeOf(schools.school_type(i));
      c_.school_la_[i] = units.La(schools.la_code[i], LocationBasis::kSchool);
      c_.school_trust_[i] = schools.trust_id[i].empty() ? -1 : units.Trust(schools.trust_id[i]);
    }
    // Residence LAs get a compact ordinal, so each worker's residence sums
    // are small (LAs x types x groups) however many other units there are.
    // Every LA a pupil lives in or a school is in gets one, in code order;
    // those with nobody counted publish nothing. An LA's residence cells
    // start as its school-location cells; only pupils who cross a border
    // are moved.
    ordinal_of_code_.fill(-1);
    for (int16_t code : s_.pupils.home_la) ordinal_of_code_[static_cast<size_t>(code) & 1023] = 0;
    for (int16_t code : schools.la_code) ordinal_of_code_[static_cast<size_t>(code) & 1023] = 0;
    for (size_t code = 0; code < ordinal_of_code_.size(); ++code) {
      if (ordinal_of_code_[code] < 0) continue;
      ordinal_of_code_[code] = static_cast<int>(residence_unit_.size());
      residence_unit_.push_back(units.La(static_cast<int16_t>(code), LocationBasis::kResidence));
      school_unit_of_ordinal_.push_back(-1);
    }
    school_ordinal_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      school_ordinal_[i] = ordinal_of_code_[static_cast<size_t>(schools.la_code[i]) & 1023];
      school_unit_of_ordinal_[static_cast<size_t>(school_ordinal_[i])] = c_.school_la_[i];
    }
    for (const Place& p : r_.places) {
      PlaceUnits pu;
      pu.unit[0] = units.Place(p, LocationBasis::kSchool);
      pu.unit[1] = units.Place(p, LocationBasis::kResidence);
      for (int16_t code : p.la_codes) {
        for (int b = 0; b < 2; ++b) {
          const int la =
              units.FindLa(code, b == 0 ? LocationBasis::kSchool : LocationBasis::kResidence);
          if (la >= 0) pu.las[b].push_back(la);
        }
      }
      for (int b = 0; b < 2; ++b) c_.units_[static_cast<size_t>(pu.unit[b])].members = pu.las[b];
      places_.push_back(std::move(pu));
    }
  }

  // Every worker owns whole schools (blocks of 64, dealt in turn), so school
  // cells need no locks; each grain gives a worker the rows at its schools.
  void Scan() {
    const size_t n_schools = s_.schools.size();
    const int threads = std::clamp(r_.threads, 1, 1024);
    owner_.resize(n_schools);
    // Schools outside the reported types (nursery schools) have cells of
    // their own (the scorecard shows them) but add to no aggregate.
    for (size_t i = 0; i < n_schools; ++i) {
      owner_[i] = static_cast<uint16_t>((i / 64) % static_cast<size_t>(threads));
    }
    const size_t n_units = c_.units_.size();
    if (c_.narrow_) {
      c_.school32_ = FillArray<int32_t>(n_schools * C_ * M_);
    } else {
      c_.school64_ = FillArray<int64_t>(n_schools * C_ * M_);
    }
    c_.aggregate_ = FillArray<int64_t>(n_units * kReportTypes * C_ * M_);
    groups_ = std::make_unique<PupilGroupReader>(s_.pupils, threads);
    const PupilGroupReader& groups = *groups_;
    residence_parts_.resize(static_cast<size_t>(threads));
    hits_.resize(static_cast<size_t>(threads));
    first_school_.resize(M_);
    for (size_t m = 0; m < M_; ++m) {
      if (c_.measures_[m]->aggregation != Aggregation::kDistinctPupils) continue;
      first_school_[m] = std::vector<std::atomic<uint32_t>>(s_.pupils.size());
      for (auto& f : first_school_[m]) f.store(kNoIndex, std::memory_order_relaxed);
    }
    RunOnWorkers(threads, [&](int k) {
      // Zeroed here, in parallel: this worker's schools' cells, and its
      // share of the aggregate cells (filled after every worker is done).
      const size_t block = C_ * M_;
      for (uint32_t school = 0; school < n_schools; ++school) {
        if (owner_[school] != k) continue;
        const size_t at = school * block;
        if (c_.narrow_) {
          c_.school32_.Zero(at, at + block);
        } else {
          c_.school64_.Zero(at, at + block);
        }
      }
      const size_t ks = static_cast<size_t>(k), ts = static_cast<size_t>(threads);
      c_.aggregate_.Zero(c_.aggregate_.size() * ks / ts, c_.aggregate_.size() * (ks + 1) / ts);
      auto& res = residence_parts_[ks];
      res.assign(residence_unit_.size() * kReportTypes * block, 0);
      const SchoolShare share{owner_.data(), static_cast<uint16_t>(k)};
      for (size_t g = 0; g < r_.grains.size(); ++g) {
        Sink sink(*this, groups, g, &res, &hits_[ks]);
        r_.grains[g].grain->Scan(share, &sink);
      }
      for (uint32_t school = 0; school < n_schools; ++school) {
        if (owner_[school] != k) continue;
        if (c_.narrow_) {
          CompleteUsualCategories(&c_.school32_[school * block], static_cast<int>(M_));
        } else {
          CompleteUsualCategories(&c_.school64_[school * block], static_cast<int>(M_));
        }
      }
      for (size_t b = 0; b < residence_unit_.size() * kReportTypes; ++b) {
        CompleteUsualCategories(&res[b * block], static_cast<int>(M_));
      }
    });
  }

  // The accumulator one worker gives one grain.
  class Sink : public FactSink {
   public:
    Sink(CubeBuilder& b, const PupilGroupReader& groups, size_t grain, std::vector<int64_t>* res,
         std::vector<DistinctHit>* hits)
        : b_(b), groups_(groups), res_(*res), hits_(*hits) {
      offset_ = b.c_.grain_offset_[grain];
      count_ = b.r_.grains[grain].measures.size();
      for (size_t m = 0; m < count_; ++m) {
        if (b.c_.measures_[offset_ + m]->aggregation != Aggregation::kSum) distinct_.push_back(m);
      }
      counted_.assign(distinct_.size(), 0);
      v_.resize(count_);
      v32_.resize(count_);
    }

    void Add(uint32_t school, uint32_t pupil, const int64_t* in) override {
      const int64_t* values = in;
      if (!distinct_.empty()) {
        std::copy_n(in, count_, v_.data());
        CountOnce(school, pupil);
        values = v_.data();
      }
      const Cube& c = b_.c_;
      const size_t stride = b_.M_;
      const int type = c.school_type_[school];
      const std::span<const int16_t> cat = groups_.Explicit(pupil);
      const size_t at = (static_cast<size_t>(school) * b_.C_) * stride + offset_;
      if (c.narrow_) {
        for (size_t m = 0; m < count_; ++m) v32_[m] = static_cast<int32_t>(values[m]);
        AddToSchool32(&b_.c_.school32_[at], stride, cat.data(), cat.size(), v32_.data(), count_);
      } else {
        AddToSchool64(&b_.c_.school64_[at], stride, cat.data(), cat.size(), values, count_);
      }
      if (type < 0) return;  // a nursery school: its own cells only
      const int home = b_.ordinal_of_code_[static_cast<size_t>(b_.s_.pupils.home_la[pupil]) & 1023];
      const int here = b_.school_ordinal_[school];
      if (home != here) {
        auto cells = [&](int r) {
          return &res_[(static_cast<size_t>(r) * kReportTypes + static_cast<size_t>(type)) * b_.C_ *
                           stride +
                       offset_];
        };
        MoveResidence(cells(home), cells(here), stride, cat.data(), cat.size(), values, count_);
      }
    }

   private:
    // A pupil's distinct measures count once per school: the first row of
    // the pupil there holding a value keeps it, later rows give 0.
    void CountOnce(uint32_t school, uint32_t pupil) {
      if (school != last_school_ || pupil != last_pupil_) {
        std::fill(counted_.begin(), counted_.end(), 0);
        last_school_ = school;
        last_pupil_ = pupil;
      }
      for (size_t k = 0; k < distinct_.size(); ++k) {
        int64_t& v = v_[distinct_[k]];
        if (v == 0) continue;
        if (counted_[k]) {
          v = 0;
          continue;
        }
        counted_[k] = 1;
        v = 1;
        const size_t measure = offset_ + distinct_[k];
        if (b_.c_.measures_[measure]->aggregation != Aggregation::kDistinctPupils) continue;
        // Only pupils counted at two or more schools need taking back: the
        // first school to count a pupil claims them; any other records
        // itself and the first.
        std::atomic<uint32_t>& first = b_.first_school_[measure][pupil];
        uint32_t claimed = kNoIndex;
        if (!first.compare_exchange_strong(claimed, school) && claimed != school) {
          hits_.push_back({static_cast<uint32_t>(measure), pupil, school});
          hits_.push_back({static_cast<uint32_t>(measure), pupil, claimed});
        }
      }
    }

    CubeBuilder& b_;
    const PupilGroupReader& groups_;
    std::vector<int64_t>& res_;
    std::vector<DistinctHit>& hits_;
    size_t offset_ = 0, count_ = 0;
    std::vector<size_t> distinct_;  // grain-local indices of distinct measures
    std::vector<uint8_t> counted_;
    uint32_t last_school_ = kNoIndex, last_pupil_ = kNoIndex;
    std::vector<int64_t> v_;
    std::vector<int32_t> v32_;
  };

  int64_t* Agg(size_t unit, int type, size_t cat) {
    return &c_.aggregate_[c_.AggregateIndex(unit, type, static_cast<int>(cat)) * M_];
  }

  void AddUp() {
    const size_t n_schools = s_.schools.size();
    const size_t per_unit = kReportTypes * C_ * M_;
    for (const auto& part : residence_parts_) {
      for (size_t r = 0; r < residence_unit_.size(); ++r) {
        int64_t* to = &c_.aggregate_[static_cast<size_t>(residence_unit_[r]) * per_unit];
        for (size_t i = 0; i < per_unit; ++i) to[i] += part[r * per_unit + i];
      }
    }
    residence_parts_.clear();
    // Schools into their LA and trust.
    std::vector<int64_t> values(M_);
    for (size_t i = 0; i < n_schools; ++i) {
      const int type = c_.school_type_[i];
      if (type < 0) continue;
      for (size_t cat = 0; cat < C_; ++cat) {
        c_.SchoolValues(i, static_cast<int>(cat), values.data());
        AddValues(Agg(static_cast<size_t>(c_.school_la_[i]), type, cat), values.data(), M_);
        if (c_.school_trust_[i] >= 0) {
          AddValues(Agg(static_cast<size_t>(c_.school_trust_[i]), type, cat), values.data(), M_);
        }
      }
    }
    // Each LA's residence cells: its school-location cells, plus the pupils
    // moved in from other LAs' schools, less those moved out (added above).
    for (size_t r = 0; r < residence_unit_.size(); ++r) {
      const int from = school_unit_of_ordinal_[r];
      if (from < 0) continue;
      for (int type = 1; type < kReportTypes; ++type) {
        for (size_t cat = 0; cat < C_; ++cat) {
          AddValues(Agg(static_cast<size_t>(residence_unit_[r]), type, cat),
                    static_cast<const int64_t*>(Agg(static_cast<size_t>(from), type, cat)), M_);
        }
      }
    }
    // Child units into parents (LA -> region -> England), deepest first:
    // units were made parent-before-child, so walk them backwards.
    for (size_t u = c_.units_.size(); u-- > 0;) {
      const int parent = c_.units_[u].parent;
      if (parent < 0) continue;
      for (int type = 1; type < kReportTypes; ++type) {
        for (size_t cat = 0; cat < C_; ++cat) {
          AddValues(Agg(static_cast<size_t>(parent), type, cat), Agg(u, type, cat), M_);
        }
      }
    }
    // The Total type: the headline types added together.
    for (size_t u = 0; u < c_.units_.size(); ++u) {
      for (size_t cat = 0; cat < C_; ++cat) {
        int64_t* total = Agg(u, kTotalType, cat);
        for (int type = 1; type < kReportTypes; ++type) {
          if (InHeadlineTotal(type, *r_.policy)) AddValues(total, Agg(u, type, cat), M_);
        }
      }
    }
  }

  // A kDistinctPupils measure counts a pupil once in every unit: the sums
  // above count them once per school, so a pupil counted at k schools of a
  // unit is taken back k - 1 times there (for each school type and Total,
  // and in every one of their categories).
  void CorrectDistinctPupils() {
    std::vector<DistinctHit> hits;
    for (auto& h : hits_) hits.insert(hits.end(), h.begin(), h.end());
    hits_.clear();
    if (hits.empty()) return;
    auto key = [](const DistinctHit& h) { return std::tuple(h.measure, h.pupil, h.school); };
    std::sort(hits.begin(), hits.end(),
              [&](const DistinctHit& a, const DistinctHit& b) { return key(a) < key(b); });
    hits.erase(
        std::unique(hits.begin(), hits.end(),
                    [&](const DistinctHit& a, const DistinctHit& b) { return key(a) == key(b); }),
        hits.end());
    first_school_.clear();
    const auto& topics = GroupTopics();
    const PupilGroupReader& groups = *groups_;
    std::vector<std::pair<int, int>> cells;  // (unit, type) of each school counted
    for (size_t i = 0, j = 0; i < hits.size(); i = j) {
      while (j < hits.size() && hits[j].measure == hits[i].measure &&
             hits[j].pupil == hits[i].pupil) {
        ++j;
      }
      if (j - i < 2) continue;
      cells.clear();
      const uint32_t pupil = hits[i].pupil;
      const int home = ordinal_of_code_[static_cast<size_t>(s_.pupils.home_la[pupil]) & 1023];
      for (size_t k = i; k < j; ++k) {
        const uint32_t school = hits[k].school;
        const int type = c_.school_type_[school];
        if (type < 0) continue;  // in no aggregate
        std::vector<int> units;
        for (int u = c_.school_la_[school]; u >= 0; u = c_.units_[static_cast<size_t>(u)].parent) {
          units.push_back(u);
        }
        if (c_.school_trust_[school] >= 0) units.push_back(c_.school_trust_[school]);
        for (int u = residence_unit_[static_cast<size_t>(home)]; u >= 0;
             u = c_.units_[static_cast<size_t>(u)].parent) {
          units.push_back(u);
        }
        for (int u : units) {
          cells.emplace_back(u, type);
          if (InHeadlineTotal(type, *r_.policy)) cells.emplace_back(u, kTotalType);
        }
      }
      std::sort(cells.begin(), cells.end());
      const std::span<const int16_t> cats = groups.All(pupil);
      for (size_t a = 0, b = 0; a < cells.size(); a = b) {
        while (b < cells.size() && cells[b] == cells[a]) ++b;
        const int64_t extra = static_cast<int64_t>(b - a) - 1;
        if (extra == 0) continue;
        for (size_t t = 0; t < topics.size(); ++t) {
          Agg(static_cast<size_t>(cells[a].first), cells[a].second,
              static_cast<size_t>(cats[t]))[hits[i].measure] -= extra;
        }
      }
    }
    // Places are sums of LAs; a pupil counted in two LAs of one place is
    // taken back when the place is filled (AddPlaces).
    distinct_hits_ = std::move(hits);
  }

  // Each place's cells: the sum of its LAs', by school location and by
  // residence (then a pupil counted in several of its LAs by a
  // kDistinctPupils measure is taken back).
  void AddPlaces() {
    for (const PlaceUnits& p : places_) {
      for (int b = 0; b < 2; ++b) {
        for (int la : p.las[b]) {
          for (int type = 0; type < kReportTypes; ++type) {
            for (size_t cat = 0; cat < C_; ++cat) {
              AddValues(Agg(static_cast<size_t>(p.unit[b]), type, cat),
                        static_cast<const int64_t*>(Agg(static_cast<size_t>(la), type, cat)), M_);
            }
          }
        }
      }
    }
    if (places_.empty() || distinct_hits_.empty()) return;
    const auto& topics = GroupTopics();
    const PupilGroupReader& groups = *groups_;
    const auto& hits = distinct_hits_;
    for (const PlaceUnits& p : places_) {
      for (size_t i = 0, j = 0; i < hits.size(); i = j) {
        while (j < hits.size() && hits[j].measure == hits[i].measure &&
               hits[j].pupil == hits[i].pupil) {
          ++j;
        }
        // Per type: the distinct LAs (school location) of the pupil's
        // schools in the place; residence is one LA, counted once already.
        std::vector<std::pair<int, int>> la_type;
        for (size_t k = i; k < j; ++k) {
          const uint32_t school = hits[k].school;
          const int la = c_.school_la_[school];
          if (std::find(p.las[0].begin(), p.las[0].end(), la) == p.las[0].end()) continue;
          const int type = c_.school_type_[school];
          la_type.emplace_back(type, la);
          if (InHeadlineTotal(type, *r_.policy)) la_type.emplace_back(kTotalType, la);
        }
        std::sort(la_type.begin(), la_type.end());
        la_type.erase(std::unique(la_type.begin(), la_type.end()), la_type.end());
        const std::span<const int16_t> cats = groups.All(hits[i].pupil);
        for (size_t a = 0, b = 0; a < la_type.size(); a = b) {
          while (b < la_type.size() && la_type[b].first == la_type[a].first) ++b;
          const int64_t extra = static_cast<int64_t>(b - a) - 1;
          if (extra == 0) continue;
          for (size_t t = 0; t < topics.size(); ++t) {
            Agg(static_cast<size_t>(p.unit[0]), la_type[a].first,
                static_cast<size_t>(cats[t]))[hits[i].measure] -= extra;
          }
        }
      }
    }
  }

  struct PlaceUnits {
    int unit[2];
    std::vector<int> las[2];
  };

  const CubeRequest& r_;
  const StoreState& s_;
  Cube& c_;
  size_t M_ = 0, C_ = 0;
  std::array<int, 1024> ordinal_of_code_{};
  std::vector<int> residence_unit_;          // ordinal -> aggregate unit
  std::vector<int> school_unit_of_ordinal_;  // ordinal -> school-location LA unit, or -1
  std::vector<int> school_ordinal_;
  std::vector<uint16_t> owner_;
  std::vector<std::vector<int64_t>> residence_parts_;
  std::vector<std::vector<DistinctHit>> hits_;
  // Per kDistinctPupils measure: the first school to count each pupil.
  std::vector<std::vector<std::atomic<uint32_t>>> first_school_;
  std::vector<DistinctHit> distinct_hits_;
  std::vector<PlaceUnits> places_;
  std::unique_ptr<PupilGroupReader> groups_;
};

Result<Cube> Cube::Build(const CubeRequest& request) {
  if (request.state == nullptr || request.policy == nullptr) {
    return Status::InvalidArgument("cube: no store or policy");
  }
  Cube cube;
  CubeBuilder builder(request, &cube);
  LANTERN_RETURN_IF_ERROR(builder.Run());
  return cube;
}

void Cube::SchoolValues(size_t s, int category, int64_t* out) const {
  const size_t at =
      (s * static_cast<size_t>(categories_) + static_cast<size_t>(category)) * measures_.size();
  if (narrow_) {
    std::copy_n(&school32_[at], measures_.size(), out);
  } else {
    std::copy_n(&school64_[at], measures_.size(), out);
  }
}

std::vector<int32_t> Cube::SchoolsWith(size_t measure, const Policy& policy) const {
  const size_t cats = static_cast<size_t>(categories_);
  std::vector<int32_t> n(units_.size() * kReportTypes * cats, 0);
  for (size_t s = 0; s < school_type_.size(); ++s) {
    const int type = school_type_[s];
    if (type < 0) continue;
    for (size_t c = 0; c < cats; ++c) {
      if (SchoolValue(s, static_cast<int>(c), measure) == 0) continue;
      ++n[AggregateIndex(static_cast<size_t>(school_la_[s]), type, static_cast<int>(c))];
      if (school_trust_[s] >= 0) {
        ++n[AggregateIndex(static_cast<size_t>(school_trust_[s]), type, static_cast<int>(c))];
      }
    }
  }
  for (size_t u = units_.size(); u-- > 0;) {
    const int parent = units_[u].parent;
    if (parent < 0 || units_[u].basis == LocationBasis::kResidence) continue;
    for (int type = 1; type < kReportTypes; ++type) {
      for (size_t c = 0; c < cats; ++c) {
        n[AggregateIndex(static_cast<size_t>(parent), type, static_cast<int>(c))] +=
            n[AggregateIndex(u, type, static_cast<int>(c))];
      }
    }
  }
  for (size_t u = 0; u < units_.size(); ++u) {
    for (int la : units_[u].members) {  // a place (school location): its LAs'
      if (units_[u].basis == LocationBasis::kResidence) continue;
      for (int type = 1; type < kReportTypes; ++type) {
        for (size_t c = 0; c < cats; ++c) {
          n[AggregateIndex(u, type, static_cast<int>(c))] +=
              n[AggregateIndex(static_cast<size_t>(la), type, static_cast<int>(c))];
        }
      }
    }
  }
  for (size_t u = 0; u < units_.size(); ++u) {
    const bool residence = units_[u].basis == LocationBasis::kResidence;
    for (size_t c = 0; c < cats; ++c) {
      int32_t& total = n[AggregateIndex(u, kTotalType, static_cast<int>(c))];
      for (int type = 1; type < kReportTypes; ++type) {
        if (InHeadlineTotal(type, policy)) total += n[AggregateIndex(u, type, static_cast<int>(c))];
      }
      if (residence) {
        for (int type = 0; type < kReportTypes; ++type) {
          n[AggregateIndex(u, type, static_cast<int>(c))] = -1;
        }
      }
    }
  }
  return n;
}

}  // namespace lantern
