// Rejected input rows: every one is reported (file, line, column, value,
// check, reason) and kept aside byte for byte, never silently dropped.
#ifndef LANTERN_INGEST_REJECTS_H_
#define LANTERN_INGEST_REJECTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lantern/status.h"

namespace lantern {

struct Reject {
  uint64_t line = 0;
  std::string column;
  std::string value;  // already redacted for identifier columns
  std::string check;  // short rule id, as in docs/input-schema.md
  std::string reason;
  std::string raw;  // the row as it was in the file
};

// The rejects of one file (or one chunk of it), in file order.
class RejectList {
 public:
  void Add(uint64_t line, std::string_view column, std::string_view value, std::string_view check,
           std::string reason, std::string_view raw);
  const std::vector<Reject>& rejects() const { return rejects_; }
  std::vector<Reject>& mutable_rejects() { return rejects_; }
  size_t size() const { return rejects_.size(); }
  void Append(RejectList&& other);
  void SortByLine();

 private:
  std::vector<Reject> rejects_;
};

// Shows enough of a value to find it without reproducing identifiers: a UPN
// keeps its first 4 characters; other values are cut to 80 characters.
std::string RedactValue(std::string_view column, std::string_view value);

// Writes DIR/rejects.csv and, per file, DIR/<file> holding the header and the
// rejected rows unchanged. Returns the number of rejects written.
Result<size_t> WriteRejects(const std::string& dir,
                            const std::map<std::string, std::pair<std::string, RejectList>>&
                                by_file /* file -> (header line, rejects) */);

}  // namespace lantern

#endif  // LANTERN_INGEST_REJECTS_H_
