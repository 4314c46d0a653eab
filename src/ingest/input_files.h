// The input files Lantern reads and their columns (docs/input-schema.md),
// and the header check that fails a whole ingest before anything is read.
#ifndef LANTERN_INGEST_INPUT_FILES_H_
#define LANTERN_INGEST_INPUT_FILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/csv_reader.h"
#include "lantern/status.h"

namespace lantern {

enum class InputFile {
  kLocalAuthorities,
  kTrusts,
  kSchools,
  kPupils,
  kEnrolments,
  kAttendance,
  kAttendanceCompact,
  kSuspensions,
  kApPlacements,
  kInternalUnits,
  kEhcpRequests,
  kVoiceProviders,
  kVoiceLocalItems,
  kVoiceResponses,
  kVoiceLinkage,
  kKs2Results,
  kKs4Results,
  kDestinations,
  kEmployerEncounters
};

struct ColumnSpec {
  const char* name;
  bool required;
};

struct FileSchema {
  InputFile id;
  const char* file_name;  // "pupils.csv"
  std::vector<ColumnSpec> columns;
  bool required_for_new_store;
};

// Every input file, in the order ingest reads them.
const std::vector<FileSchema>& InputFileSchemas();
const FileSchema& SchemaOf(InputFile id);

// Column positions of one file, found from its header line.
class HeaderMap {
 public:
  // Fails (InvalidInput) when a required column is missing or named twice;
  // unknown columns go to `warnings`.
  static Result<HeaderMap> Resolve(const FileSchema& schema, const CsvRecord& header,
                                   std::vector<std::string>* warnings);
  // Position of the schema's column i, or -1 when an optional column is absent.
  int operator[](size_t i) const { return positions_[i]; }
  size_t field_count() const { return field_count_; }
  const std::string& header_line() const { return header_line_; }

 private:
  std::vector<int> positions_;
  size_t field_count_ = 0;
  std::string header_line_;
};

}  // namespace lantern

#endif  // LANTERN_INGEST_INPUT_FILES_H_
