// A saved count of every enrolment's sessions in one marks block, so a
// rebuild after the daily feed need not count the whole year's marks again:
// it reads these counts and adds only the day files on top.
//
// The summary records, per enrolment, the window of dates it counted; the
// build reuses an enrolment's counts only when its window today is the same
// (a roll change or a corrected birth date means a recount of that one row).
// It also records a fingerprint of the register-code treatments, so a policy
// that treats a code differently never reuses old counts.
#ifndef LANTERN_DERIVE_SESSIONS_SUMMARY_H_
#define LANTERN_DERIVE_SESSIONS_SUMMARY_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "derive/enrolment_sessions.h"
#include "lantern/status.h"
#include "model/register_codes.h"
#include "store/store.h"

namespace lantern {

class SessionsSummary {
 public:
  // Saves counts made under `treatments` (their fingerprint is recorded).
  static Status Write(const std::string& path, const CodeTreatments& treatments,
                      std::span<const CountWindow> windows,
                      std::span<const EnrolmentSessions> sessions);
  static Result<std::unique_ptr<SessionsSummary>> Open(const std::string& path);

  uint64_t slots() const { return slots_; }
  const std::string& fingerprint() const { return fingerprint_; }
  const CountWindow& window(uint64_t slot) const { return windows_[slot]; }
  const EnrolmentSessions& sessions(uint64_t slot) const { return sessions_[slot]; }

 private:
  std::unique_ptr<MappedFile> file_;
  uint64_t slots_ = 0;
  std::string fingerprint_;
  const CountWindow* windows_ = nullptr;
  const EnrolmentSessions* sessions_ = nullptr;
};

// A fingerprint of how every register code is counted under `treatments`
// (with its reason and kind, and the session columns): equal for equal
// treatments, different when any code is counted differently.
std::string CodeTreatmentFingerprint(const CodeTreatments& treatments);

// The store's saved counts and the loaded blocks they count, when they were
// made under `treatments`; null and none otherwise (no saved counts, a
// block not loaded, other treatments, or a damaged file).
struct SavedCounts {
  std::unique_ptr<SessionsSummary> summary;
  std::vector<const MarksBlock*> blocks;
};
SavedCounts OpenSavedCounts(const Store& store, const MarksSet& marks,
                            const CodeTreatments& treatments);

}  // namespace lantern

#endif  // LANTERN_DERIVE_SESSIONS_SUMMARY_H_
