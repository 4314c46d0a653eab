// The store's tables in memory: one struct of columns per entity of the input
// schema (docs/input-schema.md). Big tables (pupils, enrolments) are columns
// of plain values so they load with one copy per column and scan fast. Rows
// are referred to by index ("slot"), which never changes once assigned, so
// marks and derived data can be keyed by it.
//
// Each table lists its columns once, in Columns(); saving, loading, copying
// and comparing rows are written once for all tables (table_ops.h).
#ifndef LANTERN_STORE_TABLES_H_
#define LANTERN_STORE_TABLES_H_

#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "common/date.h"
#include "model/codes.h"
#include "store/column_memory.h"
#include "store/string_column.h"

namespace lantern {

constexpr uint32_t kNoIndex = std::numeric_limits<uint32_t>::max();

// How a column of values of type V is held: text as strings, fixed-width
// values in column memory (column_memory.h: mapped from the store when big).
// V = StringColumn: text read in place from the store (string_column.h), for
// the history tables of a million rows and more.
template <typename V>
using ColumnOf = std::conditional_t<
    std::is_same_v<V, std::string>, std::vector<std::string>,
    std::conditional_t<std::is_same_v<V, StringColumn>, StringColumn, ColumnVector<V>>>;

template <typename Table, typename V>
struct Column {
  using value_type = V;
  const char* name;
  ColumnOf<V> Table::*member;
};

struct LocalAuthorityTable {
  ColumnVector<int16_t> old_la_code;
  std::vector<std::string> new_la_code;
  std::vector<std::string> la_name;
  std::vector<std::string> region_code;
  std::vector<std::string> region_name;

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<LocalAuthorityTable, int16_t>{"old_la_code", &LocalAuthorityTable::old_la_code},
        Column<LocalAuthorityTable, std::string>{"new_la_code", &LocalAuthorityTable::new_la_code},
        Column<LocalAuthorityTable, std::string>{"la_name", &LocalAuthorityTable::la_name},
        Column<LocalAuthorityTable, std::string>{"region_code", &LocalAuthorityTable::region_code},
        Column<LocalAuthorityTable, std::string>{"region_name", &LocalAuthorityTable::region_name});
  }
  size_t size() const { return old_la_code.size(); }
};

struct TrustTable {
  std::vector<std::string> trust_id;
  std::vector<std::string> trust_name;
  ColumnVector<uint8_t> trust_type;  // 0 MAT, 1 SAT

  static constexpr auto Columns() {
    return std::make_tuple(Column<TrustTable, std::string>{"trust_id", &TrustTable::trust_id},
                           Column<TrustTable, std::string>{"trust_name", &TrustTable::trust_name},
                           Column<TrustTable, uint8_t>{"trust_type", &TrustTable::trust_type});
  }
  size_t size() const { return trust_id.size(); }
};

struct SchoolTable {
  ColumnVector<int32_t> urn;
  ColumnVector<int16_t> la_code;
  ColumnVector<int16_t> estab;
  ColumnVector<uint8_t> phase;  // SchoolPhaseCode
  std::vector<std::string> name;
  std::vector<std::string> type;
  std::vector<std::string> trust_id;
  std::vector<std::string> postcode;
  ColumnVector<int32_t> open_date;   // kNoDate when empty
  ColumnVector<int32_t> close_date;  // kNoDate when empty

  static constexpr auto Columns() {
    return std::make_tuple(Column<SchoolTable, int32_t>{"urn", &SchoolTable::urn},
                           Column<SchoolTable, int16_t>{"la_code", &SchoolTable::la_code},
                           Column<SchoolTable, int16_t>{"estab", &SchoolTable::estab},
                           Column<SchoolTable, uint8_t>{"phase", &SchoolTable::phase},
                           Column<SchoolTable, std::string>{"name", &SchoolTable::name},
                           Column<SchoolTable, std::string>{"type", &SchoolTable::type},
                           Column<SchoolTable, std::string>{"trust_id", &SchoolTable::trust_id},
                           Column<SchoolTable, std::string>{"postcode", &SchoolTable::postcode},
                           Column<SchoolTable, int32_t>{"open_date", &SchoolTable::open_date},
                           Column<SchoolTable, int32_t>{"close_date", &SchoolTable::close_date});
  }
  size_t size() const { return urn.size(); }
  SchoolType school_type(size_t i) const {
    return SchoolTypeOf(static_cast<SchoolPhaseCode>(phase[i]));
  }
};

struct PupilTable {
  ColumnVector<uint64_t> upn;  // PackUpn
  ColumnVector<int32_t> birth_date;
  ColumnVector<uint8_t> sex;  // Sex
  ColumnVector<uint8_t> fsm;
  ColumnVector<uint8_t> disadvantaged;
  ColumnVector<uint8_t> sen_provision;  // SenProvision
  ColumnVector<uint8_t> sen_need;       // SenNeed
  ColumnVector<uint8_t> eal;
  ColumnVector<uint8_t> looked_after;
  ColumnVector<int16_t> home_la;      // 3-digit LA
  ColumnVector<int8_t> year_group;    // YearGroup
  ColumnVector<uint32_t> ethnicity;   // up to 4 ASCII characters, 0 when empty
  ColumnVector<uint8_t> ks2_reading;  // scaled score, 0 when none
  ColumnVector<uint8_t> ks2_maths;    // scaled score, 0 when none

  static constexpr auto Columns() {
    return std::make_tuple(Column<PupilTable, uint64_t>{"upn", &PupilTable::upn},
                           Column<PupilTable, int32_t>{"birth_date", &PupilTable::birth_date},
                           Column<PupilTable, uint8_t>{"sex", &PupilTable::sex},
                           Column<PupilTable, uint8_t>{"fsm", &PupilTable::fsm},
                           Column<PupilTable, uint8_t>{"disadvantaged", &PupilTable::disadvantaged},
                           Column<PupilTable, uint8_t>{"sen_provision", &PupilTable::sen_provision},
                           Column<PupilTable, uint8_t>{"sen_need", &PupilTable::sen_need},
                           Column<PupilTable, uint8_t>{"eal", &PupilTable::eal},
                           Column<PupilTable, uint8_t>{"looked_after", &PupilTable::looked_after},
                           Column<PupilTable, int16_t>{"home_la", &PupilTable::home_la},
                           Column<PupilTable, int8_t>{"year_group", &PupilTable::year_group},
                           Column<PupilTable, uint32_t>{"ethnicity", &PupilTable::ethnicity},
                           Column<PupilTable, uint8_t>{"ks2_reading", &PupilTable::ks2_reading},
                           Column<PupilTable, uint8_t>{"ks2_maths", &PupilTable::ks2_maths});
  }
  size_t size() const { return upn.size(); }
};

struct EnrolmentTable {
  ColumnVector<uint32_t> pupil;   // row in PupilTable
  ColumnVector<uint32_t> school;  // row in SchoolTable
  ColumnVector<int32_t> entry_date;
  ColumnVector<int32_t> leaving_date;    // kNoDate while on roll
  ColumnVector<uint8_t> leaving_reason;  // LeavingReason
  ColumnVector<uint8_t> status;          // EnrolStatus
  ColumnVector<uint8_t> boarder;

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<EnrolmentTable, uint32_t>{"pupil", &EnrolmentTable::pupil},
        Column<EnrolmentTable, uint32_t>{"school", &EnrolmentTable::school},
        Column<EnrolmentTable, int32_t>{"entry_date", &EnrolmentTable::entry_date},
        Column<EnrolmentTable, int32_t>{"leaving_date", &EnrolmentTable::leaving_date},
        Column<EnrolmentTable, uint8_t>{"leaving_reason", &EnrolmentTable::leaving_reason},
        Column<EnrolmentTable, uint8_t>{"status", &EnrolmentTable::status},
        Column<EnrolmentTable, uint8_t>{"boarder", &EnrolmentTable::boarder});
  }
  size_t size() const { return pupil.size(); }
};

struct SuspensionTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<uint32_t> school;
  ColumnVector<int32_t> start_date;
  ColumnVector<uint8_t> category;  // SuspensionCategory
  ColumnVector<uint16_t> sessions;
  ColumnVector<uint8_t> reason1;  // ExclusionReason
  ColumnVector<uint8_t> reason2;
  ColumnVector<uint8_t> reason3;
  ColumnVector<uint8_t> outcome;  // ExclusionOutcome

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<SuspensionTable, uint32_t>{"pupil", &SuspensionTable::pupil},
        Column<SuspensionTable, uint32_t>{"school", &SuspensionTable::school},
        Column<SuspensionTable, int32_t>{"start_date", &SuspensionTable::start_date},
        Column<SuspensionTable, uint8_t>{"category", &SuspensionTable::category},
        Column<SuspensionTable, uint16_t>{"sessions", &SuspensionTable::sessions},
        Column<SuspensionTable, uint8_t>{"reason1", &SuspensionTable::reason1},
        Column<SuspensionTable, uint8_t>{"reason2", &SuspensionTable::reason2},
        Column<SuspensionTable, uint8_t>{"reason3", &SuspensionTable::reason3},
        Column<SuspensionTable, uint8_t>{"outcome", &SuspensionTable::outcome});
  }
  size_t size() const { return pupil.size(); }
};

struct ApPlacementTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<uint32_t> commissioner;  // row in SchoolTable
  std::vector<std::string> provider_id;
  std::vector<std::string> provider_name;
  ColumnVector<uint8_t> setting;       // ApSetting
  ColumnVector<uint8_t> setting_type;  // ApSettingType
  ColumnVector<uint8_t> basis;         // ApBasis
  ColumnVector<float> hours_per_week;
  ColumnVector<uint8_t> reason;  // ApReason
  ColumnVector<int32_t> start_date;
  ColumnVector<int32_t> end_date;  // kNoDate while continuing
  ColumnVector<uint8_t> reintegration_plan;
  ColumnVector<uint8_t> outcome;  // PlacementOutcome

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<ApPlacementTable, uint32_t>{"pupil", &ApPlacementTable::pupil},
        Column<ApPlacementTable, uint32_t>{"commissioner", &ApPlacementTable::commissioner},
        Column<ApPlacementTable, std::string>{"provider_id", &ApPlacementTable::provider_id},
        Column<ApPlacementTable, std::string>{"provider_name", &ApPlacementTable::provider_name},
        Column<ApPlacementTable, uint8_t>{"setting", &ApPlacementTable::setting},
        Column<ApPlacementTable, uint8_t>{"setting_type", &ApPlacementTable::setting_type},
        Column<ApPlacementTable, uint8_t>{"basis", &ApPlacementTable::basis},
        Column<ApPlacementTable, float>{"hours_per_week", &ApPlacementTable::hours_per_week},
        Column<ApPlacementTable, uint8_t>{"reason", &ApPlacementTable::reason},
        Column<ApPlacementTable, int32_t>{"start_date", &ApPlacementTable::start_date},
        Column<ApPlacementTable, int32_t>{"end_date", &ApPlacementTable::end_date},
        Column<ApPlacementTable, uint8_t>{"reintegration_plan",
                                          &ApPlacementTable::reintegration_plan},
        Column<ApPlacementTable, uint8_t>{"outcome", &ApPlacementTable::outcome});
  }
  size_t size() const { return pupil.size(); }
};

struct InternalUnitTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<uint32_t> school;
  ColumnVector<uint8_t> unit;  // UnitKind
  ColumnVector<int32_t> start_date;
  ColumnVector<int32_t> end_date;  // kNoDate while continuing
  ColumnVector<uint16_t> sessions;
  ColumnVector<uint8_t> reason;  // ExclusionReason
  ColumnVector<uint8_t> reintegration_plan;
  ColumnVector<uint8_t> outcome;  // PlacementOutcome

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<InternalUnitTable, uint32_t>{"pupil", &InternalUnitTable::pupil},
        Column<InternalUnitTable, uint32_t>{"school", &InternalUnitTable::school},
        Column<InternalUnitTable, uint8_t>{"unit", &InternalUnitTable::unit},
        Column<InternalUnitTable, int32_t>{"start_date", &InternalUnitTable::start_date},
        Column<InternalUnitTable, int32_t>{"end_date", &InternalUnitTable::end_date},
        Column<InternalUnitTable, uint16_t>{"sessions", &InternalUnitTable::sessions},
        Column<InternalUnitTable, uint8_t>{"reason", &InternalUnitTable::reason},
        Column<InternalUnitTable, uint8_t>{"reintegration_plan",
                                           &InternalUnitTable::reintegration_plan},
        Column<InternalUnitTable, uint8_t>{"outcome", &InternalUnitTable::outcome});
  }
  size_t size() const { return pupil.size(); }
};

// EHC needs assessment requests (ehcp_requests.csv): one row per request to
// a local authority, with its decision and the plan's issue.
// kNoPlan: assessed, then the LA decided not to issue a plan (its
// decision_date is the day of that decision).
enum class EhcpDecision : uint8_t { kNone, kAssess, kRefuse, kNoPlan };
struct EhcpRequestTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<int16_t> la;  // the LA the request was made to
  ColumnVector<int32_t> request_date;
  ColumnVector<int32_t> decision_date;     // kNoDate while undecided
  ColumnVector<uint8_t> decision;          // EhcpDecision
  ColumnVector<int32_t> plan_issued_date;  // kNoDate when no plan issued
  ColumnVector<uint8_t> exception;         // a statutory exception to the 20 weeks applies
  std::vector<std::string> exception_reason;

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<EhcpRequestTable, uint32_t>{"pupil", &EhcpRequestTable::pupil},
        Column<EhcpRequestTable, int16_t>{"la", &EhcpRequestTable::la},
        Column<EhcpRequestTable, int32_t>{"request_date", &EhcpRequestTable::request_date},
        Column<EhcpRequestTable, int32_t>{"decision_date", &EhcpRequestTable::decision_date},
        Column<EhcpRequestTable, uint8_t>{"decision", &EhcpRequestTable::decision},
        Column<EhcpRequestTable, int32_t>{"plan_issued_date", &EhcpRequestTable::plan_issued_date},
        Column<EhcpRequestTable, uint8_t>{"exception", &EhcpRequestTable::exception},
        Column<EhcpRequestTable, std::string>{"exception_reason",
                                              &EhcpRequestTable::exception_reason});
  }
  size_t size() const { return pupil.size(); }
};

// Employer encounters and workplace experiences (employer_encounters.csv):
// one row per activity a school arranged for a pupil on its roll.
struct EmployerActivityTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<uint32_t> school;   // the school that arranged it
  ColumnVector<uint8_t> activity;  // EmployerActivity
  ColumnVector<int32_t> start_date;
  ColumnVector<int32_t> end_date;  // the last day (the start for an encounter)
  ColumnVector<float> hours;       // 0 when not given
  std::vector<std::string> employer;
  std::vector<std::string> role;  // a placement's job title, or ""

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<EmployerActivityTable, uint32_t>{"pupil", &EmployerActivityTable::pupil},
        Column<EmployerActivityTable, uint32_t>{"school", &EmployerActivityTable::school},
        Column<EmployerActivityTable, uint8_t>{"activity", &EmployerActivityTable::activity},
        Column<EmployerActivityTable, int32_t>{"start_date", &EmployerActivityTable::start_date},
        Column<EmployerActivityTable, int32_t>{"end_date", &EmployerActivityTable::end_date},
        Column<EmployerActivityTable, float>{"hours", &EmployerActivityTable::hours},
        Column<EmployerActivityTable, std::string>{"employer", &EmployerActivityTable::employer},
        Column<EmployerActivityTable, std::string>{"role", &EmployerActivityTable::role});
  }
  size_t size() const { return pupil.size(); }
};

// The at-risk rules adopted by this store, oldest first; the last is in
// force (docs/early-warning.md).
struct AtRiskRulesTable {
  std::vector<std::string> version;
  ColumnVector<int32_t> adopted;    // the as-of day of the run that adopted it
  std::vector<std::string> source;  // the file it was read from
  std::vector<std::string> text;    // the TOML, as read

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<AtRiskRulesTable, std::string>{"version", &AtRiskRulesTable::version},
        Column<AtRiskRulesTable, int32_t>{"adopted", &AtRiskRulesTable::adopted},
        Column<AtRiskRulesTable, std::string>{"source", &AtRiskRulesTable::source},
        Column<AtRiskRulesTable, std::string>{"text", &AtRiskRulesTable::text});
  }
  size_t size() const { return version.size(); }
};

// The history of every at-risk flag: one row per run of days a trigger held
// for a pupil. A row is written when the flag is raised and changed once,
// when it clears; rows are never removed.
struct FlagTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<uint32_t> school;  // the pupil's main school when raised (kNoIndex if none)
  StringColumn trigger_id;
  ColumnVector<int32_t> since;  // the first day of the run
  ColumnVector<int32_t> until;  // the first day it no longer held; kNoDate while holding
  StringColumn rules_version;   // the rules in force when raised
  StringColumn reason;          // in words, as on the day it was raised
  // The day of the run that raised it (the day the flag was new, on or
  // after since); 0 in rows written before the day was kept.
  ColumnVector<int32_t> raised;

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<FlagTable, uint32_t>{"pupil", &FlagTable::pupil},
        Column<FlagTable, uint32_t>{"school", &FlagTable::school},
        Column<FlagTable, StringColumn>{"trigger_id", &FlagTable::trigger_id},
        Column<FlagTable, int32_t>{"since", &FlagTable::since},
        Column<FlagTable, int32_t>{"until", &FlagTable::until},
        Column<FlagTable, StringColumn>{"rules_version", &FlagTable::rules_version},
        Column<FlagTable, StringColumn>{"reason", &FlagTable::reason},
        Column<FlagTable, int32_t>{"raised", &FlagTable::raised});
  }
  size_t size() const { return pupil.size(); }
};

// One row per flags run: the day it was run for and the rules in force.
struct FlagRunTable {
  ColumnVector<int32_t> as_of;
  std::vector<std::string> rules_version;
  ColumnVector<uint32_t> holding, raised, cleared;

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<FlagRunTable, int32_t>{"as_of", &FlagRunTable::as_of},
        Column<FlagRunTable, std::string>{"rules_version", &FlagRunTable::rules_version},
        Column<FlagRunTable, uint32_t>{"holding", &FlagRunTable::holding},
        Column<FlagRunTable, uint32_t>{"raised", &FlagRunTable::raised},
        Column<FlagRunTable, uint32_t>{"cleared", &FlagRunTable::cleared});
  }
  size_t size() const { return as_of.size(); }
};

// Referrals raised by new flags into the LIPA escalation pathway
// (docs/early-warning.md). One open referral per pupil: a flag raised while
// one is open joins it.
enum class ReferralStatus : uint8_t { kRaised, kAcknowledged, kPlanAgreed, kClosed };
struct ReferralTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<uint32_t> school;  // row in SchoolTable, kNoIndex if none
  ColumnVector<int16_t> home_la;
  StringColumn trust_id;      // the school's trust, "" if none
  StringColumn triggers;      // trigger ids, ';'-separated
  StringColumn agreement_id;  // the LIPA that routes it, "" if none
  StringColumn routed_to;     // the people it went to, in words
  ColumnVector<int32_t> raised_date;
  ColumnVector<uint8_t> status;             // ReferralStatus
  ColumnVector<int32_t> acknowledged_date;  // kNoDate until then
  ColumnVector<int32_t> plan_date;
  ColumnVector<int32_t> closed_date;
  StringColumn outcome;                    // when closed
  ColumnVector<uint8_t> acknowledge_days;  // the response standards, in school days
  ColumnVector<uint8_t> plan_days;
  ColumnVector<uint8_t> escalation_level;  // 0: not escalated; n: step n of the pathway
  ColumnVector<int32_t> escalated_date;    // the day of the last escalation
  // The note of its raising is the reason of flag history row
  // raise_flag - 1 (ReferralNotes), not a copy in `notes`; 0: none, the note
  // is in `notes` (as stores before this column keep it).
  ColumnVector<uint32_t> raise_flag;
  StringColumn notes;  // later notes, " | "-separated

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<ReferralTable, uint32_t>{"pupil", &ReferralTable::pupil},
        Column<ReferralTable, uint32_t>{"school", &ReferralTable::school},
        Column<ReferralTable, int16_t>{"home_la", &ReferralTable::home_la},
        Column<ReferralTable, StringColumn>{"trust_id", &ReferralTable::trust_id},
        Column<ReferralTable, StringColumn>{"triggers", &ReferralTable::triggers},
        Column<ReferralTable, StringColumn>{"agreement_id", &ReferralTable::agreement_id},
        Column<ReferralTable, StringColumn>{"routed_to", &ReferralTable::routed_to},
        Column<ReferralTable, int32_t>{"raised_date", &ReferralTable::raised_date},
        Column<ReferralTable, uint8_t>{"status", &ReferralTable::status},
        Column<ReferralTable, int32_t>{"acknowledged_date", &ReferralTable::acknowledged_date},
        Column<ReferralTable, int32_t>{"plan_date", &ReferralTable::plan_date},
        Column<ReferralTable, int32_t>{"closed_date", &ReferralTable::closed_date},
        Column<ReferralTable, StringColumn>{"outcome", &ReferralTable::outcome},
        Column<ReferralTable, uint8_t>{"acknowledge_days", &ReferralTable::acknowledge_days},
        Column<ReferralTable, uint8_t>{"plan_days", &ReferralTable::plan_days},
        Column<ReferralTable, uint8_t>{"escalation_level", &ReferralTable::escalation_level},
        Column<ReferralTable, int32_t>{"escalated_date", &ReferralTable::escalated_date},
        Column<ReferralTable, uint32_t>{"raise_flag", &ReferralTable::raise_flag},
        Column<ReferralTable, StringColumn>{"notes", &ReferralTable::notes});
  }
  size_t size() const { return pupil.size(); }
};

// Pupil voice (docs/pupil-voice.md). Respondents carry a provider's key,
// never a UPN; the link from a respondent to a pupil is its own table
// (VoiceLinkTable), read only by the voice engine to find the pupil's
// groups, never published, served or logged.
struct VoiceProviderTable {
  std::vector<std::string> provider_id;
  std::vector<std::string> provider_name;
  ColumnVector<int32_t> accredited_from;
  ColumnVector<int32_t> accredited_to;  // kNoDate while accredited

  static constexpr auto Columns() {
    using T = VoiceProviderTable;
    return std::make_tuple(Column<T, std::string>{"provider_id", &T::provider_id},
                           Column<T, std::string>{"provider_name", &T::provider_name},
                           Column<T, int32_t>{"accredited_from", &T::accredited_from},
                           Column<T, int32_t>{"accredited_to", &T::accredited_to});
  }
  size_t size() const { return provider_id.size(); }
};

// Local items as sent (the item file's columns as text), checked again by
// the question bank when the engine reads them.
struct VoiceLocalItemTable {
  std::vector<std::string> item_id, version, tier, domain, stem, scale_id, polarity, positive,
      sensitive, reading_age, owner, note;

  static constexpr auto Columns() {
    using T = VoiceLocalItemTable;
    using S = std::string;
    return std::make_tuple(
        Column<T, S>{"item_id", &T::item_id}, Column<T, S>{"version", &T::version},
        Column<T, S>{"tier", &T::tier}, Column<T, S>{"domain", &T::domain},
        Column<T, S>{"stem", &T::stem}, Column<T, S>{"scale_id", &T::scale_id},
        Column<T, S>{"polarity", &T::polarity}, Column<T, S>{"positive", &T::positive},
        Column<T, S>{"sensitive", &T::sensitive}, Column<T, S>{"reading_age", &T::reading_age},
        Column<T, S>{"owner", &T::owner}, Column<T, S>{"note", &T::note});
  }
  size_t size() const { return item_id.size(); }
};

// The items (id and version) responses have been stored for.
struct VoiceItemKeyTable {
  std::vector<std::string> item_id;
  ColumnVector<uint16_t> version;

  static constexpr auto Columns() {
    using T = VoiceItemKeyTable;
    return std::make_tuple(Column<T, std::string>{"item_id", &T::item_id},
                           Column<T, uint16_t>{"version", &T::version});
  }
  size_t size() const { return item_id.size(); }
};

struct VoiceRespondentTable {
  std::vector<std::string> key;     // the provider's respondent key (not a UPN)
  ColumnVector<uint16_t> provider;  // row in VoiceProviderTable
  ColumnVector<int16_t> wave;       // the survey's academic year: 2018 for 2018/19
  ColumnVector<uint32_t> school;    // row in SchoolTable
  ColumnVector<int32_t> collected;  // collection date
  ColumnVector<uint8_t> mode;       // VoiceMode (model/codes.h)

  static constexpr auto Columns() {
    using T = VoiceRespondentTable;
    return std::make_tuple(
        Column<T, std::string>{"key", &T::key}, Column<T, uint16_t>{"provider", &T::provider},
        Column<T, int16_t>{"wave", &T::wave}, Column<T, uint32_t>{"school", &T::school},
        Column<T, int32_t>{"collected", &T::collected}, Column<T, uint8_t>{"mode", &T::mode});
  }
  size_t size() const { return key.size(); }
};

struct VoiceResponseTable {
  ColumnVector<uint32_t> respondent;  // row in VoiceRespondentTable
  ColumnVector<uint16_t> item;        // row in VoiceItemKeyTable
  ColumnVector<uint8_t> category;     // index into the item's scale (voice/catalogue.h)

  static constexpr auto Columns() {
    using T = VoiceResponseTable;
    return std::make_tuple(Column<T, uint32_t>{"respondent", &T::respondent},
                           Column<T, uint16_t>{"item", &T::item},
                           Column<T, uint8_t>{"category", &T::category});
  }
  size_t size() const { return respondent.size(); }
};

struct VoiceLinkTable {
  ColumnVector<uint32_t> respondent;  // row in VoiceRespondentTable
  ColumnVector<uint32_t> pupil;       // row in PupilTable

  static constexpr auto Columns() {
    using T = VoiceLinkTable;
    return std::make_tuple(Column<T, uint32_t>{"respondent", &T::respondent},
                           Column<T, uint32_t>{"pupil", &T::pupil});
  }
  size_t size() const { return respondent.size(); }
};

// KS2 results (ks2_results.csv): one row per pupil.
struct Ks2ResultTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<int16_t> ks2_year;     // academic year start (2013 for 2013/14)
  ColumnVector<uint8_t> read_scaled;  // 80-120, 0 when none
  ColumnVector<uint8_t> mat_scaled;
  ColumnVector<uint8_t> read_status;  // Ks2Status
  ColumnVector<uint8_t> mat_status;

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<Ks2ResultTable, uint32_t>{"pupil", &Ks2ResultTable::pupil},
        Column<Ks2ResultTable, int16_t>{"ks2_year", &Ks2ResultTable::ks2_year},
        Column<Ks2ResultTable, uint8_t>{"read_scaled", &Ks2ResultTable::read_scaled},
        Column<Ks2ResultTable, uint8_t>{"mat_scaled", &Ks2ResultTable::mat_scaled},
        Column<Ks2ResultTable, uint8_t>{"read_status", &Ks2ResultTable::read_status},
        Column<Ks2ResultTable, uint8_t>{"mat_status", &Ks2ResultTable::mat_status});
  }
  size_t size() const { return pupil.size(); }
};

// KS4 results (ks4_results.csv): one row per pupil, qualification and series.
struct Ks4ResultTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<uint32_t> school;   // at the end of KS4
  ColumnVector<int16_t> ks4_year;  // academic year start (2018 for 2018/19)
  std::vector<std::string> qual_id;
  std::vector<std::string> grade;
  ColumnVector<int32_t> exam_series;  // YYYYMM

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<Ks4ResultTable, uint32_t>{"pupil", &Ks4ResultTable::pupil},
        Column<Ks4ResultTable, uint32_t>{"school", &Ks4ResultTable::school},
        Column<Ks4ResultTable, int16_t>{"ks4_year", &Ks4ResultTable::ks4_year},
        Column<Ks4ResultTable, std::string>{"qual_id", &Ks4ResultTable::qual_id},
        Column<Ks4ResultTable, std::string>{"grade", &Ks4ResultTable::grade},
        Column<Ks4ResultTable, int32_t>{"exam_series", &Ks4ResultTable::exam_series});
  }
  size_t size() const { return pupil.size(); }
};

// Destinations (destinations.csv): one row per former Year 11 pupil and month.
struct DestinationTable {
  ColumnVector<uint32_t> pupil;
  ColumnVector<uint32_t> school;   // at the end of KS4
  ColumnVector<int16_t> ks4_year;  // academic year start
  ColumnVector<int32_t> month;     // YYYYMM
  ColumnVector<uint8_t> activity;  // DestinationActivity
  ColumnVector<uint8_t> source;    // DestinationSource

  static constexpr auto Columns() {
    return std::make_tuple(
        Column<DestinationTable, uint32_t>{"pupil", &DestinationTable::pupil},
        Column<DestinationTable, uint32_t>{"school", &DestinationTable::school},
        Column<DestinationTable, int16_t>{"ks4_year", &DestinationTable::ks4_year},
        Column<DestinationTable, int32_t>{"month", &DestinationTable::month},
        Column<DestinationTable, uint8_t>{"activity", &DestinationTable::activity},
        Column<DestinationTable, uint8_t>{"source", &DestinationTable::source});
  }
  size_t size() const { return pupil.size(); }
};

}  // namespace lantern

#endif  // LANTERN_STORE_TABLES_H_
