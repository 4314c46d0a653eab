// The skills passport end to end: KS4 results ingested, an issuer made, a
// pupil's passport issued (one credential per qualification awarded, each
// at the RQF level its grade reaches), then checked as an employer would:
// valid as issued; not valid once a grade is changed, once the issuer
// revokes an item, for another holder's e-mail, or before it was issued;
// and a school refused another school's pupil.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "common/file_util.h"
#include "lantern/ingest.h"
#include "measures/qualifications.h"
#include "passport/credentials.h"
#include "passport/jcs.h"
#include "store/store.h"
#include "tests/ks4_store.h"
#include "tests/scratch_dir.h"
#include "tests/tiny_fixture.h"

namespace lantern {
namespace {

using nlohmann::json;
using testing::TinyUpn;

constexpr const char* kNow = "2026-12-06T10:00:00Z";

class PassportTest : public testing::ScratchDirTest {
 protected:
  PassportTest() : ScratchDirTest("lantern_passport") {}

  void SetUp() override {
    ScratchDirTest::SetUp();
    const std::string p4 = TinyUpn(4);
    std::string ks4;
    auto row = [&](const char* q, const char* g) {
      ks4 += p4 + ",900002,201819," + q + "," + g + ",2019-06\n";
    };
    row("GCSE_MATHS", "6");       // Level 2
    row("GCSE_ENG_LANG", "3");    // Level 1
    row("GCSE_HISTORY", "4");     // Level 2: the lowest grade that reaches it
    row("GCSE_FRENCH", "U");      // awards nothing: left out
    row("BTEC_TA_SPORT", "L2M");  // a technical award at Level 2
    row("FS_ENGLISH_L1", "P");    // functional skills, a pass
    testing::MakeKs4Store(dir_, ks4, &state_);
    if (HasFatalFailure()) return;
    auto catalogue = QualCatalogue::Load(DefaultCatalogueDir());
    ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
    catalogue_ = std::make_unique<QualCatalogue>(std::move(catalogue).value());
    passport::IssuerSetup setup;
    setup.name = "Tiny Academy";
    setup.urn = 900002;
    setup.status_list_url = "https://tiny.example/passport/status-list.json";
    issuer_ = dir_ + "/issuer";
    const Status st = passport::InitIssuer(issuer_, setup, kNow);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  passport::IssuedPassport Issue() {
    passport::IssueOptions o;
    o.recipient_email = "Learner@Example.org ";
    o.now = kNow;
    auto p = passport::IssuePassport(state_, *catalogue_, TinyUpn(4), issuer_, o);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? std::move(p).value() : passport::IssuedPassport();
  }

  json StatusList() {
    return passport::ParseJson(ReadFileToString(issuer_ + "/status-list.json").value()).value();
  }

  passport::VerifyReport Check(const json& doc, const json* list, std::string email = "",
                               std::string now = "2027-01-01T00:00:00Z") {
    passport::VerifyOptions o;
    o.now = now;
    o.status_list = list;
    o.recipient_email = email;
    return passport::Verify(doc, o);
  }

  static std::string Problems(const passport::VerifyReport& r) {
    std::string s;
    for (const auto& p : r.problems) s += p + "\n";
    return s;
  }

  StoreState state_;
  std::unique_ptr<QualCatalogue> catalogue_;
  std::string issuer_;
};

TEST_F(PassportTest, IssuesOneCredentialPerQualificationAwardedAtItsLevel) {
  const passport::IssuedPassport p = Issue();
  ASSERT_EQ(p.items.size(), 5u);
  EXPECT_EQ(p.results_left_out, 1u);  // the U
  const json list = StatusList();
  const passport::VerifyReport r = Check(p.record, &list, "learner@example.org");
  EXPECT_TRUE(r.valid) << Problems(r);
  ASSERT_EQ(r.items.size(), 5u);
  std::map<std::string, passport::ItemView> by_name;
  for (const auto& v : r.items) by_name[v.name] = v;
  const auto& maths = by_name.at("GCSE Mathematics");
  EXPECT_EQ(maths.grade, "6");
  EXPECT_EQ(maths.level, "RQF Level 2");
  EXPECT_EQ(maths.achievement_type, "ext:GCSE");
  EXPECT_EQ(maths.term, "June 2019 exam series");
  EXPECT_TRUE(maths.verified);
  for (const auto& [name, v] : by_name) {
    if (name.find("English language") != std::string::npos) {
      EXPECT_EQ(v.level, "RQF Level 1") << name;  // grade 3
    } else if (name.find("History") != std::string::npos) {
      EXPECT_EQ(v.level, "RQF Level 2") << name;  // grade 4
    } else if (v.achievement_type == "ext:FunctionalSkills") {
      EXPECT_EQ(v.grade, "Pass");
      EXPECT_EQ(v.level, "RQF Level 1");
    } else if (v.achievement_type == "ext:TechnicalAward") {
      EXPECT_EQ(v.grade, "L2M");
      EXPECT_EQ(v.level, "RQF Level 2");
    }
  }
  // Each item stands alone, with its own place in the status list, and the
  // holder appears only as a salted hash.
  std::set<std::string> places;
  for (const json& item : p.items) {
    EXPECT_TRUE(Check(item, &list).valid);
    places.insert(item["credentialStatus"]["statusListIndex"].get<std::string>());
    const std::string text = item.dump();
    EXPECT_EQ(text.find("learner@example.org"), std::string::npos);
    EXPECT_EQ(text.find(TinyUpn(4)), std::string::npos);
  }
  EXPECT_EQ(places.size(), 5u);
  // The issuer's key file is its owner's only.
  struct stat st;
  ASSERT_EQ(::stat((issuer_ + "/issuer.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(PassportTest, AChangedGradeOrAnotherHolderOrAnEarlyDateIsNotValid) {
  const passport::IssuedPassport p = Issue();
  ASSERT_FALSE(p.items.empty());
  const json list = StatusList();
  json changed = p.record;
  auto& items = changed["credentialSubject"]["verifiableCredential"];
  for (json& item : items) {
    if (item["name"] == "GCSE Mathematics") item["credentialSubject"]["result"][0]["value"] = "9";
  }
  const passport::VerifyReport r = Check(changed, &list);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(Problems(r).find("GCSE Mathematics"), std::string::npos) << Problems(r);
  EXPECT_NE(Problems(r).find("signature"), std::string::npos) << Problems(r);
  // The changed item is not verified; the others, each signed on its own, are.
  ASSERT_EQ(r.items.size(), p.items.size());
  for (const auto& v : r.items) EXPECT_EQ(v.verified, v.name != "GCSE Mathematics") << v.name;

  // Signed again by a key that is not the issuer's: the signature holds,
  // the claim to be the issuer does not.
  json resigned = p.items[0];
  resigned.erase("proof");
  passport::ProofOptions po;
  po.created = kNow;
  auto other = passport::AddProof(resigned, passport::NewKeyPair(), po);
  ASSERT_TRUE(other.ok());
  const passport::VerifyReport forged = Check(*other, &list);
  EXPECT_FALSE(forged.valid);
  EXPECT_NE(Problems(forged).find("not the issuer's"), std::string::npos) << Problems(forged);

  EXPECT_FALSE(Check(p.record, &list, "someone.else@example.org").valid);
  EXPECT_FALSE(Check(p.record, &list, "", "2026-12-05T00:00:00Z").valid);
  // Without the status list it verifies, and says revocation was not checked.
  const passport::VerifyReport no_list = Check(p.record, nullptr);
  EXPECT_TRUE(no_list.valid) << Problems(no_list);
  bool said = false;
  for (const auto& n : no_list.notes) said = said || n.find("revocation not checked") != n.npos;
  EXPECT_TRUE(said);
}

TEST_F(PassportTest, ARevokedItemIsNotValidAndTheRestStay) {
  const passport::IssuedPassport p = Issue();
  ASSERT_EQ(p.items.size(), 5u);
  const json before = StatusList();
  ASSERT_TRUE(passport::Revoke(issuer_, p.items[0], "2026-12-07T09:00:00Z").ok());
  const json after = StatusList();
  EXPECT_TRUE(Check(p.items[0], &before).valid);  // the list as it was
  const passport::VerifyReport r = Check(p.items[0], &after);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(Problems(r).find("revoked"), std::string::npos) << Problems(r);
  for (size_t i = 1; i < p.items.size(); ++i) EXPECT_TRUE(Check(p.items[i], &after).valid);
  // A list changed by someone else fails its own signature.
  json forged = after;
  forged["validFrom"] = "2026-12-08T00:00:00Z";
  EXPECT_FALSE(Check(p.items[1], &forged).valid);
  // Another issuer cannot revoke it.
  passport::IssuerSetup other;
  other.name = "Other";
  other.status_list_url = "https://other.example/s.json";
  ASSERT_TRUE(passport::InitIssuer(dir_ + "/other", other, kNow).ok());
  EXPECT_FALSE(passport::Revoke(dir_ + "/other", p.items[1], kNow).ok());
}

TEST_F(PassportTest, ASchoolIssuesForItsOwnPupilsOnly) {
  passport::IssuerSetup setup;
  setup.name = "Another school";
  setup.urn = 900001;
  setup.status_list_url = "https://another.example/s.json";
  ASSERT_TRUE(passport::InitIssuer(dir_ + "/another", setup, kNow).ok());
  passport::IssueOptions o;
  o.recipient_email = "learner@example.org";
  o.now = kNow;
  auto p = passport::IssuePassport(state_, *catalogue_, TinyUpn(4), dir_ + "/another", o);
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kFailedPrecondition);
  // No results, no passport; an unknown UPN is not found.
  EXPECT_EQ(passport::IssuePassport(state_, *catalogue_, TinyUpn(2), issuer_, o).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(passport::IssuePassport(state_, *catalogue_, TinyUpn(9), issuer_, o).status().code(),
            StatusCode::kNotFound);
  // An issuer's folder is never made twice over.
  EXPECT_FALSE(passport::InitIssuer(dir_ + "/another", setup, kNow).ok());
}

// Work experience the school arranged (employer_encounters.csv placements)
// is an item of its own, a Fieldwork achievement with its dates and role;
// an encounter is not; a placement another school arranged is theirs to
// issue.
TEST_F(PassportTest, WorkExperienceTheSchoolArrangedIsAnItemOfItsOwn) {
  StoreState state;
  testing::MakeKs4Store(
      dir_ + "/wx", TinyUpn(4) + ",900002,201819,GCSE_MATHS,6,2019-06\n", &state,
      TinyUpn(4) +
          ",900002,placement,2019-06-10,2019-06-14,County Hospital NHS Trust,Ward support,30\n" +
          TinyUpn(4) + ",900002,encounter,2019-03-01,,Harbour Logistics,,1\n" + TinyUpn(6) +
          ",900003,placement,2018-10-01,2018-10-05,Harbour Logistics,,\n");
  if (HasFatalFailure()) return;
  passport::IssueOptions o;
  o.recipient_email = "learner@example.org";
  o.now = kNow;
  auto p = passport::IssuePassport(state, *catalogue_, TinyUpn(4), issuer_, o);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->items.size(), 2u);
  EXPECT_EQ(p->placements, 1u);
  const json list = StatusList();
  const passport::VerifyReport r = Check(p->record, &list, "learner@example.org");
  EXPECT_TRUE(r.valid) << Problems(r);
  const passport::ItemView* work = nullptr;
  for (const auto& v : r.items) {
    if (v.achievement_type == "Fieldwork") work = &v;
  }
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->name, "Work experience: Ward support, County Hospital NHS Trust");
  EXPECT_EQ(work->term, "2019-06-10 to 2019-06-14");
  EXPECT_EQ(passport::AchievementTypeText(work->achievement_type), "work experience");
  const json& subject = p->items[1]["credentialSubject"];
  EXPECT_EQ(subject["role"], "Ward support");
  EXPECT_EQ(subject["activityStartDate"], "2019-06-10T00:00:00Z");
  EXPECT_NE(subject["achievement"]["description"].get<std::string>().find("30 hours"),
            std::string::npos);
  EXPECT_TRUE(Check(p->items[1], &list).valid);
  // A changed role breaks the signature.
  json changed = p->items[1];
  changed["credentialSubject"]["role"] = "Consultant";
  EXPECT_FALSE(Check(changed, &list).valid);
  // P6's only placement was arranged by the PRU, not the issuing academy.
  auto none = passport::IssuePassport(state, *catalogue_, TinyUpn(6), issuer_, o);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("1 arranged by another school"), std::string::npos)
      << none.status().message();
}

TEST_F(PassportTest, TheCommandLineSaysValidOrNotByItsExitCode) {
  const std::string out = dir_ + "/out";
  const std::string bin = LANTERN_BINARY;
  const std::string issue = bin + " passport issue --store " + dir_ + "/store --upn " + TinyUpn(4) +
                            " --issuer " + issuer_ +
                            " --recipient-email learner@example.org --now " + kNow + " --out " +
                            out + " > " + dir_ + "/issue.log 2>&1";
  ASSERT_EQ(std::system(issue.c_str()), 0);
  const std::string verify = bin + " passport verify " + out + "/passport.json --status-list " +
                             issuer_ + "/status-list.json > " + dir_ + "/verify.log 2>&1";
  EXPECT_EQ(std::system(verify.c_str()), 0) << ReadFileToString(dir_ + "/verify.log").value();
  const std::string log = ReadFileToString(dir_ + "/verify.log").value();
  EXPECT_NE(log.find("GCSE Mathematics"), std::string::npos);
  EXPECT_NE(log.find("RQF Level 2"), std::string::npos);
  // One byte of the record changed: not valid, exit 1.
  std::string text = ReadFileToString(out + "/passport.json").value();
  const size_t at = text.find("\"Tiny Academy\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 14, "\"Tiny Academz\"");
  ASSERT_TRUE(WriteFileAtomic(out + "/changed.json", text).ok());
  const std::string bad = bin + " passport verify " + out + "/changed.json > /dev/null 2>&1";
  const int rc = std::system(bad.c_str());
  EXPECT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 1);
}

TEST_F(PassportTest, AYearGroupIsIssuedAtOnceAndTheRowsThatCannotBeAreKeptAside) {
  const std::string recipients = dir_ + "/year11.csv";
  ASSERT_TRUE(WriteFileAtomic(recipients,
                              "upn,email\n" + TinyUpn(4) + ",learner@example.org\n" + TinyUpn(2) +
                                  ",two@example.org\nnot-a-upn,x@example.org\n" + TinyUpn(3) +
                                  ",no-address\n" + TinyUpn(4) + ",again@example.org\n")
                  .ok());
  const std::string out = dir_ + "/year11";
  const std::string cmd = std::string(LANTERN_BINARY) + " passport issue --store " + dir_ +
                          "/store --issuer " + issuer_ + " --recipients " + recipients + " --now " +
                          kNow + " --out " + out + " > /dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 3);  // done, but rows were rejected
  auto issued = ReadFileToString(out + "/" + TinyUpn(4) + "/passport.json");
  ASSERT_TRUE(issued.ok());
  const json list = StatusList();
  EXPECT_TRUE(Check(passport::ParseJson(*issued).value(), &list, "learner@example.org").valid);
  const std::string rejects = ReadFileToString(out + "/rejects.csv").value();
  EXPECT_NE(
      rejects.find(recipients + ",3,upn,the store holds no KS4 result or work experience for " +
                   TinyUpn(2)),
      std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find(recipients + ",4,upn,not-a-upn is not a valid UPN"), std::string::npos)
      << rejects;
  EXPECT_NE(rejects.find(recipients + ",5,email,"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find(recipients + ",6,upn,the same UPN as line 2: issued once"),
            std::string::npos)
      << rejects;
  EXPECT_FALSE(std::filesystem::exists(out + "/" + TinyUpn(2)));
  // Every credential issued has its own place, recorded.
  const json allocated =
      passport::ParseJson(ReadFileToString(issuer_ + "/allocated.json").value()).value();
  EXPECT_EQ(allocated.size(), 5u);
}

}  // namespace
}  // namespace lantern
