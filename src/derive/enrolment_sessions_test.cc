#include "derive/enrolment_sessions.h"

#include <gtest/gtest.h>

#include <random>

namespace lantern {
namespace {

TEST(EnrolmentSessionsTest, KernelsAgreeOnRandomMarks) {
  std::mt19937 rng(7);
  for (size_t n : {0u, 1u, 31u, 32u, 63u, 64u, 65u, 380u, 1000u}) {
    std::vector<uint8_t> marks(n);
    for (auto& m : marks) {
      uint32_t r = rng() % 100;
      m = r < 80   ? static_cast<uint8_t>(1 + (r & 1))
          : r < 88 ? 0
                   : static_cast<uint8_t>(3 + r % 36);
    }
    uint32_t ref[kMaxMarkCodes] = {}, ref_present = 0;
    CountCodes(ScanKernel::kScalar, marks.data(), n, ref, &ref_present);
    for (ScanKernel k : {ScanKernel::kAvx2, ScanKernel::kAvx512}) {
      if (!KernelAvailable(k)) continue;
      uint32_t hist[kMaxMarkCodes] = {}, present = 0;
      CountCodes(k, marks.data(), n, hist, &present);
      EXPECT_EQ(present, ref_present) << n;
      for (int c = 3; c < kMaxMarkCodes; ++c) EXPECT_EQ(hist[c], ref[c]) << n << " code " << c;
    }
  }
}

TEST(EnrolmentSessionsTest, CountsFollowTheStatisticalTreatment) {
  // 2 present, L (present, late), K (approved activity), I, I, G, Y1 (not possible), no mark.
  std::vector<uint8_t> m = {kPresentAm,          kPresentPm,           *ParseMarkCode("L"),
                            *ParseMarkCode("K"), *ParseMarkCode("I"),  *ParseMarkCode("I"),
                            *ParseMarkCode("G"), *ParseMarkCode("Y1"), kNoMark};
  EnrolmentSessions s;
  MarkTally(CodeTreatments()).Add(m.data(), m.size(), &s);
  EXPECT_EQ(s.n[kSessPossible], 7);
  EXPECT_EQ(s.n[kSessPresent], 3);
  EXPECT_EQ(s.n[kSessLate], 1);
  EXPECT_EQ(s.n[kSessAea], 1);
  EXPECT_EQ(s.n[kSessAuthorised], 2);
  EXPECT_EQ(s.n[kSessUnauthorised], 1);
  EXPECT_EQ(s.n[kSessOverall], 3);
  EXPECT_EQ(s.n[ReasonColumn(AbsenceReason::kIllness)], 2);
  EXPECT_EQ(s.n[ReasonColumn(AbsenceReason::kUnauthHoliday)], 1);
}

}  // namespace
}  // namespace lantern
