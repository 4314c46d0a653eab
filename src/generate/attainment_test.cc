// The generator's KS2, KS4 and destinations: its slot filling on hand-worked
// results, grades from levels, the qualifications it awards against the
// shipped catalogue, the sustained-destination rule on hand-made histories,
// the published estimates, and (with the real data) LA 805 generated end to
// end: files, calibration of Attainment 8, Progress 8 and sustained
// destinations to the published school figures.
#include "generate/attainment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/csv_table.h"
#include "generate/destinations.h"
#include "lantern/generate.h"
#include "reference/real_data.h"
#include "tests/real_data.h"

namespace lantern::gen {
namespace {

namespace fs = std::filesystem;

GenResult R(const char* id, const char* grade) {
  const int q = QualificationIndex(id);
  EXPECT_GE(q, 0) << id;
  const GenQualification& qual = GeneratorQualifications()[static_cast<size_t>(q)];
  for (uint8_t g = 0; g < 20; ++g) {
    if (GradeText(qual.scale, g) == grade) return {static_cast<uint16_t>(q), g, false};
  }
  ADD_FAILURE() << "no grade " << grade << " for " << id;
  return {};
}

TEST(GeneratorAttainment8, FillsSlotsAsTheMeasureDoes) {
  // Maths 7 x2 = 14; English: both taken, language 6 x2 = 12, literature 5
  // to the open pool; EBacc: combined science 6-5 (5.5 twice), history 4,
  // French 3 -> 5.5 + 5.5 + 4 = 15, French to the open pool; open: RS 6,
  // BTEC L2M 5.5, literature 5 (art 4 and French 3 left) = 16.5. Total 57.5.
  const std::vector<GenResult> r = {R("GCSE_ENG_LANG", "6"), R("GCSE_ENG_LIT", "5"),
                                    R("GCSE_MATHS", "7"),    R("GCSE_COMBINED_SCIENCE", "6-5"),
                                    R("GCSE_HISTORY", "4"),  R("GCSE_FRENCH", "3"),
                                    R("GCSE_RS", "6"),       R("BTEC_TA_SPORT", "L2M"),
                                    R("GCSE_ART", "4")};
  EXPECT_DOUBLE_EQ(Attainment8(r), 57.5);
}

TEST(GeneratorAttainment8, OneEnglishCountsOnceAndUnapprovedCountsNothing) {
  EXPECT_DOUBLE_EQ(Attainment8({R("GCSE_ENG_LANG", "6"), R("GCSE_MATHS", "4")}), 6 + 8);
  EXPECT_DOUBLE_EQ(Attainment8({R("GCSE_ENG_LIT", "5")}), 5);
  EXPECT_DOUBLE_EQ(
      Attainment8({R("FS_MATHS_L2", "P"), R("VRQ_L2_HAIR_BEAUTY", "D*"), R("ELC_ART", "E3")}), 0);
  // Four EBacc subjects: the fourth fills an open slot.
  EXPECT_DOUBLE_EQ(Attainment8({R("GCSE_BIOLOGY", "9"), R("GCSE_CHEMISTRY", "8"),
                                R("GCSE_PHYSICS", "7"), R("GCSE_GEOGRAPHY", "6")}),
                   9 + 8 + 7 + 6);
  EXPECT_DOUBLE_EQ(Attainment8({}), 0);
}

TEST(GeneratorGrades, NearestGradeForALevel) {
  EXPECT_EQ(GradeText(GradeScale::kGcse, GradeForLevel(GradeScale::kGcse, 0.3)), "U");
  EXPECT_EQ(GradeText(GradeScale::kGcse, GradeForLevel(GradeScale::kGcse, 4.4)), "4");
  EXPECT_EQ(GradeText(GradeScale::kGcse, GradeForLevel(GradeScale::kGcse, 9.7)), "9");
  EXPECT_EQ(GradeText(GradeScale::kTechnicalAward, GradeForLevel(GradeScale::kTechnicalAward, 5)),
            "L2M");
  EXPECT_EQ(
      GradeText(GradeScale::kCombinedScience, GradeForLevel(GradeScale::kCombinedScience, 5.6)),
      "6-5");
  EXPECT_EQ(GradeText(GradeScale::kFunctionalL2, GradeForLevel(GradeScale::kFunctionalL2, 2)), "F");
  EXPECT_DOUBLE_EQ(GradePoints(GradeScale::kTechnicalAward, 0), 8.5);
}

// Every qualification and grade the generator awards is in the shipped
// catalogue, with the same scale, points, discount code and A8 eligibility.
TEST(GeneratorQualifications, AgreeWithTheCatalogue) {
  const std::string dir = std::string(LANTERN_SOURCE_DIR) + "/catalogue";
  auto quals = CsvTable::Load(dir + "/qualifications.csv");
  auto scales = CsvTable::Load(dir + "/point_scales.csv");
  if (!quals.ok() || !scales.ok()) GTEST_SKIP() << "catalogue/ not here yet";
  std::map<std::pair<std::string, std::string>, double> points;
  for (size_t r = 0; r < scales->rows(); ++r)
    points[{scales->Cell(r, 0), scales->Cell(r, 1)}] = std::stod(scales->Cell(r, 2));
  std::map<std::string, size_t> row;
  const int c_id = quals->Column("qual_id"), c_scale = quals->Column("point_scale"),
            c_a8 = quals->Column("counts_in_a8"), c_disc = quals->Column("discount_code"),
            c_slots = quals->Column("slots");
  ASSERT_GE(c_id, 0);
  for (size_t r = 0; r < quals->rows(); ++r) row[quals->Cell(r, c_id)] = r;
  auto scale_name = [](GradeScale s) -> std::string {
    switch (s) {
      case GradeScale::kGcse:
        return "gcse_9to1";
      case GradeScale::kCombinedScience:
        return "gcse_combined_9to1";
      case GradeScale::kTechnicalAward:
        return "tech_award_l1l2";
      case GradeScale::kVrqL2:
        return "vrq_l2";
      case GradeScale::kVrqL1:
        return "vrq_l1";
      case GradeScale::kFunctionalL2:
        return "fs_l2";
      case GradeScale::kFunctionalL1:
        return "fs_l1";
      case GradeScale::kEntryLevel:
        return "entry_level";
    }
    return "";
  };
  for (const GenQualification& q : GeneratorQualifications()) {
    auto it = row.find(q.id);
    ASSERT_NE(it, row.end()) << q.id;
    const size_t r = it->second;
    EXPECT_EQ(quals->Cell(r, c_scale), scale_name(q.scale)) << q.id;
    EXPECT_EQ(quals->Cell(r, c_a8), q.slot == A8Slot::kNone ? "N" : "Y") << q.id;
    EXPECT_EQ(quals->Cell(r, c_disc), q.discount) << q.id;
    const std::string slots = quals->Cell(r, c_slots);
    if (q.slot == A8Slot::kEbacc) {
      EXPECT_NE(slots.find("ebacc"), std::string::npos) << q.id;
    }
    if (q.slot == A8Slot::kMaths) {
      EXPECT_EQ(slots, "maths") << q.id;
    }
    for (uint8_t g = 0;; ++g) {
      const std::string grade(GradeText(q.scale, g));
      auto p = points.find({scale_name(q.scale), grade});
      ASSERT_NE(p, points.end()) << q.id << " " << grade;
      EXPECT_DOUBLE_EQ(p->second, GradePoints(q.scale, g)) << q.id << " " << grade;
      if (grade == "U" || grade == "F") break;
    }
  }
}

std::array<Activity, kDestinationMonths> History(
    std::initializer_list<std::pair<int, Activity>> runs, Activity rest = Activity::kNeet) {
  std::array<Activity, kDestinationMonths> m;
  m.fill(rest);
  int at = 0;
  for (auto [months, a] : runs) {
    for (int i = 0; i < months && at < kDestinationMonths; ++i) m[static_cast<size_t>(at++)] = a;
  }
  return m;
}

TEST(GeneratorDestinations, SustainedOnHandMadeHistories) {
  using A = Activity;
  // August unknown, then a year at the sixth form: sustained.
  EXPECT_TRUE(SustainedDestination(History({{1, A::kNotKnown}, {11, A::kSchoolSixthForm}})));
  // Broken by one NEET month in January (month 5): not sustained.
  auto broken = History({{1, A::kNotKnown}, {11, A::kFeCollege}});
  broken[5] = A::kNeet;
  EXPECT_FALSE(SustainedDestination(broken));
  // Employed 5 of the 6 months October to March: sustained.
  auto work = History({{1, A::kNotKnown}, {11, A::kEmployment}});
  work[4] = A::kNeet;
  EXPECT_TRUE(SustainedDestination(work));
  // Education to December, then work to March: a combination, sustained.
  EXPECT_TRUE(SustainedDestination(
      History({{1, A::kNotKnown}, {4, A::kFeCollege}, {7, A::kEmploymentWithTraining}})));
  // An apprenticeship from October (six months to March): sustained; from
  // December (four): not.
  EXPECT_TRUE(SustainedDestination(History({{2, A::kNeet}, {22, A::kApprenticeship}})));
  EXPECT_FALSE(SustainedDestination(History({{4, A::kNeet}, {20, A::kApprenticeship}})));
  // Not known throughout: not sustained.
  EXPECT_FALSE(SustainedDestination(History({}, A::kNotKnown)));
}

TEST(GeneratorEstimates, PublishedGroupsAndEstimates) {
  auto dir = FindRealDataDir();
  LANTERN_REQUIRE_REAL_DATA(dir.ok());
  auto est = LoadPriorEstimates(*dir);
  ASSERT_TRUE(est.ok()) << est.status().ToString();
  EXPECT_EQ(est->from.size(), 34u);
  EXPECT_EQ(est->Group(59), 1);
  EXPECT_EQ(est->Group(82), 1);
  EXPECT_EQ(est->Group(82.5), 2);
  EXPECT_EQ(est->Group(104.5), 19);
  EXPECT_EQ(est->Group(120), 34);
  EXPECT_DOUBLE_EQ(est->Estimate(82.5), est->estimate[1]);
  for (double k = 80; k < 120; k += 0.5) EXPECT_LE(est->Smooth(k), est->Smooth(k + 0.5) + 1e-9);
}

// ---------------------------------------------------------------- LA 805 end to end

class GeneratedKs4Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!FindRealDataDir().ok()) return;
    dir_ = new std::string(
        (fs::temp_directory_path() / ("lantern_ks4_" + std::to_string(::getpid()))).string());
    fs::remove_all(*dir_);
    GenerateOptions o;
    o.la_codes = {805, 806};
    o.seed = 7;
    o.out_dir = *dir_;
    o.progress = false;
    o.form = "compact";
    GenerateReport report;
    status_ = new Status(Generate(o, &report));
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) fs::remove_all(*dir_);
    delete dir_;
    delete status_;
    dir_ = nullptr;
  }
  void SetUp() override {
    LANTERN_REQUIRE_REAL_DATA(dir_ != nullptr);
    ASSERT_TRUE(status_->ok()) << status_->ToString();
  }
  static nlohmann::json Report() {
    std::ifstream in(*dir_ + "/generation_report.json");
    return nlohmann::json::parse(in);
  }
  static std::string* dir_;
  static Status* status_;
};
std::string* GeneratedKs4Test::dir_ = nullptr;
Status* GeneratedKs4Test::status_ = nullptr;

TEST_F(GeneratedKs4Test, FilesFollowTheContract) {
  auto ks2 = CsvTable::Load(*dir_ + "/ks2_results.csv");
  auto ks4 = CsvTable::Load(*dir_ + "/ks4_results.csv");
  auto dest = CsvTable::Load(*dir_ + "/destinations.csv");
  ASSERT_TRUE(ks2.ok() && ks4.ok() && dest.ok());
  EXPECT_EQ(ks2->header(), (std::vector<std::string>{"upn", "ks2_year", "read_scaled", "mat_scaled",
                                                     "read_status", "mat_status"}));
  EXPECT_EQ(ks4->header(), (std::vector<std::string>{"upn", "urn", "ks4_year", "qual_id", "grade",
                                                     "exam_series"}));
  EXPECT_EQ(dest->header(),
            (std::vector<std::string>{"upn", "urn", "ks4_year", "month", "activity", "source"}));
  std::set<std::string> ks4_pupils;
  std::map<std::string, int> per_pupil;
  std::set<std::tuple<std::string, std::string, std::string>> keys;
  for (size_t r = 0; r < ks4->rows(); ++r) {
    ks4_pupils.insert(ks4->Cell(r, 0));
    ++per_pupil[ks4->Cell(r, 0)];
    EXPECT_GE(QualificationIndex(ks4->Cell(r, 3)), 0);
    EXPECT_EQ(ks4->Cell(r, 2), "201819");
    EXPECT_TRUE(ks4->Cell(r, 5) == "2019-06" || ks4->Cell(r, 5) == "2018-06");
    EXPECT_TRUE(keys.insert({ks4->Cell(r, 0), ks4->Cell(r, 3), ks4->Cell(r, 5)}).second)
        << "duplicate key";
  }
  ASSERT_GT(ks4_pupils.size(), 1000u);
  double mean = static_cast<double>(ks4->rows()) / static_cast<double>(ks4_pupils.size());
  EXPECT_GT(mean, 7.5);
  EXPECT_LT(mean, 11.5);
  for (size_t r = 0; r < ks2->rows(); ++r) {
    EXPECT_EQ(ks2->Cell(r, 1), "201314");
    EXPECT_TRUE(ks4_pupils.count(ks2->Cell(r, 0)));
    for (int c : {2, 3}) {
      if (ks2->Cell(r, c).empty()) {
        EXPECT_EQ(ks2->Cell(r, c + 2), "below_test");
      } else {
        const int v = std::stoi(ks2->Cell(r, c));
        EXPECT_GE(v, 80);
        EXPECT_LE(v, 120);
      }
    }
  }
  // Some pupils have no KS2 row; most do.
  EXPECT_LT(ks2->rows(), ks4_pupils.size());
  EXPECT_GT(ks2->rows(), ks4_pupils.size() * 8 / 10);
  // 24 months for every pupil, August 2019 to July 2021.
  EXPECT_EQ(dest->rows(), ks4_pupils.size() * kDestinationMonths);
  EXPECT_EQ(dest->Cell(0, 3), "2019-08");
  EXPECT_EQ(dest->Cell(23, 3), "2021-07");
}

TEST_F(GeneratedKs4Test, SchoolsReproduceTheirPublishedFigures) {
  const auto ks4 = Report()["calibration"]["ks4"];
  int n = 0, p8_in = 0, dest_n = 0;
  double att8_gap = 0, dest_gap = 0;
  for (const auto& s : ks4["schools"]) {
    if (s["source"] != "school" || s["pupils_with_prior"].get<int>() < 30) continue;
    ++n;
    const double p8 = s["generated_p8"], target = s["target_p8"], hw = s["p8_half_width"];
    if (std::fabs(p8 - target) <= hw) ++p8_in;
    att8_gap += std::fabs(s["generated_att8"].get<double>() - s["target_att8"].get<double>());
    // The solved model's expectations are the targets.
    EXPECT_NEAR(s["expected_p8"].get<double>(), target, 0.01) << s["urn"];
    EXPECT_NEAR(s["expected_att8"].get<double>(), s["target_att8"].get<double>(), 0.1) << s["urn"];
    if (s["dest_source"] == "school") {
      ++dest_n;
      dest_gap +=
          std::fabs(s["generated_sustained"].get<double>() - s["target_sustained"].get<double>());
    }
  }
  ASSERT_GE(n, 8);
  EXPECT_GE(p8_in, n * 8 / 10) << p8_in << " of " << n;
  EXPECT_LT(att8_gap / n, 2.5);
  ASSERT_GE(dest_n, 5);
  EXPECT_LT(dest_gap / dest_n, 0.04);
  // The spread of pupil P8 is of the order of the published national SD.
  EXPECT_GT(ks4["national_sd_p8"].get<double>(), 1.0);
  EXPECT_LT(ks4["national_sd_p8"].get<double>(), 1.8);
}

}  // namespace
}  // namespace lantern::gen
