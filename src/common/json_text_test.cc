#include "common/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lantern {
namespace {

// Every ASCII byte alone and in company, and UTF-8 text: the same bytes as
// nlohmann::json's dump(), which the server's other answers use.
TEST(JsonTextTest, WritesWhatNlohmannWrites) {
  std::vector<std::string> cases = {"",
                                    "plain",
                                    "a \"quoted\" \\ back",
                                    "line\nbreak\ttab\r",
                                    "\x01\x1f\x7f",
                                    "Ysgol Gymraeg Bro Morgannwg – café £5",
                                    "St Mary's C of E (VA), 1/2"};
  for (int c = 0; c < 128; ++c) cases.push_back(std::string(1, static_cast<char>(c)) + "x");
  for (const std::string& s : cases) {
    std::string out;
    AppendJsonString(s, &out);
    EXPECT_EQ(out, nlohmann::json(s).dump()) << "byte " << (s.empty() ? -1 : s[0]);
  }
  std::string out;
  AppendJsonStrings(cases, &out);
  EXPECT_EQ(out, nlohmann::json(cases).dump());
  out.clear();
  AppendJsonStrings(std::vector<std::string>(), &out);
  EXPECT_EQ(out, "[]");
  // The same from views of the strings.
  out.clear();
  AppendJsonStrings(std::vector<std::string_view>(cases.begin(), cases.end()), &out);
  EXPECT_EQ(out, nlohmann::json(cases).dump());
}

}  // namespace
}  // namespace lantern
