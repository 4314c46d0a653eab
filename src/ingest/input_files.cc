#include "ingest/input_files.h"

#include <fmt/format.h>

namespace lantern {

const std::vector<FileSchema>& InputFileSchemas() {
  static const std::vector<FileSchema> schemas = {
      {InputFile::kLocalAuthorities,
       "local_authorities.csv",
       {{"old_la_code", true},
        {"new_la_code", true},
        {"la_name", true},
        {"region_code", true},
        {"region_name", true}},
       false},
      {InputFile::kTrusts,
       "trusts.csv",
       {{"trust_id", true}, {"trust_name", true}, {"trust_type", false}},
       false},
      {InputFile::kSchools,
       "schools.csv",
       {{"urn", true},
        {"la_code", true},
        {"estab", true},
        {"name", true},
        {"phase", true},
        {"type", false},
        {"trust_id", false},
        {"postcode", false},
        {"open_date", false},
        {"close_date", false}},
       true},
      {InputFile::kPupils,
       "pupils.csv",
       {{"upn", true},
        {"birth_date", true},
        {"sex", true},
        {"fsm_eligible", true},
        {"disadvantaged", true},
        {"sen_provision", true},
        {"sen_primary_need", false},
        {"eal", true},
        {"looked_after", true},
        {"home_la_code", true},
        {"year_group", true},
        {"ethnicity", false},
        {"ks2_reading_ss", false},
        {"ks2_maths_ss", false}},
       true},
      {InputFile::kEnrolments,
       "enrolments.csv",
       {{"upn", true},
        {"urn", true},
        {"entry_date", true},
        {"leaving_date", false},
        {"leaving_reason", false},
        {"enrol_status", true},
        {"boarder", false}},
       true},
      {InputFile::kAttendance,
       "attendance.csv",
       {{"upn", true}, {"urn", true}, {"date", true}, {"am", true}, {"pm", true}},
       false},
      {InputFile::kAttendanceCompact,
       "attendance_compact.csv",
       {{"upn", true}, {"urn", true}, {"from_date", true}, {"marks", true}},
       false},
      {InputFile::kSuspensions,
       "suspensions.csv",
       {{"upn", true},
        {"urn", true},
        {"start_date", true},
        {"category", true},
        {"sessions", true},
        {"reason", true},
        {"reason_2", false},
        {"reason_3", false},
        {"outcome", false}},
       false},
      {InputFile::kApPlacements,
       "ap_placements.csv",
       {{"upn", true},
        {"commissioner_urn", true},
        {"provider_id", true},
        {"provider_name", false},
        {"setting", true},
        {"setting_type", false},
        {"basis", false},
        {"hours_per_week", true},
        {"reason", true},
        {"start_date", true},
        {"end_date", false},
        {"reintegration_plan", true},
        {"outcome", false}},
       false},
      {InputFile::kInternalUnits,
       "internal_units.csv",
       {{"upn", true},
        {"urn", true},
        {"unit", true},
        {"start_date", true},
        {"end_date", false},
        {"sessions", true},
        {"reason", false},
        {"reintegration_plan", true},
        {"outcome", false}},
       false},
      {InputFile::kEhcpRequests,
       "ehcp_requests.csv",
       {{"upn", true},
        {"la_code", true},
        {"request_date", true},
        {"decision_date", false},
        {"decision", false},
        {"plan_issued_date", false},
        {"exception", false},
        {"exception_reason", false}},
       false},
      // Pupil voice (docs/pupil-voice.md): the accredited providers, the
      // local items, the responses (no UPN) and, apart, the linkage of a
      // respondent key to a pupil.
      {InputFile::kVoiceProviders,
       "voice_providers.csv",
       {{"provider_id", true},
        {"provider_name", true},
        {"accredited_from", true},
        {"accredited_to", false}},
       false},
      {InputFile::kVoiceLocalItems,
       "voice_local_items.csv",
       {{"item_id", true},
        {"version", true},
        {"tier", true},
        {"domain", true},
        {"stem", true},
        {"scale_id", true},
        {"polarity", true},
        {"positive", true},
        {"sensitive", true},
        {"reading_age", true},
        {"owner", true},
        {"note", false}},
       false},
      {InputFile::kVoiceResponses,
       "voice_responses.csv",
       {{"provider_id", true},
        {"wave", true},
        {"urn", true},
        {"respondent_key", true},
        {"collected_date", true},
        {"mode", true},
        {"item_id", true},
        {"item_version", true},
        {"response", true}},
       false},
      {InputFile::kVoiceLinkage,
       "voice_linkage.csv",
       {{"provider_id", true}, {"wave", true}, {"respondent_key", true}, {"upn", true}},
       false},
      {InputFile::kKs2Results,
       "ks2_results.csv",
       {{"upn", true},
        {"ks2_year", true},
        {"read_scaled", false},
        {"mat_scaled", false},
        {"read_status", false},
        {"mat_status", false}},
       false},
      {InputFile::kKs4Results,
       "ks4_results.csv",
       {{"upn", true},
        {"urn", true},
        {"ks4_year", true},
        {"qual_id", true},
        {"grade", true},
        {"exam_series", true}},
       false},
      {InputFile::kDestinations,
       "destinations.csv",
       {{"upn", true},
        {"urn", true},
        {"ks4_year", true},
        {"month", true},
        {"activity", true},
        {"source", false}},
       false},
      // Employer encounters and workplace experiences (Gatsby Benchmarks 5
      // and 6): the local-outcomes measure and the skills passport.
      {InputFile::kEmployerEncounters,
       "employer_encounters.csv",
       {{"upn", true},
        {"urn", true},
        {"activity", true},
        {"start_date", true},
        {"end_date", false},
        {"employer", true},
        {"role", false},
        {"hours", false}},
       false},
  };
  return schemas;
}

const FileSchema& SchemaOf(InputFile id) {
  for (const auto& s : InputFileSchemas()) {
    if (s.id == id) return s;
  }
  return InputFileSchemas().front();
}

Result<HeaderMap> HeaderMap::Resolve(const FileSchema& schema, const CsvRecord& header,
                                     std::vector<std::string>* warnings) {
  if (header.error != CsvError::kNone) {
    return Status::InvalidInput(fmt::format("{}: the header line cannot be read ({})",
                                            schema.file_name, CsvErrorMessage(header.error)));
  }
  HeaderMap m;
  m.positions_.assign(schema.columns.size(), -1);
  m.field_count_ = header.fields.size();
  m.header_line_ = std::string(header.raw);
  std::vector<std::string> missing;
  for (size_t f = 0; f < header.fields.size(); ++f) {
    std::string_view name = header.fields[f];
    bool known = false;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      if (name == schema.columns[c].name) {
        if (m.positions_[c] >= 0) {
          return Status::InvalidInput(
              fmt::format("{}: column '{}' appears twice in the header", schema.file_name, name));
        }
        m.positions_[c] = static_cast<int>(f);
        known = true;
      }
    }
    if (!known && warnings != nullptr) {
      warnings->push_back(fmt::format("{}: column '{}' is not in the schema and is ignored",
                                      schema.file_name, name));
    }
  }
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    if (schema.columns[c].required && m.positions_[c] < 0)
      missing.push_back(schema.columns[c].name);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& s : missing) list += (list.empty() ? "'" : ", '") + s + "'";
    return Status::InvalidInput(
        fmt::format("{}: wrong header: missing required column{} {} (see docs/input-schema.md)",
                    schema.file_name, missing.size() > 1 ? "s" : "", list));
  }
  return m;
}

}  // namespace lantern
