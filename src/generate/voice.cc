#include "generate/voice.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <filesystem>

#include "common/csv_writer.h"
#include "generate/random.h"
#include "model/codes.h"

namespace lantern::gen {

namespace {

// The bank's items as the generator answers them (a copy of the shape of
// catalogue/voice_items.csv: id, scale points, don't know offered,
// polarity, sensitive, how the item leans).
struct GenItem {
  const char* id;
  std::vector<const char*> points;
  bool dont_know;
  bool negative;
  bool sensitive;
  double lean;  // shifts the whole item towards its high end
  bool symbol;
};

const std::vector<GenItem>& Items() {
  static const std::vector<const char*> freq5 = {"never", "rarely", "sometimes", "often", "always"};
  static const std::vector<const char*> agree4 = {"strongly_disagree", "disagree", "agree",
                                                  "strongly_agree"};
  static const std::vector<const char*> nrs11 = {"0", "1", "2", "3", "4", "5",
                                                 "6", "7", "8", "9", "10"};
  static const std::vector<const char*> days8 = {"0", "1", "2", "3", "4", "5", "6", "7"};
  static const std::vector<const char*> sym3 = {"sad", "in_between", "happy"};
  static const std::vector<GenItem> items = {
      {"belong_school", agree4, true, false, false, 0.6, false},
      {"safe_school", freq5, false, false, false, 0.8, false},
      {"enjoy_school", freq5, false, false, false, 0.0, false},
      {"adult_trust", agree4, true, false, false, 0.7, false},
      {"adult_belief", agree4, true, false, false, 0.9, false},
      {"listened_school", freq5, false, false, false, -0.2, false},
      {"fair_school", agree4, true, false, false, 0.1, false},
      {"lessons_interest", freq5, false, false, false, -0.1, false},
      {"lessons_level", freq5, false, false, false, 0.5, false},
      {"friends_support", agree4, true, false, false, 1.0, false},
      {"lonely", freq5, false, true, true, -0.6, false},
      {"bullied_any", freq5, false, true, true, -1.4, false},
      {"worry", freq5, false, true, true, -0.2, false},
      {"calm", freq5, false, false, false, 0.2, false},
      {"life_overall", nrs11, false, false, false, 0.9, false},
      {"future_hopeful", agree4, true, false, false, 0.6, false},
      {"sleep_enough", freq5, false, false, false, 0.1, false},
      {"active_days", days8, false, false, false, 0.0, false},
      {"help_know", agree4, true, false, false, 0.5, false},
      {"attend_barrier", freq5, false, true, true, -1.0, false},
      {"belong_school_sym", sym3, false, false, false, 0.8, true},
      {"safe_school_sym", sym3, false, false, false, 0.9, true},
      {"enjoy_school_sym", sym3, false, false, false, 0.5, true},
      {"adult_trust_sym", sym3, false, false, false, 1.0, true},
      {"friends_support_sym", sym3, false, false, false, 0.7, true},
      {"worry_sym", sym3, false, true, true, 0.0, true},
      {"calm_sym", sym3, false, false, false, 0.4, true},
      {"life_overall_sym", sym3, false, false, false, 0.8, true},
      {"sleep_enough_sym", sym3, false, false, false, 0.5, true},
      {"help_know_sym", sym3, false, false, false, 0.6, true},
  };
  return items;
}

// Category probabilities: an ordered logit on the pupil's latent
// wellbeing, then don't know, prefer not to say and not answered.
std::vector<double> Probabilities(const GenItem& item, double wellbeing) {
  const size_t k = item.points.size();
  std::vector<double> p(k + (item.dont_know ? 1 : 0) + 2, 0.0);
  const double eta = (item.negative ? -1 : 1) * (0.9 * wellbeing) + item.lean;
  double prev = 0;
  for (size_t j = 0; j + 1 < k; ++j) {
    const double cut =
        -2.0 + 4.0 * static_cast<double>(j) / static_cast<double>(k - 2 > 0 ? k - 2 : 1);
    const double cum = Logistic(cut - eta);
    p[j] = cum - prev;
    prev = cum;
  }
  p[k - 1] = 1 - prev;
  const double dk = item.dont_know ? 0.03 : 0, pnts = item.sensitive ? 0.04 : 0.015, na = 0.02;
  for (size_t j = 0; j < k; ++j) p[j] *= 1 - dk - pnts - na;
  size_t at = k;
  if (item.dont_know) p[at++] = dk;
  p[at++] = pnts;
  p[at] = na;
  return p;
}

std::string CategoryCode(const GenItem& item, size_t c) {
  const size_t k = item.points.size();
  if (c < k) return item.points[c];
  if (item.dont_know && c == k) return "dont_know";
  const size_t n = k + (item.dont_know ? 1 : 0) + 2;
  return c == n - 2 ? "prefer_not_to_say" : "not_answered";
}

bool Surveyed(SchoolPhaseCode phase, YearGroup y) {
  if (phase == SchoolPhaseCode::kPrimary) return y >= 4 && y <= 6;
  return y >= 4 && y <= 11;
}

std::string WaveLabel(AcademicYear year) { return year.Label(); }

}  // namespace

Status WriteVoiceFiles(const Generated& g, const std::string& dir, FileRows* rows) {
  const AcademicYear year = g.world.year;
  const uint64_t seed = g.seed;
  std::error_code ec;
  std::filesystem::create_directories(dir + "/voice_truth", ec);
  LANTERN_ASSIGN_OR_RETURN(auto prov, CsvWriter::Create(dir + "/voice_providers.csv"));
  prov->Row({"provider_id", "provider_name", "accredited_from", "accredited_to"});
  prov->Row({"PRV-NORTH", "Northern Pupil Voice Ltd (synthetic)",
             FormatIsoDate(year.FirstDay() - 365), ""});
  prov->Row({"PRV-LAPSED", "Lapsed Surveys Ltd (synthetic; accreditation ended)",
             FormatIsoDate(year.FirstDay() - 730), FormatIsoDate(year.FirstDay() - 30)});
  LANTERN_RETURN_IF_ERROR(prov->Close());
  (*rows)["voice_providers.csv"] = 2;

  LANTERN_ASSIGN_OR_RETURN(auto resp, CsvWriter::Create(dir + "/voice_responses.csv"));
  resp->Row({"provider_id", "wave", "urn", "respondent_key", "collected_date", "mode", "item_id",
             "item_version", "response"});
  LANTERN_ASSIGN_OR_RETURN(auto link, CsvWriter::Create(dir + "/voice_linkage.csv"));
  link->Row({"provider_id", "wave", "respondent_key", "upn"});
  LANTERN_ASSIGN_OR_RETURN(auto truth, CsvWriter::Create(dir + "/voice_truth/voice_truth.csv"));
  truth->Row({"urn", "wave", "item_id", "item_version", "respondents", "expected_positive",
              "expected_answered"});
  LANTERN_ASSIGN_OR_RETURN(auto local, CsvWriter::Create(dir + "/voice_local_items.csv"));
  local->Row({"item_id", "version", "tier", "domain", "stem", "scale_id", "polarity", "positive",
              "sensitive", "reading_age", "owner", "note"});
  uint64_t n_resp = 0, n_link = 0, n_local = 0;
  const std::string wave = WaveLabel(year);
  // The local item belongs to the first secondary school that takes part.
  int local_owner = -1;
  const GenItem local_item{
      "lunch_time", {"never", "rarely", "sometimes", "often", "always"}, false, false, false, 0.3,
      false};
  // A year's drift in wellbeing: waves differ a little year to year.
  const double drift = 0.08 * static_cast<double>(year.start_year() - 2018);
  for (const LaPlan& plan : g.plans) {
    // A pupil answers once a wave (one who moves school on the day, once).
    std::vector<bool> responded(plan.pupils.size(), false);
    for (uint32_t si : plan.schools) {
      const GenSchool& school = g.world.schools[si];
      // A school's taking part, rate and lean are its own, the same every year
      // (not the seed's); its pupils and their answers are the seed's.
      Rng srng(StreamKey(
          0, Purpose::kErrors, 0x766F696365ull,
          static_cast<uint64_t>(school.urn) * 31 + static_cast<uint64_t>(year.start_year())));
      Rng lean(StreamKey(0, Purpose::kErrors, 0x6C65616Eull, static_cast<uint64_t>(school.urn)));
      if (!srng.Bernoulli(0.85)) continue;  // not taking part this year
      // A weekday in June.
      Date day = Date::FromCivil(year.start_year() + 1, 6, 3) + srng.Below(18);
      while (!day.IsWeekday()) day = day + 1;
      const double school_rate = 0.55 + 0.35 * srng.Uniform();
      const double school_shift = 0.3 * lean.Normal();
      const bool owns_local = local_owner < 0 && school.phase == SchoolPhaseCode::kSecondary;
      if (owns_local) {
        local_owner = school.urn;
        local->Row({"lunch_time", "1", "local", "School", "I have enough time to eat my lunch.",
                    "freq5", "+", "often;always", "N", "8", std::to_string(school.urn),
                    "a local item of this school (synthetic)"});
        n_local = 1;
      }
      std::vector<std::array<double, 2>> expected(Items().size() + 1, {0, 0});
      std::vector<uint64_t> answered_by(Items().size() + 1, 0);
      for (const GenEnrolment& e : plan.enrolments) {
        if (e.school != si || e.entry > day.days || e.leaving < day.days) continue;
        if (e.status != EnrolStatus::kCurrent && e.status != EnrolStatus::kMain) continue;
        const GenPupil& p = plan.pupils[e.pupil];
        if (!Surveyed(school.phase, p.year_group)) continue;
        bool in_ap = false;
        for (const GenApPlacement& a : plan.placements) {
          if (a.pupil == e.pupil && a.start <= day.days && day.days <= a.end) in_ap = true;
        }
        const double absence =
            Logistic(school.fit.intercept + school.fit.spread * p.absence_z + p.absence_shift);
        const bool persistent = absence >= 0.10;
        Rng rng(StreamKey(seed, Purpose::kErrors, 0x766F696365ull + 1, p.key));
        double logit = std::log(school_rate / (1 - school_rate));
        if (persistent) logit -= 1.2;
        if (absence >= 0.5) logit -= 1.0;
        if (in_ap) logit -= 1.5;
        if (p.sen == SenProvision::kEhcPlan) logit -= 0.4;
        if (!rng.Bernoulli(Logistic(logit)) || responded[e.pupil]) continue;
        responded[e.pupil] = true;
        // Mode.
        VoiceMode mode = VoiceMode::kOnline;
        const bool special = school.phase == SchoolPhaseCode::kSpecial;
        if (special && rng.Bernoulli(0.4)) {
          mode = VoiceMode::kSymbol;
        } else if (persistent && rng.Bernoulli(0.3)) {
          mode = VoiceMode::kAtHome;
        } else if (p.sen != SenProvision::kNone && rng.Bernoulli(0.3)) {
          mode = VoiceMode::kAdultSupported;
        }
        const std::string mode_code(CodeOf(VoiceModeCodes(), mode));
        const std::string key =
            fmt::format("V-{:012x}", Mix64(p.key ^ seed ^ 0x5155495445ull) >> 16);
        const std::string urn = std::to_string(school.urn);
        const std::string date = FormatIsoDate(day);
        double wellbeing = rng.Normal() + school_shift + drift;
        if (p.fsm) wellbeing -= 0.2;
        if (p.sen != SenProvision::kNone) wellbeing -= 0.2;
        if (persistent) wellbeing -= 0.4;
        if (in_ap) wellbeing -= 0.5;
        if (p.looked_after) wellbeing -= 0.2;
        for (size_t i = 0; i <= Items().size(); ++i) {
          const bool is_local = i == Items().size();
          if (is_local && school.urn != local_owner) continue;
          const GenItem& item = is_local ? local_item : Items()[i];
          if (item.symbol != (mode == VoiceMode::kSymbol) && !is_local) continue;
          if (is_local && mode == VoiceMode::kSymbol) continue;
          const std::vector<double> prob = Probabilities(item, wellbeing);
          const size_t c = rng.Pick(prob);
          resp->Field("PRV-NORTH").Field(wave).Field(urn).Field(key).Field(date).Field(mode_code);
          resp->Field(is_local ? "lunch_time" : item.id).Field("1").Field(CategoryCode(item, c));
          resp->EndRow();
          ++n_resp;
          // The truth: the expected positive and answered shares.
          double pos = 0, ans = 0;
          const size_t k = item.points.size();
          for (size_t j = 0; j < prob.size() - 2; ++j) ans += prob[j];
          if (item.points.size() == 3) {
            pos = prob[2];
          } else if (std::string_view(item.id) == "life_overall") {
            for (size_t j = 7; j < 11; ++j) pos += prob[j];
          } else if (std::string_view(item.id) == "active_days") {
            pos = prob[7];
          } else if (std::string_view(item.id) == "bullied_any") {
            pos = prob[0];
          } else if (item.negative) {
            pos = prob[0] + prob[1];
          } else {
            pos = prob[k - 2] + prob[k - 1];
          }
          expected[i][0] += pos;
          expected[i][1] += ans;
          ++answered_by[i];
        }
        // The linkage, apart (1 respondent in 100 is not linked).
        if (!rng.Bernoulli(0.01)) {
          link->Field("PRV-NORTH").Field(wave).Field(key).Field(std::string_view(p.upn, 13));
          link->EndRow();
          ++n_link;
        }
      }
      for (size_t i = 0; i <= Items().size(); ++i) {
        if (answered_by[i] == 0) continue;
        truth->Field(std::to_string(school.urn)).Field(wave);
        truth->Field(i == Items().size() ? "lunch_time" : Items()[i].id).Field("1");
        truth->Int(static_cast<int64_t>(answered_by[i]));
        truth->Decimal(expected[i][0], 4).Decimal(expected[i][1], 4);
        truth->EndRow();
      }
    }
  }
  LANTERN_RETURN_IF_ERROR(resp->Close());
  LANTERN_RETURN_IF_ERROR(link->Close());
  LANTERN_RETURN_IF_ERROR(truth->Close());
  LANTERN_RETURN_IF_ERROR(local->Close());
  (*rows)["voice_responses.csv"] = n_resp;
  (*rows)["voice_linkage.csv"] = n_link;
  (*rows)["voice_local_items.csv"] = n_local;
  return Status::Ok();
}

}  // namespace lantern::gen
