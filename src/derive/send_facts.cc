// The SEND placement grain: one row per pupil with an EHC plan on roll on
// the January census day (a current or main registration), at that school:
// where children with a plan are taught, the Local Outcomes Framework's
// SEND sufficiency (docs/local-outcomes.md). A place short of specialist
// places shows it as more of its children taught in other local
// authorities, or fewer in special schools than its neighbours: context
// for a question, not a judgement of either school or child.
#include <algorithm>
#include <array>

#include "derive/facts.h"
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

struct Row {
  uint32_t school, pupil;
  std::array<uint8_t, kSendMeasures> values{};
};

class SendFacts : public FactGrain {
 public:
  explicit SendFacts(const FactContext& c) {
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
    std::sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
      return a.school != b.school ? a.school < b.school : a.pupil < b.pupil;
    });
  }

  std::string_view name() const override { return "SEND placement"; }
  std::span<const MeasureDecl> measures() const override { return kMeasures; }
  uint64_t max_rows_per_school() const override {
    uint64_t most = 0;
    for (size_t i = 0, j = 0; i < rows_.size(); i = j) {
      while (j < rows_.size() && rows_[j].school == rows_[i].school) ++j;
      most = std::max<uint64_t>(most, j - i);
    }
    return most;
  }
  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    for (int m : wanted_) {
      if (m < 0 || m >= kSendMeasures) return Status::Internal("SEND placement: bad measure");
    }
    return Status::Ok();
  }
  void Scan(const SchoolShare& share, FactSink* sink) const override {
    std::vector<int64_t> out(wanted_.size());
    for (const Row& r : rows_) {
      if (!share.owns(r.school)) continue;
      bool any = false;
      for (size_t k = 0; k < wanted_.size(); ++k) {
        out[k] = r.values[static_cast<size_t>(wanted_[k])];
        any = any || out[k] != 0;
      }
      if (any) sink->Add(r.school, r.pupil, out.data());
    }
  }

 private:
  std::vector<Row> rows_;  // by school, then pupil
  std::vector<int> wanted_;
};

}  // namespace

std::span<const MeasureDecl> SendFactMeasures() { return kMeasures; }

std::unique_ptr<FactGrain> MakeSendFacts(const FactContext& context) {
  return std::make_unique<SendFacts>(context);
}

}  // namespace lantern
