#include "model/codes.h"

#include <array>

namespace lantern {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<bool> ParseYesNo(std::string_view t) {
  for (std::string_view y : {"Y", "1", "true", "yes"})
    if (EqualsIgnoreCase(t, y)) return true;
  for (std::string_view n : {"N", "0", "false", "no"})
    if (EqualsIgnoreCase(t, n)) return false;
  return std::nullopt;
}

namespace {
template <typename E, size_t N>
std::span<const CodeEntry<E>> Span(const std::array<CodeEntry<E>, N>& a) {
  return {a.data(), a.size()};
}
}  // namespace

#define LANTERN_CODE_TABLE(Fn, E, ...)                                  \
  std::span<const CodeEntry<E>> Fn() {                                  \
    static const auto table = std::to_array<CodeEntry<E>>(__VA_ARGS__); \
    return Span(table);                                                 \
  }

LANTERN_CODE_TABLE(SexCodes, Sex, {{Sex::kFemale, "F", "Female"}, {Sex::kMale, "M", "Male"}})

LANTERN_CODE_TABLE(SenProvisionCodes, SenProvision,
                   {{SenProvision::kNone, "N", "No SEN"},
                    {SenProvision::kSupport, "K", "SEN support"},
                    {SenProvision::kEhcPlan, "E", "EHC plan"}})

LANTERN_CODE_TABLE(SenNeedCodes, SenNeed,
                   {{SenNeed::kSpld, "SPLD", "Specific learning difficulty"},
                    {SenNeed::kMld, "MLD", "Moderate learning difficulty"},
                    {SenNeed::kSld, "SLD", "Severe learning difficulty"},
                    {SenNeed::kPmld, "PMLD", "Profound and multiple learning difficulty"},
                    {SenNeed::kSemh, "SEMH", "Social, emotional and mental health"},
                    {SenNeed::kSlcn, "SLCN", "Speech, language and communication needs"},
                    {SenNeed::kHi, "HI", "Hearing impairment"},
                    {SenNeed::kVi, "VI", "Visual impairment"},
                    {SenNeed::kMsi, "MSI", "Multi-sensory impairment"},
                    {SenNeed::kPd, "PD", "Physical disability"},
                    {SenNeed::kAsd, "ASD", "Autistic spectrum disorder"},
                    {SenNeed::kOth, "OTH", "Other difficulty"},
                    {SenNeed::kNsa, "NSA", "SEN support but no specialist assessment"}})

LANTERN_CODE_TABLE(SchoolPhaseCodes, SchoolPhaseCode,
                   {{SchoolPhaseCode::kPrimary, "primary", "Primary"},
                    {SchoolPhaseCode::kSecondary, "secondary", "Secondary"},
                    {SchoolPhaseCode::kAllThrough, "all-through", "All-through"},
                    {SchoolPhaseCode::kMiddle, "middle", "Middle"},
                    {SchoolPhaseCode::kNursery, "nursery", "Nursery"},
                    {SchoolPhaseCode::kSpecial, "special", "Special"},
                    {SchoolPhaseCode::kAlternativeProvision, "ap", "Alternative provision"}})

LANTERN_CODE_TABLE(EnrolStatusCodes, EnrolStatus,
                   {{EnrolStatus::kCurrent, "C", "Current (single registration)"},
                    {EnrolStatus::kMain, "M", "Main (dual registration)"},
                    {EnrolStatus::kSubsidiary, "S", "Subsidiary (dual registration)"},
                    {EnrolStatus::kGuest, "G", "Guest"}})

LANTERN_CODE_TABLE(LeavingReasonCodes, LeavingReason,
                   {{LeavingReason::kTransfer, "transfer", "Moved to another state school"},
                    {LeavingReason::kManagedMove, "managed_move", "Managed move"},
                    {LeavingReason::kEndOfPhase, "end_of_phase", "End of phase"},
                    {LeavingReason::kPermanentExclusion, "permanent_exclusion",
                     "Permanent exclusion"},
                    {LeavingReason::kIndependent, "independent", "Moved to an independent school"},
                    {LeavingReason::kEhe, "ehe", "Elective home education"},
                    {LeavingReason::kEmigrated, "emigrated", "Left England"},
                    {LeavingReason::kCme, "cme", "No known destination"},
                    {LeavingReason::kOther, "other", "Other"}})

bool IsExitFromStateSystem(LeavingReason r) {
  return r == LeavingReason::kIndependent || r == LeavingReason::kEhe ||
         r == LeavingReason::kEmigrated || r == LeavingReason::kCme || r == LeavingReason::kOther;
}

LANTERN_CODE_TABLE(SuspensionCategoryCodes, SuspensionCategory,
                   {{SuspensionCategory::kSuspension, "suspension", "Suspension"},
                    {SuspensionCategory::kSuspension, "FIXD", "Suspension"},
                    {SuspensionCategory::kPermanentExclusion, "permanent_exclusion",
                     "Permanent exclusion"},
                    {SuspensionCategory::kPermanentExclusion, "PERM", "Permanent exclusion"}})

LANTERN_CODE_TABLE(
    ExclusionReasonCodes, ExclusionReason,
    {{ExclusionReason::kPP, "PP", "Physical assault against a pupil"},
     {ExclusionReason::kPA, "PA", "Physical assault against an adult"},
     {ExclusionReason::kVP, "VP", "Verbal abuse or threatening behaviour against a pupil"},
     {ExclusionReason::kVA, "VA", "Verbal abuse or threatening behaviour against an adult"},
     {ExclusionReason::kBU, "BU", "Bullying"},
     {ExclusionReason::kRA, "RA", "Racist abuse"},
     {ExclusionReason::kLG, "LG", "Abuse against sexual orientation and gender identity"},
     {ExclusionReason::kDS, "DS", "Abuse relating to disability"},
     {ExclusionReason::kSM, "SM", "Sexual misconduct"},
     {ExclusionReason::kDA, "DA", "Drug and alcohol related"},
     {ExclusionReason::kDM, "DM", "Damage"},
     {ExclusionReason::kTH, "TH", "Theft"},
     {ExclusionReason::kDB, "DB", "Persistent disruptive behaviour"},
     {ExclusionReason::kMT, "MT", "Inappropriate use of social media or online technology"},
     {ExclusionReason::kPH, "PH", "Wilful and repeated breach of public-health measures"},
     {ExclusionReason::kOW, "OW", "Use or threat of use of an offensive weapon or prohibited item"},
     {ExclusionReason::kOT, "OT", "Other (withdrawn)"},
     {ExclusionReason::kSupport, "support", "Support (not a sanction)"}})

LANTERN_CODE_TABLE(ExclusionOutcomeCodes, ExclusionOutcome,
                   {{ExclusionOutcome::kUpheld, "upheld", "Upheld"},
                    {ExclusionOutcome::kPending, "pending", "Pending review"},
                    {ExclusionOutcome::kOverturned, "overturned", "Overturned"}})

LANTERN_CODE_TABLE(ApSettingCodes, ApSetting,
                   {{ApSetting::kRegistered, "registered", "Registered provision"},
                    {ApSetting::kUnregistered, "unregistered", "Unregistered provision"},
                    {ApSetting::kInternal, "internal", "Internal (on-site) provision"}})

LANTERN_CODE_TABLE(
    ApSettingTypeCodes, ApSettingType,
    {{ApSettingType::kUrnSetting, "urn_setting", "Education setting with URN"},
     {ApSettingType::kUkprnProvider, "ukprn_provider", "Registered provider with UKPRN"},
     {ApSettingType::kUnregisteredProvider, "unregistered_provider", "Other unregistered provider"},
     {ApSettingType::kOneToOneTuition, "one_to_one_tuition", "One on one tuition"},
     {ApSettingType::kWorkBased, "work_based", "Work based placement"},
     {ApSettingType::kFeCollege, "fe_college", "Non-maintained further education college"}})

LANTERN_CODE_TABLE(ApBasisCodes, ApBasis,
                   {{ApBasis::kSchoolArranged, "school_arranged", "School-arranged"},
                    {ApBasis::kOffSiteDirection, "off_site_direction", "Off-site direction"},
                    {ApBasis::kLaArranged, "la_arranged", "Arranged by the local authority"}})

LANTERN_CODE_TABLE(
    ApReasonCodes, ApReason,
    {{ApReason::kBehaviour, "behaviour", "Off-site placement for behavioural support"},
     {ApReason::kMentalHealth, "mental_health", "Medical condition (mental health need)"},
     {ApReason::kPhysicalHealth, "physical_health", "Medical condition (physical health need)"},
     {ApReason::kSuspension, "suspension", "Suspension"},
     {ApReason::kPermanentExclusion, "permanent_exclusion", "Permanent exclusion (under review)"},
     {ApReason::kOther, "other", "Other"}})

LANTERN_CODE_TABLE(PlacementOutcomeCodes, PlacementOutcome,
                   {{PlacementOutcome::kReintegrated, "reintegrated",
                     "Returned to a full mainstream timetable"},
                    {PlacementOutcome::kMovedSchool, "moved_school", "Moved school"},
                    {PlacementOutcome::kContinuedAp, "continued_ap", "Continued in AP"},
                    {PlacementOutcome::kExcluded, "excluded", "Excluded"},
                    {PlacementOutcome::kLeftRoll, "left_roll", "Left the roll"},
                    {PlacementOutcome::kContinued, "continued", "Continued in the unit"},
                    {PlacementOutcome::kSuspended, "suspended", "Suspended"},
                    {PlacementOutcome::kOther, "other", "Other"}})

LANTERN_CODE_TABLE(UnitKindCodes, UnitKind,
                   {{UnitKind::kSupportUnit, "support_unit", "In-school support unit"},
                    {UnitKind::kInternalSuspension, "internal_suspension",
                     "Internal suspension room"}})

LANTERN_CODE_TABLE(EmployerActivityCodes, EmployerActivity,
                   {{EmployerActivity::kEncounter, "encounter",
                     "An encounter with an employer or employees: a talk, mentoring, an "
                     "enterprise activity, a careers fair or a workplace visit"},
                    {EmployerActivity::kPlacement, "placement",
                     "Experience of a workplace: work experience, shadowing or a work placement"}})

LANTERN_CODE_TABLE(VoiceModeCodes, VoiceMode,
                   {{VoiceMode::kOnline, "online", "Online, on their own"},
                    {VoiceMode::kAdultSupported, "adult_supported",
                     "Online with an adult's support"},
                    {VoiceMode::kSymbol, "symbol", "Symbol version"},
                    {VoiceMode::kAtHome, "at_home", "At home"}})
LANTERN_CODE_TABLE(Ks2StatusCodes, Ks2Status,
                   {{Ks2Status::kTested, "tested", "Tested: a scaled score"},
                    {Ks2Status::kBelowTest, "below_test",
                     "Working below the standard of the test (nominal score)"},
                    {Ks2Status::kAbsent, "absent", "Absent"},
                    {Ks2Status::kNotTaken, "not_taken", "Not taken (no score)"}})
LANTERN_CODE_TABLE(
    DestinationActivityCodes, DestinationActivity,
    {{DestinationActivity::kNotKnown, "not_known", "Activity not known"},
     {DestinationActivity::kSchoolSixthForm, "school_sixth_form", "School sixth form"},
     {DestinationActivity::kSixthFormCollege, "sixth_form_college", "Sixth-form college"},
     {DestinationActivity::kFeCollege, "fe_college", "Further education college"},
     {DestinationActivity::kOtherEducation, "other_education", "Other education"},
     {DestinationActivity::kApprenticeship, "apprenticeship", "Apprenticeship"},
     {DestinationActivity::kEmploymentWithTraining, "employment_with_training",
      "Employment with training"},
     {DestinationActivity::kEmployment, "employment", "Employment"},
     {DestinationActivity::kNeet, "neet", "Not in education, employment or training"}})
LANTERN_CODE_TABLE(DestinationSourceCodes, DestinationSource,
                   {{DestinationSource::kMatched, "matched", "Matched administrative data"},
                    {DestinationSource::kNccis, "nccis", "Local authority tracking (NCCIS)"}})

#undef LANTERN_CODE_TABLE

std::optional<YearGroup> ParseYearGroup(std::string_view t) {
  if (EqualsIgnoreCase(t, "N1")) return static_cast<YearGroup>(-2);
  if (EqualsIgnoreCase(t, "N2")) return static_cast<YearGroup>(-1);
  if (EqualsIgnoreCase(t, "R")) return static_cast<YearGroup>(0);
  if (EqualsIgnoreCase(t, "X")) return kYearGroupX;
  if (t.size() == 1 && t[0] >= '1' && t[0] <= '9') return static_cast<YearGroup>(t[0] - '0');
  if (t.size() == 2 && t[0] == '1' && t[1] >= '0' && t[1] <= '4')
    return static_cast<YearGroup>(10 + t[1] - '0');
  return std::nullopt;
}

std::string_view YearGroupCode(YearGroup y) {
  static constexpr std::string_view kCodes[] = {"N1", "N2", "R", "1",  "2",  "3",  "4",  "5",  "6",
                                                "7",  "8",  "9", "10", "11", "12", "13", "14", "X"};
  int i = y + 2;
  return i >= 0 && i < 18 ? kCodes[i] : "X";
}

std::string_view YearGroupLabel(YearGroup y) {
  static constexpr std::string_view kLabels[] = {
      "Nursery 1", "Nursery 2", "Reception", "Year 1",  "Year 2",  "Year 3",
      "Year 4",    "Year 5",    "Year 6",    "Year 7",  "Year 8",  "Year 9",
      "Year 10",   "Year 11",   "Year 12",   "Year 13", "Year 14", "Not following the NC"};
  int i = y + 2;
  return i >= 0 && i < 18 ? kLabels[i] : kLabels[17];
}

SchoolType SchoolTypeOf(SchoolPhaseCode p) {
  switch (p) {
    case SchoolPhaseCode::kPrimary:
      return SchoolType::kPrimary;
    case SchoolPhaseCode::kNursery:
      return SchoolType::kNursery;
    case SchoolPhaseCode::kSpecial:
      return SchoolType::kSpecial;
    case SchoolPhaseCode::kAlternativeProvision:
      return SchoolType::kPupilReferralUnit;
    default:
      return SchoolType::kSecondary;
  }
}

std::string_view SchoolTypeLabel(SchoolType t) {
  switch (t) {
    case SchoolType::kPrimary:
      return "State-funded primary";
    case SchoolType::kSecondary:
      return "State-funded secondary";
    case SchoolType::kSpecial:
      return "State-funded special";
    case SchoolType::kPupilReferralUnit:
      return "Pupil referral unit";
    case SchoolType::kNursery:
      return "State-funded nursery";
  }
  return "State-funded primary";
}

}  // namespace lantern
