#include "derive/facts.h"

namespace lantern {

std::span<const MeasureDecl> EnrolmentFactMeasures();
std::span<const MeasureDecl> SuspensionFactMeasures();
std::span<const MeasureDecl> PupilAtSchoolFactMeasures();
std::span<const MeasureDecl> DestinationFactMeasures();
std::unique_ptr<FactGrain> MakeDestinationFacts(const FactContext& context);
std::unique_ptr<FactGrain> MakeEnrolmentFacts(const FactContext& context);
std::unique_ptr<FactGrain> MakeSuspensionFacts(const FactContext& context);
std::unique_ptr<FactGrain> MakePupilAtSchoolFacts(const FactContext& context);
std::span<const MeasureDecl> ExitFactMeasures();
std::span<const CountSplit> ExitFactSplits();
std::unique_ptr<FactGrain> MakeExitFacts(const FactContext& context);
std::span<const MeasureDecl> EmployerFactMeasures();
std::unique_ptr<FactGrain> MakeEmployerFacts(const FactContext& context);
std::span<const MeasureDecl> SendFactMeasures();
std::unique_ptr<FactGrain> MakeSendFacts(const FactContext& context);

std::string_view QuantityName(Quantity q) {
  switch (q) {
    case Quantity::kPupils:
      return "pupils";
    case Quantity::kEnrolments:
      return "enrolments";
    case Quantity::kEvents:
      return "events";
    case Quantity::kSessions:
      return "sessions";
    case Quantity::kScore:
      return "score";
    case Quantity::kHours:
      return "hours";
  }
  return "pupils";
}

std::string_view GrainName(GrainId grain) {
  switch (grain) {
    case GrainId::kEnrolment:
      return "enrolment";
    case GrainId::kSuspension:
      return "suspension";
    case GrainId::kPupilAtSchool:
      return "pupil at school";
    case GrainId::kDestination:
      return "destination";
    case GrainId::kExit:
      return "exit";
    case GrainId::kEmployer:
      return "employer";
    case GrainId::kSend:
      return "SEND placement";
  }
  return "enrolment";
}

std::span<const MeasureDecl> GrainMeasures(GrainId grain) {
  switch (grain) {
    case GrainId::kEnrolment:
      return EnrolmentFactMeasures();
    case GrainId::kSuspension:
      return SuspensionFactMeasures();
    case GrainId::kPupilAtSchool:
      return PupilAtSchoolFactMeasures();
    case GrainId::kDestination:
      return DestinationFactMeasures();
    case GrainId::kExit:
      return ExitFactMeasures();
    case GrainId::kEmployer:
      return EmployerFactMeasures();
    case GrainId::kSend:
      return SendFactMeasures();
  }
  return {};
}

std::span<const CountSplit> GrainSplits(GrainId grain) {
  return grain == GrainId::kExit ? ExitFactSplits() : std::span<const CountSplit>();
}

int GrainMeasureIndex(GrainId grain, std::string_view id) {
  const auto m = GrainMeasures(grain);
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

std::unique_ptr<FactGrain> MakeFactGrain(GrainId grain, const FactContext& context) {
  switch (grain) {
    case GrainId::kEnrolment:
      return MakeEnrolmentFacts(context);
    case GrainId::kSuspension:
      return MakeSuspensionFacts(context);
    case GrainId::kPupilAtSchool:
      return MakePupilAtSchoolFacts(context);
    case GrainId::kDestination:
      return MakeDestinationFacts(context);
    case GrainId::kExit:
      return MakeExitFacts(context);
    case GrainId::kEmployer:
      return MakeEmployerFacts(context);
    case GrainId::kSend:
      return MakeSendFacts(context);
  }
  return nullptr;
}

}  // namespace lantern
