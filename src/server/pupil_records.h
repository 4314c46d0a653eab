// Pupil-level records of one school, for those entitled (server/access.h):
// the pupils on its roll in the store's year with their attendance over
// their time on roll, their suspensions there, the AP placements it
// commissioned and its internal-unit spells, each data class only when the
// access decision shows it. Read from a loaded store; an index built once
// finds a school's enrolments and a pupil's events without a scan.
#ifndef LANTERN_SERVER_PUPIL_RECORDS_H_
#define LANTERN_SERVER_PUPIL_RECORDS_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lantern/store.h"
#include "model/policy.h"
#include "server/access.h"

namespace lantern::server {

class PupilRecords {
 public:
  PupilRecords(std::shared_ptr<const LoadedStore> store, Policy policy);
  ~PupilRecords();

  // The school with this URN, or nothing.
  std::optional<SchoolFacts> School(int urn) const;
  std::string SchoolName(int urn) const;
  // The school's pupils as JSON (docs/server.md, GET .../pupils): those the
  // decision allows (every pupil, or the residents of an LA), with the data
  // classes it shows. `count` is set to the number of pupils listed.
  nlohmann::json List(int urn, const PupilAccess& access, size_t* count) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lantern::server

#endif  // LANTERN_SERVER_PUPIL_RECORDS_H_
