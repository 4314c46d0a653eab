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

#include "common/file_util.h"
#include "derive/enrolment_sessions.h"
#include "lantern/status.h"

namespace lantern {

class SessionsSummary {
 public:
  static Status Write(const std::string& path, std::span<const CountWindow> windows,
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

// A fingerprint of how every register code is counted today.
std::string CodeTreatmentFingerprint();

}  // namespace lantern

#endif  // LANTERN_DERIVE_SESSIONS_SUMMARY_H_
