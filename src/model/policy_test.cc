#include "model/policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace lantern {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("lantern_policy_" + std::to_string(::getpid()) + "_" + name + ".json");
  std::ofstream(path) << text;
  return path.string();
}

// A build writes OUT/policy.json; reading it back must give the same policy,
// with the defaults and with every field changed.
TEST(PolicyTest, WrittenPolicyReadsBackTheSame) {
  Policy defaults;
  Policy changed;
  changed.cohort_min_age = 4;
  changed.exclude_boarders = false;
  changed.summer_second_half_start = "2019-06-03";
  changed.persistent_absence_threshold = 0.2;
  changed.suppress_below = 5;
  changed.code_treatment_overrides["Y"] = "not_possible";
  for (const Policy* p : {&defaults, &changed}) {
    const std::string path = WriteTemp("roundtrip", PolicyToJson(*p));
    auto read = LoadPolicy(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(PolicyToJson(*read), PolicyToJson(*p));
  }
}

TEST(PolicyTest, BadValuesAreRejectedWithTheirKey) {
  for (const char* text : {R"({"summer_second_half_start": "2019-13-01"})",
                           R"({"suppress_below": "three"})", R"({"no_such_key": 1})"}) {
    const std::string path = WriteTemp("bad", text);
    auto read = LoadPolicy(path);
    std::filesystem::remove(path);
    EXPECT_FALSE(read.ok()) << text;
  }
}

}  // namespace
}  // namespace lantern
