// The true moves of the generated roll, written aside (not an input file)
// in DIR/movement_truth/movement_truth.csv, so a test can check that the
// engine's reading of the enrolment history (derive/exits.h) recovers them
// (docs/generator.md, "Movement truth"). One row per ended current or main
// registration: where the pupil went, as the generator decided it.
#include <algorithm>
#include <filesystem>

#include "common/csv_writer.h"
#include "generate/output.h"

namespace lantern::gen {

namespace {

const char* Destination(LeavingReason r) {
  switch (r) {
    case LeavingReason::kEhe:
      return "ehe";
    case LeavingReason::kCme:
      return "missing_education";
    case LeavingReason::kEmigrated:
      return "emigrated";
    case LeavingReason::kIndependent:
      return "independent";
    case LeavingReason::kEndOfPhase:
      return "end_of_phase";
    case LeavingReason::kTransfer:
      // A transfer with no later registration in the data went to a school
      // in another LA, which the generator does not link.
      return "school_other_la_unlinked";
    default:
      return "none";
  }
}

}  // namespace

Status WriteMovementTruth(const Generated& g, Date through, const std::string& dir,
                          FileRows* rows) {
  std::error_code ec;
  std::filesystem::create_directories(dir + "/movement_truth", ec);
  LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create(dir + "/movement_truth/movement_truth.csv"));
  w->Row({"upn", "year_group", "birth_date", "home_la", "from_urn", "from_la", "from_trust",
          "leaving_date", "leaving_reason", "destination", "to_urn", "to_la", "to_trust",
          "to_entry_date", "gap_open_days"});
  auto trust_id = [&](const GenSchool& s) -> std::string {
    return s.trust >= 0 ? g.world.trusts[static_cast<size_t>(s.trust)].id : std::string();
  };
  uint64_t n = 0;
  for (const LaPlan& plan : g.plans) {
    // Each pupil's current and main registrations, by entry date: they never
    // overlap (docs/generator.md), so the one after an ended registration is
    // where the pupil went.
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < plan.enrolments.size(); ++i) {
      const GenEnrolment& e = plan.enrolments[i];
      const bool counted = e.status == EnrolStatus::kCurrent || e.status == EnrolStatus::kMain;
      if (counted && e.entry <= through.days) order.push_back(i);
    }
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      const GenEnrolment& x = plan.enrolments[a];
      const GenEnrolment& y = plan.enrolments[b];
      return x.pupil != y.pupil ? x.pupil < y.pupil : x.entry < y.entry;
    });
    for (size_t k = 0; k < order.size(); ++k) {
      const GenEnrolment& e = plan.enrolments[order[k]];
      if (e.leaving == kOpenEnded || e.leaving > through.days) continue;
      const GenPupil& p = plan.pupils[e.pupil];
      const GenSchool& from = g.world.schools[e.school];
      const GenEnrolment* next = nullptr;
      if (k + 1 < order.size() && plan.enrolments[order[k + 1]].pupil == e.pupil) {
        next = &plan.enrolments[order[k + 1]];
      }
      w->Raw(std::string_view(p.upn, 13)).Int(p.year_group).Raw(DateText(p.birth_date));
      w->Int(p.home_la).Int(from.urn).Int(from.la).Raw(trust_id(from));
      w->Raw(DateText(e.leaving)).Raw(CodeOf(LeavingReasonCodes(), e.reason));
      if (next != nullptr) {
        const GenSchool& to = g.world.schools[next->school];
        w->Raw(next->school == e.school ? "same_school" : "school");
        w->Int(to.urn).Int(to.la).Raw(trust_id(to)).Raw(DateText(next->entry));
        // Open days of the new school strictly between leaving and joining.
        const SchoolCalendar& cal = to.calendar;
        const int gap =
            cal.FirstOnOrAfter(Date{next->entry}) - cal.FirstOnOrAfter(Date{e.leaving + 1});
        w->Int(std::max(gap, 0));
      } else {
        w->Raw(Destination(e.reason)).Empty().Empty().Empty().Empty().Empty();
      }
      w->EndRow();
      ++n;
    }
  }
  (*rows)["movement_truth/movement_truth.csv"] = n;
  return w->Close();
}

}  // namespace lantern::gen
