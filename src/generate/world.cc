#include "generate/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "generate/random.h"
#include "generate/trusts.h"
#include "model/codes.h"

namespace lantern::gen {

namespace {

// LAs of the 2019 frame that the EES geography files no longer carry.
const LocalAuthority* FallbackLa(int code) {
  static const LocalAuthority kBournemouth{837, "E06000028", "Bournemouth", "E12000009",
                                           "South West"};
  return code == 837 ? &kBournemouth : nullptr;
}

const LocalAuthority* FindLa(const Geography& g, int code) {
  const LocalAuthority* la = g.Find(code);
  return la != nullptr ? la : FallbackLa(code);
}

std::string DefaultName(SchoolPhaseCode phase, int urn) {
  switch (phase) {
    case SchoolPhaseCode::kPrimary:
      return fmt::format("Primary school {}", urn);
    case SchoolPhaseCode::kSecondary:
      return fmt::format("Secondary school {}", urn);
    case SchoolPhaseCode::kSpecial:
      return fmt::format("Special school {}", urn);
    default:
      return fmt::format("Pupil referral unit {}", urn);
  }
}

std::vector<std::pair<const FrameSchool*, SchoolPhaseCode>> CoveredSchools(
    const SchoolFrame& frame) {
  std::vector<std::pair<const FrameSchool*, SchoolPhaseCode>> out;
  for (const FrameSchool& s : frame.schools) {
    SchoolPhaseCode phase;
    if (CoveredPhase(s, &phase)) out.emplace_back(&s, phase);
  }
  return out;
}

}  // namespace

const std::string& World::RegionOf(int la) const {
  static const std::string kUnknown;
  const LocalAuthority* l = FindLa(inputs->geography, la);
  return l == nullptr ? kUnknown : l->region_code;
}

bool CoveredPhase(const FrameSchool& s, SchoolPhaseCode* phase) {
  if (s.urn <= 0 || s.la_code <= 0 || !s.nor || *s.nor < 1) return false;
  switch (s.phase) {
    case SchoolPhase::kPrimary:
      *phase = SchoolPhaseCode::kPrimary;
      return true;
    case SchoolPhase::kSecondary:
      *phase = SchoolPhaseCode::kSecondary;
      return true;
    case SchoolPhase::kSpecial:
      *phase = SchoolPhaseCode::kSpecial;
      return true;
    case SchoolPhase::kPupilReferralUnit:
      *phase = SchoolPhaseCode::kAlternativeProvision;
      return true;
    default:
      return false;  // nurseries, independent and non-maintained special schools
  }
}

Result<std::vector<int>> ResolveScope(const GenerateOptions& options, const GeneratorInputs& in) {
  std::set<int> with_schools;
  for (auto [s, phase] : CoveredSchools(in.frame)) with_schools.insert(s->la_code);
  std::vector<int> las;
  switch (options.scale) {
    case GenerateScale::kLocalAuthority:
      if (options.la_codes.empty()) return Status::InvalidArgument("--scale la needs --la CODE");
      for (int la : options.la_codes) {
        if (!with_schools.count(la)) {
          return Status::InvalidArgument(
              fmt::format("LA {} has no state-funded schools in the January 2019 census", la));
        }
        las.push_back(la);
      }
      break;
    case GenerateScale::kRegion: {
      if (options.region.empty()) {
        return Status::InvalidArgument("--scale region needs --region NAME or E12 code");
      }
      for (int la : with_schools) {
        const LocalAuthority* l = FindLa(in.geography, la);
        if (l != nullptr && (EqualsIgnoreCase(l->region_name, options.region) ||
                             EqualsIgnoreCase(l->region_code, options.region))) {
          las.push_back(la);
        }
      }
      if (las.empty()) {
        std::string known;
        for (const auto& [code, name] : in.geography.Regions()) {
          known += fmt::format("{}{} ({})", known.empty() ? "" : ", ", name, code);
        }
        return Status::InvalidArgument(
            fmt::format("unknown region '{}'; regions: {}", options.region, known));
      }
      break;
    }
    case GenerateScale::kNational:
      las.assign(with_schools.begin(), with_schools.end());
      break;
  }
  std::sort(las.begin(), las.end());
  las.erase(std::unique(las.begin(), las.end()), las.end());
  return las;
}

World BuildWorld(const GeneratorInputs& in, const std::vector<int>& las, uint64_t seed,
                 AcademicYear year) {
  World w;
  w.year = year;
  w.inputs = &in;
  w.las = las;
  const auto covered = CoveredSchools(in.frame);
  TrustAssignment trusts = GenerateTrusts(covered, in.geography, seed);
  std::set<int> in_scope(las.begin(), las.end());
  std::map<int, int> trust_index;  // national trust index -> index in w.trusts
  for (auto [s, phase] : covered) {
    if (!in_scope.count(s->la_code)) continue;
    GenSchool g;
    g.urn = s->urn;
    g.la = s->la_code;
    g.estab = s->estab;
    g.phase = phase;
    g.name = s->name.empty() ? DefaultName(phase, s->urn) : s->name;
    g.academy = IsAcademy(*s, phase);
    g.type = EstablishmentType(*s, phase, g.academy, seed);
    g.nor = static_cast<int>(*s->nor + 0.5);
    g.frame = s;
    g.target = in.AbsenceTargetFor(*s, phase);
    g.calendar = SchoolCalendar::Build(year, s->la_code, s->urn);
    g.has_study_leave =
        phase != SchoolPhaseCode::kPrimary &&
        Rng(StreamKey(0, Purpose::kCalendar, static_cast<uint64_t>(s->urn), 3)).Bernoulli(0.5);
    if (auto it = trusts.trust_of_urn.find(s->urn); it != trusts.trust_of_urn.end()) {
      auto [pos, added] = trust_index.emplace(it->second, 0);
      if (added) pos->second = -1;
      g.trust = it->second;  // national index for now
    }
    w.schools.push_back(std::move(g));
  }
  // Keep only the trusts of schools in scope, in id order.
  for (auto& [national, local] : trust_index) {
    local = static_cast<int>(w.trusts.size());
    w.trusts.push_back(trusts.trusts[static_cast<size_t>(national)]);
  }
  for (GenSchool& g : w.schools) {
    if (g.trust >= 0) g.trust = trust_index[g.trust];
  }
  // LAs of the 2019 frame (not later reorganisations), by region.
  std::set<int> frame_las;
  for (auto [s, phase] : covered) frame_las.insert(s->la_code);
  for (int code : frame_las) {
    if (const LocalAuthority* la = FindLa(in.geography, code)) {
      w.region_las[la->region_code].push_back(code);
    }
  }
  return w;
}

const LocalAuthority* FindLocalAuthority(const Geography& g, int code) { return FindLa(g, code); }

}  // namespace lantern::gen
