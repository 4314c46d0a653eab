// The check against the real thing (issue 2, item 7): a whole region is
// generated for its real schools, ingested and built, and each school's and
// local authority's overall and persistent absence from `lantern build` is
// set against what the Department published for 2018/19. Skipped when the
// real-data folder is missing.
#include "lantern/published_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "lantern/build.h"
#include "lantern/generate.h"
#include "lantern/ingest.h"
#include "reference/real_data.h"
#include "tests/real_data.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;

class RegionCheckTest : public testing::GeneratedDataSuite<RegionCheckTest> {
 protected:
  static void SetUpTestSuite() {
    if (!FindRealDataDir().ok()) return;
    dir_ = new std::string(
        (fs::temp_directory_path() / ("lantern_region_check_" + std::to_string(::getpid())))
            .string());
    fs::remove_all(*dir_);
    Result<PublishedCheckReport> r = Run();
    status_ = new Status(r.status());
    if (r.ok()) report_ = new PublishedCheckReport(std::move(r).value());
  }
  static Result<PublishedCheckReport> Run() {
    GenerateOptions g;
    g.scale = GenerateScale::kRegion;
    g.region = "North East";
    g.seed = 20190101;
    g.form = "compact";  // the same marks as the long form, a tenth of the bytes
    g.out_dir = *dir_ + "/input";
    g.progress = false;
    GenerateReport gr;
    LANTERN_RETURN_IF_ERROR(Generate(g, &gr));
    IngestOptions in;
    in.input_dir = g.out_dir;
    in.store_dir = *dir_ + "/store";
    IngestReport ir;
    LANTERN_RETURN_IF_ERROR(Ingest(in, &ir));
    fs::remove_all(g.out_dir);
    BuildOptions b;
    b.store_dir = in.store_dir;
    b.out_dir = *dir_ + "/output";
    BuildReport br;
    LANTERN_RETURN_IF_ERROR(Build(b, &br));
    PublishedCheckOptions c;
    c.store_dir = in.store_dir;
    c.build_dir = b.out_dir;
    LANTERN_ASSIGN_OR_RETURN(PublishedCheckReport r, CheckAgainstPublished(c));
    LANTERN_RETURN_IF_ERROR(WritePublishedCheck(r, *dir_ + "/check"));
    return r;
  }
  static void TearDownTestSuite() {
    GeneratedDataSuite::TearDownTestSuite();
    delete report_;
    report_ = nullptr;
  }
  static const PublishedCheckReport& R() { return *report_; }

  static inline PublishedCheckReport* report_ = nullptr;
};

TEST_F(RegionCheckTest, EverySchoolWithPublishedAbsenceIsCompared) {
  // The North East has about a thousand state-funded schools with published absence.
  EXPECT_GT(R().school_overall.compared, 900u);
  EXPECT_GT(R().school_persistent.compared, 900u);
  EXPECT_EQ(R().schools_without_output, 0u);
  // The figure in attendance.csv is the store's own recount, to the last decimal.
  EXPECT_EQ(R().output_mismatches, 0u);
  std::fputs(R().Markdown(5).c_str(), stdout);
}

TEST_F(RegionCheckTest, SchoolsAgreeWithTheirPublishedAbsenceWithinSamplingError) {
  const AgreementSummary& o = R().school_overall;
  const AgreementSummary& p = R().school_persistent;
  // A 95% interval should hold about 95% of schools; calibration error and
  // small schools take a few points off.
  EXPECT_GE(o.inside, o.compared * 90 / 100) << o.inside << " of " << o.compared;
  EXPECT_GE(p.inside, p.compared * 85 / 100) << p.inside << " of " << p.compared;
  EXPECT_GT(o.correlation, 0.95);
  EXPECT_GT(p.correlation, 0.9);
  EXPECT_LT(o.mean_abs_difference, 0.4);
  EXPECT_LT(std::fabs(o.mean_difference), 0.15);
  EXPECT_LT(p.mean_abs_difference, 2.5);
}

TEST_F(RegionCheckTest, LocalAuthoritiesAgreeWithLait) {
  // Twelve North East LAs, each with TotAbs and TotPerAbNew.
  EXPECT_EQ(R().la_overall.compared, 12u);
  EXPECT_EQ(R().la_persistent.compared, 12u);
  EXPECT_LT(R().la_overall.max_abs_difference, 0.5);
  EXPECT_LT(R().la_persistent.max_abs_difference, 2.0);
  bool england_seen = false;
  for (const AreaCheck& a : R().areas) {
    england_seen |= a.la_code == 0;
    EXPECT_GT(a.enrolments, 0u);
    EXPECT_GE(a.value.se, 0);
  }
  EXPECT_TRUE(england_seen);  // the region's pupils against England's figure, for reference
}

TEST_F(RegionCheckTest, InsideMeansWithinTheIntervalWidenedByRounding) {
  for (const SchoolCheck& s : R().schools) {
    if (s.has_overall) {
      const bool inside = std::fabs(s.overall.difference()) <= 1.959964 * s.overall.se + 0.05;
      ASSERT_EQ(s.overall.inside, inside) << s.urn;
      ASSERT_GT(s.overall.se, 0) << s.urn << " (" << s.enrolments << " enrolments)";
    }
    if (s.has_persistent) {
      // Wilson: inside [0, 100], around the value, with room even at 0%.
      const PublishedComparison& p = s.persistent;
      ASSERT_GE(p.lower, -1e-9);
      ASSERT_LE(p.upper, 100 + 1e-9);
      ASSERT_LE(p.lower, p.computed + 1e-9);
      ASSERT_GE(p.upper, p.computed - 1e-9);
      ASSERT_GT(p.upper - p.lower, 0) << s.urn;
      ASSERT_EQ(p.inside, p.published >= p.lower - 0.05 && p.published <= p.upper + 0.05);
    }
  }
  EXPECT_TRUE(fs::exists(*dir_ + "/check/published_check_schools.csv"));
  EXPECT_TRUE(fs::exists(*dir_ + "/check/published_check_areas.csv"));
}

// KS4 (issue 12): the generated KS2, KS4 results and destinations, measured
// by `lantern measures`' computation against the published estimates, set
// against each school's published ATT8SCR, P8MEA and sustained rate.
TEST_F(RegionCheckTest, Ks4MeasuresAgreeWithThePublishedFigures) {
  ASSERT_TRUE(R().ks4_note.empty()) << R().ks4_note;
  const AgreementSummary& a = R().school_att8;
  const AgreementSummary& p = R().school_p8;
  const AgreementSummary& d = R().school_sustained;
  // About 150 North East schools publish A8 and P8; most publish destinations.
  EXPECT_GT(a.compared, 130u);
  EXPECT_GT(p.compared, 130u);
  EXPECT_GT(d.compared, 100u);
  EXPECT_GE(p.inside, p.compared * 85 / 100) << p.inside << " of " << p.compared;
  EXPECT_GE(a.inside, a.compared * 85 / 100) << a.inside << " of " << a.compared;
  EXPECT_GE(d.inside, d.compared * 80 / 100) << d.inside << " of " << d.compared;
  EXPECT_GT(p.correlation, 0.9);
  EXPECT_GT(a.correlation, 0.95);
  EXPECT_LT(p.mean_abs_difference, 0.15);
  EXPECT_LT(std::fabs(p.mean_difference), 0.05);
  EXPECT_LT(a.mean_abs_difference, 1.5);
  EXPECT_LT(d.mean_abs_difference, 3.0);
  for (const Ks4SchoolCheck& s : R().ks4_schools) {
    if (!s.has_p8) continue;
    ASSERT_LE(s.p8.lower, s.p8.computed + 1e-9) << s.urn;
    ASSERT_GE(s.p8.upper, s.p8.computed - 1e-9) << s.urn;
    ASSERT_EQ(s.p8.inside,
              s.p8.published >= s.p8.lower - 0.005 && s.p8.published <= s.p8.upper + 0.005);
  }
  EXPECT_TRUE(fs::exists(*dir_ + "/check/published_check_ks4.csv"));
}

}  // namespace
}  // namespace lantern
