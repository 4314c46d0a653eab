#include "model/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "model/register_codes.h"

namespace lantern {

Date Policy::SummerSecondHalfStart(AcademicYear year) const {
  if (!summer_second_half_start.empty()) {
    if (auto d = ParseIsoDate(summer_second_half_start)) return *d;
  }
  // Last Monday in May of the year the academic year ends, plus a week.
  Date may31 = Date::FromCivil(year.start_year() + 1, 5, 31);
  Date last_monday = may31 - may31.Weekday();
  return last_monday + 7;
}

Date Policy::JanuaryCensusDay(AcademicYear year) const {
  Date d = Date::FromCivil(year.start_year() + 1, 1, 1);
  while (d.Weekday() != 3) d = d + 1;  // the first Thursday
  return d + 7 * (std::max(census_january_week, 1) - 1);
}

Result<Policy> LoadPolicy(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidInput(fmt::format("{}: not a JSON object", path));
  }
  Policy p;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const auto& v = it.value();
    auto need = [&](bool ok) -> Status {
      return ok ? Status::Ok()
                : Status::InvalidInput(fmt::format("{}: '{}' has the wrong type", path, k));
    };
    if (k == "cohort_min_age") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.cohort_min_age = v.get<int>();
    } else if (k == "cohort_max_age") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.cohort_max_age = v.get<int>();
    } else if (k == "exclude_subsidiary_dual") {
      LANTERN_RETURN_IF_ERROR(need(v.is_boolean()));
      p.exclude_subsidiary_dual = v.get<bool>();
    } else if (k == "exclude_guest") {
      LANTERN_RETURN_IF_ERROR(need(v.is_boolean()));
      p.exclude_guest = v.get<bool>();
    } else if (k == "exclude_boarders") {
      LANTERN_RETURN_IF_ERROR(need(v.is_boolean()));
      p.exclude_boarders = v.get<bool>();
    } else if (k == "pru_in_headline_total") {
      LANTERN_RETURN_IF_ERROR(need(v.is_boolean()));
      p.pru_in_headline_total = v.get<bool>();
    } else if (k == "summer_second_half_start") {
      // Empty: the default (the day after the spring half-term week of the year's calendar).
      LANTERN_RETURN_IF_ERROR(need(
          v.is_string() && (v.get<std::string>().empty() || ParseIsoDate(v.get<std::string>()))));
      p.summer_second_half_start = v.get<std::string>();
    } else if (k == "persistent_absence_threshold") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number()));
      p.persistent_absence_threshold = v.get<double>();
    } else if (k == "severe_absence_threshold") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number()));
      p.severe_absence_threshold = v.get<double>();
    } else if (k == "code_treatment_overrides") {
      LANTERN_RETURN_IF_ERROR(need(v.is_object()));
      for (auto c = v.begin(); c != v.end(); ++c) {
        if (!ParseMarkCode(c.key()) || !c.value().is_string() ||
            !ParseTreatment(c.value().get<std::string>())) {
          return Status::InvalidInput(
              fmt::format("{}: code_treatment_overrides: bad entry '{}'", path, c.key()));
        }
        p.code_treatment_overrides[c.key()] = c.value().get<std::string>();
      }
    } else if (k == "suppress_below") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.suppress_below = v.get<int>();
    } else if (k == "secondary_suppression") {
      LANTERN_RETURN_IF_ERROR(need(v.is_boolean()));
      p.secondary_suppression = v.get<bool>();
    } else if (k == "voice_school_min_base") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.voice_school_min_base = v.get<int>();
    } else if (k == "voice_area_min_base") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.voice_area_min_base = v.get<int>();
    } else if (k == "voice_area_min_schools") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.voice_area_min_schools = v.get<int>();
    } else if (k == "voice_under_heard_ratio") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number()));
      p.voice_under_heard_ratio = v.get<double>();
    } else if (k == "census_january_week") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.census_january_week = v.get<int>();
    } else if (k == "mobility_entry_september_days") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.mobility_entry_september_days = v.get<int>();
    } else if (k == "mobility_leaving_last_days") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.mobility_leaving_last_days = v.get<int>();
    } else if (k == "ks2_nominal_below_test") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.ks2_nominal_below_test = v.get<int>();
    } else if (k == "ks4_first_entry_rule") {
      LANTERN_RETURN_IF_ERROR(need(v.is_boolean()));
      p.ks4_first_entry_rule = v.get<bool>();
    } else if (k == "progress_cap_share") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number()));
      p.progress_cap_share = v.get<double>();
    } else if (k == "progress_z_star") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number()));
      p.progress_z_star = v.get<double>();
    } else if (k == "ks4_school_min_pupils") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.ks4_school_min_pupils = v.get<int>();
    } else if (k == "cme_window_school_days") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.cme_window_school_days = v.get<int>();
    } else if (k == "longest_holiday_weekdays") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.longest_holiday_weekdays = v.get<int>();
    } else if (k == "ehe_recent_days") {
      LANTERN_RETURN_IF_ERROR(need(v.is_number_integer()));
      p.ehe_recent_days = v.get<int>();
    } else {
      return Status::InvalidInput(fmt::format("{}: unknown policy key '{}'", path, k));
    }
  }
  if (Status st = p.Validate(); !st.ok()) {
    return Status::InvalidInput(fmt::format("{}: {}", path, st.message()));
  }
  return p;
}

CodeTreatments Policy::Treatments() const {
  CodeTreatments t;
  for (const auto& [code, name] : code_treatment_overrides) {
    if (auto treatment = ParseTreatment(name)) t.Set(code, *treatment);
  }
  return t;
}

Status Policy::Validate() const {
  auto bad = [](const std::string& what) { return Status::InvalidArgument("policy: " + what); };
  for (const auto& [code, name] : code_treatment_overrides) {
    if (!ParseMarkCode(code)) return bad(fmt::format("'{}' is not a register code", code));
    if (!ParseTreatment(name)) {
      return bad(
          fmt::format("'{}' is not a treatment (attendance, authorised, unauthorised, "
                      "not_possible)",
                      name));
    }
  }
  for (auto [name, v] : {std::pair{"persistent_absence_threshold", persistent_absence_threshold},
                         std::pair{"severe_absence_threshold", severe_absence_threshold}}) {
    if (!(v > 0 && v <= 1)) return bad(fmt::format("{} must be in (0, 1], not {}", name, v));
  }
  if (cohort_min_age < 0 || cohort_max_age < cohort_min_age) {
    return bad("cohort_min_age must be at least 0 and no more than cohort_max_age");
  }
  if (suppress_below < 0) return bad("suppress_below must not be negative");
  if (voice_school_min_base < 1 || voice_area_min_base < 1 || voice_area_min_schools < 1) {
    return bad(
        "voice_school_min_base, voice_area_min_base and voice_area_min_schools must be at "
        "least 1");
  }
  if (!(voice_under_heard_ratio > 0 && voice_under_heard_ratio <= 1)) {
    return bad("voice_under_heard_ratio must be in (0, 1]");
  }
  if (census_january_week < 1 || census_january_week > 4) {
    return bad("census_january_week must be 1 to 4");
  }
  if (mobility_entry_september_days < 0 || mobility_leaving_last_days < 0) {
    return bad("the mobility windows must not be negative");
  }
  if (ks2_nominal_below_test < 0 || ks2_nominal_below_test > 120) {
    return bad("ks2_nominal_below_test must be 0 to 120");
  }
  if (!(progress_cap_share >= 0 && progress_cap_share < 0.5)) {
    return bad("progress_cap_share must be in [0, 0.5)");
  }
  if (progress_z_star > 0) return bad("progress_z_star must be 0 (derived) or negative");
  if (ks4_school_min_pupils < 0) return bad("ks4_school_min_pupils must not be negative");
  if (cme_window_school_days < 1 || cme_window_school_days > 200) {
    return bad("cme_window_school_days must be 1 to 200");
  }
  if (ehe_recent_days < 0) return bad("ehe_recent_days must not be negative");
  if (longest_holiday_weekdays < 0 || longest_holiday_weekdays > 30) {
    return bad("longest_holiday_weekdays must be 0 to 30");
  }
  if (!summer_second_half_start.empty() && !ParseIsoDate(summer_second_half_start)) {
    return bad("summer_second_half_start must be empty or a date (YYYY-MM-DD)");
  }
  return Status::Ok();
}

Result<Policy> LoadPolicyOrDefault(const std::string& path) {
  if (path.empty()) return Policy();
  return LoadPolicy(path);
}

std::string PolicyToJson(const Policy& p) {
  nlohmann::json j;
  j["cohort_min_age"] = p.cohort_min_age;
  j["cohort_max_age"] = p.cohort_max_age;
  j["exclude_subsidiary_dual"] = p.exclude_subsidiary_dual;
  j["exclude_guest"] = p.exclude_guest;
  j["exclude_boarders"] = p.exclude_boarders;
  j["pru_in_headline_total"] = p.pru_in_headline_total;
  j["summer_second_half_start"] = p.summer_second_half_start;
  j["persistent_absence_threshold"] = p.persistent_absence_threshold;
  j["severe_absence_threshold"] = p.severe_absence_threshold;
  j["code_treatment_overrides"] = p.code_treatment_overrides;
  j["suppress_below"] = p.suppress_below;
  j["secondary_suppression"] = p.secondary_suppression;
  j["census_january_week"] = p.census_january_week;
  j["voice_school_min_base"] = p.voice_school_min_base;
  j["voice_area_min_base"] = p.voice_area_min_base;
  j["voice_area_min_schools"] = p.voice_area_min_schools;
  j["voice_under_heard_ratio"] = p.voice_under_heard_ratio;
  j["mobility_entry_september_days"] = p.mobility_entry_september_days;
  j["mobility_leaving_last_days"] = p.mobility_leaving_last_days;
  j["ks2_nominal_below_test"] = p.ks2_nominal_below_test;
  j["ks4_first_entry_rule"] = p.ks4_first_entry_rule;
  j["progress_cap_share"] = p.progress_cap_share;
  j["progress_z_star"] = p.progress_z_star;
  j["ks4_school_min_pupils"] = p.ks4_school_min_pupils;
  j["cme_window_school_days"] = p.cme_window_school_days;
  j["ehe_recent_days"] = p.ehe_recent_days;
  j["longest_holiday_weekdays"] = p.longest_holiday_weekdays;
  return j.dump(2);
}

}  // namespace lantern
