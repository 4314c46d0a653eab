#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/csv_table.h"
#include "lantern/scorecard.h"
#include "scorecard/scorecard_test_util.h"
#include "tests/scratch_dir.h"

namespace lantern::scorecard {
namespace {

namespace fs = std::filesystem;
using testing::InputBuilder;

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// 30 secondary schools in two LAs; school 7 has many persistent absentees.
InputBuilder SmallWorld() {
  InputBuilder b;
  for (int i = 0; i < 30; ++i) {
    uint32_t s = b.School(110000 + i, ScorecardPhase::kSecondary, i % 2 == 0 ? 100 : 200);
    b.input().schools[s].name =
        i == 3 ? "Zeta & \"Sons\" <Academy> </script>" : "School " + std::to_string(i);
    b.Context(s, 500 + 25 * i, 9 + 0.4 * i, 1.5 + 0.1 * i, 15 + i, 3 + 2 * i);
    b.Proportion(s, "enrolments_pa_10_exact_percent", i == 7 ? 80 : 50 + (i % 5), 500 + 25 * i);
    b.Mean(s, "progress8", 0.02 * (i % 7) - 0.06, 1.415869, 150 + i);
    b.Proportion(s, "sustained_destination_percent", 140 + i % 4, 150);
    b.Proportion(s, "sustained_destination_percent", 60 + i % 3, 66,
                 *FindPupilGroup("disadvantaged"));
    b.Proportion(s, "sustained_destination_percent", 80 + i % 2, 84,
                 *FindPupilGroup("not_disadvantaged"));
  }
  b.input().unavailable_reason.assign(ScorecardIndicators().size(), "Not in the test data.");
  return b;
}

class ScorecardOutputsTest : public lantern::testing::ScratchDirTest {
 protected:
  ScorecardOutputsTest() : ScratchDirTest("lantern_scorecard_outputs") {}
  // A page template of the shape the web app's single-file build has.
  std::string WriteTemplate() {
    const std::string path = (fs::path(dir_) / "template.html").string();
    std::ofstream(path) << "<!doctype html><title>t</title><script type=\"application/json\" "
                           "id=\"lantern-offline\">"
                        << kOfflineMarker << "</script><p>after</p>";
    return path;
  }
};

TEST_F(ScorecardOutputsTest, PagesNeedTheirTemplateAndJsonIsTheDefault) {
  InputBuilder b = SmallWorld();
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  ScorecardOutputOptions o;
  o.out_dir = dir_;
  ScorecardReport report;
  ASSERT_TRUE(WriteScorecardOutputs(*sc, o, &report).ok());
  EXPECT_EQ(report.html_pages, 0u);
  EXPECT_EQ(report.json_files, 30u);
  o.pages = true;
  o.page_template = (fs::path(dir_) / "missing.html").string();
  EXPECT_EQ(WriteScorecardOutputs(*sc, o, nullptr).code(), StatusCode::kNotFound);
  std::ofstream(o.page_template) << "<html>no marker</html>";
  EXPECT_EQ(WriteScorecardOutputs(*sc, o, nullptr).code(), StatusCode::kInvalidInput);
}

TEST_F(ScorecardOutputsTest, WritesEveryOutputSelfContainedAndConsistent) {
  InputBuilder b = SmallWorld();
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  ScorecardOutputOptions o;
  o.out_dir = dir_;
  o.threads = 2;
  o.pages = true;
  o.page_template = WriteTemplate();
  ScorecardReport report;
  ASSERT_TRUE(WriteScorecardOutputs(*sc, o, &report).ok());
  EXPECT_EQ(report.schools_scored, 30u);
  EXPECT_EQ(report.html_pages, 30u);
  EXPECT_EQ(report.json_files, 30u);
  EXPECT_GE(report.enquiry_flags, 1u);

  // scorecard.csv: EES layout, no blanks outside the geography, no rank.
  auto csv = CsvTable::Load((fs::path(dir_) / "scorecard.csv").string());
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->header()[0], "time_period");
  EXPECT_EQ(csv->header()[2], "geographic_level");
  for (const auto& h : csv->header()) EXPECT_EQ(h.find("rank"), std::string::npos);
  EXPECT_EQ(csv->rows(), report.csv_rows);
  const int geo_end = csv->Column("school_name");
  for (size_t r = 0; r < csv->rows(); ++r) {
    EXPECT_EQ(csv->Cell(r, 2), "School");
    for (int c = geo_end + 1; c < static_cast<int>(csv->header().size()); ++c) {
      ASSERT_FALSE(csv->Cell(r, c).empty()) << csv->header()[static_cast<size_t>(c)];
    }
  }
  // Rows are in input order (school by school), never sorted by a result.
  const int urn = csv->Column("school_urn");
  for (size_t r = 1; r < csv->rows(); ++r) {
    EXPECT_LE(std::stoi(csv->Cell(r - 1, urn)), std::stoi(csv->Cell(r, urn)));
  }
  // The outlier's line of enquiry is in the CSV, the JSON and both pages.
  const int ind = csv->Column("indicator"), enq = csv->Column("enquiry");
  bool found = false;
  for (size_t r = 0; r < csv->rows(); ++r) {
    if (csv->Cell(r, urn) == "110007" && csv->Cell(r, ind) == "enrolments_pa_10_exact_percent") {
      EXPECT_EQ(csv->Cell(r, enq), "higher");
      found = true;
    }
  }
  EXPECT_TRUE(found);

  // The offline page is the template with the school's data in place of
  // the marker, every "<" written "\u003c" so no text can end the script.
  const std::string page = ReadAll(fs::path(dir_) / "scorecards" / "110003.html");
  const std::string before =
                        "<!doctype html><title>t</title><script type=\"application/json\" "
                        "id=\"lantern-offline\">",
                    after = "</script><p>after</p>";
  ASSERT_EQ(page.rfind(before, 0), 0u);
  ASSERT_GE(page.size(), before.size() + after.size());
  EXPECT_EQ(page.substr(page.size() - after.size()), after);
  const std::string data = page.substr(before.size(), page.size() - before.size() - after.size());
  EXPECT_EQ(data.find('<'), std::string::npos);  // written \u003c
  const auto offline = nlohmann::json::parse(data);
  EXPECT_EQ(offline["scorecard"],
            nlohmann::json::parse(ReadAll(fs::path(dir_) / "scorecards" / "110003.json")));
  EXPECT_EQ(offline["scorecard"]["school_name"], "Zeta & \"Sons\" <Academy> </script>");
  EXPECT_EQ(offline["indicators"]["progress8"]["kind"], "mean");
  EXPECT_TRUE(offline["generated"].is_string());
  // Every similar school has a page in this run (one world, no references).
  EXPECT_EQ(offline["pages"].size(), 29u);
  // No LA pages any more: the web app shows LAs (lantern serve).
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "la" / "200.html"));

  auto json = nlohmann::json::parse(ReadAll(fs::path(dir_) / "scorecards" / "110007.json"));
  EXPECT_EQ(json["school_urn"], 110007);
  EXPECT_EQ(json["indicators"]["enrolments_pa_10_exact_percent"][0]["enquiry"], "higher");
  EXPECT_EQ(json["indicators"]["susp_rate"][0]["value"], "x");
  EXPECT_EQ(json["similar_schools"].size(), 29u);
  EXPECT_EQ(json["lines_of_enquiry"].size(), 1u);
  auto indicators = nlohmann::json::parse(ReadAll(fs::path(dir_) / "scorecard_indicators.json"));
  EXPECT_EQ(indicators["progress8"]["kind"], "mean");

  auto la_csv = CsvTable::Load((fs::path(dir_) / "la_summary.csv").string());
  ASSERT_TRUE(la_csv.ok());
  bool listed = false;
  for (size_t r = 0; r < la_csv->rows(); ++r) {
    if (la_csv->Cell(r, la_csv->Column("old_la_code")) == "200" &&
        la_csv->Cell(r, la_csv->Column("indicator")) == "enrolments_pa_10_exact_percent" &&
        la_csv->Cell(r, la_csv->Column("direction")) == "higher") {
      EXPECT_EQ(la_csv->Cell(r, la_csv->Column("schools_with_enquiry")), "1");
      EXPECT_EQ(la_csv->Cell(r, la_csv->Column("schools_assessed")), "15");
      EXPECT_NE(la_csv->Cell(r, la_csv->Column("schools")).find("110007"), std::string::npos);
      listed = true;
    }
  }
  EXPECT_TRUE(listed);

  auto sim = CsvTable::Load((fs::path(dir_) / "similar_schools.csv").string());
  ASSERT_TRUE(sim.ok());
  EXPECT_EQ(sim->rows(), 30u * 29u);
}

TEST_F(ScorecardOutputsTest, RerunsOverwritePagesAndRemoveStaleOnes) {
  InputBuilder b = SmallWorld();
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok());
  ScorecardOutputOptions o;
  o.out_dir = dir_;
  o.pages = true;
  o.page_template = WriteTemplate();
  // The pages say when they were made, to the minute: pinned, so that a run
  // that crosses a minute does not differ.
  o.generated_at = 1'700'000'000;
  ASSERT_TRUE(WriteScorecardOutputs(*sc, o, nullptr).ok());
  const std::string first = ReadAll(fs::path(dir_) / "scorecards" / "110000.html");
  // A page from an earlier run for a school no longer in the input, and a
  // longer old version of a current page.
  { std::ofstream(fs::path(dir_) / "scorecards" / "999999.html") << "old"; }
  {
    std::ofstream(fs::path(dir_) / "scorecards" / "110000.html") << first << std::string(5000, 'x');
  }
  ASSERT_TRUE(WriteScorecardOutputs(*sc, o, nullptr).ok());
  EXPECT_NE(first.find("2023-11-14 22:13 UTC"), std::string::npos);
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "scorecards" / "999999.html"));
  EXPECT_EQ(ReadAll(fs::path(dir_) / "scorecards" / "110000.html"), first);
  // The same files whatever the number of threads.
  const std::string csv1 = ReadAll(fs::path(dir_) / "scorecard.csv");
  o.threads = 1;
  ASSERT_TRUE(WriteScorecardOutputs(*sc, o, nullptr).ok());
  EXPECT_EQ(ReadAll(fs::path(dir_) / "scorecard.csv"), csv1);
}

// Rows are written a block of schools at a time by whichever thread is free:
// the files must not depend on the number of threads, and no temporary file
// may be left behind.
TEST_F(ScorecardOutputsTest, OutputsAreTheSameWhateverTheThreads) {
  InputBuilder b = SmallWorld();
  auto sc = Scorecard::Build(b.input(), ScorecardOptions{});
  ASSERT_TRUE(sc.ok()) << sc.status().ToString();
  std::map<int, std::map<std::string, std::string>> files;
  for (int threads : {1, 2, 3}) {
    ScorecardOutputOptions o;
    o.out_dir = (fs::path(dir_) / std::to_string(threads)).string();
    o.threads = threads;
    ScorecardReport report;
    ASSERT_TRUE(WriteScorecardOutputs(*sc, o, &report).ok());
    for (const char* f : {"scorecard.csv", "similar_schools.csv", "la_summary.csv"}) {
      files[threads][f] = ReadAll(fs::path(o.out_dir) / f);
    }
    for (const auto& e : fs::directory_iterator(o.out_dir)) {
      const std::string name = e.path().filename().string();
      EXPECT_EQ(name.find(".tmp"), std::string::npos) << "left behind: " << name;
    }
  }
  EXPECT_GT(files[1]["scorecard.csv"].size(), 1000u);
  for (int threads : {2, 3}) {
    for (const auto& [name, text] : files[1]) {
      EXPECT_TRUE(files[threads][name] == text) << name << " with " << threads << " threads";
    }
  }
}

}  // namespace
}  // namespace lantern::scorecard
