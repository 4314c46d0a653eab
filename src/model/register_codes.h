// Attendance register codes (School Attendance (Pupil Registration) (England)
// Regulations 2024, in force 19 August 2024) and how absence statistics treat
// each one: attendance, authorised absence, unauthorised absence, or not a
// possible session. Codes removed in 2024 (H, J, Y, F) stay readable for
// historic marks. See docs/definitions.md for the [U] treatments.
//
// In the store a mark is one byte: 0 means "no mark" (not on roll that
// session, or no session), otherwise the code's index in the table below.
// The two present codes come first so a scan can count them with SIMD.
#ifndef LANTERN_MODEL_REGISTER_CODES_H_
#define LANTERN_MODEL_REGISTER_CODES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/date.h"

namespace lantern {

enum class SessionTreatment : uint8_t {
  kNone = 0,    // no mark
  kAttendance,  // present or an approved educational activity
  kAuthorisedAbsence,
  kUnauthorisedAbsence,
  kNotPossible,  // not counted in possible sessions
};

using MarkCode = uint8_t;
constexpr MarkCode kNoMark = 0;
constexpr MarkCode kPresentAm = 1;  // '/'
constexpr MarkCode kPresentPm = 2;  // '\'
constexpr int kMaxMarkCodes = 48;

// The reason groups that absence statistics report, one per indicator column.
enum class AbsenceReason : uint8_t {
  kNone = 0,       // attendance or not possible
  kIllness,        // I
  kAppointments,   // M
  kReligious,      // R
  kStudy,          // S
  kTraveller,      // T
  kHoliday,        // H (historic)
  kExcluded,       // E
  kPerformance,    // C1
  kInterview,      // J1
  kPartTime,       // C2 temporary reduced timetable
  kAuthOther,      // C and other authorised
  kUnauthHoliday,  // G
  kUnauthLate,     // U
  kUnauthOther,    // O
  kUnauthNotYet,   // N
  kCount,
};

struct RegisterCode {
  std::string_view code;  // as written in the register: "/", "C2"
  std::string_view meaning;
  SessionTreatment treatment;
  AbsenceReason reason;
  bool approved_activity;  // K V P W B (and historic J): attendance off site
  bool late;               // L: present, late before registers closed
  bool historic;           // removed on 19 August 2024
};

// Every known code; index = MarkCode (entry 0 is the "no mark" placeholder).
std::span<const RegisterCode> RegisterCodes();
const RegisterCode& CodeInfo(MarkCode code);

// Looks up a register code as written ("/", "I", "C2"); nullopt if unknown.
std::optional<MarkCode> ParseMarkCode(std::string_view text);

// Date from which the 2024 code set applies; a historic code on or after it
// is rejected as an unknown code.
Date RegisterCodes2024Start();

// How the absence statistics treat each code under one policy: the
// defaults of the table above, with the policy's overrides (the [U] items
// in definitions.md) applied. A value, built from a Policy
// (Policy::Treatments) and passed to whatever counts sessions; there is no
// global table to change, so one process can hold several policies.
class CodeTreatments {
 public:
  CodeTreatments();  // every code's default treatment
  SessionTreatment operator[](MarkCode code) const { return treatment_[code]; }
  // Changes one code's treatment; false when `code` is not a register code.
  bool Set(std::string_view code, SessionTreatment treatment);

 private:
  std::array<SessionTreatment, 256> treatment_{};
};

std::string_view TreatmentName(SessionTreatment t);
// "attendance" | "authorised" | "unauthorised" | "not_possible".
std::optional<SessionTreatment> ParseTreatment(std::string_view name);

}  // namespace lantern

#endif  // LANTERN_MODEL_REGISTER_CODES_H_
