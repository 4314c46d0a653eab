#include "lantern/outcomes.h"

namespace lantern {

Status RunPupilLevelOutcomes(const std::string& store_dir, const PupilLevelOutcomesOptions& options,
                             const std::string& out_dir, OutcomesReport* report) {
  (void)store_dir;
  (void)options;
  (void)out_dir;
  *report = OutcomesReport();
  return Status::FailedPrecondition("pupil-level outcomes: not yet");
}

}  // namespace lantern
