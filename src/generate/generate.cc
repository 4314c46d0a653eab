// lantern generate: plan every LA in parallel, write the record files, then
// render the marks school by school on every worker, written in URN order
// (docs/generator.md).
#include "lantern/generate.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/csv_writer.h"
#include "common/file_util.h"
#include "common/parallel.h"
#include "generate/attainment.h"
#include "generate/errors.h"
#include "generate/inputs.h"
#include "generate/la_plan.h"
#include "generate/marks.h"
#include "generate/output.h"
#include "generate/pupils.h"
#include "generate/voice.h"
#include "generate/world.h"
#include "reference/real_data.h"

namespace lantern {

namespace gen {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Settings {
  AcademicYear year;
  bool write_long = true, write_compact = false;
  DayWindow window;
  int threads = 1;
  std::string real_data_dir;
};

Result<Settings> ParseSettings(const GenerateOptions& o) {
  Settings s;
  if (o.out_dir.empty()) return Status::InvalidArgument("--out DIR is required");
  auto year = AcademicYear::Parse(o.year);
  if (!year) return Status::InvalidArgument(fmt::format("--year '{}' is not like 201819", o.year));
  s.year = *year;
  std::string form = o.form;
  if (form.empty()) form = o.scale == GenerateScale::kNational ? "compact" : "long";
  if (form != "long" && form != "compact" && form != "both") {
    return Status::InvalidArgument(
        fmt::format("--form must be long, compact or both, not '{}'", form));
  }
  s.write_long = form != "compact";
  s.write_compact = form != "long";
  s.window.through = s.year.LastDay();
  if (!o.through.empty()) {
    auto d = ParseIsoDate(o.through);
    if (!d || !s.year.Contains(*d)) {
      return Status::InvalidArgument(
          fmt::format("--through '{}' is not a date in {}", o.through, s.year.Label()));
    }
    s.window.through = *d;
  }
  if (!o.day.empty()) {
    auto d = ParseIsoDate(o.day);
    if (!d || !s.year.Contains(*d)) {
      return Status::InvalidArgument(
          fmt::format("--day '{}' is not a date in {}", o.day, s.year.Label()));
    }
    if (o.with_errors) return Status::InvalidArgument("--with-errors cannot be used with --day");
    s.window.single_day = true;
    s.window.day = *d;
    s.window.through = *d;
  }
  s.threads = ResolveThreads(o.threads);
  LANTERN_ASSIGN_OR_RETURN(s.real_data_dir, FindRealDataDir(o.real_data_dir));
  return s;
}

class ProgressLog {
 public:
  explicit ProgressLog(bool on) : on_(on), start_(Clock::now()) {}
  template <typename... Args>
  void operator()(fmt::format_string<Args...> f, Args&&... args) {
    if (!on_) return;
    std::fprintf(stderr, "lantern generate [%5.1fs] %s\n", SecondsSince(start_),
                 fmt::format(f, std::forward<Args>(args)...).c_str());
  }

 private:
  bool on_;
  Clock::time_point start_;
};

// Plans every LA, `threads` at a time; the result does not depend on the order.
void PlanAll(Generated* g, const ShareFallbacks& shares, uint64_t seed, int threads) {
  g->plans.resize(g->world.las.size());
  ParallelFor(g->world.las.size(), threads, 1, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) {
      g->plans[i] = PlanLocalAuthority(&g->world, g->world.las[i], shares, seed);
    }
  });
  g->IndexSchools();
}

// ---------------------------------------------------------------- marks

// The text of one chunk of schools; one per worker, reused.
struct MarksText {
  std::string long_text, compact_text;
  uint64_t long_rows = 0, compact_rows = 0;
};

void RenderChunk(const Generated& g, const std::vector<MarksRenderer>& renderers, const Settings& s,
                 const std::vector<uint32_t>& schools, MarksText* out) {
  out->long_text.clear();
  out->compact_text.clear();
  out->long_rows = out->compact_rows = 0;
  EnrolmentMarks marks;
  for (uint32_t school_index : schools) {
    const GenSchool& school = g.world.schools[school_index];
    const uint32_t p = g.plan_of_school[school_index];
    const LaPlan& plan = g.plans[p];
    const auto dates = FormatOpenDays(school.calendar);
    auto [begin, end] = g.enrolments_of_school[school_index];
    for (uint32_t e = begin; e < end; ++e) {
      const GenEnrolment& en = plan.enrolments[e];
      if (en.entry > s.window.through.days) continue;
      if (s.window.single_day && en.leaving < s.window.day.days) continue;
      renderers[p].Render(e, &marks);
      const GenPupil& pupil = plan.pupils[en.pupil];
      if (s.write_long) {
        out->long_rows += AppendLongRows(pupil, school, dates, marks, s.window, &out->long_text);
      }
      if (s.write_compact) {
        out->compact_rows += AppendCompactRow(pupil, school, marks, s.window, &out->compact_text);
      }
    }
  }
}

// Consecutive schools (URN order) in chunks of a few thousand enrolments.
std::vector<std::vector<uint32_t>> MakeChunks(const Generated& g) {
  std::vector<std::vector<uint32_t>> chunks;
  size_t size = 0;
  for (uint32_t s = 0; s < g.world.schools.size(); ++s) {
    if (g.plan_of_school[s] == kNone) continue;
    if (chunks.empty() || size >= 3000) {
      chunks.emplace_back();
      size = 0;
    }
    chunks.back().push_back(s);
    size += g.enrolments_of_school[s].second - g.enrolments_of_school[s].first;
  }
  return chunks;
}

Status WriteMarks(const Generated& g, const Settings& s, const std::string& dir, FileRows* rows,
                  ProgressLog& log) {
  std::unique_ptr<BufferedWriter> long_out, compact_out;
  if (s.write_long) {
    LANTERN_ASSIGN_OR_RETURN(long_out, BufferedWriter::Create(dir + "/attendance.csv", 8 << 20));
    long_out->Write("upn,urn,date,am,pm\n");
  }
  if (s.write_compact) {
    LANTERN_ASSIGN_OR_RETURN(compact_out,
                             BufferedWriter::Create(dir + "/attendance_compact.csv", 8 << 20));
    compact_out->Write("upn,urn,from_date,marks\n");
  }
  std::vector<MarksRenderer> renderers;
  for (const LaPlan& plan : g.plans) renderers.emplace_back(g.world, plan, g.seed);
  const auto chunks = MakeChunks(g);
  uint64_t long_rows = 0, compact_rows = 0;
  size_t written = 0, reported = 0;
  LANTERN_RETURN_IF_ERROR(WriteOrderedBlocks<MarksText>(
      chunks.size(), s.threads,
      [&](size_t k, MarksText* text, int) { RenderChunk(g, renderers, s, chunks[k], text); },
      [&](const MarksText& c) {
        if (long_out) long_out->Write(c.long_text);
        if (compact_out) compact_out->Write(c.compact_text);
        long_rows += c.long_rows;
        compact_rows += c.compact_rows;
        const size_t tenth = ++written * 10 / chunks.size();
        if (chunks.size() >= 50 && tenth > reported) {
          reported = tenth;
          log("marks {}% written", tenth * 10);
        }
        return Status::Ok();
      }));
  if (long_out) {
    LANTERN_RETURN_IF_ERROR(long_out->Close());
    (*rows)["attendance.csv"] = long_rows;
  }
  if (compact_out) {
    LANTERN_RETURN_IF_ERROR(compact_out->Close());
    (*rows)["attendance_compact.csv"] = compact_rows;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- report

// Each school's KS4 calibration: targets, the solved model's expectations
// and the generated figures (the generator's own Attainment 8 and P8 against
// the estimates it used, uncapped), with totals.
nlohmann::json Ks4Summary(const Ks4Plan& ks4) {
  using nlohmann::json;
  json schools = json::array();
  int with_target = 0, p8_inside = 0, att8_inside = 0, dest_with = 0, dest_inside = 0;
  for (const Ks4SchoolFit& f : ks4.fits) {
    schools.push_back({{"urn", f.urn},
                       {"source", f.source},
                       {"pupils", f.pupils},
                       {"pupils_with_prior", f.pupils_with_prior},
                       {"target_att8", f.target_att8},
                       {"target_p8", f.target_p8},
                       {"ks2_shift", f.ks2_shift},
                       {"progress", f.progress},
                       {"vocational", f.vocational},
                       {"expected_att8", f.expected_att8},
                       {"expected_p8", f.expected_p8},
                       {"generated_att8", f.generated_att8},
                       {"generated_p8", f.generated_p8},
                       {"p8_half_width", f.p8_half_width},
                       {"dest_source", f.dest_source},
                       {"target_sustained", f.target_sustained},
                       {"expected_sustained", f.expected_sustained},
                       {"generated_sustained", f.generated_sustained}});
    if (f.source != "school" || f.pupils_with_prior < 6) continue;
    ++with_target;
    if (std::fabs(f.generated_p8 - f.target_p8) <= f.p8_half_width) ++p8_inside;
    // A8's sampling interval: about ten times P8's.
    if (std::fabs(f.generated_att8 - f.target_att8) <= 10 * f.p8_half_width) ++att8_inside;
    if (f.dest_source == "school") {
      ++dest_with;
      const double se = std::sqrt(f.target_sustained * (1 - f.target_sustained) / f.pupils);
      if (std::fabs(f.generated_sustained - f.target_sustained) <= 1.96 * se + 0.5 / f.pupils)
        ++dest_inside;
    }
  }
  return {{"schools_with_published_figures", with_target},
          {"p8_within_95pct_interval", p8_inside},
          {"att8_within_interval", att8_inside},
          {"schools_with_published_destinations", dest_with},
          {"sustained_within_95pct_interval", dest_inside},
          {"national_sd_p8", ks4.national_sd_p8},
          {"note",
           "generated figures are the generator's own slot filling against the estimates of "
           "progress8_ks2_estimates_2024, before capping; targets are ATT8SCR and P8MEA_ORIG"},
          {"schools", schools}};
}

nlohmann::json CalibrationSummary(const Generated& g, const Ks4Plan& ks4) {
  using nlohmann::json;
  std::map<std::string, int> sources;
  int converged = 0, schools = 0;
  double persistent_error = 0;
  json worst = json::array();
  std::vector<const GenSchool*> by_miss;
  for (const GenSchool& s : g.world.schools) {
    if (s.start_pupils == 0) continue;
    ++schools;
    ++sources[s.target.source];
    if (s.fit.converged) ++converged;
    persistent_error += std::fabs(s.fit.fitted_persistent - s.target.persistent);
    by_miss.push_back(&s);
  }
  std::sort(by_miss.begin(), by_miss.end(), [](const GenSchool* a, const GenSchool* b) {
    return std::fabs(a->fit.fitted_persistent - a->target.persistent) >
           std::fabs(b->fit.fitted_persistent - b->target.persistent);
  });
  for (size_t i = 0; i < by_miss.size() && i < 10; ++i) {
    const GenSchool& s = *by_miss[i];
    if (std::fabs(s.fit.fitted_persistent - s.target.persistent) < 0.005) break;
    worst.push_back({{"urn", s.urn},
                     {"target_overall_pct", 100 * s.target.overall},
                     {"target_persistent_pct", 100 * s.target.persistent},
                     {"fitted_persistent_pct", 100 * s.fit.fitted_persistent},
                     {"spread", s.fit.spread}});
  }
  json behaviour = json::array();
  for (const LaPlan& p : g.plans) {
    for (const BehaviourFit& f : p.behaviour_fits) {
      behaviour.push_back({{"la", f.la},
                           {"school_type", SchoolTypeLabel(f.type)},
                           {"source", f.source},
                           {"target_suspension_rate", f.target_rate},
                           {"target_one_plus_rate", f.target_one_plus},
                           {"fitted_one_plus_rate", f.fitted_one_plus},
                           {"target_permanent_rate", f.target_permanent},
                           {"spread", f.spread}});
    }
  }
  return {{"absence",
           {{"schools", schools},
            {"fits_meeting_both_targets", converged},
            {"target_sources", sources},
            {"mean_abs_persistent_gap_pct_points",
             schools > 0 ? 100 * persistent_error / schools : 0.0},
            {"largest_persistent_gaps", worst},
            {"note",
             "expected values of the fitted model for 5-15 year olds; the overall rate is met "
             "exactly, persistent absence is the closest the model reaches"}}},
          {"behaviour", behaviour},
          {"ks4", Ks4Summary(ks4)}};
}

Status WriteReport(const GenerateOptions& o, const Settings& s, const Generated& g,
                   const Ks4Plan& ks4, const GenerateReport& r, const std::string& dir) {
  using nlohmann::json;
  json files = json::object();
  for (const auto& f : r.files) files[f.file] = {{"rows", f.rows}, {"bytes", f.bytes}};
  json report = {{"generator", "lantern generate"},
                 {"seed", o.seed},
                 {"options",
                  {{"scale", o.scale == GenerateScale::kNational ? "national"
                             : o.scale == GenerateScale::kRegion ? "region"
                                                                 : "la"},
                   {"la", o.la_codes},
                   {"region", o.region},
                   {"year", s.year.TimePeriod()},
                   {"form", s.write_long && s.write_compact ? "both"
                            : s.write_long                  ? "long"
                                                            : "compact"},
                   {"through", FormatIsoDate(s.window.through)},
                   {"day", s.window.single_day ? FormatIsoDate(s.window.day) : ""},
                   {"with_errors", o.with_errors},
                   {"threads", s.threads}}},
                 {"real_data_dir", s.real_data_dir},
                 {"local_authorities", g.world.las},
                 {"counts",
                  {{"schools", r.schools},
                   {"trusts", r.trusts},
                   {"pupils", r.pupils},
                   {"enrolments", r.enrolments},
                   {"attendance_rows", r.attendance_rows},
                   {"suspensions", r.suspensions},
                   {"permanent_exclusions", r.permanent_exclusions},
                   {"ap_placements", r.ap_placements},
                   {"unit_spells", r.unit_spells},
                   {"ks4_pupils", r.ks4_pupils},
                   {"injected_errors", r.injected_errors}}},
                 {"files", files},
                 {"calibration", CalibrationSummary(g, ks4)},
                 {"need_mix_source", g.world.inputs->need_source},
                 {"seconds", r.seconds}};
  return WriteFileAtomic(dir + "/generation_report.json", report.dump(2) + "\n");
}

void FillCounts(const Generated& g, const FileRows& rows, const std::string& dir,
                GenerateReport* r) {
  r->schools = g.world.schools.size();
  r->trusts = g.world.trusts.size();
  for (const LaPlan& p : g.plans) {
    r->pupils += p.pupils.size();
    r->enrolments += p.enrolments.size();
    for (const GenSuspension& x : p.suspensions)
      (x.permanent ? r->permanent_exclusions : r->suspensions)++;
    r->ap_placements += p.placements.size();
    r->unit_spells += p.units.size();
  }
  for (const GenSchool& s : g.world.schools) {
    if (s.start_pupils == 0) continue;
    (s.fit.converged ? r->schools_calibrated : r->schools_not_converged)++;
  }
  r->files.clear();
  r->attendance_rows = 0;
  for (const auto& [file, n] : rows) {
    std::error_code ec;
    const uint64_t bytes = fs::file_size(dir + "/" + file, ec);
    r->files.push_back({file, n, ec ? 0 : bytes});
    if (file.starts_with("attendance")) r->attendance_rows += n;
  }
}

}  // namespace
}  // namespace gen

std::string GenerateReport::Summary() const {
  std::string s = fmt::format(
      "{} schools, {} trusts, {} pupils, {} enrolments, {} attendance rows, {} suspensions, {} "
      "permanent exclusions, {} AP placements, {} unit spells",
      schools, trusts, pupils, enrolments, attendance_rows, suspensions, permanent_exclusions,
      ap_placements, unit_spells);
  if (ks4_pupils > 0) s += fmt::format(", {} pupils at the end of KS4", ks4_pupils);
  if (injected_errors > 0) s += fmt::format(", {} injected bad rows", injected_errors);
  s += fmt::format("\nabsence calibration: {} schools meet both targets, {} the overall rate only",
                   schools_calibrated, schools_not_converged);
  s += "\nfiles:";
  for (const auto& f : files)
    s += fmt::format("\n  {:<24} {:>12} rows {:>14} bytes", f.file, f.rows, f.bytes);
  s += fmt::format("\n{:.1f} s\n", seconds);
  return s;
}

Status Generate(const GenerateOptions& options, GenerateReport* report) {
  using namespace gen;
  const auto start = Clock::now();
  *report = GenerateReport();
  LANTERN_ASSIGN_OR_RETURN(Settings s, ParseSettings(options));
  ProgressLog log(options.progress);
  log("reading real data from {}", s.real_data_dir);
  LANTERN_ASSIGN_OR_RETURN(GeneratorInputs inputs, LoadGeneratorInputs(s.real_data_dir, s.year));
  LANTERN_ASSIGN_OR_RETURN(std::vector<int> las, ResolveScope(options, inputs));
  Generated g;
  g.seed = options.seed;
  g.world = BuildWorld(inputs, las, options.seed, s.year);
  const ShareFallbacks shares(inputs.frame);
  log("planning {} LAs, {} schools", las.size(), g.world.schools.size());
  PlanAll(&g, shares, options.seed, s.threads);
  log("planned the year; KS2, KS4 results and destinations next");
  // KS2, KS4 results and destinations: planned in every run (the KS2 scores
  // of Year 11 in pupils.csv depend on them), written only for the whole year.
  Ks4Plan ks4;
  std::string ks4_note;
  if (auto estimates = LoadPriorEstimates(s.real_data_dir); estimates.ok()) {
    ks4 = PlanKs4(&g, *estimates, s.threads);
  } else {
    ks4_note = estimates.status().message();
    log("no KS4 results or destinations: {}", ks4_note);
  }
  uint64_t pupils = 0;
  for (const LaPlan& p : g.plans) pupils += p.pupils.size();
  log("planned {} pupils ({} at the end of KS4); writing to {}", pupils, ks4.pupils.size(),
      options.out_dir);

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec)
    return Status::IoError(fmt::format("cannot create {}: {}", options.out_dir, ec.message()));
  FileRows rows;
  if (s.window.single_day) {
    LANTERN_RETURN_IF_ERROR(WriteDayRecordFiles(g, s.window.day, options.out_dir, &rows));
  } else {
    LANTERN_RETURN_IF_ERROR(WriteRecordFiles(g, s.window, options.out_dir, &rows));
    if (s.window.through == s.year.LastDay() && ks4_note.empty())
      LANTERN_RETURN_IF_ERROR(WriteKs4Files(g, ks4, options.out_dir, &rows));
  }
  LANTERN_RETURN_IF_ERROR(WriteMarks(g, s, options.out_dir, &rows, log));
  if (options.with_voice && !s.window.single_day) {
    log("writing a pupil voice wave");
    LANTERN_RETURN_IF_ERROR(WriteVoiceFiles(g, options.out_dir, &rows));
  }
  if (options.with_errors) {
    LANTERN_ASSIGN_OR_RETURN(auto expected, InjectErrors(g, s.window, options.out_dir, &rows));
    std::map<std::pair<std::string, uint64_t>, int> lines;
    for (const auto& e : expected) lines[{e.file, e.line}] = 1;
    report->injected_errors = lines.size();
  }
  report->seconds = SecondsSince(start);
  FillCounts(g, rows, options.out_dir, report);
  report->ks4_pupils = ks4.pupils.size();
  LANTERN_RETURN_IF_ERROR(WriteReport(options, s, g, ks4, *report, options.out_dir));
  log("done");
  return Status::Ok();
}

}  // namespace lantern
