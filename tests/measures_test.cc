// The KS4 measures end to end: ks2_results, ks4_results and destinations
// through ingest (bad rows rejected with their check), then `lantern
// measures` on figures worked by hand, with estimates from the cohort and
// from a file, the same from shuffled input, and disclosure control.
#include "lantern/measures.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "common/csv_table.h"
#include "common/file_util.h"
#include "lantern/build.h"
#include "lantern/ingest.h"
#include "measures/measures_internal.h"
#include "reference/real_data.h"
#include "tests/real_data.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;
using testing::TinyUpn;

std::string Ks4Rows() {
  const std::string p2 = TinyUpn(2), p3 = TinyUpn(3), p4 = TinyUpn(4), p6 = TinyUpn(6);
  std::string s;
  auto row = [&](const std::string& upn, const char* q, const char* g,
                 const char* series = "2019-06") {
    s += upn + ",900002,201819," + q + "," + g + "," + series + "\n";
  };
  // P4: the worked example of slots_test (A8 54.5).
  row(p4, "GCSE_ENG_LANG", "5");
  row(p4, "GCSE_ENG_LIT", "6");
  row(p4, "GCSE_MATHS", "4");
  row(p4, "GCSE_BIOLOGY", "6");
  row(p4, "GCSE_CHEMISTRY", "5");
  row(p4, "GCSE_PHYSICS", "4");
  row(p4, "GCSE_HISTORY", "7");
  row(p4, "GCSE_FRENCH", "3");
  row(p4, "GCSE_ART", "6");
  row(p4, "BTEC_TA_SPORT", "L2M");
  // P2: one English (x1) and maths: 4 + 10 = 14.
  row(p2, "GCSE_ENG_LANG", "4");
  row(p2, "GCSE_MATHS", "5");
  // P3: maths 2 x 2 and a technical award L1 merit 1.5: 5.5 (functional
  // skills English counts only in broader attainment).
  row(p3, "GCSE_MATHS", "2");
  row(p3, "FS_ENGLISH_L1", "P");
  row(p3, "BTEC_TA_HSC", "L1M");
  // P6: maths 12, English 12, EBacc 6 + 6 + 6, open: the other English 6: 48.
  row(p6, "GCSE_ENG_LANG", "6");
  row(p6, "GCSE_ENG_LIT", "6");
  row(p6, "GCSE_MATHS", "6");
  row(p6, "GCSE_COMBINED_SCIENCE", "6-6");
  row(p6, "GCSE_GEOGRAPHY", "6");
  return s;
}

const char* kKs4Header = "upn,urn,ks4_year,qual_id,grade,exam_series\n";

class MeasuresTest : public testing::ScratchDirTest {
 protected:
  MeasuresTest() : ScratchDirTest("lantern_measures") {}

  // Writes the input folder with ks4 rows in the given order and ingests it.
  IngestReport Make(const std::string& name, std::string ks4_rows, std::string extra_ks4 = "",
                    std::string extra_ks2 = "", std::string extra_dest = "",
                    std::map<std::string, std::string> extra_files = {}) {
    const std::string input = dir_ + "/" + name + "_in", store = dir_ + "/" + name;
    const std::string p2 = TinyUpn(2), p3 = TinyUpn(3), p4 = TinyUpn(4), p6 = TinyUpn(6);
    std::string dest = "upn,urn,ks4_year,month,activity,source\n";
    for (int k = 0; k < 12; ++k) {
      const std::string month = fmt::format("{}-{:02d}", k < 5 ? 2019 : 2020, (7 + k) % 12 + 1);
      dest += p4 + ",900002,201819," + month + ",fe_college,matched\n";
      dest += p2 + ",900002,201819," + month + ",neet,nccis\n";
      if (k < 6) dest += p6 + ",900002,201819," + month + ",apprenticeship,\n";
    }
    extra_files["ks2_results.csv"] =
        "upn,ks2_year,read_scaled,mat_scaled,read_status,mat_status\n" + p2 +
        ",201314,105,107,,\n" + p3 + ",201314,,95,below_test,tested\n" + p4 +
        ",201213,100,100,tested,tested\n" + extra_ks2;
    extra_files["ks4_results.csv"] = kKs4Header + ks4_rows + extra_ks4;
    extra_files["destinations.csv"] = dest + extra_dest;
    testing::WriteTinyInput(input, extra_files);
    IngestOptions o;
    o.input_dir = input;
    o.store_dir = store;
    IngestReport r;
    Status st = Ingest(o, &r);
    EXPECT_TRUE(st.ok()) << st.message();
    return r;
  }

  std::string Policy(int suppress_below, int min_pupils) {
    const std::string path = dir_ + fmt::format("/policy_{}_{}.json", suppress_below, min_pupils);
    std::ofstream(path) << fmt::format("{{\"suppress_below\": {}, \"ks4_school_min_pupils\": {}}}",
                                       suppress_below, min_pupils);
    return path;
  }

  CsvTable Run(const std::string& store, const std::string& out, const std::string& policy,
               const std::string& estimates = "", MeasuresReport* report = nullptr) {
    MeasuresOptions o;
    o.store_dir = dir_ + "/" + store;
    o.out_dir = dir_ + "/" + out;
    o.policy_file = policy;
    o.estimates_file = estimates;
    MeasuresReport r;
    Status st = WriteMeasures(o, &r);
    EXPECT_TRUE(st.ok()) << st.message();
    if (report != nullptr) *report = r;
    EXPECT_TRUE(fs::exists(o.out_dir + "/measures.meta.csv"));
    EXPECT_TRUE(fs::exists(o.out_dir + "/destinations.meta.csv"));
    return CsvTable::Load(o.out_dir + "/measures.csv").value();
  }

  static std::string At(const CsvTable& t, size_t row, const char* col) {
    return t.Cell(row, t.Column(col));
  }
};

TEST_F(MeasuresTest, BadRowsAreRejectedWithTheirCheck) {
  const std::string p4 = TinyUpn(4), p9 = TinyUpn(9);
  IngestReport r = Make("bad", Ks4Rows(),
                        p4 + ",900002,201819,GCSE_KNITTING,5,2019-06\n" +    // qualification
                            p4 + ",900002,201819,GCSE_DRAMA,A*,2019-06\n" +  // grade
                            p4 + ",900002,201819,GCSE_MUSIC,5,2019-13\n" +   // date
                            p4 + ",900002,201819,GCSE_DANCE,5,2020-06\n" +   // after KS4
                            p4 + ",900003,201819,GCSE_DT,5,2019-06\n" +      // two schools
                            p9 + ",900002,201819,GCSE_PE,5,2019-06\n",       // unknown pupil
                        TinyUpn(1) + ",201314,130,,,\n" +                    // score range
                            TinyUpn(5) + ",201314,100,,absent,\n",           // score + absent
                        p4 + ",900002,201819,2019-06,fe_college,\n" +        // before August
                            p4 + ",900002,201819,2019-09,university,\n");    // code
  uint64_t ks4_rejected = 0, ks2_rejected = 0, dest_rejected = 0;
  for (const auto& f : r.files) {
    if (f.file == "ks4_results.csv") ks4_rejected = f.rejected;
    if (f.file == "ks2_results.csv") ks2_rejected = f.rejected;
    if (f.file == "destinations.csv") dest_rejected = f.rejected;
  }
  EXPECT_EQ(ks4_rejected, 6u);
  EXPECT_EQ(ks2_rejected, 2u);
  EXPECT_EQ(dest_rejected, 2u);
  auto rejects = CsvTable::Load(r.rejects_dir + "/rejects.csv");
  ASSERT_TRUE(rejects.ok());
  std::multiset<std::string> checks;
  for (size_t i = 0; i < rejects->rows(); ++i) {
    checks.insert(rejects->Cell(i, rejects->Column("file")) + ":" +
                  rejects->Cell(i, rejects->Column("check")));
  }
  for (const char* c :
       {"ks4_results.csv:qualification", "ks4_results.csv:grade", "ks4_results.csv:consistency",
        "ks4_results.csv:unknown_pupil", "ks2_results.csv:consistency", "destinations.csv:date",
        "destinations.csv:code"}) {
    EXPECT_GE(checks.count(c), 1u) << c;
  }
  EXPECT_EQ(checks.count("ks4_results.csv:date"), 2u);
  // Ingesting the same files again changes nothing.
  IngestReport again = Make("bad", Ks4Rows());
  EXPECT_FALSE(again.committed);
}

TEST_F(MeasuresTest, FiguresWorkedByHand) {
  Make("store", Ks4Rows());
  MeasuresReport report;
  CsvTable t = Run("store", "out", Policy(0, 1), "", &report);
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(At(t, 0, "school_urn"), "900002");
  EXPECT_EQ(At(t, 0, "ks4_pupils"), "4");
  // (54.5 + 14 + 5.5 + 48) / 4 = 30.5
  EXPECT_EQ(At(t, 0, "att8"), "30.5");
  // P6 has no KS2: in A8, not in P8.
  EXPECT_EQ(At(t, 0, "p8_pupils"), "3");
  EXPECT_EQ(report.result.pupils, 4);
  EXPECT_EQ(report.result.pupils_with_prior, 3);
  // Each pupil is alone in their group: cohort estimates are their own A8.
  EXPECT_EQ(At(t, 0, "p8"), "0.00");
  // Sustained: P4 (education) and P6 (apprenticeship) of 4.
  EXPECT_EQ(At(t, 0, "pt_sustained"), "50.0");
  EXPECT_EQ(At(t, 0, "pt_sen"), "50.0");         // P2 SEN support, P3 EHC plan
  EXPECT_EQ(At(t, 0, "pt_vocational"), "50.0");  // P3 and P4

  // Published estimates (every group 40; elements 10): P8 of P4 (54.5-40)/10
  // = 1.45, P2 -2.6, P3 -3.45; mean -1.53.
  std::string est = dir_ + "/est/p8_pupil_coefficients_file.csv";
  fs::create_directories(dir_ + "/est");
  {
    std::ofstream f(est);
    f << "ks2emss_grp,p8est,p8esteng,p8estmat,p8estebac,p8estopen\n";
    for (int g = 1; g <= 34; ++g) f << g << ",40,10,10,10,10\n";
  }
  CsvTable e = Run("store", "out_est", Policy(0, 1), est);
  EXPECT_EQ(At(e, 0, "p8"), "-1.53");
  // Elements: English (P4 12, P2 4, P3 0) - 10, halved: (1 - 3 - 5) / 3.
  EXPECT_EQ(At(e, 0, "p8_english"), "-2.33");

  // The comparison: one school, in the same band under both measures.
  auto cmp = CsvTable::Load(dir_ + "/out/measures_comparison.csv").value();
  ASSERT_EQ(cmp.rows(), 2u);
  EXPECT_EQ(cmp.Cell(0, cmp.Column("band_change")), "All schools");
  EXPECT_EQ(cmp.Cell(0, cmp.Column("schools")), "1");
  EXPECT_EQ(cmp.Cell(0, cmp.Column("pt_vocational_mean")), "50.0");
  EXPECT_EQ(cmp.Cell(0, cmp.Column("corr_sustained_p8")), "z");  // fewer than 3 schools
  EXPECT_EQ(cmp.Cell(1, cmp.Column("band_change")), "no change");
  EXPECT_TRUE(fs::exists(dir_ + "/out/measures_comparison.meta.csv"));

  auto d = CsvTable::Load(dir_ + "/out/destinations.csv").value();
  bool found = false;
  for (size_t i = 0; i < d.rows(); ++i) {
    if (d.Cell(i, d.Column("geographic_level")) == "School" &&
        d.Cell(i, d.Column("breakdown")) == "Total") {
      found = true;
      EXPECT_EQ(d.Cell(i, d.Column("cohort")), "4");
      EXPECT_EQ(d.Cell(i, d.Column("overall_dest")), "2");
      EXPECT_EQ(d.Cell(i, d.Column("education")), "1");
      EXPECT_EQ(d.Cell(i, d.Column("apprenticeship")), "1");
      EXPECT_EQ(d.Cell(i, d.Column("not_sustained")), "1");
      EXPECT_EQ(d.Cell(i, d.Column("unknown")), "1");
      // At 6 months (January): P4 FE, P6 apprenticeship, P2 NEET, P3 not known.
      EXPECT_EQ(d.Cell(i, d.Column("participating_6m")), "2");
      EXPECT_EQ(d.Cell(i, d.Column("neet_6m")), "1");
      EXPECT_EQ(d.Cell(i, d.Column("neet_6m_pct")), "25.0");
      EXPECT_EQ(d.Cell(i, d.Column("not_known_6m")), "1");
      // At 12 months P6's apprenticeship has no record: not known.
      EXPECT_EQ(d.Cell(i, d.Column("not_known_12m")), "2");
      // Wilson 95% for 1 of 4: 4.6% to 69.9%.
      EXPECT_EQ(d.Cell(i, d.Column("neet_6m_lower")), "4.6");
      EXPECT_EQ(d.Cell(i, d.Column("neet_6m_upper")), "69.9");
    }
  }
  EXPECT_TRUE(found);

  // Pathways (docs/measures.md): P2, P4 (1 technical entry of 10) and P6
  // mainly academic; P3 (2 of 3: functional skills and a technical award)
  // mainly technical or vocational; no pupil mixed, so no such row.
  std::map<std::string, std::string> pathway;
  for (size_t i = 0; i < d.rows(); ++i) {
    if (d.Cell(i, d.Column("geographic_level")) == "School" &&
        d.Cell(i, d.Column("breakdown_topic")) == "Pathway") {
      pathway[d.Cell(i, d.Column("breakdown"))] = d.Cell(i, d.Column("cohort"));
    }
  }
  EXPECT_EQ(pathway["Mainly academic"], "3");
  EXPECT_EQ(pathway["Mainly technical or vocational"], "1");
  EXPECT_EQ(pathway.count("Mixed"), 0u);
}

// AP settings on reintegration and on the destinations of the Year 11
// pupils placed with them (ap_settings.csv), and the destinations of the
// pupils placed in AP in Year 11 (destinations.csv), worked by hand: at
// the Bridge Centre P4 (reintegrated), P2 (ended, moved on) and P3 (still
// there); at Horizon P6 (reintegrated). Sustained: P4 (FE) and P6
// (apprenticeship); P2 NEET; P3 no record.
TEST_F(MeasuresTest, ApSettingsOnReintegrationAndDestinations) {
  using testing::TinyUpn;
  const std::string header =
      "upn,commissioner_urn,provider_id,provider_name,setting,setting_type,basis,hours_per_week,"
      "reason,start_date,end_date,reintegration_plan,outcome\n";
  // Commissioned by the academy (900002), P6's by the PRU (900003), whose
  // roll P6 is on by then.
  auto row = [](const std::string& upn, const char* id, const char* name, const char* setting,
                const char* from, const char* to, const char* outcome,
                const char* commissioner = "900002") {
    return upn + "," + commissioner + "," + id + "," + name + "," + setting + ",,,10,behaviour," +
           from + "," + to + ",Y," + outcome + "\n";
  };
  const std::string ap =
      header +
      row(TinyUpn(4), "AP1", "Bridge Centre", "registered", "2019-01-07", "2019-03-29",
          "reintegrated") +
      row(TinyUpn(2), "AP1", "Bridge Centre", "registered", "2018-10-01", "2018-12-14",
          "moved_school") +
      row(TinyUpn(3), "AP1", "Bridge Centre", "registered", "2019-02-01", "", "") +
      row(TinyUpn(6), "AP2", "Horizon", "unregistered", "2019-04-23", "2019-05-24", "reintegrated",
          "900003");
  IngestReport r = Make("ap_store", Ks4Rows(), "", "", "", {{"ap_placements.csv", ap}});
  ASSERT_EQ(r.rows_rejected, 0) << *ReadFileToString(r.rejects_dir + "/rejects.csv");
  Run("ap_store", "ap_out", Policy(0, 1));
  auto t = CsvTable::Load(dir_ + "/ap_out/ap_settings.csv");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(fs::exists(dir_ + "/ap_out/ap_settings.meta.csv"));
  ASSERT_EQ(t->rows(), 2u);
  auto at = [&](const char* provider, const char* col) {
    for (size_t i = 0; i < t->rows(); ++i) {
      if (t->Cell(i, t->Column("ap_provider_id")) == provider) return t->Cell(i, t->Column(col));
    }
    return std::string("no row");
  };
  EXPECT_EQ(at("AP1", "ap_provider_name"), "Bridge Centre");
  EXPECT_EQ(at("AP1", "ap_setting"), "registered");
  EXPECT_EQ(at("AP1", "placements"), "3");
  EXPECT_EQ(at("AP1", "placements_ended"), "2");
  EXPECT_EQ(at("AP1", "reintegrated"), "1");
  EXPECT_EQ(at("AP1", "reintegrated_pct"), "50.0");
  EXPECT_EQ(at("AP1", "year11_placed"), "3");
  EXPECT_EQ(at("AP1", "overall_dest"), "1");
  EXPECT_EQ(at("AP1", "overall_dest_pct"), "33.3");
  EXPECT_EQ(at("AP2", "reintegrated_pct"), "100.0");
  EXPECT_EQ(at("AP2", "overall_dest_pct"), "100.0");
  // The pupils placed in AP in Year 11, as a group of destinations.csv.
  auto d = CsvTable::Load(dir_ + "/ap_out/destinations.csv").value();
  std::string cohort = "no row";
  for (size_t i = 0; i < d.rows(); ++i) {
    if (d.Cell(i, d.Column("geographic_level")) == "School" &&
        d.Cell(i, d.Column("breakdown")) == "Placed in AP in Year 11") {
      cohort = d.Cell(i, d.Column("cohort"));
    }
  }
  EXPECT_EQ(cohort, "4");
  // Under the one rule at 3 a count of 1 or 2 is c, and so is its share.
  Run("ap_store", "ap_out3", Policy(3, 1));
  t = CsvTable::Load(dir_ + "/ap_out3/ap_settings.csv");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(at("AP1", "placements"), "3");
  EXPECT_EQ(at("AP1", "reintegrated"), "c");
  EXPECT_EQ(at("AP1", "reintegrated_pct"), "c");
  EXPECT_EQ(at("AP1", "reintegrated_lower"), "c");
  EXPECT_EQ(at("AP2", "placements"), "c");
}

TEST(PathwayTest, SharesOfTechnicalEntries) {
  EXPECT_EQ(PathwayOf(0, 0), Pathway::kNone);
  EXPECT_EQ(PathwayOf(10, 2), Pathway::kAcademic);  // under a quarter
  EXPECT_EQ(PathwayOf(8, 2), Pathway::kMixed);      // exactly a quarter
  EXPECT_EQ(PathwayOf(9, 4), Pathway::kMixed);      // under a half
  EXPECT_EQ(PathwayOf(8, 4), Pathway::kTechnical);  // exactly a half
  EXPECT_EQ(PathwayOf(3, 3), Pathway::kTechnical);
  EXPECT_STREQ(PathwayLabel(Pathway::kMixed), "Mixed");
}

// The same destinations through the cube (the destination grain and the
// ks4_destinations family of `lantern build`): the school row agrees with
// measures' destinations.csv.
TEST_F(MeasuresTest, DestinationsThroughTheCube) {
  Make("store", Ks4Rows());
  BuildOptions b;
  b.store_dir = dir_ + "/store";
  b.out_dir = dir_ + "/build";
  b.policy_file = Policy(0, 1);
  b.families = {"ks4_destinations"};
  BuildReport report;
  Status st = Build(b, &report);
  ASSERT_TRUE(st.ok()) << st.message();
  auto d = CsvTable::Load(dir_ + "/build/ks4_destinations.csv").value();
  bool found = false;
  for (size_t i = 0; i < d.rows(); ++i) {
    if (d.Cell(i, d.Column("geographic_level")) != "School" ||
        d.Cell(i, d.Column("breakdown")) != "Total" ||
        d.Cell(i, d.Column("school_urn")) != "900002") {
      continue;
    }
    found = true;
    EXPECT_EQ(d.Cell(i, d.Column("ks4_cohort")), "4");
    EXPECT_EQ(d.Cell(i, d.Column("overall_dest")), "2");
    EXPECT_EQ(d.Cell(i, d.Column("overall_dest_percent")), "50.00000");
    EXPECT_EQ(d.Cell(i, d.Column("appren")), "1");
    EXPECT_EQ(d.Cell(i, d.Column("all_notsust")), "1");
    EXPECT_EQ(d.Cell(i, d.Column("all_unknown")), "1");
    EXPECT_EQ(d.Cell(i, d.Column("participating_6m")), "2");
    EXPECT_EQ(d.Cell(i, d.Column("neet_6m")), "1");
    EXPECT_EQ(d.Cell(i, d.Column("not_known_12m")), "2");
  }
  EXPECT_TRUE(found);
}

TEST_F(MeasuresTest, DisclosureControl) {
  Make("store", Ks4Rows());
  // Default policy: fewer than 6 pupils: every school figure is c; counts
  // of 1 or 2 are c in destinations.
  CsvTable t = Run("store", "out", "");
  EXPECT_EQ(At(t, 0, "att8"), "c");
  EXPECT_EQ(At(t, 0, "p8"), "c");
  EXPECT_EQ(At(t, 0, "ks4_pupils"), "4");
  auto d = CsvTable::Load(dir_ + "/out/destinations.csv").value();
  for (size_t i = 0; i < d.rows(); ++i) {
    if (d.Cell(i, d.Column("breakdown")) != "Total") continue;
    EXPECT_EQ(d.Cell(i, d.Column("neet_6m")), "c");
    EXPECT_EQ(d.Cell(i, d.Column("neet_6m_lower")), "c");
  }
}

TEST_F(MeasuresTest, ShuffledInputGivesTheSameFiles) {
  Make("a", Ks4Rows());
  std::string rows = Ks4Rows();
  std::vector<std::string> lines;
  for (size_t p = 0; p < rows.size();) {
    size_t e = rows.find('\n', p);
    lines.push_back(rows.substr(p, e - p + 1));
    p = e + 1;
  }
  std::mt19937 rng(42);
  std::shuffle(lines.begin(), lines.end(), rng);
  std::string shuffled;
  for (const auto& l : lines) shuffled += l;
  Make("b", shuffled);
  Run("a", "out_a", Policy(0, 1));
  Run("b", "out_b", Policy(0, 1));
  for (const char* f : {"measures.csv", "destinations.csv"}) {
    EXPECT_EQ(ReadFileToString(dir_ + "/out_a/" + f).value(),
              ReadFileToString(dir_ + "/out_b/" + f).value())
        << f;
  }
}

}  // namespace
}  // namespace lantern

namespace lantern {
namespace {

// --open-data: the bands worked out from the published P8 and interval
// agree with the Department's P8_BANDING, except where a score published as
// exactly +-0.50 or a limit as 0.00 hides which side of the line it fell.
TEST(MeasuresOpenDataTest, BandsAgreeWithThePublishedBanding) {
  auto dir = FindRealDataDir();
  LANTERN_REQUIRE_REAL_DATA(dir.ok());
  auto result = OpenDataMeasures(*dir);
  ASSERT_TRUE(result.ok()) << result.status().message();
  auto pub =
      CsvTable::Load(*dir + "/perf_tables_2019_ks4_provisional_school/england_ks4provisional.csv");
  ASSERT_TRUE(pub.ok());
  std::map<int32_t, std::string> banding;
  for (size_t r = 0; r < pub->rows(); ++r) {
    banding[std::atoi(pub->Cell(r, pub->Column("URN")).c_str())] =
        pub->Cell(r, pub->Column("P8_BANDING"));
  }
  const std::map<std::string, ProgressBand> code = {{"1", ProgressBand::kWellAbove},
                                                    {"2", ProgressBand::kAbove},
                                                    {"3", ProgressBand::kAverage},
                                                    {"4", ProgressBand::kBelow},
                                                    {"5", ProgressBand::kWellBelow}};
  int agree = 0, edge = 0, disagree = 0;
  for (const SchoolMeasures& m : result->schools) {
    auto it = code.find(banding[m.urn]);
    if (it == code.end() || !m.p8.available) continue;
    if (it->second == m.p8.band) {
      ++agree;
    } else if (std::abs(std::abs(m.p8.score) - 0.5) < 1e-9 || std::abs(m.p8.lower) < 1e-9 ||
               std::abs(m.p8.upper) < 1e-9) {
      ++edge;
    } else {
      ++disagree;
    }
  }
  EXPECT_GT(agree, 3000);
  EXPECT_EQ(disagree, 0);
  EXPECT_LT(edge, agree / 100);
}

}  // namespace
}  // namespace lantern
