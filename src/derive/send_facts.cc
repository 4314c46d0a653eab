// The SEND placement grain: one row per pupil with an EHC plan on roll on
// the January census day (a current or main registration), at that school:
// where children with a plan are taught, the Local Outcomes Framework's
// SEND sufficiency (docs/local-outcomes.md). A place short of specialist
// places shows it as more of its children taught in other local
// authorities, or fewer in special schools than its neighbours: context
// for a question, not a judgement of either school or child.
#include <array>

#include "derive/row_grain.h"
#include "model/codes.h"

namespace lantern {

namespace {

enum SendMeasure : int { kEhcpOnRoll, kEhcpSpecial, kEhcpOtherLa, kSendMeasures };

constexpr std::array<MeasureDecl, kSendMeasures> kMeasures = {{
    {"ehcp_on_roll", Quantity::kPupils, 1, Aggregation::kSum, 1, 1,
     "pupils with an EHC plan on roll on the January census day (current and main "
     "registrations)"},
    {"ehcp_special", Quantity::kPupils, 1, Aggregation::kSum, 1, 1,
     "of those, the ones at a special school"},
    {"ehcp_other_la", Quantity::kPupils, 1, Aggregation::kSum, 1, 1,
     "of those, the ones at a school in another local authority than the one they live in"},
}};

class SendFacts : public RowGrain<kSendMeasures> {
 public:
  explicit SendFacts(const FactContext& c) : RowGrain("SEND placement", kMeasures) {
    const StoreState& s = *c.state;
    const EnrolmentTable& e = s.enrolments;
    const int32_t census = c.policy->JanuaryCensusDay(c.year).days;
    for (uint32_t r = 0; r < e.size(); ++r) {
      const uint32_t p = e.pupil[r], school = e.school[r];
      if (p >= s.pupils.size() || school >= s.schools.size()) continue;
      if (static_cast<SenProvision>(s.pupils.sen_provision[p]) != SenProvision::kEhcPlan) continue;
      const auto status = static_cast<EnrolStatus>(e.status[r]);
      if (status != EnrolStatus::kCurrent && status != EnrolStatus::kMain) continue;
      if (e.entry_date[r] > census || e.leaving_date[r] < census) continue;
      Row row{school, p, {}};
      row.values[kEhcpOnRoll] = 1;
      row.values[kEhcpSpecial] = s.schools.school_type(school) == SchoolType::kSpecial;
      row.values[kEhcpOtherLa] = s.schools.la_code[school] != s.pupils.home_la[p];
      rows_.push_back(row);
    }
    Sort();
  }
};

}  // namespace

std::span<const MeasureDecl> SendFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeSendFacts(const FactContext& context) {
  return std::make_unique<SendFacts>(context);
}

}  // namespace lantern
