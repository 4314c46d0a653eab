// Who may see what: the server's access rules, in one place (docs/access.md).
//
// Aggregate figures (scorecards, attendance and suspensions at every level)
// are open to everyone, the public included, exactly as published: the
// server serves the files the build and the scorecard wrote, so a figure
// withheld there is withheld here.
//
// Pupil-level records (a school's pupils with their attendance,
// suspensions, AP and internal-unit episodes, SEN) are for:
//   school  its own pupils (scope: its URN), every data class;
//   trust   the pupils of its schools (scope: trust id), every data class;
//   la      (scope: LA code) every pupil of the LA's maintained schools,
//           every data class (a maintained school is one in no trust); and
//           the pupils resident in the LA at any other school: at a
//           maintained school elsewhere every data class, at an academy only
//           the data classes that an agreement between the academy's trust
//           and the LA shares on the day;
//   nobody else: national, board and the public see no pupil.
// A request the rules refuse is refused the same way whether or not the
// school exists, so a refusal is no hint.
#ifndef LANTERN_SERVER_ACCESS_H_
#define LANTERN_SERVER_ACCESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "server/accounts.h"

namespace lantern::server {

// The one asking: a user (or the public, role kPublic).
struct Principal {
  std::string username;
  Role role = Role::kPublic;
  std::string scope;
  bool authenticated() const { return role != Role::kPublic; }
};

// What the rules need to know about a school.
struct SchoolFacts {
  int urn = 0;
  int la_code = 0;
  std::string trust_id;  // empty: a maintained school
  bool academy() const { return !trust_id.empty(); }
};

// A decision about one school's pupils.
struct PupilAccess {
  bool allowed = false;
  // Only the pupils resident in this LA (0: every pupil at the school).
  int residents_of = 0;
  std::vector<std::string> classes;  // data classes that may be shown
  std::string basis;                 // in words, for the audit log and the page
};

// Decides what `who` may see of the pupils at `school` on `today` (ISO date)
// under `agreements`.
PupilAccess DecidePupilAccess(const Principal& who, const SchoolFacts& school,
                              const std::vector<Agreement>& agreements, std::string_view today);

// Whether a data class may be shown.
bool Shows(const PupilAccess& access, std::string_view data_class);

// The children missing education caseload of an LA (docs/local-outcomes.md)
// is for the home LA alone: a user of role la whose scope is that LA. No
// school, trust, national or board user sees it, and no other LA.
struct CmeAccess {
  bool allowed = false;
  std::string basis;  // in words, for the audit log
};
CmeAccess DecideCmeAccess(const Principal& who, int home_la);

}  // namespace lantern::server

#endif  // LANTERN_SERVER_ACCESS_H_
