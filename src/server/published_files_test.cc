// IndexPublishedFile: a published file's rows by key, as the endpoints
// answer them, from one reading of the file.
#include "server/published_files.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/scratch_dir.h"

namespace lantern::server {
namespace {

using nlohmann::json;

class PublishedFilesTest : public testing::ScratchDirTest {
 protected:
  PublishedFilesTest() : ScratchDirTest("lantern_published_files") {}
  std::string Write(const std::string& text) {
    const std::string path = dir_ + "/file.csv";
    std::ofstream(path) << text;
    return path;
  }
};

const std::vector<std::string> kHeader = {
    "time_period", "geographic_level", "old_la_code", "region_code", "name", "value"};

TEST_F(PublishedFilesTest, EachIndexKeepsItsRowsByKeyInTheFilesOrder) {
  const std::string path = Write(
      "time_period,geographic_level,old_la_code,region_code,name,value\n"
      "201819,Local authority,805,E12000001,Hartlepool,1.5\n"
      "201819,School,805,E12000001,\"A school, \"\"the\"\" one\",2\n"
      "201819,Local authority,806,E12000001,Middlesbrough,x\n"
      "201819,Local authority,805,E12000001,Hartlepool,\"3\n4\"\n"
      "201819,Local authority,z,E12000001,nowhere,5\n"
      "201819,Local authority,x,E12000001,nowhere,6\n"
      "201819,Local authority,,E12000001,nowhere,7\n"
      "201819,Local authority,807,too,few\n"
      "201819,Regional,,E12000001,North East,8\n"
      "201819,Place,P:tees,,Tees Valley,9\n"
      "201819,Place,P:,,no name,10\n");
  std::map<std::string, std::string> by_la, by_la_any, by_region, by_place;
  size_t seen = 0;
  ASSERT_TRUE(IndexPublishedFile(path,
                                 {{"old_la_code", {"Local authority"}, &by_la},
                                  {"old_la_code", {}, &by_la_any},
                                  {"region_code", {"Regional"}, &by_region},
                                  {"old_la_code", {"Place"}, &by_place, "P:"}},
                                 [&](const std::vector<std::string>& header,
                                     const std::vector<std::string_view>& row) {
                                   EXPECT_EQ(header, kHeader);
                                   EXPECT_EQ(row.size(), kHeader.size());
                                   ++seen;
                                 })
                  .ok());
  EXPECT_EQ(seen, 10u) << "every row but the one with too few fields";
  const auto rows = [](std::vector<std::vector<std::string>> r) {
    return json{{"columns", kHeader}, {"rows", r}};
  };
  ASSERT_EQ(by_la.size(), 2u);
  EXPECT_EQ(json::parse(by_la["805"]),
            rows({{"201819", "Local authority", "805", "E12000001", "Hartlepool", "1.5"},
                  {"201819", "Local authority", "805", "E12000001", "Hartlepool", "3\n4"}}));
  EXPECT_EQ(json::parse(by_la["806"]),
            rows({{"201819", "Local authority", "806", "E12000001", "Middlesbrough", "x"}}));
  // Any level: the school's row too, between the LA's two, and the place's
  // under their whole code.
  EXPECT_EQ(json::parse(by_la_any["805"]),
            rows({{"201819", "Local authority", "805", "E12000001", "Hartlepool", "1.5"},
                  {"201819", "School", "805", "E12000001", "A school, \"the\" one", "2"},
                  {"201819", "Local authority", "805", "E12000001", "Hartlepool", "3\n4"}}));
  EXPECT_EQ(by_la_any.count("P:tees"), 1u);
  EXPECT_EQ(by_la_any.count("z") + by_la_any.count("x") + by_la_any.count(""), 0u);
  ASSERT_EQ(by_region.size(), 1u);
  EXPECT_EQ(json::parse(by_region["E12000001"]),
            rows({{"201819", "Regional", "", "E12000001", "North East", "8"}}));
  ASSERT_EQ(by_place.size(), 1u) << "a key that is only the prefix is no key";
  EXPECT_EQ(json::parse(by_place["tees"]),
            rows({{"201819", "Place", "P:tees", "", "Tees Valley", "9"}}));
  // The text is what nlohmann writes, byte for byte.
  EXPECT_EQ(by_la["805"], json::parse(by_la["805"]).dump());
}

TEST_F(PublishedFilesTest, AMissingKeyColumnOrHeaderIsAnErrorAndAddsNothing) {
  std::map<std::string, std::string> a, b;
  const std::string path = Write("geographic_level,old_la_code\nLocal authority,805\n");
  const Status st = IndexPublishedFile(path, {{"old_la_code", {}, &a}, {"trust_id", {}, &b}});
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("trust_id"), std::string::npos) << st.message();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(IndexPublishedFile(Write(""), {{"old_la_code", {}, &a}}).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(IndexPublishedFile(dir_ + "/none.csv", {{"old_la_code", {}, &a}}).code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(a.empty());
}

}  // namespace
}  // namespace lantern::server
