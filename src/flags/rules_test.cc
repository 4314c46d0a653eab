#include "flags/rules.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace lantern {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtRiskRulesTest, TheCompiledInNationalCoreIsTheFileInTheRepository) {
  EXPECT_EQ(std::string(NationalRulesText()),
            Read(std::string(LANTERN_SOURCE_DIR) + "/rules/at-risk-1.toml"));
}

TEST(AtRiskRulesTest, TheNationalCoreHasTheSixTriggersWithTheirDefinitions) {
  const AtRiskRules& r = DefaultRules();
  EXPECT_EQ(r.version, "1");
  ASSERT_EQ(r.triggers.size(), 6u);
  const std::vector<std::string> ids = {"repeat_suspension", "low_attendance",
                                        "repeat_ap",         "repeat_internal_suspension",
                                        "third_school",      "ehcp_wait"};
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(r.triggers[i].id, ids[i]);
    EXPECT_TRUE(r.triggers[i].core);
    EXPECT_FALSE(r.triggers[i].meaning.empty());
  }
  const Trigger* s = r.Find("repeat_suspension");
  EXPECT_EQ(s->measure, TriggerMeasure::kSuspensionsStarted);
  EXPECT_EQ(s->window.kind, WindowKind::kMonths);
  EXPECT_EQ(s->window.n, 12);
  EXPECT_EQ(s->threshold, 2);
  const Trigger* a = r.Find("low_attendance");
  EXPECT_EQ(a->window.kind, WindowKind::kSchoolDays);
  EXPECT_EQ(a->window.n, 30);
  EXPECT_EQ(a->threshold, 90);
  EXPECT_EQ(r.Find("repeat_internal_suspension")->window.kind, WindowKind::kTerm);
  EXPECT_EQ(r.Find("repeat_internal_suspension")->threshold, 3);
  EXPECT_EQ(r.Find("third_school")->window.n, 24);
  EXPECT_EQ(r.Find("ehcp_wait")->threshold, 20);
}

Result<AtRiskRules> Local(const std::string& body) {
  return ParseAtRiskRules("scope = \"local\"\nversion = \"805-1\"\n" + body, "local.toml",
                          DefaultRules());
}

TEST(AtRiskRulesTest, ALocalFileAddsTriggersToTheCore) {
  auto r = Local(
      "[[trigger]]\nid = \"one_pex\"\nmeaning = \"A permanent exclusion in 12 months.\"\n"
      "measure = \"permanent_exclusions\"\nwindow = \"12 months\"\nthreshold = 1\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, "1+805-1");
  ASSERT_EQ(r->triggers.size(), 7u);
  EXPECT_EQ(r->triggers[6].id, "one_pex");
  EXPECT_FALSE(r->triggers[6].core);
  EXPECT_EQ(NationalPart(*r).triggers.size(), 6u);
  EXPECT_EQ(NationalPart(*r).version, "1");
}

void ExpectRefused(const Result<AtRiskRules>& r, const std::string& where,
                   const std::string& words) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find(where), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
}

TEST(AtRiskRulesTest, ALocalFileCannotChangeOrSwitchOffTheCore) {
  ExpectRefused(Local("[[trigger]]\nid = \"low_attendance\"\nmeaning = \"x\"\n"
                      "measure = \"attendance_percent\"\nwindow = \"30 school days\"\n"
                      "threshold = 80\n"),
                "local.toml:4:", "national core trigger");
  ExpectRefused(Local("[[trigger]]\nid = \"x\"\nenabled = false\n"),
                "local.toml:5:", "cannot be switched off");
  ExpectRefused(ParseAtRiskRules("scope = \"national\"\nversion = \"2\"\n[[trigger]]\nid = "
                                 "\"repeat_suspension\"\nmeaning = \"m\"\nmeasure = "
                                 "\"suspensions_started\"\nwindow = \"12 months\"\nthreshold = 2\n",
                                 "n.toml", AtRiskRules()),
                "n.toml:1:", "'low_attendance' is missing");
}

TEST(AtRiskRulesTest, AProtectedCharacteristicIsNeverATrigger) {
  for (const char* m : {"sex", "ethnicity", "sen_provision", "fsm", "disadvantaged", "eal"}) {
    ExpectRefused(Local(std::string("[[trigger]]\nid = \"t\"\nmeaning = \"m\"\nmeasure = \"") + m +
                        "\"\nwindow = \"none\"\nthreshold = 1\n"),
                  "local.toml:6:", "cannot be a trigger");
  }
}

TEST(AtRiskRulesTest, ABrokenFileIsRefusedWithItsLineAndReason) {
  ExpectRefused(Local("[[trigger]]\nid = \"t\"\nmeaning = \"m\"\nmeasure = \"nope\"\n"
                      "window = \"none\"\nthreshold = 1\n"),
                "local.toml:6:", "unknown measure 'nope'");
  ExpectRefused(
      Local("[[trigger]]\nid = \"t\"\nmeaning = \"m\"\nmeasure = \"suspensions_started\"\n"
            "window = \"30 school days\"\nthreshold = 1\n"),
      "local.toml:7:", "cannot be counted over window");
  ExpectRefused(
      Local("[[trigger]]\nid = \"t\"\nmeaning = \"m\"\nmeasure = \"suspensions_started\"\n"
            "window = \"fortnight\"\nthreshold = 1\n"),
      "local.toml:7:", "window 'fortnight'");
  ExpectRefused(
      Local("[[trigger]]\nid = \"t\"\nmeaning = \"m\"\nmeasure = \"suspensions_started\"\n"
            "window = \"12 months\"\nthreshold = 0\n"),
      "local.toml:8:", "out of range");
  ExpectRefused(Local("[[trigger]\nid = 1\n"), "local.toml:3:", "");
  ExpectRefused(ParseAtRiskRules("version = \"3\"\n", "s.toml", DefaultRules()),
                "s.toml:1:", "'scope'");
}

}  // namespace
}  // namespace lantern
