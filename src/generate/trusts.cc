#include "generate/trusts.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "generate/random.h"

namespace lantern::gen {

namespace {

bool IsAcademyNfType(const std::string& t) {
  static const std::set<std::string> kAcademy = {"AC", "ACC",   "ACS", "ACCS", "AC1619", "F",
                                                 "FS", "F1619", "UTC", "SS",   "CTC"};
  return kAcademy.count(t) > 0;
}
bool IsMaintainedNfType(const std::string& t) {
  static const std::set<std::string> kMaintained = {"CY", "VA", "VC", "FD", "CYS", "FDS"};
  return kMaintained.count(t) > 0;
}

// Share of academies of each phase that stand alone as single-academy trusts.
double SingleAcademyShare(SchoolPhaseCode phase) {
  switch (phase) {
    case SchoolPhaseCode::kSecondary:
      return 0.30;
    case SchoolPhaseCode::kSpecial:
      return 0.10;
    case SchoolPhaseCode::kAlternativeProvision:
      return 0.0;
    default:
      return 0.08;
  }
}

// The number of academies in a new MAT.
int DrawTrustSize(Rng& rng) {
  const double u = rng.Uniform();
  if (u < 0.66) {
    static const double kSmall[] = {0.35, 0.27, 0.22, 0.16};  // 2, 3, 4, 5
    return 2 + static_cast<int>(rng.Pick(kSmall));
  }
  if (u < 0.87) return rng.Between(6, 10);
  if (u < 0.96) return rng.Between(11, 20);
  if (u < 0.99) return rng.Between(21, 39);
  return rng.Between(40, 60);
}

struct Academy {
  int urn;
  int la;
};

// Grows the MATs of one region. Returns groups of URNs.
std::vector<std::vector<int>> GrowRegionTrusts(std::vector<Academy> academies, Rng& rng) {
  std::vector<std::vector<int>> trusts;
  std::vector<bool> taken(academies.size(), false);
  size_t remaining = academies.size();
  std::map<int, std::vector<size_t>> by_la;
  for (size_t i = 0; i < academies.size(); ++i) by_la[academies[i].la].push_back(i);
  std::vector<int> las;
  for (auto& [la, v] : by_la) las.push_back(la);
  auto take_from = [&](int la, size_t want, std::vector<int>* members) {
    std::vector<size_t>& pool = by_la[la];
    // Random order within the LA; pool keeps untaken indices only.
    while (members->size() < want && !pool.empty()) {
      size_t k = static_cast<size_t>(rng.Below(static_cast<int>(pool.size())));
      size_t i = pool[k];
      pool[k] = pool.back();
      pool.pop_back();
      if (taken[i]) continue;
      taken[i] = true;
      --remaining;
      members->push_back(academies[i].urn);
    }
  };
  while (remaining > 0) {
    size_t want = std::min<size_t>(static_cast<size_t>(DrawTrustSize(rng)), remaining);
    // The founding academy: a random untaken one.
    size_t start = static_cast<size_t>(rng.Below(static_cast<int>(academies.size())));
    while (taken[start]) start = (start + 1) % academies.size();
    std::vector<int> members;
    const int home = academies[start].la;
    // Larger trusts reach beyond their home LA: at most 70% of them there.
    const size_t at_home = want <= 5 ? want : (want * 7 + 9) / 10;
    take_from(home, at_home, &members);
    // Then other LAs of the region, in a random order.
    std::vector<int> others = las;
    for (size_t i = others.size(); i > 1; --i) {
      std::swap(others[i - 1], others[static_cast<size_t>(rng.Below(static_cast<int>(i)))]);
    }
    for (int la : others) {
      if (members.size() >= want) break;
      if (la != home) take_from(la, want, &members);
    }
    take_from(home, want, &members);  // a small region: fill up at home
    if (members.size() == 1 && !trusts.empty()) {
      trusts.back().push_back(members[0]);  // a lone leftover joins the last trust
    } else {
      std::sort(members.begin(), members.end());
      trusts.push_back(std::move(members));
    }
  }
  return trusts;
}

}  // namespace

bool IsAcademy(const FrameSchool& s, SchoolPhaseCode phase) {
  if (IsAcademyNfType(s.nftype)) return true;
  if (IsMaintainedNfType(s.nftype)) return false;
  if (phase == SchoolPhaseCode::kNursery) return false;
  return s.urn >= 135000;
}

std::string EstablishmentType(const FrameSchool& s, SchoolPhaseCode phase, bool academy,
                              uint64_t seed) {
  static const std::map<std::string, std::string> kByNfType = {
      {"AC", "Academy sponsor led"},
      {"ACC", "Academy converter"},
      {"ACS", "Academy special sponsor led"},
      {"ACCS", "Academy special converter"},
      {"F", "Free schools"},
      {"FS", "Free schools special"},
      {"UTC", "University technical college"},
      {"SS", "Studio schools"},
      {"CTC", "City technology college"},
      {"CY", "Community school"},
      {"VA", "Voluntary aided school"},
      {"VC", "Voluntary controlled school"},
      {"FD", "Foundation school"},
      {"CYS", "Community special school"},
      {"FDS", "Foundation special school"}};
  auto it = kByNfType.find(s.nftype);
  if (it != kByNfType.end()) return it->second;
  switch (phase) {
    case SchoolPhaseCode::kSpecial:
      return academy ? "Academy special converter" : "Community special school";
    case SchoolPhaseCode::kAlternativeProvision:
      return academy ? "Academy alternative provision converter" : "Pupil referral unit";
    default:
      if (!academy) return "Community school";
      // About a quarter of academies without a KS4 record were sponsored.
      return Rng(StreamKey(seed, Purpose::kTrusts, static_cast<uint64_t>(s.urn), 1)).Bernoulli(0.25)
                 ? "Academy sponsor led"
                 : "Academy converter";
  }
}

TrustAssignment GenerateTrusts(
    const std::vector<std::pair<const FrameSchool*, SchoolPhaseCode>>& schools,
    const Geography& geography, uint64_t seed) {
  std::map<std::string, std::vector<Academy>> mat_academies;  // region -> academies
  std::vector<int> single;                                    // URNs of SATs
  for (auto [s, phase] : schools) {
    if (!IsAcademy(*s, phase)) continue;
    Rng rng(StreamKey(seed, Purpose::kTrusts, static_cast<uint64_t>(s->urn)));
    if (rng.Bernoulli(SingleAcademyShare(phase))) {
      single.push_back(s->urn);
      continue;
    }
    const LocalAuthority* la = geography.Find(s->la_code);
    mat_academies[la ? la->region_code : std::string("unknown")].push_back({s->urn, s->la_code});
  }
  TrustAssignment out;
  auto add_trust = [&](const std::vector<int>& urns, bool multi) {
    GenTrust t;
    t.id = fmt::format("TR{:05d}", out.trusts.size() + 1);
    t.name = fmt::format("Trust {} (generated)", t.id);
    t.multi = multi;
    for (int urn : urns) out.trust_of_urn[urn] = static_cast<int>(out.trusts.size());
    out.trusts.push_back(std::move(t));
  };
  for (auto& [region, academies] : mat_academies) {
    std::sort(academies.begin(), academies.end(),
              [](const Academy& a, const Academy& b) { return a.urn < b.urn; });
    Rng rng(StreamKey(seed, Purpose::kTrusts, HashText(region), 2));
    for (const auto& members : GrowRegionTrusts(academies, rng)) add_trust(members, true);
  }
  std::sort(single.begin(), single.end());
  for (int urn : single) add_trust({urn}, false);
  return out;
}

}  // namespace lantern::gen
