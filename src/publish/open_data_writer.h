// The one publisher of the build's families: a family of the catalogue
// (indicators/catalogue.h) written from the cube with the disclosure pass's
// flags, in the Department's open-data layout (EES), with its metadata:
//
//   time_period, time_identifier, geographic_level and the geography
//   columns (ees_geography.h); the filters school_type, location_basis,
//   breakdown_topic, breakdown; num_schools; then the family's indicators,
//   named as the Department names them.
//
// Rows: England, regions, local authorities, trusts (and places), each by
// school location then pupil residence, each by school type and pupil group,
// then places named by schools (school location), then schools; a row is written where any of the
// family's measures is not zero. A figure is c when the family's row count is hidden in the row or
// the indicator's own person count is; z when its denominator is 0. Counts
// are whole numbers; rates, percentages and means have 5 decimal places in
// the file (indicator_dp in the metadata says how many to show), every one
// written through PublishedCell.
#ifndef LANTERN_PUBLISH_OPEN_DATA_WRITER_H_
#define LANTERN_PUBLISH_OPEN_DATA_WRITER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "aggregate/cube.h"
#include "compute/compute.h"
#include "indicators/catalogue.h"
#include "publish/ees_metadata.h"
#include "publish/published_cell.h"
#include "suppress/disclosure_pass.h"

namespace lantern {

struct OpenDataInput {
  const Catalogue* catalogue = nullptr;
  const Family* family = nullptr;
  const Cube* cube = nullptr;
  const CubeMeasures* measures = nullptr;
  const DisclosureFlags* flags = nullptr;
  const StoreState* state = nullptr;
  const Policy* policy = nullptr;
  std::string time_period, time_identifier = "Academic year";
  int threads = 1;
  // Places named by schools (a user's own: docs/local-outcomes.md,
  // "Places"), written after the cube's places: each its schools' cells
  // added up (by school location), by school type and group, hidden as
  // suppress/school_sums.h says.
  struct SchoolSumPlace {
    GeographyRow geography;
    std::vector<uint32_t> schools;
  };
  std::vector<SchoolSumPlace> school_places;
};

struct OpenDataStats {
  uint64_t rows = 0;
  uint64_t cells_suppressed = 0;  // indicator cells published as c
  uint64_t rows_suppressed = 0;   // rows whose row count is c
};

// A school's geography row: its LA's, with its trust's id and name and its
// own URN, LAESTAB and name (level School).
GeographyRow SchoolGeography(const Cube& cube, const SchoolTable& schools, size_t school);

// Writes DIR/<family file> and its .meta.csv (over a file of that name
// already there, such as a recycled spare: BufferedWriter).
Status WriteOpenDataFile(const OpenDataInput& in, const std::string& dir, OpenDataStats* stats);

// The metadata of a family's file (also used by the tests and docs).
std::vector<EesColumnMeta> OpenDataMetadata(const Catalogue& catalogue, const Family& family);

// A tidy file in the same layout whose rows are not one cube family: the
// Local Outcomes Framework (one row per place x period x measure x group,
// docs/local-outcomes.md) and its movement, exits and trust files. Each row
// is the time and geography columns, then its filters (text), then its
// indicators, each a PublishedCell (GSS symbols, rounding half away from
// zero); the caller has applied the disclosure rule to its counts
// (suppress/disclosure.h) before they get here. `file` is the CSV's name;
// the metadata goes beside it as NAME.meta.csv.
struct TidyRow {
  std::string time_period, time_identifier;
  GeographyRow geography;
  std::vector<std::string> filters;
  std::vector<PublishedCell> indicators;
};
struct TidyFile {
  std::string file;
  std::vector<EesColumnMeta> filters, indicators;
  std::vector<TidyRow> rows;
  // Or, for a large file, `row_count` rows made one at a time by `fill`
  // into one reused TidyRow (its strings keep their buffers).
  size_t row_count = 0;
  std::function<void(size_t, TidyRow*)> fill;
};
Status WriteTidyOpenDataFile(const TidyFile& table, const std::string& dir);

}  // namespace lantern

#endif  // LANTERN_PUBLISH_OPEN_DATA_WRITER_H_
