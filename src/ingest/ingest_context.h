// What one ingest run knows while it validates: the store's tables (already
// updated by the files read so far in this run), indexes over them, and
// per-file counts. Nothing here touches disk; the commit does.
#ifndef LANTERN_INGEST_INGEST_CONTEXT_H_
#define LANTERN_INGEST_INGEST_CONTEXT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/csv_reader.h"
#include "common/file_util.h"
#include "ingest/input_files.h"
#include "ingest/rejects.h"
#include "measures/qualifications.h"
#include "store/store.h"
#include "store/upn_index.h"

namespace lantern {

namespace voice {
class VoiceCatalogue;
}

struct FileCounts {
  uint64_t rows = 0;       // data rows read
  uint64_t inserted = 0;   // new rows (or marks)
  uint64_t updated = 0;    // rows that replaced a stored row with different values
  uint64_t unchanged = 0;  // rows identical to what was stored
  uint64_t rejected = 0;   // rows rejected (each reported, kept aside)
};

// One input file opened for reading.
struct InputSource {
  const FileSchema* schema = nullptr;
  std::unique_ptr<MappedFile> file;
  HeaderMap header;
  std::string_view body;  // after the header line
  uint64_t body_first_line = 2;
  RejectList rejects;
  FileCounts counts;
  // For rows made in memory from another file (a Common Transfer File): the
  // rows, the file reports name, and how a reject is pointed back at it.
  std::string owned_text;
  std::string report_file;  // "" : schema->file_name
  std::string report_header;
  std::function<void(Reject*)> relocate;
};

class IngestContext {
 public:
  IngestContext(StoreState* state, int threads);

  StoreState& state() { return *state_; }
  const StoreState& state() const { return *state_; }
  int threads() const { return threads_; }
  std::optional<AcademicYear> year;
  // The qualification catalogue, when ks4_results.csv is read.
  const QualCatalogue* catalogue = nullptr;
  // KS2 nominal score for a pupil working below the standard of the test.
  int ks2_nominal_below_test = 79;

  // Row of a school by URN, or kNoIndex.
  uint32_t SchoolRow(int32_t urn) const {
    return urn >= 0 && urn < static_cast<int32_t>(school_by_urn_.size())
               ? school_by_urn_[static_cast<size_t>(urn)]
               : kNoIndex;
  }
  void NoteSchool(int32_t urn, uint32_t row) { school_by_urn_[static_cast<size_t>(urn)] = row; }

  // Row of a pupil by packed UPN, or kNoIndex (builds the index on first use).
  uint32_t PupilRow(uint64_t upn);
  // PupilRow for readers on several threads: call BuildPupilIndex() first.
  void BuildPupilIndex() { PupilRow(0); }
  uint32_t FindPupil(uint64_t upn) const { return upn_index_.Find(upn); }
  // Opens the store's saved UPN index (if any) instead of building one.
  void UseSavedUpnIndex(std::string path) { saved_upn_index_ = std::move(path); }
  // Pupils the saved index covers (0: built in memory, or not yet needed).
  size_t saved_upn_rows() const { return upn_index_.saved_rows(); }
  const UpnIndex& upn_index() const { return upn_index_; }
  void NotePupil(uint64_t upn, uint32_t row);

  // Enrolments of a pupil, as a chain through the enrolment table.
  uint32_t FirstEnrolment(uint32_t pupil) const {
    return pupil < first_enrolment_.size() ? first_enrolment_[pupil] : kNoIndex;
  }
  uint32_t NextEnrolment(uint32_t slot) const { return next_enrolment_[slot]; }
  void NoteEnrolment(uint32_t slot);  // a row just appended to the enrolment table
  // The enrolment of pupil at school covering date, or kNoIndex.
  uint32_t EnrolmentOn(uint32_t pupil, uint32_t school, int32_t date) const;

  std::set<TableId> changed_tables;
  std::map<TableId, std::vector<uint32_t>> changed_rows;  // rows new or different
  std::map<std::string, FileCounts> counts;
  std::vector<std::string> warnings;
  // The pupil voice question bank with the store's local items, loaded when
  // a voice file is ingested (voice_ingest.cc).
  voice::VoiceCatalogue* voice_catalogue = nullptr;

 private:
  StoreState* state_;
  int threads_;
  std::vector<uint32_t> school_by_urn_;
  UpnIndex upn_index_;
  bool upn_index_built_ = false;
  std::string saved_upn_index_;
  std::vector<uint32_t> first_enrolment_, next_enrolment_;
};

}  // namespace lantern

#endif  // LANTERN_INGEST_INGEST_CONTEXT_H_
