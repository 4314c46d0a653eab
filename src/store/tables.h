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

namespace lantern {

constexpr int32_t kNoDate = std::numeric_limits<int32_t>::max();
constexpr uint32_t kNoIndex = std::numeric_limits<uint32_t>::max();

// How a column of values of type V is held: text as strings, fixed-width
// values in column memory (column_memory.h: mapped from the store when big).
template <typename V>
using ColumnOf =
    std::conditional_t<std::is_same_v<V, std::string>, std::vector<std::string>, ColumnVector<V>>;

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
