#include "model/register_codes.h"

#include <vector>

namespace lantern {

namespace {
using T = SessionTreatment;
using R = AbsenceReason;

// Order matters: the index is the stored byte. Append new codes at the end.
std::vector<RegisterCode> MakeTable() {
  return {
      {"", "no mark", T::kNone, R::kNone, false, false, false},
      {"/", "present at morning registration", T::kAttendance, R::kNone, false, false, false},
      {"\\", "present at afternoon registration", T::kAttendance, R::kNone, false, false, false},
      {"L", "late, arrived before the register closed", T::kAttendance, R::kNone, false, true,
       false},
      {"K", "attending education provision arranged by the local authority", T::kAttendance,
       R::kNone, true, false, false},
      {"V", "educational visit or trip", T::kAttendance, R::kNone, true, false, false},
      {"P", "approved sporting activity", T::kAttendance, R::kNone, true, false, false},
      {"W", "work experience", T::kAttendance, R::kNone, true, false, false},
      {"B", "other approved educational activity off site", T::kAttendance, R::kNone, true, false,
       false},
      {"C1", "leave for a regulated performance or employment abroad", T::kAuthorisedAbsence,
       R::kPerformance, false, false, false},
      {"M", "medical or dental appointment", T::kAuthorisedAbsence, R::kAppointments, false, false,
       false},
      {"J1", "interview with a prospective employer or education provider", T::kAuthorisedAbsence,
       R::kInterview, false, false, false},
      {"S", "study leave", T::kAuthorisedAbsence, R::kStudy, false, false, false},
      {"X", "not of compulsory school age, not required to attend", T::kNotPossible, R::kNone,
       false, false, false},
      {"C2", "leave of absence: temporary reduced (part-time) timetable", T::kAuthorisedAbsence,
       R::kPartTime, false, false, false},
      {"C", "leave of absence for exceptional circumstances", T::kAuthorisedAbsence, R::kAuthOther,
       false, false, false},
      {"T", "parent travelling for occupational purposes", T::kAuthorisedAbsence, R::kTraveller,
       false, false, false},
      {"R", "religious observance", T::kAuthorisedAbsence, R::kReligious, false, false, false},
      {"I", "illness (not medical appointments)", T::kAuthorisedAbsence, R::kIllness, false, false,
       false},
      {"E", "suspended or permanently excluded, no alternative provision", T::kAuthorisedAbsence,
       R::kExcluded, false, false, false},
      {"Q", "unable to attend: lack of access arrangements", T::kNotPossible, R::kNone, false,
       false, false},
      {"Y1", "unable to attend: transport not available", T::kNotPossible, R::kNone, false, false,
       false},
      {"Y2", "unable to attend: widespread disruption to travel", T::kNotPossible, R::kNone, false,
       false, false},
      {"Y3", "unable to attend: part of premises closed", T::kNotPossible, R::kNone, false, false,
       false},
      {"Y4", "unable to attend: whole site unexpectedly closed", T::kNotPossible, R::kNone, false,
       false, false},
      {"Y5", "unable to attend: in criminal justice detention", T::kNotPossible, R::kNone, false,
       false, false},
      {"Y6", "unable to attend: public health guidance or law", T::kNotPossible, R::kNone, false,
       false, false},
      {"Y7", "unable to attend: any other unavoidable cause", T::kNotPossible, R::kNone, false,
       false, false},
      {"G", "holiday not granted by the school", T::kUnauthorisedAbsence, R::kUnauthHoliday, false,
       false, false},
      {"N", "reason not yet provided", T::kUnauthorisedAbsence, R::kUnauthNotYet, false, false,
       false},
      {"O", "absent in other or unknown circumstances", T::kUnauthorisedAbsence, R::kUnauthOther,
       false, false, false},
      {"U", "arrived after the register closed", T::kUnauthorisedAbsence, R::kUnauthLate, false,
       false, false},
      {"Z", "prospective pupil not on the admission register", T::kNotPossible, R::kNone, false,
       false, false},
      {"#", "planned whole-school closure", T::kNotPossible, R::kNone, false, false, false},
      {"D", "dual registered, at the other school", T::kNotPossible, R::kNone, false, false, false},
      // Removed on 19 August 2024; readable for earlier dates only.
      {"H", "agreed family holiday (historic)", T::kAuthorisedAbsence, R::kHoliday, false, false,
       true},
      {"J", "interview (historic)", T::kAttendance, R::kNone, true, false, true},
      {"Y", "enforced closure (historic)", T::kNotPossible, R::kNone, false, false, true},
      {"F", "agreed extended family holiday (historic)", T::kAuthorisedAbsence, R::kHoliday, false,
       false, true},
  };
}

const std::vector<RegisterCode>& Table() {
  static const std::vector<RegisterCode> table = MakeTable();
  return table;
}
}  // namespace

std::span<const RegisterCode> RegisterCodes() { return Table(); }

const RegisterCode& CodeInfo(MarkCode code) {
  const auto& table = Table();
  return code < table.size() ? table[code] : table[0];
}

namespace {
// (first byte | second byte << 8) -> code index; a one-character code has 0
// as its second byte. 64 KiB, built once, so parsing a mark is one load.
const std::array<uint8_t, 65536>& TextIndex() {
  static const std::array<uint8_t, 65536> index = [] {
    std::array<uint8_t, 65536> t{};
    const auto& table = Table();
    for (size_t i = 1; i < table.size(); ++i) {
      std::string_view c = table[i].code;
      unsigned key = static_cast<unsigned char>(c[0]);
      if (c.size() == 2) key |= static_cast<unsigned>(static_cast<unsigned char>(c[1])) << 8;
      t[key] = static_cast<uint8_t>(i);
    }
    return t;
  }();
  return index;
}
}  // namespace

std::optional<MarkCode> ParseMarkCode(std::string_view text) {
  if (text.empty() || text.size() > 2) return std::nullopt;
  unsigned key = static_cast<unsigned char>(text[0]);
  if (text.size() == 2) {
    if (text[1] == 0) return std::nullopt;
    key |= static_cast<unsigned>(static_cast<unsigned char>(text[1])) << 8;
  }
  uint8_t v = TextIndex()[key];
  if (v == 0) return std::nullopt;
  return v;
}

Date RegisterCodes2024Start() { return Date::FromCivil(2024, 8, 19); }

CodeTreatments::CodeTreatments() {
  const auto& table = Table();
  for (size_t i = 0; i < table.size(); ++i) treatment_[i] = table[i].treatment;
}

bool CodeTreatments::Set(std::string_view code, SessionTreatment treatment) {
  auto parsed = ParseMarkCode(code);
  if (!parsed) return false;
  treatment_[*parsed] = treatment;
  return true;
}

std::optional<SessionTreatment> ParseTreatment(std::string_view s) {
  if (s == "attendance") return SessionTreatment::kAttendance;
  if (s == "authorised") return SessionTreatment::kAuthorisedAbsence;
  if (s == "unauthorised") return SessionTreatment::kUnauthorisedAbsence;
  if (s == "not_possible") return SessionTreatment::kNotPossible;
  return std::nullopt;
}

std::string_view TreatmentName(SessionTreatment t) {
  switch (t) {
    case T::kNone:
      return "none";
    case T::kAttendance:
      return "attendance";
    case T::kAuthorisedAbsence:
      return "authorised";
    case T::kUnauthorisedAbsence:
      return "unauthorised";
    case T::kNotPossible:
      return "not_possible";
  }
  return "none";
}

}  // namespace lantern
