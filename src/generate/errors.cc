#include "generate/errors.h"

#include <fmt/format.h>

#include <fstream>

#include "common/file_util.h"
#include "model/upn.h"

namespace lantern::gen {

namespace {

// A good pupil, school and day the bad rows refer to.
struct Sample {
  const GenPupil* pupil = nullptr;
  const GenSchool* school = nullptr;  // where the pupil is on roll all autumn
  const GenSchool* other = nullptr;   // where the pupil never is
  std::string upn, urn, other_urn, day, saturday;
  std::string unknown_la_code;
  int la = 0, estab = 0, year2 = 0;
};

std::optional<Sample> FindSample(const Generated& g, const DayWindow& window) {
  const AcademicYear year = g.world.year;
  for (const LaPlan& plan : g.plans) {
    std::vector<int> enrolments_of(plan.pupils.size(), 0);
    for (const GenEnrolment& e : plan.enrolments) ++enrolments_of[e.pupil];
    for (const GenEnrolment& e : plan.enrolments) {
      const GenSchool& s = g.world.schools[e.school];
      if (e.status != EnrolStatus::kCurrent || enrolments_of[e.pupil] != 1 ||
          e.entry >= year.FirstDay().days || s.calendar.size() < 20) {
        continue;
      }
      const Date day = s.calendar.day(std::min(9, s.calendar.size() - 1));
      if (day > window.through || e.leaving < day.days + 60) continue;
      Sample x;
      x.pupil = &plan.pupils[e.pupil];
      x.school = &s;
      for (const GenSchool& o : g.world.schools) {
        if (&o != &s) {
          x.other = &o;
          break;
        }
      }
      if (x.other == nullptr) continue;
      x.upn = std::string(x.pupil->upn, 13);
      x.urn = std::to_string(s.urn);
      x.other_urn = std::to_string(x.other->urn);
      x.day = FormatIsoDate(day);
      Date sat = day;
      while (sat.Weekday() != 5) sat = sat + 1;
      x.saturday = FormatIsoDate(sat);
      x.la = s.la;
      x.estab = s.estab;
      x.year2 = (year.start_year() + 5) % 100;  // no UPN is issued in a future year
      return x;
    }
  }
  return std::nullopt;
}

class Injector {
 public:
  Injector(std::string dir, FileRows* rows) : dir_(std::move(dir)), rows_(rows) {}

  bool Has(const std::string& file) const { return rows_->count(file) > 0; }
  uint64_t Rows(const std::string& file) const { return rows_->at(file); }

  // Appends `line` to `file`, expecting one reject per (column, check).
  void Add(const std::string& file, std::string line,
           std::vector<std::pair<std::string, std::string>> expected) {
    if (!Has(file)) return;
    auto& pending = lines_[file];
    const uint64_t number = 1 + rows_->at(file) + pending.size() + 1;
    for (auto& [column, check] : expected) expected_.push_back({file, number, column, check});
    pending.push_back(std::move(line));
  }
  void Add(const std::string& file, std::string line, std::string column, std::string check) {
    Add(file, std::move(line), {{std::move(column), std::move(check)}});
  }
  // A second copy of the first data row: a duplicate key.
  void AddDuplicate(const std::string& file, const std::string& column) {
    if (!Has(file) || rows_->at(file) == 0) return;
    std::ifstream in(dir_ + "/" + file, std::ios::binary);
    std::string header, first;
    std::getline(in, header);
    std::getline(in, first);
    Add(file, first, column, "duplicate");
  }
  // The three rows every file gets: a wrong field count, a stray quote and
  // bytes that are not UTF-8. `good` is a well-formed row to spoil.
  void AddGrammar(const std::string& file, const std::string& good) {
    const size_t comma = good.rfind(',');
    Add(file, good.substr(0, comma), "", "malformed");  // one field short
    const size_t first_comma = good.find(',');
    Add(file, fmt::format("\"{}\"x{}", good.substr(0, first_comma), good.substr(first_comma)), "",
        "malformed");
    Add(file, good + "\xE9", "", "encoding");
  }

  Status Flush(std::vector<ExpectedReject>* expected) {
    for (auto& [file, lines] : lines_) {
      std::ofstream out(dir_ + "/" + file, std::ios::binary | std::ios::app);
      for (const std::string& l : lines) out << l << '\n';
      out.close();
      if (!out) return Status::IoError(fmt::format("cannot append to {}/{}", dir_, file));
      (*rows_)[file] += lines.size();
    }
    *expected = std::move(expected_);
    return Status::Ok();
  }

 private:
  std::string dir_;
  FileRows* rows_;
  std::map<std::string, std::vector<std::string>> lines_;
  std::vector<ExpectedReject> expected_;
};

void InjectSchools(const Sample& x, bool have_trusts, Injector& in) {
  const std::string f = "schools.csv";
  const std::string la = fmt::format("{:03d}", x.la);
  in.Add(f, fmt::format("12345,{},2999,Bad URN school,primary,,,,,", la), "urn", "urn");
  in.Add(f, "900001,999,2998,Unknown LA school,primary,,,,,", "la_code", "la_code");
  in.Add(f, fmt::format("900002,{},12,Bad estab school,primary,,,,,", la), "estab", "estab");
  in.Add(f, fmt::format("900003,{},2997,Bad phase school,college,,,,,", la), "phase", "code");
  in.Add(
      f,
      fmt::format("900004,{},2996,Closed before open school,primary,,,,2018-09-01,2018-08-01", la),
      "close_date", "date");
  in.Add(f, fmt::format("900005,{},2995,Impossible date school,primary,,,,2018-02-30,", la),
         "open_date", "date");
  in.Add(f, fmt::format("900006,{},2994,,primary,,,,,", la), "name", "required");
  if (have_trusts) {
    in.Add(f, fmt::format("900007,{},2993,Unknown trust school,primary,,TR99999,,,", la),
           "trust_id", "unknown_trust");
  }
  in.AddDuplicate(f, "");
  in.AddGrammar(f, fmt::format("900008,{},2992,Spoilt school,primary,,,,,", la));
}

void InjectReferenceFiles(Injector& in) {
  in.Add("local_authorities.csv", "99X,E06099999,Nowhere,E12000001,North East", "old_la_code",
         "la_code");
  in.Add("local_authorities.csv", "805,,Hartlepool,E12000001,North East", "new_la_code",
         "required");
  in.Add("trusts.csv", "TR99998,Bad type trust,XAT", "trust_type", "code");
  in.Add("trusts.csv", ",Trust without an id,MAT", "trust_id", "required");
  in.AddDuplicate("trusts.csv", "");
  in.AddGrammar("trusts.csv", "TR99997,Spoilt trust,MAT");
}

void InjectPupils(const Sample& x, Injector& in) {
  const std::string f = "pupils.csv";
  int serial = 0;
  auto fresh = [&] { return MakeUpn(x.la, x.estab, x.year2, ++serial); };
  const std::string la = fmt::format("{:03d}", x.la);
  // A valid row with fields replaced: (upn, the 13 other fields).
  auto row = [&](std::string upn, std::vector<std::pair<size_t, std::string>> changes) {
    std::vector<std::string> v = {upn, "2010-05-05", "F", "N", "N", "N", "",
                                  "N", "N",          la,  "3", "",  "",  ""};
    for (auto& [i, text] : changes) v[i] = text;
    return fmt::format("{}", fmt::join(v, ","));
  };
  std::string bad_check = fresh();
  bad_check[0] = bad_check[0] == 'A' ? 'B' : 'A';
  in.Add(f, row(bad_check, {}), "upn", "upn_check_letter");
  std::string bad_format = fresh();
  bad_format[6] = 'X';
  in.Add(f, row(bad_format, {}), "upn", "upn_format");
  in.Add(f, row(MakeUpn(999, x.estab, x.year2, 1), {}), "upn", "upn_la");
  in.Add(f, row(fresh().substr(0, 12), {}), "upn", "upn_length");
  in.Add(f, row(fresh(), {{1, "2010-02-30"}}), "birth_date", "date");
  in.Add(f, row(fresh(), {{1, "1980-01-01"}}), "birth_date", "date");
  in.Add(f, row(fresh(), {{1, ""}}), "birth_date", "required");
  in.Add(f, row(fresh(), {{2, "X"}}), "sex", "code");
  in.Add(f, row(fresh(), {{3, "maybe"}}), "fsm_eligible", "code");
  in.Add(f, row(fresh(), {{5, "Q"}}), "sen_provision", "code");
  in.Add(f, row(fresh(), {{5, "K"}, {6, "ABC"}}), "sen_primary_need", "code");
  in.Add(f, row(fresh(), {{10, "16"}}), "year_group", "code");
  in.Add(f, row(fresh(), {{9, "999"}}), "home_la_code", "la_code");
  in.Add(f, row(fresh(), {{3, "Y"}}), "disadvantaged", "consistency");
  in.Add(f, row(fresh(), {{6, "ASD"}}), "sen_primary_need", "consistency");
  in.Add(f, row(fresh(), {{12, "130"}}), "ks2_reading_ss", "consistency");
  in.Add(f, row(fresh(), {{11, "WHITEBRITISH"}}), "ethnicity", "code");
  in.AddDuplicate(f, "");
  in.AddGrammar(f, row(fresh(), {}));
}

void InjectEnrolments(const Sample& x, Injector& in) {
  const std::string f = "enrolments.csv";
  const std::string unknown = MakeUpn(x.la, x.estab, x.year2, 900);
  auto row = [&](const std::string& upn, const std::string& urn, const std::string& rest) {
    return fmt::format("{},{},{}", upn, urn, rest);
  };
  in.Add(f, row(unknown, x.urn, "2018-09-03,,,C,N"), "upn", "unknown_pupil");
  in.Add(f, row(x.upn, "999999", "2018-09-03,,,C,N"), "urn", "unknown_school");
  in.Add(f, row(x.upn, x.other_urn, "2018-10-10,2018-10-01,transfer,S,N"), "leaving_date", "date");
  in.Add(f, row(x.upn, x.other_urn, "2018-09-31,,,S,N"), "entry_date", "date");
  in.Add(f, row(x.upn, x.other_urn, "2030-01-07,,,S,N"), "entry_date", "date");
  in.Add(f, row(x.upn, x.other_urn, "2018-10-02,,,Q,N"), "enrol_status", "code");
  in.Add(f, row(x.upn, x.other_urn, "2018-10-03,2018-10-05,moved,S,N"), "leaving_reason", "code");
  in.Add(f, row(x.upn, x.other_urn, "2018-10-04,,transfer,S,N"), "leaving_reason", "consistency");
  in.Add(f, row(x.upn, x.other_urn, "2018-10-08,,,S,maybe"), "boarder", "code");
  in.Add(f, row(x.upn, x.other_urn, x.day + ",,,C,N"), "", "overlap");
  in.AddDuplicate(f, "");
  in.AddGrammar(f, row(x.upn, x.other_urn, "2018-10-09,,,S,N"));
}

void InjectAttendance(const Sample& x, AcademicYear year, Injector& in) {
  const std::string f = "attendance.csv";
  const std::string unknown = MakeUpn(x.la, x.estab, x.year2, 901);
  std::string bad_check = x.upn;
  bad_check[0] = bad_check[0] == 'A' ? 'B' : 'A';
  auto row = [](const std::string& upn, const std::string& urn, const std::string& rest) {
    return fmt::format("{},{},{}", upn, urn, rest);
  };
  in.Add(f, row(x.upn, x.urn, x.day + ",A,\\"), "am", "code");
  if (year.start_year() >= 2024) {
    in.Add(f, row(x.upn, x.urn, x.day + ",H,\\"), "am", "code");
  } else {
    // A withdrawn code can only be after August 2024, outside this year.
    in.Add(f, row(x.upn, x.urn, "2024-09-10,H,\\"), {{"date", "date"}, {"am", "code"}});
  }
  in.Add(f, row(x.upn, x.urn, fmt::format("{}-02-30,/,\\", year.start_year() + 1)), "date", "date");
  in.Add(f, row(x.upn, x.urn, fmt::format("{}-09-12,/,\\", year.start_year() - 1)), "date", "date");
  in.Add(f, row(x.upn, x.urn, x.day + ",,"), "", "no_marks");
  in.Add(f, row(x.upn, x.other_urn, x.day + ",/,\\"), "", "no_enrolment");
  in.Add(f, row(unknown, x.urn, x.day + ",/,\\"), "upn", "unknown_pupil");
  in.Add(f, row(x.upn, "999999", x.day + ",/,\\"), "urn", "unknown_school");
  in.Add(f, row(bad_check, x.urn, x.day + ",/,\\"), "upn", "upn_check_letter");
  in.Add(f, row(x.upn.substr(0, 12), x.urn, x.day + ",/,\\"), "upn", "upn_length");
  in.AddDuplicate(f, "date");
  in.AddGrammar(f, row(x.upn, x.urn, x.day + ",/,\\"));
}

void InjectCompact(const Sample& x, AcademicYear year, Injector& in) {
  const std::string f = "attendance_compact.csv";
  const std::string unknown = MakeUpn(x.la, x.estab, x.year2, 902);
  auto row = [](const std::string& upn, const std::string& urn, const std::string& rest) {
    return fmt::format("{},{},{}", upn, urn, rest);
  };
  in.Add(f, row(x.upn, x.urn, x.day + ",A/"), "marks", "marks");
  in.Add(f, row(x.upn, x.urn, x.day + ",/\\/"), "marks", "marks");
  in.Add(f, row(x.upn, x.urn, x.saturday + ",/\\"), "from_date", "date");
  in.Add(f, row(x.upn, x.urn, x.day + ",--"), "", "no_marks");
  in.Add(f, row(x.upn, x.other_urn, x.day + ",/\\"), "", "no_enrolment");
  in.Add(f, row(unknown, x.urn, x.day + ",/\\"), "upn", "unknown_pupil");
  if (year.start_year() >= 2024) {
    in.Add(f, row(x.upn, x.urn, x.day + ",H\\"), "marks", "code");
  } else {
    in.Add(f, row(x.upn, x.urn, "2024-09-10,H\\"), "from_date", "date");
  }
  in.AddDuplicate(f, "marks");
  in.AddGrammar(f, row(x.upn, x.urn, x.day + ",/\\"));
}

void InjectSuspensions(const Sample& x, Injector& in) {
  const std::string f = "suspensions.csv";
  const std::string unknown = MakeUpn(x.la, x.estab, x.year2, 903);
  auto row = [&](const std::string& upn, const std::string& urn, const std::string& date,
                 const std::string& rest) {
    return fmt::format("{},{},{},{}", upn, urn, date, rest);
  };
  in.Add(f, row(x.upn, x.urn, x.day, "suspension,200,DB,,,"), "sessions", "sessions");
  in.Add(f, row(x.upn, x.urn, x.day, "suspension,two,DB,,,"), "sessions", "sessions");
  in.Add(f, row(x.upn, x.urn, x.day, "suspension,2,ZZ,,,"), "reason", "code");
  in.Add(f, row(x.upn, x.urn, x.day, "suspension,2,support,,,"), "reason", "code");
  in.Add(f, row(x.upn, x.urn, x.day, "fixed,2,DB,,,"), "category", "code");
  in.Add(f, row(x.upn, x.urn, x.day, "permanent_exclusion,20,DB,,,maybe"), "outcome", "code");
  in.Add(f, row(x.upn, x.urn, "2017-10-10", "suspension,2,DB,,,"), "start_date", "date");
  in.Add(f, row(x.upn, x.urn, "2019-02-30", "suspension,2,DB,,,"), "start_date", "date");
  in.Add(f, row(x.upn, x.other_urn, x.day, "suspension,2,DB,,,"), "", "no_enrolment");
  in.Add(f, row(unknown, x.urn, x.day, "suspension,2,DB,,,"), "upn", "unknown_pupil");
  in.Add(f, row(x.upn, "999999", x.day, "suspension,2,DB,,,"), "urn", "unknown_school");
  in.AddDuplicate(f, "");
  in.AddGrammar(f, row(x.upn, x.urn, x.day, "suspension,2,DB,,,"));
}

void InjectPlacements(const Sample& x, Injector& in) {
  const std::string f = "ap_placements.csv";
  int k = 0;
  // A valid placement with fields replaced (index into the 13 columns).
  auto row = [&](std::vector<std::pair<size_t, std::string>> changes) {
    std::vector<std::string> v = {x.upn,
                                  x.urn,
                                  fmt::format("BAD-{}", ++k),
                                  "Test provider",
                                  "registered",
                                  "ukprn_provider",
                                  "school_arranged",
                                  "10",
                                  "behaviour",
                                  x.day,
                                  "",
                                  "Y",
                                  ""};
    for (auto& [i, text] : changes) v[i] = text;
    return fmt::format("{}", fmt::join(v, ","));
  };
  in.Add(f, row({{7, "99"}}), "hours_per_week", "hours");
  in.Add(f, row({{7, "0"}}), "hours_per_week", "hours");
  in.Add(f, row({{10, "2018-09-01"}, {9, "2018-10-01"}}), "end_date", "date");
  in.Add(f, row({{4, "outdoors"}}), "setting", "code");
  in.Add(f, row({{5, "forest"}}), "setting_type", "code");
  in.Add(f, row({{6, "court"}}), "basis", "code");
  in.Add(f, row({{8, "bored"}}), "reason", "code");
  in.Add(f, row({{11, "maybe"}}), "reintegration_plan", "code");
  in.Add(f, row({{10, x.day}, {12, "vanished"}}), "outcome", "code");
  in.Add(f, row({{2, ""}}), "provider_id", "required");
  in.Add(f, row({{1, x.other_urn}}), "", "no_enrolment");
  in.Add(f, row({{1, "999999"}}), "commissioner_urn", "unknown_school");
  in.AddDuplicate(f, "");
  in.AddGrammar(f, row({}));
}

void InjectUnits(const Sample& x, AcademicYear year, Injector& in) {
  const std::string f = "internal_units.csv";
  auto row = [&](std::vector<std::pair<size_t, std::string>> changes) {
    std::vector<std::string> v = {x.upn, x.urn, "internal_suspension", x.day, x.day, "2",
                                  "DB",  "Y",   "reintegrated"};
    for (auto& [i, text] : changes) v[i] = text;
    return fmt::format("{}", fmt::join(v, ","));
  };
  in.Add(f, row({{2, "cupboard"}}), "unit", "code");
  in.Add(f, row({{5, "0"}}), "sessions", "sessions");
  in.Add(f, row({{3, "2018-10-01"}, {4, "2018-09-20"}}), "end_date", "date");
  in.Add(f, row({{3, fmt::format("{}-01-06", year.start_year() + 2)}, {4, ""}}), "start_date",
         "date");
  in.Add(f, row({{6, "ZZ"}}), "reason", "code");
  in.Add(f, row({{7, "maybe"}}), "reintegration_plan", "code");
  in.Add(f, row({{8, "vanished"}}), "outcome", "code");
  in.Add(f, row({{1, x.other_urn}}), "", "no_enrolment");
  in.AddDuplicate(f, "");
  in.AddGrammar(f, row({}));
}

}  // namespace

Result<std::vector<ExpectedReject>> InjectErrors(const Generated& g, const DayWindow& window,
                                                 const std::string& dir, FileRows* rows) {
  auto sample = FindSample(g, window);
  if (!sample) {
    return Status::FailedPrecondition(
        "--with-errors needs a pupil on roll for the whole autumn in at least two schools' data "
        "(try a later --through)");
  }
  Injector in(dir, rows);
  const AcademicYear year = g.world.year;
  InjectReferenceFiles(in);
  InjectSchools(*sample, !g.world.trusts.empty(), in);
  InjectPupils(*sample, in);
  InjectEnrolments(*sample, in);
  InjectAttendance(*sample, year, in);
  InjectCompact(*sample, year, in);
  InjectSuspensions(*sample, in);
  InjectPlacements(*sample, in);
  InjectUnits(*sample, year, in);
  std::vector<ExpectedReject> expected;
  LANTERN_RETURN_IF_ERROR(in.Flush(&expected));
  std::string text = "file,line,column,check\n";
  for (const ExpectedReject& r : expected) {
    text += fmt::format("{},{},{},{}\n", r.file, r.line, r.column, r.check);
  }
  LANTERN_RETURN_IF_ERROR(WriteFileAtomic(dir + "/expected_rejects.csv", text));
  return expected;
}

}  // namespace lantern::gen
