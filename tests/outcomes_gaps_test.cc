// The Local Outcomes Framework's gaps in pupil-level mode, end to end on the
// tiny hand-made input: a session rate's gap to its peers takes MOVER from
// the two rows' own (clustered) intervals as the file gives them, never the
// binomial interval on sessions, and none where a side has no interval.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/csv_table.h"
#include "lantern/ingest.h"
#include "lantern/outcomes.h"
#include "stats/intervals.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

class OutcomesGapsTest : public testing::ScratchDirTest {};

TEST_F(OutcomesGapsTest, SessionRateGapsAreMoverFromTheRowsOwnIntervals) {
  testing::WriteTinyInput(dir_ + "/input");
  IngestOptions io;
  io.input_dir = dir_ + "/input";
  io.store_dir = dir_ + "/store";
  IngestReport ir;
  ASSERT_TRUE(Ingest(io, &ir).ok());
  PupilLevelOutcomesOptions o;
  o.policy_file = dir_ + "/policy.json";
  std::ofstream(o.policy_file) << "{\"suppress_below\": 1}";
  OutcomesReport report;
  Status st = RunPupilLevelOutcomes(dir_ + "/store", o, dir_ + "/out", &report);
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto t = CsvTable::Load(dir_ + "/out/local_outcomes.csv");
  ASSERT_TRUE(t.ok());
  auto col = [&](const char* name) {
    const int c = t->Column(name);
    EXPECT_GE(c, 0) << name;
    return c;
  };
  const int c_level = col("geographic_level"), c_la = col("old_la_code"), c_urn = col("school_urn"),
            c_basis = col("location_basis"), c_m = col("measure"), c_st = col("school_type"),
            c_topic = col("breakdown_topic"), c_g = col("breakdown"),
            c_peer = col("peer_breakdown"), c_v = col("value"), c_lo = col("lower_95"),
            c_hi = col("upper_95"), c_num = col("numerator"), c_den = col("denominator"),
            c_gap = col("gap_to_peers"), c_glo = col("gap_lower_95"), c_ghi = col("gap_upper_95"),
            c_elo = col("gap_to_england_lower_95");
  // Each row by its place, series and group.
  auto key = [&](size_t r, const std::string& group) {
    std::string k;
    for (int c : {c_level, c_la, c_urn, c_basis, c_m, c_st}) k += t->Cell(r, c) + "|";
    return k + group;
  };
  std::map<std::string, size_t> rows;
  for (size_t r = 0; r < t->rows(); ++r) rows[key(r, t->Cell(r, c_g))] = r;
  auto num = [&](size_t r, int c) { return std::stod(t->Cell(r, c)); };
  int with_interval = 0, without = 0;
  for (size_t r = 0; r < t->rows(); ++r) {
    if (t->Cell(r, c_m).rfind("sess_", 0) != 0 || t->Cell(r, c_gap) == "x" ||
        t->Cell(r, c_gap) == "z") {
      continue;
    }
    const std::string peer = t->Cell(r, c_peer);
    auto it = rows.find(key(r, peer));
    ASSERT_NE(it, rows.end()) << t->Cell(r, c_m) << " " << t->Cell(r, c_g);
    const size_t p = it->second;
    SCOPED_TRACE(t->Cell(r, c_level) + " " + t->Cell(r, c_la) + " " + t->Cell(r, c_basis) + " " +
                 t->Cell(r, c_m) + " " + t->Cell(r, c_topic) + ": " + t->Cell(r, c_g) + " - " +
                 peer);
    // A store of one region is not England: no England gap, nor its interval.
    EXPECT_EQ(t->Cell(r, c_elo), "x");
    if (t->Cell(r, c_lo) == "x" || t->Cell(p, c_lo) == "x") {
      EXPECT_EQ(t->Cell(r, c_glo), "x");
      EXPECT_EQ(t->Cell(r, c_ghi), "x");
      ++without;
      continue;
    }
    const stats::Interval d = stats::MoverDifference(num(r, c_v), {num(r, c_lo), num(r, c_hi)},
                                                     num(p, c_v), {num(p, c_lo), num(p, c_hi)});
    // The file rounds every figure to 5 decimal places.
    EXPECT_NEAR(num(r, c_glo), d.lower, 5e-5);
    EXPECT_NEAR(num(r, c_ghi), d.upper, 5e-5);
    const stats::Interval binomial =
        stats::NewcombeDifference(num(r, c_num), num(r, c_den), num(p, c_num), num(p, c_den));
    EXPECT_GT(std::abs(num(r, c_glo) - binomial.lower * 100), 1e-3);
    ++with_interval;
  }
  // The tiny store has both: groups of two or more enrolments, and groups of one (no
  // clustered interval, so no gap interval).
  EXPECT_GT(with_interval, 0);
  EXPECT_GT(without, 0);
  // LA 805 by school location: P3 is the only pupil with an EHC plan; the
  // disadvantaged are P1, P2 and P3 (7 of 30 sessions missed).
  auto la_row = [&](const char* group) -> size_t {
    auto it = rows.find("Local authority|805||School location|sess_overall_percent|Total|" +
                        std::string(group));
    EXPECT_NE(it, rows.end()) << group;
    return it == rows.end() ? 0 : it->second;
  };
  const size_t ehcp = la_row("EHC plan"), disadvantaged = la_row("Disadvantaged");
  EXPECT_EQ(t->Cell(ehcp, c_lo),
            "x");  // one enrolment: no clustered interval, not a zero-width one
  EXPECT_NE(t->Cell(ehcp, c_gap), "x");
  EXPECT_EQ(t->Cell(ehcp, c_glo), "x");
  EXPECT_EQ(t->Cell(disadvantaged, c_num), "7");
  EXPECT_LT(num(disadvantaged, c_glo), num(disadvantaged, c_gap));
  EXPECT_GT(num(disadvantaged, c_ghi), num(disadvantaged, c_gap));
}

}  // namespace
}  // namespace lantern
