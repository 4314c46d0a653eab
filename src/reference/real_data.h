// Where the real published data lives (../shared/data/real, Open Government
// Licence). Lantern reads it at run time and never copies it into the repo.
#ifndef LANTERN_REFERENCE_REAL_DATA_H_
#define LANTERN_REFERENCE_REAL_DATA_H_

#include <string>

#include "lantern/status.h"

namespace lantern {

// The folder to use: `explicit_dir` if given, else $LANTERN_REAL_DATA, else
// ../shared/data/real beside the source tree or the working directory.
// NotFound, with the places tried, when none exists.
Result<std::string> FindRealDataDir(const std::string& explicit_dir = "");

}  // namespace lantern

#endif  // LANTERN_REFERENCE_REAL_DATA_H_
