// The slot engine on worked examples (definitions.md 3.2-3.3; the shapes of
// the Department's Progress 8 guidance examples), discounting, and the
// greedy fill against an exhaustive search.
#include "measures/slots.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>

namespace lantern {
namespace {

class SlotsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = QualCatalogue::Load(DefaultCatalogueDir());
    ASSERT_TRUE(c.ok()) << c.status().message();
    cat_ = new QualCatalogue(std::move(*c));
  }
  static void TearDownTestSuite() { delete cat_; }
  static KsResult R(const char* id, const char* grade, int32_t series = 201906) {
    KsResult r;
    r.qual = cat_->Find(id);
    EXPECT_GE(r.qual, 0) << id;
    r.series = series;
    r.attempted = std::string_view(grade) != "X";
    if (r.attempted) {
      auto p = cat_->Points(r.qual, grade);
      EXPECT_TRUE(p.has_value()) << id << " " << grade;
      r.points = p.value_or(0);
    }
    return r;
  }
  static SlotOutcome A8(std::vector<KsResult> rs) {
    auto kept = Discount(rs, *cat_, true);
    return FillSlots(*cat_->Declaration("a8"), kept, *cat_);
  }
  // Element order of the A8 declaration: maths, english, ebacc, open.
  static QualCatalogue* cat_;
};
QualCatalogue* SlotsTest::cat_ = nullptr;

TEST_F(SlotsTest, CatalogueHasTheDeclarationsAndGroups) {
  const SlotDeclaration* a8 = cat_->Declaration("a8");
  ASSERT_NE(a8, nullptr);
  EXPECT_EQ(a8->divisor(), 10);
  EXPECT_EQ(cat_->Declaration("p5")->divisor(), 5);
  EXPECT_EQ(cat_->pag_count(), 34);
  EXPECT_EQ(cat_->Pag(59), 1);
  EXPECT_EQ(cat_->Pag(82), 1);
  EXPECT_EQ(cat_->Pag(82.5), 2);
  EXPECT_EQ(cat_->Pag(100.5), 15);
  EXPECT_EQ(cat_->Pag(120), 34);
  EXPECT_EQ(cat_->Points(cat_->Find("GCSE_COMBINED_SCIENCE"), "5-4"), 4.5);
  EXPECT_EQ(cat_->Points(cat_->Find("BTEC_TA_SPORT"), "L2D*"), 8.5);
  EXPECT_FALSE(cat_->Points(cat_->Find("GCSE_MATHS"), "A*").has_value());
}

// A full set: both Englishes (so English is double-weighted, literature
// the higher), three sciences, history, French, art and a technical award.
TEST_F(SlotsTest, WorkedExampleFullSet) {
  SlotOutcome o = A8({R("GCSE_ENG_LANG", "5"), R("GCSE_ENG_LIT", "6"), R("GCSE_MATHS", "4"),
                      R("GCSE_BIOLOGY", "6"), R("GCSE_CHEMISTRY", "5"), R("GCSE_PHYSICS", "4"),
                      R("GCSE_HISTORY", "7"), R("GCSE_FRENCH", "3"), R("GCSE_ART", "6"),
                      R("BTEC_TA_SPORT", "L2M")});
  // maths 4 x 2 = 8; English: literature 6 x 2 = 12; EBacc: history 7,
  // biology 6, chemistry 5 = 18; open: art 6, technical award 5.5 and the
  // other English (language 5) = 16.5. Physics 4 and French 3 do not count.
  EXPECT_DOUBLE_EQ(o.elements[0], 8);
  EXPECT_DOUBLE_EQ(o.elements[1], 12);
  EXPECT_DOUBLE_EQ(o.elements[2], 18);
  EXPECT_DOUBLE_EQ(o.elements[3], 16.5);
  EXPECT_DOUBLE_EQ(o.total, 54.5);
}

TEST_F(SlotsTest, OneEnglishCountsOnceAndEmptySlotsScoreZero) {
  SlotOutcome o = A8({R("GCSE_ENG_LANG", "5"), R("GCSE_MATHS", "5")});
  EXPECT_DOUBLE_EQ(o.elements[1], 5);  // x1: literature not attempted
  EXPECT_DOUBLE_EQ(o.total, 15);       // 10 + 5, eight slots empty
  // A literature result of X is not an attempt.
  SlotOutcome x = A8({R("GCSE_ENG_LANG", "5"), R("GCSE_ENG_LIT", "X"), R("GCSE_MATHS", "5")});
  EXPECT_DOUBLE_EQ(x.total, 15);
  // A U is an attempt: language 5 now counts twice, literature (0) goes to open.
  SlotOutcome u = A8({R("GCSE_ENG_LANG", "5"), R("GCSE_ENG_LIT", "U"), R("GCSE_MATHS", "5")});
  EXPECT_DOUBLE_EQ(u.total, 20);
  EXPECT_DOUBLE_EQ(A8({}).total, 0);
}

TEST_F(SlotsTest, CombinedScienceFillsTwoSlotsAtTheMeanGrade) {
  SlotOutcome o = A8({R("GCSE_MATHS", "6"), R("GCSE_COMBINED_SCIENCE", "5-4"),
                      R("GCSE_GEOGRAPHY", "6"), R("GCSE_SPANISH", "3")});
  // EBacc: geography 6 + combined 4.5 + 4.5 = 15; Spanish 3 goes to open.
  EXPECT_DOUBLE_EQ(o.elements[2], 15);
  EXPECT_DOUBLE_EQ(o.elements[3], 3);
  EXPECT_DOUBLE_EQ(o.total, 12 + 15 + 3);
}

TEST_F(SlotsTest, EbaccSubjectOverflowFillsOpenToTheMaximum) {
  // Five EBacc subjects and nothing else: three in EBacc, two in open.
  SlotOutcome o = A8({R("GCSE_HISTORY", "9"), R("GCSE_GEOGRAPHY", "8"), R("GCSE_BIOLOGY", "7"),
                      R("GCSE_PHYSICS", "6"), R("GCSE_GERMAN", "5")});
  EXPECT_DOUBLE_EQ(o.elements[2], 24);
  EXPECT_DOUBLE_EQ(o.elements[3], 11);
}

TEST_F(SlotsTest, FirstEntryCountsInEbaccSubjectsBestElsewhere) {
  // French taken in November (3) and June (6): the first entry counts.
  auto kept =
      Discount(std::vector<KsResult>{R("GCSE_FRENCH", "6", 201906), R("GCSE_FRENCH", "3", 201811)},
               *cat_, true);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_DOUBLE_EQ(kept[0].points, 3);
  // Without the rule (policy ks4_first_entry_rule = false): the best.
  kept =
      Discount(std::vector<KsResult>{R("GCSE_FRENCH", "6", 201906), R("GCSE_FRENCH", "3", 201811)},
               *cat_, false);
  EXPECT_DOUBLE_EQ(kept[0].points, 6);
  // Art (not EBacc): the best result, whenever it was.
  kept = Discount(std::vector<KsResult>{R("GCSE_ART", "4", 201806), R("GCSE_ART", "7", 201906)},
                  *cat_, true);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_DOUBLE_EQ(kept[0].points, 7);
  // A first entry of X (absent) is no result: the next entry counts.
  kept =
      Discount(std::vector<KsResult>{R("GCSE_FRENCH", "X", 201811), R("GCSE_FRENCH", "5", 201906)},
               *cat_, true);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_DOUBLE_EQ(kept[0].points, 5);
}

TEST_F(SlotsTest, SharedDiscountCodeCountsOnce) {
  // GCSE business and the enterprise technical award share a discount code.
  auto kept = Discount(
      std::vector<KsResult>{R("GCSE_BUSINESS", "4"), R("BTEC_TA_ENTERPRISE", "L2D")}, *cat_, true);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_DOUBLE_EQ(kept[0].points, 7);
}

TEST_F(SlotsTest, VocationalQualificationsOffTheApprovedListCountOnlyInBroader) {
  std::vector<KsResult> rs = {R("GCSE_MATHS", "3"), R("FS_ENGLISH_L2", "P"),
                              R("VRQ_L2_HAIR_BEAUTY", "M"), R("BTEC_TA_HSC", "L1P")};
  auto kept = Discount(rs, *cat_, true);
  SlotOutcome a8 = FillSlots(*cat_->Declaration("a8"), kept, *cat_);
  SlotOutcome broader = FillSlots(*cat_->Declaration("broader"), kept, *cat_);
  EXPECT_DOUBLE_EQ(a8.total, 6 + 1);  // maths x2, the technical award L1 pass
  // Broader: maths 6; English: functional skills L2 4 x 2 = 8; open: VRQ
  // merit 5.5 and the technical award 1.
  EXPECT_DOUBLE_EQ(broader.total, 6 + 8 + 5.5 + 1);
}

TEST_F(SlotsTest, ProgressFiveDeclaration) {
  std::vector<KsResult> rs = {R("GCSE_ENG_LANG", "4"),   R("GCSE_ENG_LIT", "6"),
                              R("GCSE_MATHS", "5"),      R("GCSE_COMBINED_SCIENCE", "6-5"),
                              R("GCSE_HISTORY", "3"),    R("GCSE_SPANISH", "4"),
                              R("BTEC_TA_SPORT", "L2D*")};
  auto kept = Discount(rs, *cat_, true);
  SlotOutcome p5 = FillSlots(*cat_->Declaration("p5"), kept, *cat_);
  // English 6, maths 5, science 5.5 + 5.5, humanity or language: Spanish 4.
  EXPECT_DOUBLE_EQ(p5.total, 6 + 5 + 11 + 4);
}

// Every assignment of results to elements, for checking the maximum.
double BruteForce(const SlotDeclaration& d, const std::vector<KsResult>& rs,
                  const QualCatalogue& c) {
  // Items as FillSlots makes them.
  struct It {
    double p;
    uint32_t el;
  };
  std::vector<It> items;
  bool lang = false, lit = false;
  for (const auto& r : rs) {
    const Qualification& q = c.qualifications()[static_cast<size_t>(r.qual)];
    if (!(d.requires_ == SlotRequirement::kA8 ? q.counts_in_a8 : q.counts_in_broader)) continue;
    uint32_t el = 0;
    for (size_t e = 0; e < d.elements.size(); ++e)
      el |= (q.tokens & d.elements[e].eligible) ? 1u << e : 0;
    if (!el) continue;
    lang = lang || (q.tokens & kTokEnglishLanguage);
    lit = lit || (q.tokens & kTokEnglishLiterature);
    for (int k = 0; k < q.slot_count; ++k) items.push_back({r.points, el});
  }
  std::vector<int> cap;
  for (const auto& e : d.elements) cap.push_back(e.slots);
  double best = 0;
  std::function<void(size_t, double)> go = [&](size_t i, double total) {
    if (i == items.size()) {
      best = std::max(best, total);
      return;
    }
    go(i + 1, total);
    for (size_t e = 0; e < d.elements.size(); ++e) {
      if (!(items[i].el & (1u << e)) || cap[e] == 0) continue;
      --cap[e];
      go(i + 1, total + items[i].p * d.elements[e].weight);
      ++cap[e];
    }
  };
  go(0, 0);
  return best;
}

TEST_F(SlotsTest, FillIsTheMaximumOnRandomPupils) {
  // Broader attainment is not nested (functional skills English may fill
  // English but not open), so the exact search is exercised too; A8's English
  // rule is fixed by definition, so A8 is compared without it (p5, broader).
  std::mt19937 rng(20190101);
  const std::vector<std::string> ids = {
      "GCSE_ENG_LANG", "GCSE_ENG_LIT", "FS_ENGLISH_L2",          "FS_ENGLISH_L1",
      "GCSE_MATHS",    "FS_MATHS_L2",  "GCSE_BIOLOGY",           "GCSE_HISTORY",
      "GCSE_LATIN",    "GCSE_ART",     "VRQ_L2_PUBLIC_SERVICES", "GCSE_COMBINED_SCIENCE"};
  int exact = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<KsResult> rs;
    for (const auto& id : ids) {
      if (rng() % 3 == 0) continue;
      const int q = cat_->Find(id);
      KsResult r;
      r.qual = q;
      const auto& scale = cat_->qualifications()[static_cast<size_t>(q)].point_scale;
      const char* grades_gcse[] = {"1", "3", "4", "5", "7", "9"};
      const char* grades_comb[] = {"2-1", "4-4", "5-4", "7-6"};
      const char* grades_pf[] = {"P", "F"};
      const char* grades_vrq[] = {"P", "M", "D", "D*"};
      std::string g = scale == "gcse_9to1"            ? grades_gcse[rng() % 6]
                      : scale == "gcse_combined_9to1" ? grades_comb[rng() % 4]
                      : scale == "vrq_l2"             ? grades_vrq[rng() % 4]
                                                      : grades_pf[rng() % 2];
      r.points = cat_->Points(q, g).value();
      rs.push_back(r);
    }
    for (const char* m : {"p5", "broader"}) {
      const SlotDeclaration& d = *cat_->Declaration(m);
      SlotOutcome o = FillSlots(d, rs, *cat_);
      exact += o.exact_search;
      ASSERT_NEAR(o.total, BruteForce(d, rs, *cat_), 1e-9) << m << " trial " << trial;
    }
  }
  EXPECT_GT(exact, 0);  // the exact search was needed and checked
}

TEST_F(SlotsTest, OrderOfResultsDoesNotMatter) {
  std::vector<KsResult> rs = {
      R("GCSE_ENG_LANG", "5"),       R("GCSE_ENG_LIT", "5"),        R("GCSE_MATHS", "4"),
      R("GCSE_BIOLOGY", "6"),        R("GCSE_CHEMISTRY", "6"),      R("GCSE_HISTORY", "6"),
      R("GCSE_FRENCH", "6", 201811), R("GCSE_FRENCH", "4", 201906), R("GCSE_ART", "6"),
      R("BTEC_TA_SPORT", "L2D")};
  const SlotOutcome first = A8(rs);
  std::mt19937 rng(7);
  for (int k = 0; k < 20; ++k) {
    std::shuffle(rs.begin(), rs.end(), rng);
    SlotOutcome o = A8(rs);
    EXPECT_EQ(o.total, first.total);
    EXPECT_EQ(o.elements, first.elements);
  }
}

}  // namespace
}  // namespace lantern
