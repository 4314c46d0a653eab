// --with-errors: appends a known, modest set of bad rows of every kind the
// input schema lists to the written files, and lists each expected reject
// in expected_rejects.csv (file, line, column, check), with the physical
// line number (header = line 1) and the column and check id that ingest
// reports. The bad rows are extra rows: the good data is unchanged.
#ifndef LANTERN_GENERATE_ERRORS_H_
#define LANTERN_GENERATE_ERRORS_H_

#include <string>
#include <vector>

#include "generate/output.h"
#include "lantern/status.h"

namespace lantern::gen {

struct ExpectedReject {
  std::string file;
  uint64_t line = 0;
  std::string column;
  std::string check;
};

// `rows` holds the data rows already written per file (and is updated);
// only files in `rows` get bad rows. Returns the expected rejects.
Result<std::vector<ExpectedReject>> InjectErrors(const Generated& g, const DayWindow& window,
                                                 const std::string& dir, FileRows* rows);

}  // namespace lantern::gen

#endif  // LANTERN_GENERATE_ERRORS_H_
