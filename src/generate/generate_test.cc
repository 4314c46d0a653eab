// End-to-end tests of `lantern generate` on one real LA (805, Hartlepool):
// valid unique UPNs, determinism, --day and --through cut the full run
// exactly, published shares and absence reproduced, marks only inside
// enrolments, and every injected bad row rejected where expected_rejects.csv
// says. Skipped when the real-data folder is missing.
#include "lantern/generate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "common/csv_reader.h"
#include "common/csv_table.h"
#include "common/file_util.h"
#include "lantern/ingest.h"
#include "model/register_codes.h"
#include "model/upn.h"
#include "reference/real_data.h"
#include "reference/school_frame.h"
#include "tests/real_data.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

// Calls fn(fields) for every data row of a CSV file.
template <typename Fn>
void ForEachRow(const std::string& path, Fn&& fn) {
  auto file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << path;
  std::string_view body = (*file)->data();
  body = body.substr(body.find('\n') + 1);
  CsvReader reader(body, 2);
  CsvRecord rec;
  while (reader.Next(&rec)) fn(rec);
}

std::string TempDir(const std::string& name) {
  return (fs::temp_directory_path() / ("lantern_gen_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

GenerateOptions Options805(const std::string& out) {
  GenerateOptions o;
  o.scale = GenerateScale::kLocalAuthority;
  o.la_codes = {805};
  o.seed = 20190101;
  o.out_dir = out;
  o.progress = false;
  return o;
}

class GenerateTest : public testing::GeneratedDataSuite<GenerateTest> {
 protected:
  static void SetUpTestSuite() {
    if (!FindRealDataDir().ok()) return;
    dir_ = new std::string(TempDir("805"));
    fs::remove_all(*dir_);
    GenerateOptions o = Options805(*dir_);
    o.form = "both";
    GenerateReport report;
    status_ = new Status(Generate(o, &report));
  }
  static std::string File(const std::string& name) { return *dir_ + "/" + name; }
};

TEST_F(GenerateTest, UpnsAreValidAndUnique) {
  std::set<std::string> upns;
  size_t rows = 0;
  ForEachRow(File("pupils.csv"), [&](const CsvRecord& r) {
    ++rows;
    std::string upn(r.fields[0]);
    EXPECT_EQ(ValidateUpn(upn), UpnProblem::kNone) << "row " << r.line;
    upns.insert(upn);
  });
  EXPECT_GT(rows, 10000u);
  EXPECT_EQ(upns.size(), rows);
  ForEachRow(File("enrolments.csv"), [&](const CsvRecord& r) {
    EXPECT_TRUE(upns.count(std::string(r.fields[0]))) << "enrolment line " << r.line;
  });
}

TEST_F(GenerateTest, SameSeedGivesIdenticalFilesWhateverTheThreads) {
  const std::string other = TempDir("805_threads");
  fs::remove_all(other);
  GenerateOptions o = Options805(other);
  o.form = "both";
  o.threads = 1;
  GenerateReport report;
  ASSERT_TRUE(Generate(o, &report).ok());
  for (const char* f : {"schools.csv", "trusts.csv", "pupils.csv", "enrolments.csv",
                        "attendance.csv", "attendance_compact.csv", "suspensions.csv",
                        "ap_placements.csv", "internal_units.csv", "local_authorities.csv"}) {
    EXPECT_EQ(ReadFileToString(File(f)).value(), ReadFileToString(other + "/" + f).value()) << f;
  }
  // A different seed gives different pupils.
  fs::remove_all(other);
  o.seed += 1;
  ASSERT_TRUE(Generate(o, &report).ok());
  EXPECT_NE(ReadFileToString(File("pupils.csv")).value(),
            ReadFileToString(other + "/pupils.csv").value());
  fs::remove_all(other);
}

TEST_F(GenerateTest, OneDayRunWritesExactlyThatDayOfTheFullYear) {
  const std::string day_dir = TempDir("805_day");
  fs::remove_all(day_dir);
  GenerateOptions o = Options805(day_dir);
  o.day = "2019-03-14";
  GenerateReport report;
  ASSERT_TRUE(Generate(o, &report).ok());
  std::vector<std::string> full, day;
  ForEachRow(File("attendance.csv"), [&](const CsvRecord& r) {
    if (r.fields[2] == o.day) full.emplace_back(r.raw);
  });
  ForEachRow(day_dir + "/attendance.csv", [&](const CsvRecord& r) { day.emplace_back(r.raw); });
  EXPECT_GT(full.size(), 10000u);
  EXPECT_EQ(full, day);
  // Roll changes of the day: the full run's rows that start or end that day
  // (a joiner's leaving date, later in the year, is not known yet).
  std::map<std::string, std::vector<std::string>> full_changes;  // upn,urn,entry -> fields
  ForEachRow(File("enrolments.csv"), [&](const CsvRecord& r) {
    if (r.fields[2] != o.day && r.fields[3] != o.day) return;
    full_changes[std::string(r.raw.substr(0, 13 + 1 + 6 + 1 + 10))].assign(r.fields.begin(),
                                                                           r.fields.end());
  });
  size_t day_rows = 0;
  ForEachRow(day_dir + "/enrolments.csv", [&](const CsvRecord& r) {
    ++day_rows;
    auto it = full_changes.find(std::string(r.raw.substr(0, 13 + 1 + 6 + 1 + 10)));
    ASSERT_NE(it, full_changes.end()) << r.raw;
    if (!r.fields[3].empty()) {
      EXPECT_EQ(r.fields[3], it->second[3]);
    }
    EXPECT_EQ(r.fields[5], it->second[5]);
  });
  EXPECT_EQ(day_rows, full_changes.size());
  EXPECT_GT(day_rows, 0u);
  fs::remove_all(day_dir);
}

TEST_F(GenerateTest, ThroughCutsTheFullYearExactly) {
  const std::string dir = TempDir("805_through");
  fs::remove_all(dir);
  GenerateOptions o = Options805(dir);
  o.through = "2018-12-21";
  GenerateReport report;
  ASSERT_TRUE(Generate(o, &report).ok());
  std::vector<std::string> full, cut;
  ForEachRow(File("attendance.csv"), [&](const CsvRecord& r) {
    if (r.fields[2] <= o.through) full.emplace_back(r.raw);
  });
  ForEachRow(dir + "/attendance.csv", [&](const CsvRecord& r) { cut.emplace_back(r.raw); });
  EXPECT_EQ(full, cut);
  ForEachRow(dir + "/enrolments.csv", [&](const CsvRecord& r) {
    EXPECT_LE(r.fields[2], o.through);
    EXPECT_TRUE(r.fields[3].empty() || r.fields[3] <= o.through);
  });
  fs::remove_all(dir);
}

TEST_F(GenerateTest, SchoolCountsMatchTheCensus) {
  auto frame = LoadSchoolFrame(FindRealDataDir().value());
  ASSERT_TRUE(frame.ok());
  struct Counts {
    int n = 0, girls = 0, ehcp = 0, support = 0, eal = 0, fsm = 0, dis = 0, lac = 0;
  };
  std::map<std::string, std::vector<std::string>> pupil;  // upn -> fields
  ForEachRow(File("pupils.csv"), [&](const CsvRecord& r) {
    pupil[std::string(r.fields[0])].assign(r.fields.begin(), r.fields.end());
  });
  std::map<int, Counts> by_school;
  ForEachRow(File("enrolments.csv"), [&](const CsvRecord& r) {
    // Pupils on roll on the first day: their entry is on or before 3 September.
    if (r.fields[2] > "2018-09-03" || r.fields[5] == "S") return;
    const auto& p = pupil[std::string(r.fields[0])];
    Counts& c = by_school[std::stoi(std::string(r.fields[1]))];
    ++c.n;
    c.girls += p[2] == "F";
    c.fsm += p[3] == "Y";
    c.dis += p[4] == "Y";
    c.support += p[5] == "K";
    c.ehcp += p[5] == "E";
    c.eal += p[7] == "Y";
    c.lac += p[8] == "Y";
  });
  ASSERT_GT(by_school.size(), 30u);
  for (const auto& [urn, c] : by_school) {
    const FrameSchool* s = frame->Find(urn);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(c.n, static_cast<int>(*s->nor)) << urn;
    // Characteristics are drawn with exact counts: equal up to rounding.
    const int school = urn;  // a structured binding: named again for the lambda
    auto near = [&](const std::optional<double>& published, int got, int slack, const char* what) {
      if (published) {
        EXPECT_LE(std::abs(got - *published), 1 + slack) << school << " " << what;
      }
    };
    near(s->girls, c.girls, 0, "girls");
    near(s->ehcp, c.ehcp, 0, "EHC plans");
    near(s->sen_support, c.support, 0, "SEN support");
    near(s->eal, c.eal, 0, "EAL");
    near(s->fsm, c.fsm, 0, "FSM");
    // Looked-after children are counted as disadvantaged too.
    if (s->fsm_ever6 && s->fsm && *s->fsm <= *s->fsm_ever6) {
      near(s->fsm_ever6, c.dis, c.lac, "FSM ever 6");
    }
  }
}

// Per school: overall absence and persistent absence of 5-15 year olds,
// computed from the marks with the official definitions, against PERCTOT
// and PPERSABS10.
TEST_F(GenerateTest, AbsenceFromTheMarksMatchesPublishedRates) {
  auto frame = LoadSchoolFrame(FindRealDataDir().value());
  ASSERT_TRUE(frame.ok());
  const AcademicYear year(2018);
  std::map<std::string, int> age;
  ForEachRow(File("pupils.csv"), [&](const CsvRecord& r) {
    age[std::string(r.fields[0])] = year.AgeAtStart(*ParseIsoDate(r.fields[1]));
  });
  std::set<std::string> subsidiary;  // upn,urn of S registrations
  ForEachRow(File("enrolments.csv"), [&](const CsvRecord& r) {
    if (r.fields[5] == "S") subsidiary.insert(std::string(r.fields[0]) + std::string(r.fields[1]));
  });
  // (urn, upn) -> possible, absent. A pupil has at most one enrolment per school here.
  std::map<std::pair<int, std::string>, std::pair<int, int>> enrolment;
  const CodeTreatments t;  // the default treatments
  ForEachRow(File("attendance.csv"), [&](const CsvRecord& r) {
    const std::string upn(r.fields[0]);
    const int a = age[upn];
    if (a < 5 || a > 15 || subsidiary.count(upn + std::string(r.fields[1]))) return;
    // Age 15: the second half of the summer term is left out (study leave).
    if (a == 15 && r.fields[2] >= "2019-06-01") return;
    auto& e = enrolment[{std::stoi(std::string(r.fields[1])), upn}];
    for (size_t k : {3u, 4u}) {
      auto code = ParseMarkCode(r.fields[k]);
      if (!code) continue;
      const SessionTreatment tr = t[*code];
      if (tr == SessionTreatment::kNone || tr == SessionTreatment::kNotPossible) continue;
      ++e.first;
      if (tr != SessionTreatment::kAttendance) ++e.second;
    }
  });
  struct School {
    double possible = 0, absent = 0;
    int n = 0, persistent = 0;
    std::vector<std::pair<int, int>> rows;
  };
  std::map<int, School> schools;
  for (const auto& [key, pa] : enrolment) {
    if (pa.first == 0) continue;
    School& s = schools[key.first];
    s.possible += pa.first;
    s.absent += pa.second;
    ++s.n;
    s.persistent += pa.second * 10 >= pa.first;
    s.rows.push_back(pa);
  }
  std::vector<double> published, generated;
  int inside = 0, with_target = 0;
  double pa_error = 0;
  for (const auto& [urn, s] : schools) {
    const FrameSchool* f = frame->Find(urn);
    if (f == nullptr || !f->overall_absence_pct || !f->persistent_absence_pct || s.n < 30) continue;
    const double rate = 100 * s.absent / s.possible;
    // 95% sampling interval of a ratio estimator over enrolments.
    double ss = 0;
    for (auto [p, a] : s.rows) ss += std::pow(a - rate / 100 * p, 2);
    const double se = 100 * std::sqrt(ss / (s.n * (s.n - 1.0))) / (s.possible / s.n);
    inside += std::fabs(rate - *f->overall_absence_pct) <= 1.96 * se + 0.05;
    ++with_target;
    published.push_back(*f->overall_absence_pct);
    generated.push_back(rate);
    pa_error += std::fabs(100.0 * s.persistent / s.n - *f->persistent_absence_pct);
  }
  ASSERT_GT(with_target, 30);
  double mx = 0, my = 0;
  for (size_t i = 0; i < published.size(); ++i) mx += published[i], my += generated[i];
  mx /= published.size();
  my /= published.size();
  double sxy = 0, sxx = 0, syy = 0, mae = 0;
  for (size_t i = 0; i < published.size(); ++i) {
    sxy += (published[i] - mx) * (generated[i] - my);
    sxx += std::pow(published[i] - mx, 2);
    syy += std::pow(generated[i] - my, 2);
    mae += std::fabs(published[i] - generated[i]);
  }
  EXPECT_GT(sxy / std::sqrt(sxx * syy), 0.9);
  EXPECT_LT(mae / published.size(), 0.4);
  EXPECT_GE(inside, with_target * 8 / 10) << inside << " of " << with_target;
  EXPECT_LT(pa_error / with_target, 3.0);
}

TEST_F(GenerateTest, EveryMarkIsInsideAnEnrolment) {
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<std::string, std::string>>>
      spells;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> registrations;
  ForEachRow(File("enrolments.csv"), [&](const CsvRecord& r) {
    std::string leaving = r.fields[3].empty() ? "9999-12-31" : std::string(r.fields[3]);
    spells[{std::string(r.fields[0]), std::string(r.fields[1])}].push_back(
        {std::string(r.fields[2]), leaving});
    if (r.fields[5] != "S") {
      registrations[std::string(r.fields[0])].push_back({std::string(r.fields[2]), leaving});
    }
  });
  uint64_t rows = 0;
  ForEachRow(File("attendance.csv"), [&](const CsvRecord& r) {
    ++rows;
    const auto& s = spells[{std::string(r.fields[0]), std::string(r.fields[1])}];
    bool inside = false;
    for (const auto& [from, to] : s) inside = inside || (from <= r.fields[2] && r.fields[2] <= to);
    ASSERT_TRUE(inside) << "attendance line " << r.line;
    EXPECT_FALSE(r.fields[3].empty() && r.fields[4].empty());
    for (size_t k : {3u, 4u}) {
      if (r.fields[k].empty()) continue;
      auto code = ParseMarkCode(r.fields[k]);
      ASSERT_TRUE(code.has_value()) << r.fields[k];
      EXPECT_FALSE(CodeInfo(*code).historic) << "withdrawn code " << r.fields[k];
    }
  });
  EXPECT_GT(rows, 1000000u);
  // No two current or main registrations of a pupil overlap.
  for (auto& [upn, list] : registrations) {
    std::sort(list.begin(), list.end());
    for (size_t i = 1; i < list.size(); ++i) EXPECT_LT(list[i - 1].second, list[i].first) << upn;
  }
}

TEST_F(GenerateTest, CompactAndLongFormsHoldTheSameMarks) {
  std::map<std::tuple<std::string, std::string, std::string>, std::string> long_marks;
  ForEachRow(File("attendance.csv"), [&](const CsvRecord& r) {
    long_marks[{std::string(r.fields[0]), std::string(r.fields[1]), std::string(r.fields[2])}] =
        std::string(r.fields[3]) + "|" + std::string(r.fields[4]);
  });
  size_t matched = 0;
  ForEachRow(File("attendance_compact.csv"), [&](const CsvRecord& r) {
    Date d = *ParseIsoDate(r.fields[2]);
    std::string_view m = r.fields[3];
    auto next = [&](size_t* i) {
      if (m[*i] == '-') return std::string(m.substr((*i)++, 1));
      const bool two = *i + 1 < m.size() && m[*i + 1] >= '0' && m[*i + 1] <= '9';
      std::string code(m.substr(*i, two ? 2 : 1));
      *i += two ? 2 : 1;
      return code;
    };
    for (size_t i = 0; i < m.size();) {
      std::string am = next(&i), pm = next(&i);
      if (am != "-" || pm != "-") {
        auto it =
            long_marks.find({std::string(r.fields[0]), std::string(r.fields[1]), FormatIsoDate(d)});
        ASSERT_NE(it, long_marks.end());
        EXPECT_EQ(it->second, (am == "-" ? "" : am) + "|" + (pm == "-" ? "" : pm));
        ++matched;
      }
      do d = d + 1;
      while (!d.IsWeekday());
    }
  });
  EXPECT_EQ(matched, long_marks.size());
}

TEST_F(GenerateTest, SecondaryPupilsHaveKs2ScoresAroundTheNationalMean) {
  double sum = 0;
  int n = 0;
  ForEachRow(File("pupils.csv"), [&](const CsvRecord& r) {
    if (r.fields[12].empty()) return;
    const int score = std::stoi(std::string(r.fields[12]));
    EXPECT_GE(score, 80);
    EXPECT_LE(score, 120);
    sum += score;
    ++n;
  });
  ASSERT_GT(n, 2000);
  EXPECT_NEAR(sum / n, 103.0, 3.0);  // a disadvantaged LA sits a little below 104
}

TEST(GenerateErrorsTest, IngestRejectsExactlyTheInjectedRows) {
  LANTERN_REQUIRE_REAL_DATA(FindRealDataDir().ok());
  const std::string dir = TempDir("805_errors"), store = TempDir("805_errors_store");
  fs::remove_all(dir);
  fs::remove_all(store);
  GenerateOptions o = Options805(dir);
  o.with_errors = true;
  o.form = "both";
  o.through = "2018-11-30";
  GenerateReport report;
  ASSERT_TRUE(Generate(o, &report).ok());
  EXPECT_GT(report.injected_errors, 100u);
  auto expected = CsvTable::Load(dir + "/expected_rejects.csv");
  ASSERT_TRUE(expected.ok());
  std::set<std::tuple<std::string, std::string, std::string, std::string>> want, got;
  for (size_t i = 0; i < expected->rows(); ++i) {
    want.insert(
        {expected->Cell(i, 0), expected->Cell(i, 1), expected->Cell(i, 2), expected->Cell(i, 3)});
  }
  // Every kind of check the schema lists appears.
  std::set<std::string> checks;
  for (const auto& w : want) checks.insert(std::get<3>(w));
  for (const char* c : {"malformed",
                        "encoding",
                        "required",
                        "duplicate",
                        "urn",
                        "la_code",
                        "estab",
                        "code",
                        "date",
                        "upn_length",
                        "upn_format",
                        "upn_la",
                        "upn_check_letter",
                        "consistency",
                        "unknown_pupil",
                        "unknown_school",
                        "overlap",
                        "no_marks",
                        "no_enrolment",
                        "marks",
                        "sessions",
                        "hours",
                        "unknown_trust"}) {
    EXPECT_TRUE(checks.count(c)) << c;
  }
  // The two forms hold the same marks, so each is ingested with the other
  // files on its own (ingesting both at once would make every compact row a
  // duplicate of the long form).
  for (const char* form : {"attendance.csv", "attendance_compact.csv"}) {
    const std::string input = dir + "_" + form;
    fs::remove_all(input);
    fs::create_directories(input);
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with("attendance") && name != form) continue;
      if (!entry.is_regular_file()) continue;  // evaluation/: not an input
      fs::copy_file(entry.path(), input + "/" + name);
    }
    fs::remove_all(store);
    IngestOptions io;
    io.input_dir = input;
    io.store_dir = store;
    IngestReport ir;
    ASSERT_TRUE(Ingest(io, &ir).ok());
    ASSERT_FALSE(ir.rejects_dir.empty());
    auto rejects = CsvTable::Load(ir.rejects_dir + "/rejects.csv");
    ASSERT_TRUE(rejects.ok());
    for (size_t i = 0; i < rejects->rows(); ++i) {
      got.insert({rejects->Cell(i, rejects->Column("file")),
                  rejects->Cell(i, rejects->Column("line")),
                  rejects->Cell(i, rejects->Column("column")),
                  rejects->Cell(i, rejects->Column("check"))});
    }
    fs::remove_all(input);
  }
  EXPECT_EQ(got, want);
  fs::remove_all(dir);
  fs::remove_all(store);
}

TEST(GenerateScopeTest, UnknownLaOrRegionIsAnInvalidArgument) {
  LANTERN_REQUIRE_REAL_DATA(FindRealDataDir().ok());
  GenerateOptions o = Options805(TempDir("never"));
  o.la_codes = {999};
  GenerateReport r;
  EXPECT_EQ(Generate(o, &r).code(), StatusCode::kInvalidArgument);
  o.scale = GenerateScale::kRegion;
  o.region = "Atlantis";
  EXPECT_EQ(Generate(o, &r).code(), StatusCode::kInvalidArgument);
  o.scale = GenerateScale::kLocalAuthority;
  o.la_codes = {805};
  o.day = "2020-01-01";
  EXPECT_EQ(Generate(o, &r).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(TempDir("never")));
}

TEST(GenerateScopeTest, SchoolsKeepTheirPupilsAndTrustsAtEveryScale) {
  LANTERN_REQUIRE_REAL_DATA(FindRealDataDir().ok());
  const std::string one = TempDir("scale_one"), two = TempDir("scale_two");
  GenerateOptions o = Options805(one);
  o.through = "2018-09-14";
  GenerateReport r;
  ASSERT_TRUE(Generate(o, &r).ok());
  o.out_dir = two;
  o.la_codes = {805, 806};
  ASSERT_TRUE(Generate(o, &r).ok());
  std::map<std::string, std::string> trust_one, trust_two;
  ForEachRow(one + "/schools.csv", [&](const CsvRecord& rec) {
    trust_one[std::string(rec.fields[0])] = std::string(rec.fields[6]);
  });
  ForEachRow(two + "/schools.csv", [&](const CsvRecord& rec) {
    trust_two[std::string(rec.fields[0])] = std::string(rec.fields[6]);
  });
  for (const auto& [urn, trust] : trust_one) EXPECT_EQ(trust_two[urn], trust) << urn;
  std::set<std::string> pupils_one, pupils_two;
  ForEachRow(one + "/pupils.csv", [&](const CsvRecord& rec) { pupils_one.emplace(rec.raw); });
  ForEachRow(two + "/pupils.csv", [&](const CsvRecord& rec) { pupils_two.emplace(rec.raw); });
  for (const auto& p : pupils_one) EXPECT_TRUE(pupils_two.count(p));
  fs::remove_all(one);
  fs::remove_all(two);
}

}  // namespace
}  // namespace lantern
