// Pupil voice (docs/pupil-voice.md): the question bank, the voice files
// through ingest, distributions against hand counts, the disclosure pass
// against exhaustive differencing, and published shares against the
// generator's true distributions.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/csv_table.h"
#include "common/file_util.h"
#include "lantern/generate.h"
#include "lantern/ingest.h"
#include "lantern/outcomes.h"
#include "reference/real_data.h"
#include "scorecard/pupil_level.h"
#include "server/server.h"
#include "stats/intervals.h"
#include "store/store.h"
#include "tests/real_data.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"
#include "voice/catalogue.h"
#include "voice/report.h"

namespace lantern {
namespace {

namespace fs = std::filesystem;
using testing::TinyUpn;
using voice::VoiceCatalogue;

std::string BankDir() { return std::string(LANTERN_SOURCE_DIR) + "/catalogue"; }

// ------------------------------------------------------------ the bank

TEST(VoiceCatalogueTest, TheShippedBankLoads) {
  auto cat = VoiceCatalogue::Load(BankDir());
  ASSERT_TRUE(cat.ok()) << cat.status().ToString();
  // The open core items of pupil-voice.md 5.2 and the symbol version.
  EXPECT_EQ(cat->items().size(), 30u);
  const int belong = cat->FindItem("belong_school", 1);
  ASSERT_GE(belong, 0);
  const auto& item = cat->items()[static_cast<size_t>(belong)];
  const auto& scale = cat->ScaleOf(item);
  EXPECT_EQ(scale.id, "agree4");
  // Points, don't know, then prefer not to say and not answered apart.
  ASSERT_EQ(scale.categories.size(), 7u);
  EXPECT_EQ(scale.categories[4].kind, voice::CategoryKind::kDontKnow);
  EXPECT_EQ(scale.categories[5].code, "prefer_not_to_say");
  EXPECT_EQ(scale.categories[6].code, "not_answered");
  EXPECT_TRUE(item.positive[2] && item.positive[3]);
  EXPECT_FALSE(item.positive[0] || item.positive[1] || item.positive[4]);
  for (const char* sensitive : {"bullied_any", "worry", "lonely", "attend_barrier"}) {
    EXPECT_TRUE(cat->items()[static_cast<size_t>(cat->FindItem(sensitive, 1))].sensitive)
        << sensitive;
  }
  EXPECT_FALSE(cat->items()[static_cast<size_t>(cat->FindItem("calm", 1))].sensitive);
}

class VoiceBankFileTest : public testing::ScratchDirTest {
 protected:
  Status LoadWithItemRow(const std::string& row) {
    fs::copy_file(BankDir() + "/voice_scales.csv", dir_ + "/voice_scales.csv");
    std::string items = ReadFileToString(BankDir() + "/voice_items.csv").value();
    std::ofstream(dir_ + "/voice_items.csv") << items << row << "\n";
    return VoiceCatalogue::Load(dir_).status();
  }
};

TEST_F(VoiceBankFileTest, ABadRowIsAClearError) {
  // Line 32: after the header and 30 items.
  Status st = LoadWithItemRow("new_item,1,core,School,Stem.,freq5,+,often;alway,N,8,,");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("voice_items.csv line 32, column positive"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("'alway' is not a category of scale freq5"), std::string::npos);
}

TEST_F(VoiceBankFileTest, EveryKindOfBadRowIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Bad Id,1,core,School,Stem.,freq5,+,often,N,8,,", "column item_id"},
      {"x1,0,core,School,Stem.,freq5,+,often,N,8,,", "column version"},
      {"x1,1,local,School,Stem.,freq5,+,often,N,8,100001,", "column tier"},
      {"x1,1,core,School,Stem.,freq9,+,often,N,8,,", "column scale_id"},
      {"x1,1,core,School,Stem.,freq5,*,often,N,8,,", "column polarity"},
      {"x1,1,core,School,Stem.,agree4,+,dont_know,N,8,,", "only scale points can be positive"},
      {"x1,1,core,School,Stem.,freq5,+,never;rarely;sometimes;often;always,N,8,,",
       "every point is positive"},
      {"x1,1,core,School,Stem.,freq5,+,often,maybe,8,,", "column sensitive"},
      {"x1,1,core,School,Stem.,freq5,+,often,N,40,,", "column reading_age"},
      {"safe_school,1,core,School,Stem.,freq5,+,often,N,8,,", "already in the bank"},
  };
  for (const auto& [row, expect] : cases) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Status st = LoadWithItemRow(row);
    ASSERT_FALSE(st.ok()) << row;
    EXPECT_NE(st.message().find(expect), std::string::npos) << row << ": " << st.message();
  }
}

// ------------------------------------------------------------ ingest and hand counts

// The tiny fixture (tests/tiny_fixture.h) with a wave collected on Friday
// 7 September 2018. Worked by hand:
//   900002: K2 = P2 (Year 8 boy, SEN support, EAL; 4 of 10 sessions absent:
//           persistently absent), K3 = P3 (Year 10 boy, EHC plan, looked
//           after; exactly 10%: persistently absent), K4 = P4 (Year 11 girl,
//           no absence that week), K9 (not linked to a pupil).
//   900001: K1 = P1 (Year 3 girl, FSM).
//   belong_school at 900002: agree 2 (K2, K9), strongly agree 1 (K3),
//     prefer not to say 1 (K4): base 4; boys: agree 1, strongly agree 1;
//     girls: prefer not to say 1; persistently absent: agree 1, strongly
//     agree 1.
//   LA 805: 900002's four and K1's disagree: base 5.
std::map<std::string, std::string> VoiceFiles() {
  std::map<std::string, std::string> f;
  f["voice_providers.csv"] =
      "provider_id,provider_name,accredited_from,accredited_to\n"
      "PRV1,Accredited Voice,2018-01-01,\n"
      "PRV0,Lapsed Voice,2017-01-01,2018-06-30\n";
  const std::string h =
      "provider_id,wave,urn,respondent_key,collected_date,mode,item_id,item_version,response\n";
  auto row = [](const char* key, const char* urn, const char* mode, const char* item,
                const char* response) {
    return fmt::format("PRV1,2018/19,{},{},2018-09-07,{},{},1,{}\n", urn, key, mode, item,
                       response);
  };
  f["voice_responses.csv"] =
      h + row("K2", "900002", "online", "belong_school", "agree") +
      row("K3", "900002", "adult_supported", "belong_school", "strongly_agree") +
      row("K4", "900002", "online", "belong_school", "prefer_not_to_say") +
      row("K9", "900002", "online", "belong_school", "agree") +
      row("K2", "900002", "online", "safe_school", "often") +
      row("K3", "900002", "adult_supported", "safe_school", "never") +
      row("K4", "900002", "online", "safe_school", "not_answered") +
      row("K1", "900001", "online", "belong_school", "disagree");
  f["voice_linkage.csv"] =
      "provider_id,wave,respondent_key,upn\n"
      "PRV1,2018/19,K1," +
      TinyUpn(1) + "\nPRV1,2018/19,K2," + TinyUpn(2) + "\nPRV1,2018/19,K3," + TinyUpn(3) +
      "\nPRV1,2018/19,K4," + TinyUpn(4) + "\n";
  return f;
}

class VoiceIngestTest : public testing::ScratchDirTest {
 protected:
  VoiceIngestTest() : ScratchDirTest("lantern_voice") {}
  Status Run(const std::string& input, IngestReport* r) {
    IngestOptions o;
    o.input_dir = input;
    o.store_dir = dir_ + "/store";
    o.catalogue_dir = BankDir();
    return Ingest(o, r);
  }
  StoreState Load() {
    auto store = Store::Open(dir_ + "/store", Store::Mode::kRead);
    EXPECT_TRUE(store.ok());
    auto s = (*store)->Load();
    EXPECT_TRUE(s.ok());
    return std::move(*s);
  }
  // The check of each rejected voice_responses.csv row, by line.
  std::map<uint64_t, std::string> ResponseRejects(const IngestReport& r) {
    std::map<uint64_t, std::string> by_line;
    for (const auto& row : Rejects(r)) {
      if (row[0] == "voice_responses.csv") by_line[std::stoull(row[1])] = row[4];
    }
    return by_line;
  }
  std::vector<std::vector<std::string>> Rejects(const IngestReport& r) {
    auto t = CsvTable::Load(r.rejects_dir + "/rejects.csv");
    std::vector<std::vector<std::string>> out;
    if (!t.ok()) return out;
    for (size_t i = 0; i < t->rows(); ++i) out.push_back(t->Row(i));
    return out;
  }
};

TEST_F(VoiceIngestTest, DistributionsEqualHandCounts) {
  testing::WriteTinyInput(dir_ + "/in", VoiceFiles());
  IngestReport r;
  ASSERT_TRUE(Run(dir_ + "/in", &r).ok());
  EXPECT_EQ(r.rows_rejected, 0u);
  StoreState s = Load();
  EXPECT_EQ(s.voice_respondents.size(), 5u);
  EXPECT_EQ(s.voice_responses.size(), 8u);
  EXPECT_EQ(s.voice_links.size(), 4u);
  auto cat = voice::LoadCatalogueWithLocalItems(BankDir(), s.voice_local_items);
  ASSERT_TRUE(cat.ok());
  Policy policy;
  voice::VoiceReportInput in{&s, nullptr, &*cat, &policy, 1};
  auto rep = voice::MakeVoiceReport(in);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  const int belong = cat->FindItem("belong_school", 1);
  auto find = [&](const std::string& unit,
                  const std::string& group) -> const voice::VoiceDistribution* {
    for (const auto& d : rep->distributions) {
      if (rep->units[d.unit].key == unit && d.item == belong &&
          voice::VoiceGroups()[d.group].id == group) {
        return &d;
      }
    }
    return nullptr;
  };
  // Categories of agree4: sd, d, a, sa, dk, pnts, na.
  using V = std::vector<int64_t>;
  const auto* all = find("school:900002", "all_pupils");
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(all->counts, (V{0, 0, 2, 1, 0, 1, 0}));
  EXPECT_EQ(all->base, 4);
  EXPECT_EQ(find("school:900002", "boys")->counts, (V{0, 0, 1, 1, 0, 0, 0}));
  EXPECT_EQ(find("school:900002", "girls")->counts, (V{0, 0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(find("school:900002", "persistently_absent")->counts, (V{0, 0, 1, 1, 0, 0, 0}));
  EXPECT_EQ(find("school:900002", "not_persistently_absent")->counts, (V{0, 0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(find("school:900002", "severely_absent"), nullptr);
  EXPECT_EQ(find("school:900002", "sen_support")->base, 1);
  EXPECT_EQ(find("school:900002", "ehcp")->base, 1);
  EXPECT_EQ(find("school:900002", "looked_after")->base, 1);
  EXPECT_EQ(find("school:900001", "fsm")->counts, (V{0, 1, 0, 0, 0, 0, 0}));
  const auto* la = find("la:805", "all_pupils");
  ASSERT_NE(la, nullptr);
  EXPECT_EQ(la->counts, (V{0, 1, 2, 1, 0, 1, 0}));
  EXPECT_EQ(la->schools, 2);
  // Positive share: agree or strongly agree of those who answered.
  int64_t positive = 0;
  EXPECT_EQ(
      voice::AnsweredCount(*cat, cat->items()[static_cast<size_t>(belong)], all->counts, &positive),
      3);
  EXPECT_EQ(positive, 3);
  // Base 4 < 10 at the school, 5 < 30 in the LA: every figure withheld.
  EXPECT_TRUE(all->base_hidden);
  EXPECT_FALSE(all->withheld.empty());
  EXPECT_TRUE(la->base_hidden);
  // Coverage at 900002: the roll on 7 September in the year groups surveyed
  // (8, 10, 11): P2, P3, P4 (P6 left on 5 September); 4 respondents (K9
  // unlinked counts in the total only).
  for (const auto& c : rep->coverage) {
    if (rep->units[c.unit].key != "school:900002") continue;
    if (c.group == 0) {
      EXPECT_EQ(c.roll, 3);
      EXPECT_EQ(c.respondents, 4);
    }
    if (voice::VoiceGroups()[c.group].id == "boys") {
      EXPECT_EQ(c.roll, 2);
      EXPECT_EQ(c.respondents, 2);
      EXPECT_TRUE(c.under_heard);  // too few to show
    }
  }
}

// The report reads responses stored respondent by respondent straight
// through and sorts them by respondent otherwise (the hand-count file above
// has K2's second answer after K9's first): both give the same figures.
TEST_F(VoiceIngestTest, ResponsesStoredInAnyOrderGiveTheSameDistributions) {
  auto report_of = [&](const std::map<std::string, std::string>& files, const std::string& name,
                       bool* in_order) {
    testing::WriteTinyInput(dir_ + "/" + name, files);
    IngestOptions o;
    o.input_dir = dir_ + "/" + name;
    o.store_dir = dir_ + "/store_" + name;
    o.catalogue_dir = BankDir();
    IngestReport r;
    EXPECT_TRUE(Ingest(o, &r).ok());
    auto store = Store::Open(o.store_dir, Store::Mode::kRead);
    EXPECT_TRUE(store.ok());
    auto st = (*store)->Load();
    EXPECT_TRUE(st.ok());
    const auto& resp = st->voice_responses.respondent;
    *in_order = std::is_sorted(resp.begin(), resp.end());
    auto cat = voice::LoadCatalogueWithLocalItems(BankDir(), st->voice_local_items);
    EXPECT_TRUE(cat.ok());
    Policy policy;
    voice::VoiceReportInput in{&*st, nullptr, &*cat, &policy, 2};
    auto rep = voice::MakeVoiceReport(in);
    EXPECT_TRUE(rep.ok());
    std::map<std::string, std::vector<int64_t>> out;
    for (const auto& d : rep->distributions) {
      out[fmt::format("{} {} {}", rep->units[d.unit].key, d.item, d.group)] = d.counts;
    }
    return out;
  };
  auto files = VoiceFiles();
  bool mixed_in_order = true, sorted_in_order = false;
  const auto mixed = report_of(files, "mixed", &mixed_in_order);
  // The same rows, each respondent's together.
  std::istringstream lines(files["voice_responses.csv"]);
  std::string header, line;
  std::getline(lines, header);
  std::vector<std::string> rows;
  while (std::getline(lines, line)) rows.push_back(line);
  std::stable_sort(rows.begin(), rows.end(), [](const std::string& a, const std::string& b) {
    return a.substr(a.find(",K")) < b.substr(b.find(",K"));
  });
  files["voice_responses.csv"] = header + "\n";
  for (const auto& r : rows) files["voice_responses.csv"] += r + "\n";
  const auto sorted = report_of(files, "sorted", &sorted_in_order);
  EXPECT_FALSE(mixed_in_order);
  EXPECT_TRUE(sorted_in_order);
  EXPECT_GT(mixed.size(), 10u);
  EXPECT_EQ(mixed, sorted);
}

// A second file for the same wave: a changed answer replaces the stored
// one, the same answer changes nothing, a new item is added, and a second
// answer to one item in the file is a duplicate, whether the first was a
// correction or new.
TEST_F(VoiceIngestTest, ALaterFileCorrectsStoredAnswersAndRefusesDuplicates) {
  testing::WriteTinyInput(dir_ + "/in", VoiceFiles());
  IngestReport first;
  ASSERT_TRUE(Run(dir_ + "/in", &first).ok());
  auto row = [](const char* key, const char* urn, const char* item, const char* response) {
    return fmt::format("PRV1,2018/19,{},{},2018-09-07,online,{},1,{}\n", urn, key, item, response);
  };
  std::map<std::string, std::string> second;
  second["voice_responses.csv"] =
      "provider_id,wave,urn,respondent_key,collected_date,mode,item_id,item_version,response\n" +
      row("K2", "900002", "belong_school", "disagree") +           // line 2: corrected
      row("K4", "900002", "belong_school", "prefer_not_to_say") +  // line 3: the same
      row("K1", "900001", "safe_school", "often") +                // line 4: new
      row("K2", "900002", "belong_school", "agree") +              // line 5: duplicate of line 2
      row("K1", "900001", "safe_school", "never");                 // line 6: duplicate of line 4
  testing::WriteTinyInput(dir_ + "/in2", second);
  IngestReport r;
  ASSERT_TRUE(Run(dir_ + "/in2", &r).ok());
  const IngestFileSummary* f = nullptr;
  for (const auto& s : r.files) {
    if (s.file == "voice_responses.csv") f = &s;
  }
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->updated, 1u);
  EXPECT_EQ(f->unchanged, 1u);
  EXPECT_EQ(f->inserted, 1u);
  EXPECT_EQ(f->rejected, 2u);
  auto by_line = ResponseRejects(r);
  EXPECT_EQ(by_line[5], "duplicate");
  EXPECT_EQ(by_line[6], "duplicate");
  EXPECT_TRUE(r.committed) << r.Summary();
  StoreState st = Load();
  EXPECT_EQ(st.voice_responses.size(), 9u) << r.Summary();
  // The correction is stored: K1 and now K2 disagree (category 1 of agree4).
  int disagree = 0;
  for (size_t i = 0; i < st.voice_responses.size(); ++i) {
    const size_t k = st.voice_responses.item[i];
    disagree += st.voice_items.item_id[k] == "belong_school" && st.voice_responses.category[i] == 1;
  }
  EXPECT_EQ(disagree, 2);
  // A third file with only a new answer: added to the stored ones.
  std::map<std::string, std::string> third;
  third["voice_responses.csv"] =
      "provider_id,wave,urn,respondent_key,collected_date,mode,item_id,item_version,response\n" +
      row("K9", "900002", "safe_school", "often");
  testing::WriteTinyInput(dir_ + "/in3", third);
  IngestReport r3;
  ASSERT_TRUE(Run(dir_ + "/in3", &r3).ok());
  EXPECT_EQ(Load().voice_responses.size(), 10u) << r3.Summary();
}

// A quoted key with a doubled quote is read as the reader unquotes it
// (K"Q), and the rows the merge rejects are reported with their own line
// and text.
TEST_F(VoiceIngestTest, AQuotedKeyIsOneRespondentAndMergeRejectsKeepTheirLines) {
  auto files = VoiceFiles();
  const std::string quoted = "PRV1,2018/19,900002,\"K\"\"Q\",2018-09-07,online,";
  files["voice_responses.csv"] =
      "provider_id,wave,urn,respondent_key,collected_date,mode,item_id,item_version,response\n" +
      quoted + "belong_school,1,agree\n" +  // line 2
      quoted + "safe_school,1,often\n" +    // line 3
      quoted + "belong_school,1,agree\n" +  // line 4: duplicate
      "PRV1,2018/19,900001,\"K\"\"Q\",2018-09-07,online,safe_school,1,never\n";  // line 5
  testing::WriteTinyInput(dir_ + "/in", files);
  IngestReport r;
  ASSERT_TRUE(Run(dir_ + "/in", &r).ok());
  auto by_line = ResponseRejects(r);
  EXPECT_EQ(by_line.size(), 2u);
  EXPECT_EQ(by_line[4], "duplicate");
  EXPECT_EQ(by_line[5], "inconsistent");
  const std::string kept = ReadFileToString(r.rejects_dir + "/voice_responses.csv").value();
  EXPECT_NE(kept.find(quoted + "belong_school,1,agree\n"), std::string::npos) << kept;
  EXPECT_NE(kept.find("900001,\"K\"\"Q\""), std::string::npos) << kept;
  StoreState st = Load();
  ASSERT_EQ(st.voice_respondents.size(), 1u);
  EXPECT_EQ(st.voice_respondents.key[0], "K\"Q");
  EXPECT_EQ(st.voice_responses.size(), 2u);
}

TEST_F(VoiceIngestTest, BadRowsAreRejectedWithTheirReason) {
  auto files = VoiceFiles();
  const std::string h =
      "provider_id,wave,urn,respondent_key,collected_date,mode,item_id,item_version,response\n";
  files["voice_responses.csv"] +=
      "PRV0,2018/19,900002,K5,2018-09-07,online,belong_school,1,agree\n"  // line 10
      "PRV1,2018/19,900002,K6,2018-09-07,online,belong_schol,1,agree\n"   // line 11
      "PRV1,2018/19,900002,K7,2018-09-07,online,belong_school,1,often\n"  // line 12
      "PRV1,2018/19,900002," +
      TinyUpn(5) +
      ",2018-09-07,online,calm,1,often\n"                                  // line 13
      "PRV1,2018/19,900002,K8,2018-09-07,online,belong_school,2,agree\n"   // line 14
      "PRVX,2018/19,900002,K8,2018-09-07,online,belong_school,1,agree\n"   // line 15
      "PRV1,2018/19,900002,K2,2018-09-07,online,belong_school,1,agree\n";  // line 16
  testing::WriteTinyInput(dir_ + "/in", files);
  IngestReport r;
  ASSERT_TRUE(Run(dir_ + "/in", &r).ok());
  auto by_line = ResponseRejects(r);
  EXPECT_EQ(by_line[10], "accreditation");
  EXPECT_EQ(by_line[11], "unknown_item");
  EXPECT_EQ(by_line[12], "unknown_category");
  EXPECT_EQ(by_line[13], "not_upn");
  EXPECT_EQ(by_line[14], "unknown_item");
  EXPECT_EQ(by_line[15], "unknown_provider");
  EXPECT_EQ(by_line[16], "duplicate");
  EXPECT_EQ(by_line.size(), 7u);
  // The bad rows are kept aside, byte for byte.
  std::string kept = ReadFileToString(r.rejects_dir + "/voice_responses.csv").value();
  EXPECT_NE(kept.find("PRV0,2018/19,900002,K5"), std::string::npos);
  StoreState s = Load();
  EXPECT_EQ(s.voice_respondents.size(), 5u);  // K5..K8 never made
}

// A respondent's rows share their text up to the item, and the parser
// reuses the checked respondent fields for such a row. The same rows with
// the columns in another order (no reuse) give the same rejects and store.
TEST_F(VoiceIngestTest, RowsSharingTheRespondentTextAreCheckedAsIfAlone) {
  const std::vector<std::vector<std::string>> rows = {
      {"PRV1", "K5", "online", "belong_school", "agree"},      // line 10: kept
      {"PRV1", "K5", "online", "belong_schol", "agree"},       // 11: unknown_item
      {"PRV1", "K5", "online", "safe_school", "agree"},        // 12: unknown_category
      {"PRV1", "K5", "online", "calm", "often"},               // 13: kept, K5 again
      {"PRV1", "K5", "at_home", "enjoy_school", "always"},     // 14: inconsistent
      {"PRV0", "K6", "online", "belong_school", "agree"},      // 15: accreditation
      {"PRV0", "K6", "online", "safe_school", "often"},        // 16: accreditation
      {"PRV1", "K5", "online", "belong_school", "disagree"}};  // 17: duplicate
  auto write = [&](bool standard_order) {
    auto files = VoiceFiles();
    std::string& responses = files["voice_responses.csv"];
    if (!standard_order) {
      // The same rows, columns in another order.
      std::string moved =
          "response,item_version,item_id,mode,collected_date,respondent_key,urn,wave,"
          "provider_id\n";
      size_t at = responses.find('\n') + 1;
      while (at < responses.size()) {
        const size_t end = responses.find('\n', at);
        std::vector<std::string> f;
        std::string line = responses.substr(at, end - at);
        for (size_t b = 0, e; b <= line.size(); b = e + 1) {
          e = line.find(',', b);
          if (e == std::string::npos) e = line.size();
          f.push_back(line.substr(b, e - b));
        }
        moved += fmt::format("{},{},{},{},{},{},{},{},{}\n", f[8], f[7], f[6], f[5], f[4], f[3],
                             f[2], f[1], f[0]);
        at = end + 1;
      }
      responses = moved;
    }
    for (const auto& r : rows) {
      responses += standard_order ? fmt::format("{},2018/19,900002,{},2018-09-07,{},{},1,{}\n",
                                                r[0], r[1], r[2], r[3], r[4])
                                  : fmt::format("{},1,{},{},2018-09-07,{},900002,2018/19,{}\n",
                                                r[4], r[3], r[2], r[1], r[0]);
    }
    testing::WriteTinyInput(dir_ + (standard_order ? "/in" : "/moved"), files);
  };
  write(true);
  write(false);
  const std::map<uint64_t, std::string> expected = {{11, "unknown_item"},  {12, "unknown_category"},
                                                    {14, "inconsistent"},  {15, "accreditation"},
                                                    {16, "accreditation"}, {17, "duplicate"}};
  // Each run's rejects are read before the next (they are kept with its store).
  auto run = [&](const std::string& input) {
    IngestReport r;
    EXPECT_TRUE(Run(input, &r).ok());
    EXPECT_EQ(ResponseRejects(r), expected) << input;
    // One reject row each: no row failed twice (at parsing and again at the merge).
    const auto all = Rejects(r);
    EXPECT_EQ(std::count_if(all.begin(), all.end(),
                            [](const auto& row) { return row[0] == "voice_responses.csv"; }),
              6)
        << input;
    StoreState s = Load();
    std::filesystem::remove_all(dir_ + "/store");
    return s;
  };
  const StoreState sa = run(dir_ + "/in");
  const StoreState sb = run(dir_ + "/moved");
  EXPECT_EQ(sa.voice_respondents.key, sb.voice_respondents.key);
  EXPECT_TRUE(sa.voice_responses.respondent == sb.voice_responses.respondent);
  EXPECT_TRUE(sa.voice_responses.item == sb.voice_responses.item);
  EXPECT_TRUE(sa.voice_responses.category == sb.voice_responses.category);
  // K5 is one respondent with its two kept answers.
  EXPECT_EQ(sa.voice_respondents.size(), 6u);
  EXPECT_EQ(sa.voice_responses.size(), 10u);
}

TEST_F(VoiceIngestTest, ANonAccreditedProvidersFileIsRejectedAndChangesNothing) {
  testing::WriteTinyInput(dir_ + "/in", VoiceFiles());
  IngestReport r;
  ASSERT_TRUE(Run(dir_ + "/in", &r).ok());
  const uint64_t generation = r.generation;
  StoreState before = Load();
  // A later file, all from the provider whose accreditation lapsed.
  fs::create_directories(dir_ + "/later");
  std::ofstream(dir_ + "/later/voice_responses.csv")
      << "provider_id,wave,urn,respondent_key,collected_date,mode,item_id,item_version,response\n"
         "PRV0,2018/19,900002,L1,2018-09-07,online,belong_school,1,agree\n"
         "PRV0,2018/19,900002,L1,2018-09-07,online,safe_school,1,always\n"
         "PRV0,2018/19,900002,K2,2018-09-07,online,belong_school,1,disagree\n";
  IngestReport r2;
  ASSERT_TRUE(Run(dir_ + "/later", &r2).ok());
  EXPECT_EQ(r2.rows_rejected, 3u);
  EXPECT_FALSE(r2.committed);
  EXPECT_EQ(r2.generation, generation);
  for (const auto& row : Rejects(r2)) {
    EXPECT_EQ(row[4], "accreditation");
    EXPECT_NE(row[5].find("was not accredited on 2018-09-07"), std::string::npos) << row[5];
  }
  StoreState after = Load();
  EXPECT_EQ(after.voice_respondents.key, before.voice_respondents.key);
  EXPECT_EQ(after.voice_responses.size(), before.voice_responses.size());
  for (size_t i = 0; i < after.voice_responses.size(); ++i) {
    EXPECT_EQ(after.voice_responses.category[i], before.voice_responses.category[i]);
  }
}

// The response ingest parses a large file on every core, a chunk each, and
// checks respondents and duplicates in file order afterwards: a file cut
// into chunks gives the same store and the same rejects as one thread,
// including a duplicate and an inconsistent respondent whose first rows
// are in another chunk.
TEST_F(VoiceIngestTest, AChunkedFileGivesTheSameStoreAndRejectsAsOneThread) {
  auto files = VoiceFiles();
  std::string& responses = files["voice_responses.csv"];
  const char* items[] = {"belong_school", "safe_school", "enjoy_school"};
  const char* answers[3][2] = {{"agree", "disagree"}, {"often", "never"}, {"always", "sometimes"}};
  for (int k = 0; k < 12000; ++k) {  // about 1.6 MB: more than one chunk
    for (int i = 0; i < 3; ++i) {
      responses += fmt::format("PRV1,2018/19,900002,R{:05d},2018-09-07,online,{},1,{}\n", k,
                               items[i], answers[i][(k * 7 + i) % 2]);
    }
  }
  const size_t lines = static_cast<size_t>(std::count(responses.begin(), responses.end(), '\n'));
  // A repeat of R00000's first answer, and R00001 with another mode.
  responses += "PRV1,2018/19,900002,R00000,2018-09-07,online,belong_school,1,disagree\n";
  responses += "PRV1,2018/19,900002,R00001,2018-09-07,at_home,calm,1,often\n";
  testing::WriteTinyInput(dir_ + "/in", files);
  auto ingest = [&](const std::string& store, int threads, IngestReport* r) {
    IngestOptions o;
    o.input_dir = dir_ + "/in";
    o.store_dir = dir_ + "/" + store;
    o.catalogue_dir = BankDir();
    o.threads = threads;
    return Ingest(o, r);
  };
  IngestReport one, two;
  ASSERT_TRUE(ingest("one", 1, &one).ok());
  ASSERT_TRUE(ingest("two", 2, &two).ok());
  auto load = [&](const std::string& store) {
    auto st = Store::Open(dir_ + "/" + store, Store::Mode::kRead);
    EXPECT_TRUE(st.ok());
    return *(*st)->Load();
  };
  const StoreState a = load("one"), b = load("two");
  EXPECT_EQ(a.voice_respondents.size(), 5u + 12000u);
  EXPECT_EQ(a.voice_responses.size(), 8u + 36000u);
  EXPECT_EQ(a.voice_respondents.key, b.voice_respondents.key);
  EXPECT_TRUE(a.voice_responses.respondent == b.voice_responses.respondent);
  EXPECT_TRUE(a.voice_responses.item == b.voice_responses.item);
  EXPECT_TRUE(a.voice_responses.category == b.voice_responses.category);
  for (IngestReport* r : {&one, &two}) {
    auto by_line = ResponseRejects(*r);
    ASSERT_EQ(by_line.size(), 2u);
    // Line numbers count the header as line 1.
    EXPECT_EQ(by_line[lines + 1], "duplicate");
    EXPECT_EQ(by_line[lines + 2], "inconsistent");
  }
}

// A store of one LA has no England level: its top level is the LA (and its
// region), never labelled England. A store with schools in all nine
// English regions has one.
TEST_F(VoiceIngestTest, OnlyAStoreCoveringEnglandHasAnEnglandLevel) {
  testing::WriteTinyInput(dir_ + "/in", VoiceFiles());
  IngestReport r;
  ASSERT_TRUE(Run(dir_ + "/in", &r).ok());
  StoreState s = Load();
  EXPECT_FALSE(voice::StoreCoversEngland(s));
  auto cat = voice::LoadCatalogueWithLocalItems(BankDir(), s.voice_local_items);
  ASSERT_TRUE(cat.ok());
  Policy policy;
  voice::VoiceReportInput in{&s, nullptr, &*cat, &policy, 1};
  auto rep = voice::MakeVoiceReport(in);
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->covers_england);
  bool la = false;
  for (const auto& u : rep->units) {
    EXPECT_NE(u.key, "england");
    EXPECT_NE(u.geography.level, GeographicLevel::kNational) << u.key;
    la = la || u.key == "la:805";
  }
  EXPECT_TRUE(la);
  for (const auto& d : rep->distributions) EXPECT_NE(rep->units[d.unit].key, "england");

  // Schools in every English region: England.
  StoreState e;
  for (int k = 1; k <= 9; ++k) {
    e.local_authorities.old_la_code.push_back(static_cast<int16_t>(800 + k));
    e.local_authorities.region_code.push_back(fmt::format("E1200000{}", k));
    e.schools.la_code.push_back(static_cast<int16_t>(800 + k));
  }
  // A Welsh LA with no school does not count against it.
  e.local_authorities.old_la_code.push_back(670);
  e.local_authorities.region_code.push_back("W92000004");
  EXPECT_TRUE(voice::StoreCoversEngland(e));
  e.schools.la_code.pop_back();  // no school left in the ninth region
  EXPECT_FALSE(voice::StoreCoversEngland(e));
}

// The scorecard's wellbeing slot is the voice report's share on the declared
// wellbeing item (calm, version 1: often or always, of those who answered),
// withheld where the report withholds it, x where the school has no answers
// to it. Hand counts: 900003 has 12 respondents to calm: 5 often, 3 always,
// 2 never, 2 sometimes: 8 of 12, shown. 900001 has 12 (K1 and 11 more): 8
// often, 3 never, 1 prefer not to say: its share (8 of 11) would give the
// prefer-not-to-say count of 1 as base minus answered, so the report hides
// it, and so does the slot. 900002 has the same 12 answers as 900003, but it
// is the only school of its trust, whose figures need 3 schools, so the
// report withholds it (it would give the trust's) and so does the slot.
TEST_F(VoiceIngestTest, TheScorecardWellbeingSlotIsTheDeclaredItemsPositiveShare) {
  auto files = VoiceFiles();
  const char* calm[] = {"often",  "often",  "often", "often", "often",     "always",
                        "always", "always", "never", "never", "sometimes", "sometimes"};
  std::string& rows = files["voice_responses.csv"];
  for (int k = 0; k < 12; ++k) {
    rows += fmt::format("PRV1,2018/19,900003,W{:02d},2018-09-07,online,calm,1,{}\n", k, calm[k]);
    rows += fmt::format("PRV1,2018/19,900002,X{:02d},2018-09-07,online,calm,1,{}\n", k, calm[k]);
  }
  rows += "PRV1,2018/19,900001,K1,2018-09-07,online,calm,1,prefer_not_to_say\n";
  for (int k = 0; k < 11; ++k) {
    rows += fmt::format("PRV1,2018/19,900001,Y{:02d},2018-09-07,online,calm,1,{}\n", k,
                        k < 8 ? "often" : "never");
  }
  testing::WriteTinyInput(dir_ + "/in", files);
  IngestReport r;
  ASSERT_TRUE(Run(dir_ + "/in", &r).ok());
  EXPECT_EQ(r.rows_rejected, 0u);
  StoreState s = Load();
  Policy policy;
  auto in = PupilLevelScorecardInputFromState(s, nullptr, policy, 1, dir_ + "/no-real-data");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  const uint16_t slot = *ScorecardIndicatorIndex("pupil_wellbeing_percent");
  std::map<int32_t, const IndicatorObservation*> by_urn;
  for (const auto& o : in->observations) {
    if (o.indicator == slot) by_urn[in->schools[o.school].urn] = &o;
  }
  ASSERT_TRUE(by_urn.count(900003));
  EXPECT_EQ(by_urn[900003]->numerator, 8);
  EXPECT_EQ(by_urn[900003]->denominator, 12);
  EXPECT_FALSE(by_urn[900003]->suppressed);
  ASSERT_TRUE(by_urn.count(900001));
  EXPECT_EQ(by_urn[900001]->numerator, 8);
  EXPECT_EQ(by_urn[900001]->denominator, 11);
  EXPECT_TRUE(by_urn[900001]->suppressed);
  ASSERT_TRUE(by_urn.count(900002));
  EXPECT_TRUE(by_urn[900002]->suppressed);
  EXPECT_NE(in->unavailable_reason[slot].find("calm"), std::string::npos);

  // No voice in the store: no observation, x with its reason.
  s.voice_respondents = VoiceRespondentTable();
  s.voice_responses = VoiceResponseTable();
  s.voice_links = VoiceLinkTable();
  auto in2 = PupilLevelScorecardInputFromState(s, nullptr, policy, 1, dir_ + "/no-real-data");
  ASSERT_TRUE(in2.ok());
  for (const auto& o : in2->observations) EXPECT_NE(o.indicator, slot);
}

// ------------------------------------------------------------ generated waves

class VoiceGeneratedTest : public testing::GeneratedDataSuite<VoiceGeneratedTest> {
 protected:
  static void SetUpTestSuite() {
    if (!FindRealDataDir().ok()) return;
    dir_ = new std::string(
        (fs::temp_directory_path() / ("lantern_voice_gen_" + std::to_string(::getpid()))).string());
    fs::remove_all(*dir_);
    for (const auto& [year, seed] :
         {std::pair<const char*, uint64_t>{"201718", 20180101}, {"201819", 20190101}}) {
      GenerateOptions g;
      g.scale = GenerateScale::kLocalAuthority;
      g.la_codes = {805};
      g.seed = seed;
      g.year = year;
      g.with_voice = true;
      g.progress = false;
      g.out_dir = *dir_ + "/in" + year;
      GenerateReport gr;
      Status st = Generate(g, &gr);
      if (!st.ok()) {
        status_ = new Status(st);
        return;
      }
      IngestOptions o;
      o.input_dir = g.out_dir;
      o.store_dir = *dir_ + "/store" + year;
      o.catalogue_dir = BankDir();
      IngestReport ir;
      st = Ingest(o, &ir);
      if (!st.ok()) {
        status_ = new Status(st);
        return;
      }
    }
    status_ = new Status();
  }
  void SetUp() override {
    GeneratedDataSuite::SetUp();
    if (NotReady()) return;
    for (const char* year : {"201718", "201819"}) {
      auto store = Store::Open(*dir_ + "/store" + year, Store::Mode::kRead);
      ASSERT_TRUE(store.ok());
      auto s = (*store)->Load();
      ASSERT_TRUE(s.ok());
      states_.push_back(std::make_unique<StoreState>(std::move(*s)));
    }
    auto cat = voice::LoadCatalogueWithLocalItems(BankDir(), states_[1]->voice_local_items);
    ASSERT_TRUE(cat.ok()) << cat.status().ToString();
    cat_ = std::make_unique<VoiceCatalogue>(std::move(*cat));
    voice::VoiceReportInput in{states_[1].get(), states_[0].get(), cat_.get(), &policy_, 2};
    auto rep = voice::MakeVoiceReport(in);
    ASSERT_TRUE(rep.ok()) << rep.status().ToString();
    report_ = std::make_unique<voice::VoiceReport>(std::move(*rep));
  }
  std::vector<std::unique_ptr<StoreState>> states_;
  std::unique_ptr<VoiceCatalogue> cat_;
  std::unique_ptr<voice::VoiceReport> report_;
  Policy policy_;
};

TEST_F(VoiceGeneratedTest, EveryRelationHoldsAndNoPublishedCellRevealsASmallCount) {
  const voice::VoiceReport& r = *report_;
  const int threshold = policy_.suppress_below;
  // The relations the pass protected are true of the counts.
  for (const auto& [margin, members] : r.relations) {
    int64_t sum = 0;
    for (size_t m : members) sum += r.cell_counts[m];
    ASSERT_EQ(sum, r.cell_counts[margin]);
  }
  // What a reader knows: the published cells; then whatever subtraction
  // gives, again and again.
  std::vector<bool> known(r.cell_counts.size());
  size_t published = 0;
  for (size_t c = 0; c < known.size(); ++c) {
    known[c] = !r.cell_hidden[c] && !r.cell_unpublished[c];
    published += known[c];
  }
  ASSERT_GT(published, 1000u);
  size_t derived = 0;
  for (bool more = true; more;) {
    more = false;
    for (const auto& [margin, members] : r.relations) {
      size_t unknown = 0, last = 0;
      for (size_t m : members) {
        if (!known[m]) {
          ++unknown;
          last = m;
        }
      }
      size_t target = SIZE_MAX;
      if (known[margin] && unknown == 1) target = last;
      if (!known[margin] && unknown == 0) target = margin;
      if (target == SIZE_MAX) continue;
      known[target] = true;
      ++derived;
      more = true;
      const int64_t v = r.cell_counts[target];
      if (v > 0 && v < threshold) {
        std::string why =
            fmt::format("margin {} ({}, hidden {}, unpublished {}):", margin, r.cell_counts[margin],
                        r.cell_hidden[margin] ? 1 : 0, r.cell_unpublished[margin] ? 1 : 0);
        for (size_t m : members) {
          why += fmt::format(" {}={}{}{}", m, r.cell_counts[m], r.cell_hidden[m] ? "h" : "",
                             r.cell_unpublished[m] ? "u" : "");
        }
        FAIL() << "cell " << target << " = " << v << " is worked out by subtraction: " << why;
      }
    }
  }
  // Where several cells stay unknown, what they add up to is no small count either.
  for (const auto& [margin, members] : r.relations) {
    if (!known[margin]) continue;
    int64_t unknown_sum = 0;
    for (size_t m : members) {
      if (!known[m]) unknown_sum += r.cell_counts[m];
    }
    ASSERT_FALSE(unknown_sum > 0 && unknown_sum < threshold)
        << "hidden cells of margin " << margin << " add up to " << unknown_sum;
  }
  // Across years: a change is shown only where both years' shares are.
  size_t shown = 0;
  for (const auto& ch : r.changes) {
    if (!ch.shown) continue;
    ++shown;
    for (const auto& d : r.distributions) {
      if (d.unit == ch.unit && d.group == ch.group &&
          cat_->items()[d.item].id == cat_->items()[ch.item].id) {
        EXPECT_TRUE(known[d.positive_cell] && known[d.answered_cell] && known[d.first_cell]);
      }
    }
  }
  EXPECT_GT(shown, 100u);
  RecordProperty("derived_cells", static_cast<int>(derived));
}

TEST_F(VoiceGeneratedTest, PublishedSharesRecoverTheTrueDistributions) {
  auto truth = CsvTable::Load(*dir_ + "/in201819/voice_truth/voice_truth.csv");
  ASSERT_TRUE(truth.ok());
  std::map<std::pair<std::string, std::string>, double> expected;
  for (size_t i = 0; i < truth->rows(); ++i) {
    const double pos = std::stod(truth->Cell(i, 5)), ans = std::stod(truth->Cell(i, 6));
    expected[{truth->Cell(i, 0), truth->Cell(i, 2)}] = pos / ans;
  }
  size_t tried = 0, covered = 0;
  for (const auto& d : report_->distributions) {
    const auto& unit = report_->units[d.unit];
    if (!unit.school || d.group != 0 || d.wave != 2018 || d.share_hidden) continue;
    auto it = expected.find({unit.geography.school_urn, cat_->items()[d.item].id});
    if (it == expected.end()) continue;
    int64_t pos = 0;
    const int64_t ans = voice::AnsweredCount(*cat_, cat_->items()[d.item], d.counts, &pos);
    const auto ci = stats::WilsonInterval(static_cast<double>(pos), static_cast<double>(ans));
    ++tried;
    covered += ci.lower <= it->second && it->second <= ci.upper;
  }
  ASSERT_GT(tried, 200u);
  const double rate = static_cast<double>(covered) / static_cast<double>(tried);
  // 95% intervals: about 95 in 100 contain the truth (a little more, since
  // each pupil's own chances vary around the school's).
  EXPECT_GT(rate, 0.90) << covered << " of " << tried;
  EXPECT_LT(rate, 0.995) << covered << " of " << tried;
}

TEST_F(VoiceGeneratedTest, PersistentlyAbsentAndApPupilsAreHeardLess) {
  double pa = 0, not_pa = 0;
  for (const auto& c : report_->coverage) {
    if (report_->units[c.unit].key != "la:805" || c.wave != 2018) continue;
    const auto& id = voice::VoiceGroups()[c.group].id;
    const double rate = static_cast<double>(c.respondents) / static_cast<double>(c.roll);
    if (id == "persistently_absent") pa = rate;
    if (id == "not_persistently_absent") not_pa = rate;
  }
  EXPECT_GT(not_pa, 0);
  EXPECT_LT(pa, not_pa - 0.05);
}

}  // namespace

namespace testing {
std::map<std::string, std::string> TinyVoiceFiles() { return VoiceFiles(); }
}  // namespace testing
// The server with the previous year's store (lantern serve --previous-store)
// serves the year-on-year change, as the report computes it: the LA's rows
// each say higher, lower or no clear change, exactly where the report does.
TEST_F(VoiceGeneratedTest, TheServerServesChangeFromThePreviousStore) {
  server::ServerOptions o;
  o.store_dir = *dir_ + "/store201819";
  o.previous_store_dir = *dir_ + "/store201718";
  o.work_dir = *dir_ + "/serve";
  o.port = 0;
  o.quiet = true;
  o.threads = 2;
  o.web_dir = *dir_ + "/no-web";
  o.real_data_dir = *dir_ + "/no-published-data";
  auto server = server::Server::Create(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->Start().ok());
  ASSERT_TRUE((*server)->WaitReady().ok());
  httplib::Client c("127.0.0.1", (*server)->port());
  c.set_read_timeout(60, 0);
  auto r = c.Get("/api/v1/las/805/voice");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto body = nlohmann::json::parse(r->body);
  std::map<std::string, std::string> served;  // item:group -> conclusion
  for (const auto& row : body["change"]) {
    served[row["item_id"].get<std::string>() + ":" + row["breakdown"].get<std::string>()] =
        row["conclusion"];
  }
  size_t expected = 0, concluded = 0;
  for (const auto& ch : report_->changes) {
    if (report_->units[ch.unit].key != "la:805") continue;
    ++expected;
    const std::string key = cat_->items()[ch.item].id + ":" + voice::VoiceGroups()[ch.group].label;
    ASSERT_TRUE(served.count(key)) << key;
    EXPECT_EQ(served[key], ch.conclusion) << key;
    if (!ch.conclusion.empty()) ++concluded;
  }
  EXPECT_GT(expected, 0u);
  EXPECT_GT(concluded, 0u);
  EXPECT_EQ(served.size(), expected);
  (*server)->Stop();
}

// The Local Outcomes Framework's wellbeing measure is the same statistic for
// each LA, region and England: LA 805's row equals the report's LA share on
// the declared item (often or always, of those who answered), with its
// numerator and denominator.
TEST_F(VoiceGeneratedTest, TheLocalOutcomesWellbeingMeasureIsTheReportsAreaShare) {
  PupilLevelOutcomesOptions o;
  o.threads = 2;
  OutcomesReport rep;
  const std::string out = *dir_ + "/outcomes";
  ASSERT_TRUE(RunPupilLevelOutcomes(*dir_ + "/store201819", o, out, &rep).ok());
  auto t = CsvTable::Load(out + "/local_outcomes.csv");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const int item = cat_->FindItem(voice::kWellbeingItem, voice::kWellbeingItemVersion);
  ASSERT_GE(item, 0);
  const voice::VoiceDistribution* la = nullptr;
  for (const auto& d : report_->distributions) {
    if (report_->units[d.unit].key == "la:805" && d.item == static_cast<uint16_t>(item) &&
        d.group == 0 && d.wave == 2018) {
      la = &d;
    }
  }
  ASSERT_NE(la, nullptr);
  ASSERT_FALSE(la->share_hidden);
  int64_t positive = 0;
  const int64_t answered =
      voice::AnsweredCount(*cat_, cat_->items()[static_cast<size_t>(item)], la->counts, &positive);
  auto get = [&](size_t r, const char* col) { return t->Cell(r, t->Column(col)); };
  int found = 0;
  for (size_t r = 0; r < t->rows(); ++r) {
    if (get(r, "measure") != "pupil_wellbeing_percent") continue;
    if (get(r, "geographic_level") != "Local authority" || get(r, "old_la_code") != "805") {
      continue;
    }
    ++found;
    EXPECT_EQ(get(r, "numerator"), std::to_string(positive));
    EXPECT_EQ(get(r, "denominator"), std::to_string(answered));
    EXPECT_NEAR(std::stod(get(r, "value")),
                100.0 * static_cast<double>(positive) / static_cast<double>(answered), 0.05);
  }
  EXPECT_EQ(found, 1);
}

}  // namespace lantern
