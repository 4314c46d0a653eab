// The coded values of the input schema (docs/input-schema.md), each with the
// text written in files and a label for people. One table per code list:
// parsing and printing both read it, so a code is defined in one place.
#ifndef LANTERN_MODEL_CODES_H_
#define LANTERN_MODEL_CODES_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace lantern {

template <typename E>
struct CodeEntry {
  E value;
  std::string_view code;   // as written in input files
  std::string_view label;  // for people and output filters
};

// Looks text up in a table, ignoring ASCII case; nullopt when unknown.
template <typename E>
std::optional<E> ParseCode(std::span<const CodeEntry<E>> table, std::string_view text);
template <typename E>
const CodeEntry<E>* FindEntry(std::span<const CodeEntry<E>> table, E value);

// Y/N and the other spellings of a boolean.
std::optional<bool> ParseYesNo(std::string_view text);

enum class Sex : uint8_t { kFemale, kMale };
enum class SenProvision : uint8_t { kNone, kSupport, kEhcPlan };
enum class SenNeed : uint8_t {
  kNone,
  kSpld,
  kMld,
  kSld,
  kPmld,
  kSemh,
  kSlcn,
  kHi,
  kVi,
  kMsi,
  kPd,
  kAsd,
  kOth,
  kNsa
};
// National curriculum year: N1 N2 R 1..14 X. Stored as -2 (N1), -1 (N2),
// 0 (R), 1..14, 15 (X).
using YearGroup = int8_t;
constexpr YearGroup kYearGroupX = 15;
std::optional<YearGroup> ParseYearGroup(std::string_view text);
std::string_view YearGroupCode(YearGroup y);   // "R", "7", "X"
std::string_view YearGroupLabel(YearGroup y);  // "Reception", "Year 7", "Not following the NC"

enum class SchoolPhaseCode : uint8_t {
  kPrimary,
  kSecondary,
  kAllThrough,
  kMiddle,
  kNursery,
  kSpecial,
  kAlternativeProvision
};
// The statistical school type an establishment reports under.
enum class SchoolType : uint8_t { kPrimary, kSecondary, kSpecial, kPupilReferralUnit, kNursery };
SchoolType SchoolTypeOf(SchoolPhaseCode phase);
std::string_view SchoolTypeLabel(SchoolType t);  // "State-funded primary"

enum class EnrolStatus : uint8_t { kCurrent, kMain, kSubsidiary, kGuest };
enum class LeavingReason : uint8_t {
  kNone,
  kTransfer,
  kManagedMove,
  kEndOfPhase,
  kPermanentExclusion,
  kIndependent,
  kEhe,
  kEmigrated,
  kCme,
  kOther
};
// True for reasons that take a pupil out of state-funded schooling.
bool IsExitFromStateSystem(LeavingReason r);

enum class SuspensionCategory : uint8_t { kSuspension, kPermanentExclusion };
enum class ExclusionReason : uint8_t {
  kNone,
  kPP,
  kPA,
  kVP,
  kVA,
  kBU,
  kRA,
  kLG,
  kDS,
  kSM,
  kDA,
  kDM,
  kTH,
  kDB,
  kMT,
  kPH,
  kOW,
  kOT,
  kSupport  // internal units only: placed for support, not as a sanction
};
enum class ExclusionOutcome : uint8_t { kUpheld, kPending, kOverturned };

enum class ApSetting : uint8_t { kRegistered, kUnregistered, kInternal };
enum class ApSettingType : uint8_t {
  kUnknown,
  kUrnSetting,
  kUkprnProvider,
  kUnregisteredProvider,
  kOneToOneTuition,
  kWorkBased,
  kFeCollege
};
enum class ApBasis : uint8_t { kSchoolArranged, kOffSiteDirection, kLaArranged };
enum class ApReason : uint8_t {
  kBehaviour,
  kMentalHealth,
  kPhysicalHealth,
  kSuspension,
  kPermanentExclusion,
  kOther
};
enum class PlacementOutcome : uint8_t {
  kNone,
  kReintegrated,
  kMovedSchool,
  kContinuedAp,
  kExcluded,
  kLeftRoll,
  kContinued,
  kSuspended,
  kOther
};
enum class UnitKind : uint8_t { kSupportUnit, kInternalSuspension };
// An employer activity (employer_encounters.csv): an encounter with an
// employer or employees (Gatsby Benchmark 5) or a placement in a workplace
// (Benchmark 6).
enum class EmployerActivity : uint8_t { kEncounter, kPlacement };
// How a pupil answered a voice survey (pupil-voice.md 4.4).
enum class VoiceMode : uint8_t { kOnline, kAdultSupported, kSymbol, kAtHome };
// KS2 result status of one subject (ks2_results.csv; docs/input-schema.md).
enum class Ks2Status : uint8_t { kTested, kBelowTest, kAbsent, kNotTaken };
// A former Year 11 pupil's activity in a month (destinations.csv).
enum class DestinationActivity : uint8_t {
  kNotKnown,
  kSchoolSixthForm,
  kSixthFormCollege,
  kFeCollege,
  kOtherEducation,
  kApprenticeship,
  kEmploymentWithTraining,
  kEmployment,
  kNeet
};
enum class DestinationSource : uint8_t { kMatched, kNccis };

std::span<const CodeEntry<Sex>> SexCodes();
std::span<const CodeEntry<SenProvision>> SenProvisionCodes();
std::span<const CodeEntry<SenNeed>> SenNeedCodes();
std::span<const CodeEntry<SchoolPhaseCode>> SchoolPhaseCodes();
std::span<const CodeEntry<EnrolStatus>> EnrolStatusCodes();
std::span<const CodeEntry<LeavingReason>> LeavingReasonCodes();
std::span<const CodeEntry<SuspensionCategory>> SuspensionCategoryCodes();
std::span<const CodeEntry<ExclusionReason>> ExclusionReasonCodes();
std::span<const CodeEntry<ExclusionOutcome>> ExclusionOutcomeCodes();
std::span<const CodeEntry<ApSetting>> ApSettingCodes();
std::span<const CodeEntry<ApSettingType>> ApSettingTypeCodes();
std::span<const CodeEntry<ApBasis>> ApBasisCodes();
std::span<const CodeEntry<ApReason>> ApReasonCodes();
std::span<const CodeEntry<PlacementOutcome>> PlacementOutcomeCodes();
std::span<const CodeEntry<UnitKind>> UnitKindCodes();
std::span<const CodeEntry<EmployerActivity>> EmployerActivityCodes();
std::span<const CodeEntry<VoiceMode>> VoiceModeCodes();
std::span<const CodeEntry<Ks2Status>> Ks2StatusCodes();
std::span<const CodeEntry<DestinationActivity>> DestinationActivityCodes();
std::span<const CodeEntry<DestinationSource>> DestinationSourceCodes();

// Printing a value back to its file code (for the generator and rejects).
template <typename E>
std::string_view CodeOf(std::span<const CodeEntry<E>> table, E value) {
  const CodeEntry<E>* e = FindEntry(table, value);
  return e == nullptr ? std::string_view() : e->code;
}
template <typename E>
std::string_view LabelOf(std::span<const CodeEntry<E>> table, E value) {
  const CodeEntry<E>* e = FindEntry(table, value);
  return e == nullptr ? std::string_view() : e->label;
}

// ---- template definitions ----
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

template <typename E>
std::optional<E> ParseCode(std::span<const CodeEntry<E>> table, std::string_view text) {
  for (const auto& e : table) {
    if (EqualsIgnoreCase(e.code, text)) return e.value;
  }
  return std::nullopt;
}

template <typename E>
const CodeEntry<E>* FindEntry(std::span<const CodeEntry<E>> table, E value) {
  for (const auto& e : table) {
    if (e.value == value) return &e;
  }
  return nullptr;
}

}  // namespace lantern

#endif  // LANTERN_MODEL_CODES_H_
