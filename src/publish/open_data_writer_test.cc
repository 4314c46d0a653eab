// The open-data writer on a small hand-made family: geography columns by
// level, c and z, rounding half away from zero, the same bytes on any
// number of threads, the metadata, and an unwritable folder.
#include "publish/open_data_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <random>

#include "aggregate/cube_test_util.h"
#include "common/csv_table.h"
#include "common/file_util.h"
#include "publish/ees_geography.h"
#include "store/table_ops.h"
#include "tests/scratch_dir.h"

namespace lantern {
namespace {

IndicatorDecl Decl(std::string_view id, IndicatorKind kind, std::string_view numerator,
                   std::string_view denominator, std::string_view hidden, int dp) {
  IndicatorDecl d;
  d.id = d.label = d.grouping = id;
  d.kind = kind;
  d.numerator.measure = numerator;
  d.denominator.measure = denominator;
  d.hidden_with = hidden;
  d.decimal_places = dp;
  d.definition = "Test.";
  return d;
}

// A family of three indicators over real enrolment measures (0, 1 and 2 dp).
const Catalogue& TestCatalogue() {
  static const std::vector<FamilyDecl> families = [] {
    FamilyDecl f;
    f.id = "odw";
    f.file = "odw_test.csv";
    f.title = "Test";
    f.row_count = f.row_count_label = "enrolments";
    f.indicators = {
        Decl("odw_enrolments", IndicatorKind::kCount, "enrolments", "", "enrolments", 0),
        Decl("odw_rate", IndicatorKind::kRatio, "sess_overall", "sess_possible", "enrolments", 1),
        Decl("odw_pa", IndicatorKind::kPercent, "enrolments_pa_10_exact", "enrolments",
             "enrolments_pa_10_exact", 2)};
    return std::vector<FamilyDecl>{f};
  }();
  static const Catalogue cat = Catalogue::Build(families, {}).value();
  return cat;
}

// One enrolment's school and pupil rows and measures, in kFactIds' order.
constexpr std::string_view kFactIds[] = {"enrolments", "sess_possible", "sess_overall",
                                         "enrolments_pa_10_exact"};
struct Fact {
  uint32_t school, pupil;
  std::array<int64_t, 4> values;
};

// The enrolment grain's measures, with the values above (0 for the rest).
class FakeEnrolments : public FactGrain {
 public:
  explicit FakeEnrolments(std::vector<Fact> facts) : facts_(std::move(facts)) {}
  std::string_view name() const override { return "enrolment"; }
  std::span<const MeasureDecl> measures() const override {
    return GrainMeasures(GrainId::kEnrolment);
  }
  uint64_t max_rows_per_school() const override { return facts_.size(); }
  Status Prepare(std::span<const int> wanted) override {
    wanted_.assign(wanted.begin(), wanted.end());
    return Status::Ok();
  }
  void Scan(const SchoolShare& share, FactSink* sink) const override {
    for (const Fact& f : facts_) {
      std::vector<int64_t> v;
      for (int m : wanted_) {
        const auto* id = std::find(std::begin(kFactIds), std::end(kFactIds),
                                   measures()[static_cast<size_t>(m)].id);
        v.push_back(id == std::end(kFactIds) ? 0 : f.values[id - kFactIds]);
      }
      if (share.owns(f.school)) sink->Add(f.school, f.pupil, v.data());
    }
  }

 private:
  std::vector<Fact> facts_;
  std::vector<int> wanted_;
};

// n / d x 100 to 5 places, halves away from zero, in integers.
std::string Percent(int64_t n, int64_t d) {
  const int64_t q = (n * 10000000 * 2 + d) / (2 * d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%05lld", static_cast<long long>(q / 100000),
                static_cast<long long>(q % 100000));
  return buf;
}

class OpenDataWriterTest : public testing::ScratchDirTest {
 protected:
  OpenDataWriterTest() : ScratchDirTest("lantern_open_data") {}
  // The cube and flags of these facts, the way compute.cc makes them.
  void Compute(std::vector<Fact> facts) {
    const Family& fam = TestCatalogue().families()[0];
    grain_ = std::make_unique<FakeEnrolments>(std::move(facts));
    const auto controlled = ControlledMeasures(TestCatalogue(), fam.indicators, false);
    const auto wanted = TestCatalogue().MeasuresOf(fam.indicators, controlled, false);
    ASSERT_EQ(wanted.size(), 1u);
    CubeRequest r;
    r.state = &state_;
    r.policy = &policy_;
    r.grains = {{grain_.get(), wanted[0].second}};
    r.threads = 2;
    cube_ = Cube::Build(r).value();
    where_ = std::make_unique<CubeMeasures>(cube_, wanted);
    std::vector<ControlledCount> counts;
    for (const MeasureRef& m : controlled) {
      counts.push_back(
          {static_cast<size_t>(where_->Index(m)), where_->Index(TestCatalogue().WithinOf(m))});
    }
    flags_ = DisclosureFlags::Run(cube_, counts, policy_, 1);
  }
  Status Write(const std::string& dir, int threads) {
    OpenDataInput in;
    in.catalogue = &TestCatalogue();
    in.family = &TestCatalogue().families()[0];
    in.cube = &cube_;
    in.measures = where_.get();
    in.flags = &flags_;
    in.state = &state_;
    in.policy = &policy_;
    in.time_period = "201819";
    in.threads = threads;
    return WriteOpenDataFile(in, dir, &stats_);
  }
  CsvTable Load(const std::string& file) {
    auto t = CsvTable::Load(dir_ + "/" + file);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->malformed_records(), 0u);
    return std::move(t).value();
  }
  // The one row matching every (column, value).
  static std::vector<std::string> Row(const CsvTable& t,
                                      const std::map<std::string, std::string>& where) {
    std::vector<std::string> found;
    int matches = 0;
    for (size_t r = 0; r < t.rows(); ++r) {
      bool ok = true;
      for (const auto& [k, v] : where) ok = ok && t.Cell(r, t.Column(k)) == v;
      if (ok && ++matches) found = t.Row(r);
    }
    EXPECT_EQ(matches, 1);
    return found;
  }
  // Hand-worked facts on SmallStore: p0, p1 at school 100; p2 at 101; p3 at 102.
  void Small() {
    policy_.suppress_below = 1;  // nothing hidden: every figure shows
    policy_.secondary_suppression = false;
    Compute({{0, 0, {1, 256, 1, 0}},
             {0, 1, {1, 256, 2, 0}},
             {1, 2, {1, 7, 2, 1}},
             {2, 3, {1, 0, 0, 0}}});
    ASSERT_TRUE(Write(dir_, 1).ok());
  }
  // 600 schools and 6,000 pupils: enough rows for several blocks.
  void Big() {
    std::mt19937 rng(7);
    const StoreState base = testing::SmallStore();
    SchoolTable& s = state_.schools;
    for (int i = 0; i < 600; ++i) {  // as schools 100 (trust), 101 (trust) and 102
      AppendRow(s, base.schools, static_cast<size_t>(i % 3));
      s.urn.back() = 200000 + i;
      s.estab.back() = static_cast<int16_t>(2000 + i);
      s.name.back() = "Big school \"" + std::to_string(i) + "\", somewhere";
    }
    std::vector<Fact> facts;
    PupilTable& p = state_.pupils;
    for (uint32_t i = 0; i < 6000; ++i) {
      AppendRow(p, base.pupils, i % 4);
      p.upn.back() = 1000 + i;
      p.sex.back() = static_cast<uint8_t>(rng() % 2);
      p.sen_provision.back() = static_cast<uint8_t>(rng() % 3);
      p.year_group.back() = static_cast<int8_t>(rng() % 7);
      const int64_t possible = rng() % 20;
      facts.push_back({static_cast<uint32_t>(4 + rng() % 600),
                       4 + i,
                       {1, possible, possible ? static_cast<int64_t>(rng() % (possible + 1)) : 0,
                        static_cast<int64_t>(rng() % 3 == 0)}});
    }
    Compute(std::move(facts));
  }

  StoreState state_ = testing::SmallStore();
  Policy policy_;
  std::unique_ptr<FakeEnrolments> grain_;
  Cube cube_;
  std::unique_ptr<CubeMeasures> where_;
  DisclosureFlags flags_;
  OpenDataStats stats_;
};

using V = std::vector<std::string>;
using Where = std::map<std::string, std::string>;
// A cell of the headline type, by school location, for all pupils.
Where At(Where where) {
  for (const char* f : {"school_type", "breakdown_topic", "breakdown"}) where.emplace(f, "Total");
  where.emplace("location_basis", "School location");
  return where;
}
// The 15 time and geography columns: England, then the parts given.
V Geo(std::string level, V region, V la, V trust, V school) {
  V g = {"201819", "Academic year", level, "E92000001", "England"};
  for (V* part : {&region, &la, &trust, &school}) g.insert(g.end(), part->begin(), part->end());
  return g;
}

TEST_F(OpenDataWriterTest, GeographyColumnsFollowTheLevel) {
  Small();
  const CsvTable t = Load("odw_test.csv");
  V header(EesGeographyColumns().begin(), EesGeographyColumns().end());
  for (const char* c : {"school_type", "location_basis", "breakdown_topic", "breakdown",
                        "num_schools", "odw_enrolments", "odw_rate", "odw_pa"})
    header.push_back(c);
  ASSERT_EQ(t.header(), header);
  auto geo = [&](const Where& where) {
    const V row = Row(t, where);
    return row.size() < 15 ? row : V(row.begin(), row.begin() + 15);
  };
  const V no2 = {"", ""}, no3 = {"", "", ""}, ne = {"E12000001", "North East"};
  const V hartlepool = {"805", "E06000001", "Hartlepool"}, trust = {"T1", "Trust One"};
  const V middlesbrough = {"806", "E06000002", "Middlesbrough"};
  EXPECT_EQ(geo(At({{"geographic_level", "National"}})), Geo("National", no2, no3, no2, no3));
  EXPECT_EQ(geo(At({{"geographic_level", "Regional"}})), Geo("Regional", ne, no3, no2, no3));
  EXPECT_EQ(geo(At({{"geographic_level", "Local authority"}, {"old_la_code", "806"}})),
            Geo("Local authority", ne, middlesbrough, no2, no3));
  EXPECT_EQ(geo(At({{"geographic_level", "MAT"}})), Geo("MAT", no2, no3, trust, no3));
  const Where school = {{"breakdown", "Total"}, {"school_type", "State-funded primary"}};
  auto at = [&](const char* urn) {
    Where w = school;
    w["school_urn"] = urn;
    return w;
  };
  EXPECT_EQ(geo(at("100")), Geo("School", ne, hartlepool, trust, {"100", "8050100", "School 100"}));
  EXPECT_EQ(geo(at("102")),
            Geo("School", ne, middlesbrough, no2, {"102", "8060102", "School 102"}));
  // England, regions, LAs, trusts, then schools.
  const V order = {"National", "Regional", "Local authority", "MAT", "School"};
  size_t rank = 0;
  for (size_t r = 0; r < t.rows(); ++r) {
    const std::string& level = t.Cell(r, t.Column("geographic_level"));
    while (rank < order.size() && order[rank] != level) ++rank;
    ASSERT_LT(rank, order.size()) << "row " << r << " (" << level << ") is out of order";
  }
}

TEST_F(OpenDataWriterTest, NumbersAreRoundedHalfAwayFromZeroAndZHasNoDenominator) {
  Small();
  const CsvTable t = Load("odw_test.csv");
  const int rate = t.Column("odw_rate"), pa = t.Column("odw_pa"), n = t.Column("odw_enrolments");
  auto school = [&](const char* urn, const char* topic, const char* group) {
    return Row(t, {{"school_urn", urn}, {"breakdown_topic", topic}, {"breakdown", group}});
  };
  // p0 alone: 1 / 256 = 0.390625%, a half at the sixth place: up, not to even.
  EXPECT_EQ(school("100", "Sex", "Female")[rate], "0.39063");
  EXPECT_EQ(school("100", "Total", "Total")[rate], Percent(3, 512));
  EXPECT_EQ(school("100", "Total", "Total")[n], "2");
  EXPECT_EQ(school("101", "Total", "Total")[rate], Percent(2, 7));
  EXPECT_EQ(school("101", "Total", "Total")[pa], "100.00000");
  EXPECT_EQ(school("102", "Total", "Total")[rate], "z");  // no possible sessions
  EXPECT_EQ(school("102", "Total", "Total")[pa], "0.00000");
  const auto england = Row(t, At({{"geographic_level", "National"}}));
  EXPECT_EQ(england[rate], Percent(5, 519));  // the nursery school adds to nothing
  EXPECT_EQ(england[pa], "25.00000");
  EXPECT_EQ(england[t.Column("num_schools")], "3");
  EXPECT_EQ(Row(t, At({{"old_la_code", "806"}}))[rate], "z");
  auto home = At({{"old_la_code", "805"}});
  home["location_basis"] = "Pupil residence";
  EXPECT_EQ(Row(t, home)[rate], Percent(3, 263));  // p0, p2 and p3 live in 805
  EXPECT_EQ(Row(t, home)[t.Column("num_schools")], "x");
  EXPECT_EQ(stats_.rows, t.rows());
  EXPECT_EQ(stats_.cells_suppressed, 0u);
}

TEST_F(OpenDataWriterTest, HiddenCountsAreWrittenAsC) {
  Big();
  ASSERT_TRUE(Write(dir_, 2).ok());
  const CsvTable t = Load("odw_test.csv");
  const int n = t.Column("odw_enrolments");
  uint64_t c_cells = 0, c_rows = 0, published = 0;
  for (size_t r = 0; r < t.rows(); ++r) {
    const auto& row = t.Row(r);
    for (int col = n; col < n + 3; ++col) c_cells += row[static_cast<size_t>(col)] == "c";
    if (row[n] == "c") {
      ++c_rows;  // a hidden row count hides every figure of the row
      EXPECT_EQ(row[n + 1], "c") << r;
      EXPECT_EQ(row[n + 2], "c") << r;
    } else {
      ++published;
      EXPECT_GE(std::stoll(row[n]), 3) << "row " << r << ": counts of 1 or 2 are c";
    }
    for (const char* f : {"school_type", "location_basis", "breakdown_topic", "breakdown"})
      EXPECT_LE(row[static_cast<size_t>(t.Column(f))].size(), kEesMaxFilterItem);
  }
  EXPECT_GT(c_rows, 0u);
  EXPECT_GT(published, 0u);
  EXPECT_EQ(stats_.cells_suppressed, c_cells);
  EXPECT_EQ(stats_.rows_suppressed, c_rows);
}

TEST_F(OpenDataWriterTest, OneTwoOrThreeThreadsWriteTheSameBytes) {
  Big();
  std::vector<std::string> files;
  for (int threads : {1, 2, 3}) {
    const std::string dir = dir_ + "/t" + std::to_string(threads);
    std::filesystem::create_directories(dir);
    ASSERT_TRUE(Write(dir, threads).ok());
    files.push_back(ReadFileToString(dir + "/odw_test.csv").value());
  }
  ASSERT_GT(stats_.rows, 2u * 4096) << "too few rows for three blocks of 4,096";
  EXPECT_EQ(files[1], files[0]);
  EXPECT_EQ(files[2], files[0]);
  // Written over a longer file already there: the same bytes, cut to length.
  std::ofstream(dir_ + "/odw_test.csv") << files[0] << files[0];
  ASSERT_TRUE(Write(dir_, 3).ok());
  EXPECT_EQ(ReadFileToString(dir_ + "/odw_test.csv").value(), files[0]);
}

TEST_F(OpenDataWriterTest, MetadataHasARowPerColumnWithDpUnitAndDefault) {
  Small();
  const CsvTable t = Load("odw_test.csv");
  const CsvTable m = Load("odw_test.meta.csv");
  ASSERT_EQ(m.rows(), t.header().size() - 15);  // not the time and geography columns
  const std::map<std::string, V> indicators = { // dp and unit, as declared
                                               {"num_schools", {"0", ""}},
                                               {"odw_enrolments", {"0", ""}},
                                               {"odw_rate", {"1", "%"}},
                                               {"odw_pa", {"2", "%"}}};
  for (size_t r = 0; r < m.rows(); ++r) {
    auto cell = [&](const char* c) { return m.Cell(r, m.Column(c)); };
    EXPECT_EQ(cell("col_name"), t.header()[15 + r]);
    if (indicators.count(cell("col_name"))) {
      EXPECT_EQ(cell("col_type"), "Indicator");
      EXPECT_EQ((V{cell("indicator_dp"), cell("indicator_unit")}), indicators.at(cell("col_name")));
      EXPECT_EQ(cell("filter_default"), "");
      continue;
    }
    EXPECT_EQ(cell("col_type"), "Filter") << cell("col_name");
    EXPECT_EQ(cell("indicator_dp"), "");
    const std::string def = cell("filter_default");
    EXPECT_FALSE(def.empty());
    EXPECT_LE(def.size(), kEesMaxFilterItem);
    bool in_file = false;  // the default is an item of the filter
    for (size_t i = 0; i < t.rows(); ++i) in_file |= t.Cell(i, t.Column(cell("col_name"))) == def;
    EXPECT_TRUE(in_file) << cell("col_name") << ": " << def;
  }
  EXPECT_EQ(OpenDataMetadata(TestCatalogue(), TestCatalogue().families()[0]).size(), m.rows());
}

TEST_F(OpenDataWriterTest, AFolderThatCannotBeWrittenIsAnError) {
  Small();
  std::ofstream(dir_ + "/plain") << "a file, not a folder\n";
  EXPECT_FALSE(Write(dir_ + "/plain", 1).ok());
  EXPECT_FALSE(Write(dir_ + "/missing/below", 1).ok());
}

}  // namespace
}  // namespace lantern
