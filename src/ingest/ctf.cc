#include "ingest/ctf.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <pugixml.hpp>
#include <sstream>

#include "common/csv_writer.h"
#include "common/date.h"
#include "model/codes.h"
#include "model/register_codes.h"
#include "model/upn.h"

namespace lantern {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view Child(pugi::xml_node n, const char* name) {
  return Trim(n.child(name).text().as_string(""));
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// "2019-03-14" or "2019-03-14T10:20:00".
std::optional<Date> ParseCtfDate(std::string_view text) {
  if (text.size() > 10) text = text.substr(0, 10);
  return ParseIsoDate(text);
}

std::string Row(std::initializer_list<std::string_view> fields) {
  std::string out;
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += ',';
    out += CsvQuote(f);  // the derived files are CSV
    first = false;
  }
  out += '\n';
  return out;
}

std::string YesNo(bool b) { return b ? "Y" : "N"; }

// Weekday of a date: 0 Sunday .. 6 Saturday (1 January 1970 was a Thursday).
int Weekday(Date d) { return static_cast<int>(((d.days % 7) + 7 + 4) % 7); }

uint32_t SchoolByLaEstab(const SchoolTable& s, int la, int estab) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.la_code[i] == la && s.estab[i] == estab) return static_cast<uint32_t>(i);
  }
  return kNoIndex;
}

std::optional<int> ParseInt(std::string_view t) {
  if (t.empty() || t.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// A YearData's attendance summary (SessionsPossible, SessionsAuthorised,
// SessionsUnauthorised) against the marks it carries: the summary is not
// stored (the store counts marks), but a summary without marks, or one the
// marks do not add up to, is said (docs/ctf.md).
struct AttendanceSummaries {
  std::vector<uint64_t> without_marks;  // the <Pupil> lines
  std::vector<std::string> differ;      // "line L: SessionsPossible 150, the marks 148"
};

std::string LineList(const std::vector<uint64_t>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size() && i < 5; ++i) {
    out += fmt::format("{}{}", i == 0 ? "" : ", ", lines[i]);
  }
  if (lines.size() > 5) out += ", ...";
  return out;
}

void CheckAttendanceSummary(pugi::xml_node yd, std::string_view marks, uint64_t line,
                            AttendanceSummaries* out) {
  static constexpr const char* kFields[] = {"SessionsPossible", "SessionsAuthorised",
                                            "SessionsUnauthorised"};
  std::optional<int> given[3];
  bool any = false;
  for (int k = 0; k < 3; ++k) {
    given[k] = ParseInt(Child(yd, kFields[k]));
    any = any || given[k].has_value();
  }
  if (!any) return;
  if (marks.empty()) {
    out->without_marks.push_back(line);
    return;
  }
  // The marks counted as the Department counts them (the default
  // treatments: the summary is the sending school's, made by its own
  // system), every mark of the YearData.
  const CodeTreatments treatments;
  int counted[3] = {0, 0, 0};
  for (char c : marks) {
    if (c == '-' || c == ' ' || c == '.') continue;
    const auto code = ParseMarkCode(std::string_view(&c, 1));
    if (!code) continue;
    switch (treatments[*code]) {
      case SessionTreatment::kAttendance:
        ++counted[0];
        break;
      case SessionTreatment::kAuthorisedAbsence:
        ++counted[0];
        ++counted[1];
        break;
      case SessionTreatment::kUnauthorisedAbsence:
        ++counted[0];
        ++counted[2];
        break;
      default:
        break;
    }
  }
  std::string diff;
  for (int k = 0; k < 3; ++k) {
    if (given[k] && *given[k] != counted[k]) {
      diff += fmt::format("{}{} {}, the marks {}", diff.empty() ? "" : ", ", kFields[k], *given[k],
                          counted[k]);
    }
  }
  if (!diff.empty()) out->differ.push_back(fmt::format("line {}: {}", line, diff));
}

// Where a school element (SourceSchool, DestSchool, YearData) points.
struct SchoolRef {
  enum Kind { kNone, kKnown, kUnknown, kMissing, kOutside } kind = kNone;
  uint32_t row = kNoIndex;
  std::string text;  // "LEA 330 Estab 4001" for messages
};

SchoolRef ResolveSchool(const SchoolTable& schools, IngestContext& ctx, pugi::xml_node n) {
  SchoolRef r;
  if (!n) return r;
  std::string_view lea = Child(n, "LEA"), estab = Child(n, "Estab"), urn = Child(n, "URN");
  r.text = fmt::format("LEA {} Estab {}", lea, estab);
  // MMM/MMMM: destination not known (the Lost Pupils Database);
  // XXX/XXXX: left for somewhere that is not a maintained school in England.
  if (IEquals(lea, "MMM") || IEquals(estab, "MMMM")) {
    r.kind = SchoolRef::kMissing;
    return r;
  }
  if (IEquals(lea, "XXX") || IEquals(estab, "XXXX")) {
    r.kind = SchoolRef::kOutside;
    return r;
  }
  if (auto u = ParseInt(urn)) {
    r.row = ctx.SchoolRow(*u);
  }
  if (r.row == kNoIndex) {
    auto l = ParseInt(lea);
    auto e = ParseInt(estab);
    if (l && e) r.row = SchoolByLaEstab(schools, *l, *e);
  }
  r.kind = r.row == kNoIndex ? SchoolRef::kUnknown : SchoolRef::kKnown;
  return r;
}

struct FsmFacts {
  bool now = false, ever6 = false, any = false;
};

FsmFacts ReadFsm(pugi::xml_node pupil, Date on) {
  FsmFacts f;
  pugi::xml_node history = pupil.child("FSMhistory");
  if (!history) return f;
  f.any = true;
  const Date six_years_ago = on - 6 * 365 - 1;
  for (pugi::xml_node i : history.children("FSMinstance")) {
    auto start = ParseCtfDate(Child(i, "FSMstartDate"));
    auto end = ParseCtfDate(Child(i, "FSMendDate"));
    if (!start) continue;
    if (*start <= on && (!end || *end >= on)) f.now = true;
    if (*start <= on && (!end || *end >= six_years_ago)) f.ever6 = true;
  }
  return f;
}

// SEN provision and primary need: <SEN><SENprovision>, else the latest
// <SENhistory><SEN> by StartDate; the need ranked 1 (or the first).
struct SenFacts {
  std::string provision, need;
};

SenFacts ReadSen(pugi::xml_node pupil) {
  SenFacts s;
  pugi::xml_node latest;
  std::optional<Date> latest_start;
  for (pugi::xml_node sen : pupil.child("SENhistory").children("SEN")) {
    auto start = ParseCtfDate(Child(sen, "StartDate"));
    if (!latest || (start && (!latest_start || *start >= *latest_start))) {
      latest = sen;
      latest_start = start;
    }
  }
  s.provision = std::string(Child(pupil.child("SEN"), "SENprovision"));
  if (s.provision.empty() && latest) s.provision = std::string(Child(latest, "SENprovision"));
  if (latest) {
    pugi::xml_node first_need;
    for (pugi::xml_node need : latest.child("SENneeds").children("SENneed")) {
      if (!first_need) first_need = need;
      if (Child(need, "TypeRank") == "1") first_need = need;
    }
    if (first_need) s.need = std::string(Child(first_need, "Type"));
  }
  return s;
}

// KS2 reading and maths scaled scores from <StageAssessments>.
void ReadKs2(pugi::xml_node pupil, std::string* reading, std::string* maths) {
  for (pugi::xml_node ks : pupil.child("StageAssessments").children("KeyStage")) {
    if (!IEquals(Child(ks, "Stage"), "KS2")) continue;
    for (pugi::xml_node a : ks.children("StageAssessment")) {
      std::string_view subject = Child(a, "Subject");
      auto score = ParseInt(Child(a, "Result"));
      if (!score || *score < 80 || *score > 120) continue;  // a level, a code: not a score
      if (IEquals(subject, "READ")) *reading = std::to_string(*score);
      if (IEquals(subject, "MAT")) *maths = std::to_string(*score);
    }
  }
}

std::string Ethnicity(uint32_t packed) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>((packed >> (8 * i)) & 0xff);
    if (c) s += c;
  }
  return s;
}

template <typename E>
std::string CodeOf(std::span<const CodeEntry<E>> table, uint8_t v) {
  const CodeEntry<E>* e = FindEntry(table, static_cast<E>(v));
  return e ? std::string(e->code) : std::string();
}

}  // namespace

uint64_t LineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<uint64_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

bool LooksLikeCtf(std::string_view text) {
  size_t i = 0;
  // Skip a byte-order mark, the declaration, comments and white space.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t') {
      ++i;
    } else if (text.compare(i, 2, "<?") == 0) {
      size_t e = text.find("?>", i);
      if (e == std::string_view::npos) return false;
      i = e + 2;
    } else if (text.compare(i, 4, "<!--") == 0) {
      size_t e = text.find("-->", i);
      if (e == std::string_view::npos) return false;
      i = e + 3;
    } else {
      return text.compare(i, 7, "<CTfile") == 0;
    }
  }
  return false;
}

std::string_view CtfElementOf(std::string_view column) {
  static const std::pair<std::string_view, std::string_view> kMap[] = {
      {"upn", "UPN"},
      {"birth_date", "DOB"},
      {"sex", "Sex"},
      {"fsm_eligible", "FSMhistory"},
      {"disadvantaged", "FSMhistory"},
      {"sen_provision", "SEN/SENprovision"},
      {"sen_primary_need", "SENhistory/SEN/SENneeds"},
      {"eal", "BasicDetails/FirstLanguage"},
      {"looked_after", "LookedAfter"},
      {"home_la_code", "DestSchool/LEA"},
      {"year_group", "BasicDetails/NCyearActual"},
      {"ethnicity", "BasicDetails/Ethnicity"},
      {"ks2_reading_ss", "StageAssessments (KS2 READ)"},
      {"ks2_maths_ss", "StageAssessments (KS2 MAT)"},
      {"urn", "SourceSchool/DestSchool"},
      {"entry_date", "Header/DateTime"},
      {"leaving_date", "Attendance/YearData/AttendanceMarks"},
      {"date", "Attendance/YearData/AttendStartDate"},
      {"am", "Attendance/YearData/AttendanceMarks"},
      {"pm", "Attendance/YearData/AttendanceMarks"},
  };
  for (const auto& [c, e] : kMap) {
    if (c == column) return e;
  }
  return column;
}

CtfConversion ConvertCtf(std::string file_name, std::string_view text, IngestContext& ctx) {
  CtfConversion out;
  out.file_name = std::move(file_name);
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  auto fail_file = [&](uint64_t line, std::string_view element, std::string_view check,
                       std::string reason) {
    out.rejects.Add(line, element, "", check, std::move(reason), "");
  };
  if (!parsed) {
    fail_file(LineAt(text, static_cast<size_t>(parsed.offset)), "", "malformed",
              fmt::format("not well-formed XML: {}; nothing in this file was read",
                          parsed.description()));
    return out;
  }
  pugi::xml_node root = doc.child("CTfile");
  if (!root) {
    fail_file(1, "CTfile", "malformed", "the root element is not <CTfile>");
    return out;
  }
  pugi::xml_node header = root.child("Header");
  const uint64_t header_line = LineAt(text, static_cast<size_t>(header.offset_debug()));
  auto file_date = ParseCtfDate(Child(header, "DateTime"));
  if (!header || !file_date) {
    fail_file(header ? header_line : 1, "Header/DateTime", header ? "date" : "required",
              "the CTF has no readable <Header><DateTime>, so its dates cannot be placed; "
              "nothing in this file was read");
    return out;
  }
  const SchoolTable& schools = ctx.state().schools;
  const SchoolRef source = ResolveSchool(schools, ctx, header.child("SourceSchool"));
  const SchoolRef dest = ResolveSchool(schools, ctx, header.child("DestSchool"));
  if (source.kind == SchoolRef::kUnknown) {
    fail_file(header_line, "SourceSchool", "unknown_school",
              fmt::format("the sending school ({}) is not in schools.csv or the store: pupils' "
                          "details are read, their enrolment and marks there are not",
                          source.text));
  }
  if (dest.kind == SchoolRef::kUnknown) {
    fail_file(header_line, "DestSchool", "unknown_school",
              fmt::format("the receiving school ({}) is not in schools.csv or the store: no "
                          "enrolment is opened there",
                          dest.text));
  }
  const bool moves = dest.kind != SchoolRef::kNone &&
                     !(dest.kind == SchoolRef::kKnown && source.kind == SchoolRef::kKnown &&
                       dest.row == source.row);

  const FileSchema& ps = SchemaOf(InputFile::kPupils);
  CtfDerivedFile pupils{InputFile::kPupils, "", {}};
  CtfDerivedFile enrolments{InputFile::kEnrolments, "", {}};
  CtfDerivedFile attendance{InputFile::kAttendance, "", {}};
  for (const ColumnSpec& c : ps.columns)
    pupils.csv += (pupils.csv.empty() ? "" : ",") + std::string(c.name);
  pupils.csv += '\n';
  enrolments.csv = "upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n";
  attendance.csv = "upn,urn,date,am,pm\n";
  const PupilTable& stored = ctx.state().pupils;
  const EnrolmentTable& enrolled = ctx.state().enrolments;
  size_t home_from_school = 0;
  AttendanceSummaries summaries;

  for (pugi::xml_node pupil : root.child("CTFpupilData").children("Pupil")) {
    ++out.pupil_elements;
    const uint64_t line = LineAt(text, static_cast<size_t>(pupil.offset_debug()));
    std::ostringstream xml;
    pupil.print(xml, "  ", pugi::format_raw);
    const std::string upn(Child(pupil, "UPN"));
    if (upn.empty()) {
      out.rejects.Add(line, "UPN", "", "required", "a <Pupil> without a <UPN> cannot be matched",
                      xml.str());
      continue;
    }
    const uint32_t index = static_cast<uint32_t>(out.pupils.size());
    out.pupils.push_back(CtfPupil{line, xml.str()});
    uint64_t key = 0;
    const uint32_t known = ParseUpn(upn, &key) == UpnProblem::kNone ? ctx.PupilRow(key) : kNoIndex;

    // The pupil's details: what the CTF says, else what the store holds.
    pugi::xml_node basic = pupil.child("BasicDetails");
    std::string dob(Child(pupil, "DOB"));
    std::string sex(Child(pupil, "Sex"));
    if (sex.empty()) sex = std::string(Child(pupil, "Gender"));
    const FsmFacts fsm = ReadFsm(pupil, *file_date);
    SenFacts sen = ReadSen(pupil);
    std::string lang(Child(basic, "FirstLanguage"));
    std::string eal;
    if (IEquals(lang, "ENG") || IEquals(lang, "ENB")) {
      eal = "N";
    } else if (!lang.empty() && !IEquals(lang, "NOT") && !IEquals(lang, "REF")) {
      eal = "Y";
    }
    std::string lac;
    if (pugi::xml_node l = pupil.child("LookedAfter")) {
      std::string_view v = Child(l, "InCare");
      if (v.empty()) v = Trim(l.text().as_string(""));
      if (auto b = ParseYesNo(v)) lac = YesNo(*b);
    }
    std::string year(Child(basic, "NCyearActual"));
    std::string eth(Child(basic, "Ethnicity"));
    std::string ks2r, ks2m;
    ReadKs2(pupil, &ks2r, &ks2m);
    std::string fsm_now = fsm.any ? YesNo(fsm.now) : "";
    std::string dis = fsm.any ? YesNo(fsm.ever6 || lac == "Y") : "";
    std::string home;
    if (known != kNoIndex) {
      const uint32_t p = known;
      if (dob.empty()) dob = FormatIsoDate(Date{stored.birth_date[p]});
      if (sex.empty()) sex = CodeOf(SexCodes(), stored.sex[p]);
      if (fsm_now.empty()) fsm_now = YesNo(stored.fsm[p]);
      if (dis.empty()) dis = YesNo(stored.disadvantaged[p]);
      if (sen.provision.empty()) {
        sen.provision = CodeOf(SenProvisionCodes(), stored.sen_provision[p]);
        if (sen.need.empty()) sen.need = CodeOf(SenNeedCodes(), stored.sen_need[p]);
      }
      if (eal.empty()) eal = YesNo(stored.eal[p]);
      if (lac.empty()) lac = YesNo(stored.looked_after[p]);
      home = fmt::format("{:03d}", stored.home_la[p]);
      if (year.empty()) year = std::string(YearGroupCode(stored.year_group[p]));
      if (eth.empty()) eth = Ethnicity(stored.ethnicity[p]);
      if (ks2r.empty() && stored.ks2_reading[p]) ks2r = std::to_string(stored.ks2_reading[p]);
      if (ks2m.empty() && stored.ks2_maths[p]) ks2m = std::to_string(stored.ks2_maths[p]);
    } else {
      // Not in the store: a CTF carries no LA of residence; the receiving
      // school's LA stands in (docs/ctf.md), and <LookedAfter> is absent for
      // a pupil who is not looked after.
      if (lac.empty()) lac = "N";
      if (fsm_now.empty() && !fsm.any) {
        fsm_now = "N";
        dis = YesNo(lac == "Y");
      }
      const SchoolRef& at = dest.kind == SchoolRef::kKnown ? dest : source;
      if (at.kind == SchoolRef::kKnown) {
        home = fmt::format("{:03d}", schools.la_code[at.row]);
        ++home_from_school;
      }
    }
    if (sen.provision == "N") sen.need.clear();
    pupils.csv += Row({upn, dob, sex, fsm_now, dis, sen.provision, sen.need, eal, lac, home, year,
                       eth, ks2r, ks2m});
    pupils.row_pupil.push_back(index);

    // The marks at the sending school this year, and the last day marked.
    std::optional<Date> last_marked;
    std::optional<Date> first_marked;
    if (source.kind == SchoolRef::kKnown) {
      for (pugi::xml_node yd : pupil.child("Attendance").children("YearData")) {
        SchoolRef at = ResolveSchool(schools, ctx, yd);
        if (at.kind == SchoolRef::kUnknown && Child(yd, "LEA").empty()) at = source;
        if (at.kind != SchoolRef::kKnown || at.row != source.row) continue;
        auto start = ParseCtfDate(Child(yd, "AttendStartDate"));
        std::string_view marks = Child(yd, "AttendanceMarks");
        CheckAttendanceSummary(yd, start ? marks : std::string_view(), line, &summaries);
        if (!start || marks.empty()) continue;
        const std::string urn = std::to_string(schools.urn[source.row]);
        for (size_t i = 0; i < marks.size(); i += 2) {
          const Date day = *start + static_cast<int>(i / 2);
          if (ctx.year && !ctx.year->Contains(day)) continue;
          const int wd = Weekday(day);
          if (wd == 0 || wd == 6) continue;
          auto mark = [](char c) {
            return (c == '-' || c == ' ' || c == '.') ? std::string() : std::string(1, c);
          };
          std::string am = mark(marks[i]);
          std::string pm = i + 1 < marks.size() ? mark(marks[i + 1]) : std::string();
          if (am.empty() && pm.empty()) continue;
          attendance.csv += Row({upn, urn, FormatIsoDate(day), am, pm});
          attendance.row_pupil.push_back(index);
          if (!first_marked || day < *first_marked) first_marked = day;
          if (!last_marked || day > *last_marked) last_marked = day;
        }
      }
    }

    // The move: the sending school's enrolment closes, the receiving
    // school's opens.
    if (!moves) continue;
    const Date leaving = last_marked ? *last_marked : *file_date - 1;
    if (source.kind == SchoolRef::kKnown) {
      std::string reason = "transfer";
      if (dest.kind == SchoolRef::kMissing) reason = "cme";
      if (dest.kind == SchoolRef::kOutside) reason = "other";
      uint32_t open = kNoIndex;
      if (known != kNoIndex) {
        for (uint32_t s = ctx.FirstEnrolment(known); s != kNoIndex; s = ctx.NextEnrolment(s)) {
          if (enrolled.school[s] == source.row && enrolled.entry_date[s] <= leaving.days &&
              enrolled.leaving_date[s] >= leaving.days) {
            open = s;
          }
        }
      }
      const std::string urn = std::to_string(schools.urn[source.row]);
      if (open != kNoIndex) {
        enrolments.csv +=
            Row({upn, urn, FormatIsoDate(Date{enrolled.entry_date[open]}), FormatIsoDate(leaving),
                 reason, CodeOf(EnrolStatusCodes(), enrolled.status[open])});
        enrolments.row_pupil.push_back(index);
      } else if (first_marked) {
        // Not on the store's roll there: the spell the marks show.
        enrolments.csv +=
            Row({upn, urn, FormatIsoDate(*first_marked), FormatIsoDate(leaving), reason, "C"});
        enrolments.row_pupil.push_back(index);
      }
    }
    if (dest.kind == SchoolRef::kKnown) {
      const Date entry = std::max(*file_date, leaving + 1);
      enrolments.csv +=
          Row({upn, std::to_string(schools.urn[dest.row]), FormatIsoDate(entry), "", "", "C"});
      enrolments.row_pupil.push_back(index);
    }
  }
  if (home_from_school > 0) {
    out.warnings.push_back(fmt::format(
        "{}: {} pupils new to the store: their LA of residence is taken from the receiving "
        "school (a CTF does not carry it)",
        out.file_name, home_from_school));
  }
  if (!summaries.without_marks.empty()) {
    out.warnings.push_back(fmt::format(
        "{}: {} pupils' attendance at the sending school is a summary without daily marks "
        "(<Pupil> at line {}): not stored, since Lantern counts attendance from marks; ask the "
        "sending school for the marks (AttendanceMarks, or its attendance.csv)",
        out.file_name, summaries.without_marks.size(), LineList(summaries.without_marks)));
  }
  if (!summaries.differ.empty()) {
    out.warnings.push_back(fmt::format(
        "{}: {} pupils' attendance summaries differ from the marks the file carries ({}): the "
        "marks are stored; check the sending school's register",
        out.file_name, summaries.differ.size(), fmt::join(summaries.differ, "; ")));
  }
  for (CtfDerivedFile* f : {&pupils, &enrolments, &attendance}) {
    if (!f->row_pupil.empty()) out.files.push_back(std::move(*f));
  }
  return out;
}

}  // namespace lantern
