#include "model/upn.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lantern {
namespace {

TEST(UpnTest, WorkedExampleFromTheSpecIsValid) {
  EXPECT_EQ(UpnCheckLetter("801200005001"), 'B');
  EXPECT_EQ(ValidateUpn("B801200005001"), UpnProblem::kNone);
  EXPECT_EQ(ValidateUpn("A801200005001"), UpnProblem::kCheckLetter);
}

TEST(UpnTest, RejectsBadShapes) {
  EXPECT_EQ(ValidateUpn("B80120000500"), UpnProblem::kLength);
  EXPECT_EQ(ValidateUpn("X80120000A001"), UpnProblem::kFormat);
  EXPECT_EQ(ValidateUpn("I801200005001"), UpnProblem::kFormat);  // I is not in the alphabet
  EXPECT_EQ(ValidateUpn("E000200005001"), UpnProblem::kUnknownLa);
}

TEST(UpnTest, TemporaryUpnEndsInALetter) {
  std::string body = "80120000500A";
  std::string upn = std::string(1, UpnCheckLetter(body)) + body;
  EXPECT_EQ(ValidateUpn(upn), UpnProblem::kNone);
}

TEST(UpnTest, PackRoundTripsAndIsNeverZero) {
  for (const std::string& upn :
       std::vector<std::string>{"B801200005001", MakeUpn(201, 3614, 14, 999), MakeUpn(943, 7001, 5, 0)}) {
    ASSERT_EQ(ValidateUpn(upn), UpnProblem::kNone) << upn;
    uint64_t k = PackUpn(upn);
    EXPECT_NE(k, 0u);
    EXPECT_EQ(UnpackUpn(k), upn);
  }
  EXPECT_NE(PackUpn(MakeUpn(201, 3614, 14, 1)), PackUpn(MakeUpn(201, 3614, 14, 2)));
}

}  // namespace
}  // namespace lantern
