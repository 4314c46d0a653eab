#include "server/access.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace lantern::server {

namespace {

std::vector<std::string> AllClasses() {
  std::vector<std::string> all;
  for (std::string_view c : kDataClasses) all.emplace_back(c);
  return all;
}

}  // namespace

PupilAccess DecidePupilAccess(const Principal& who, const SchoolFacts& school,
                              const std::vector<Agreement>& agreements, std::string_view today) {
  PupilAccess a;
  if (school.urn <= 0) return a;
  switch (who.role) {
    case Role::kSchool:
      if (who.scope == std::to_string(school.urn)) {
        a.allowed = true;
        a.classes = AllClasses();
        a.basis = "school: its own pupils";
      }
      return a;
    case Role::kTrust:
      if (school.academy() && who.scope == school.trust_id) {
        a.allowed = true;
        a.classes = AllClasses();
        a.basis = fmt::format("trust: pupils of its school {}", school.urn);
      }
      return a;
    case Role::kLa: {
      const std::string la = who.scope;
      if (!school.academy() && std::to_string(school.la_code) == la) {
        a.allowed = true;
        a.classes = AllClasses();
        a.basis = fmt::format("la: pupils of a maintained school of LA {}", la);
        return a;
      }
      int code = 0;
      const auto [end, ec] = std::from_chars(la.data(), la.data() + la.size(), code);
      if (ec != std::errc() || end != la.data() + la.size() || code <= 0) return a;
      a.residents_of = code;
      if (!school.academy()) {
        a.allowed = true;
        a.classes = AllClasses();
        a.basis = fmt::format("la: pupils resident in LA {} at a maintained school", la);
        return a;
      }
      for (const Agreement& g : agreements) {
        if (g.trust_id != school.trust_id || g.la_code != code || !g.ActiveOn(today)) continue;
        for (const std::string& c : g.classes) {
          if (std::find(a.classes.begin(), a.classes.end(), c) == a.classes.end()) {
            a.classes.push_back(c);
          }
        }
        a.basis += (a.basis.empty() ? "" : "; ") + std::string("agreement ") + g.id;
      }
      if (a.classes.empty()) return PupilAccess{};
      // Keep the classes in their usual order.
      std::vector<std::string> ordered;
      for (std::string_view c : kDataClasses) {
        if (std::find(a.classes.begin(), a.classes.end(), c) != a.classes.end()) {
          ordered.emplace_back(c);
        }
      }
      a.classes = std::move(ordered);
      a.allowed = true;
      a.basis = fmt::format("la: pupils resident in LA {} at an academy of trust {}, under {}", la,
                            school.trust_id, a.basis);
      return a;
    }
    case Role::kNational:
    case Role::kBoard:
    case Role::kPublic:
      return a;
  }
  return a;
}

bool Shows(const PupilAccess& access, std::string_view data_class) {
  return access.allowed && std::find(access.classes.begin(), access.classes.end(), data_class) !=
                               access.classes.end();
}

CmeAccess DecideCmeAccess(const Principal& who, int home_la) {
  CmeAccess a;
  if (who.role == Role::kLa && who.scope == std::to_string(home_la)) {
    a.allowed = true;
    a.basis = "the home LA's children missing education caseload";
  }
  return a;
}

}  // namespace lantern::server
