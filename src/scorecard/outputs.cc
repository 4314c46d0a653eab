// WriteScorecardOutputs and RunOpenDataScorecard: every output file of
// `lantern scorecard` (docs/scorecard.md, "Outputs"). Schools are taken in
// blocks by the workers (common/parallel.h, WriteOrderedBlocks); each worker
// scores a block's schools into memory (CSV rows and pages) and the blocks
// are written in school order, so the files are the same whatever the
// number of threads. Schools appear in input order (URN order in open-data
// mode), never in an order of results.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/csv_reader.h"
#include "common/csv_writer.h"
#include "common/date.h"
#include "common/file_util.h"
#include "common/parallel.h"
#include "publish/ees_geography.h"
#include "publish/ees_metadata.h"
#include "scorecard/engine_internal.h"
#include "scorecard/published.h"
#include "scorecard/writers.h"

namespace lantern {

namespace {

namespace fs = std::filesystem;
using scorecard::AssessedRecord;
using scorecard::EnquiryRecord;
using scorecard::PublishedComparison;
using scorecard::PublishedScorecardCell;

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Writes a page in place: an existing file is overwritten and cut to length
// rather than unlinked and created again, because on ext4 allocating tens of
// thousands of inodes just after deleting as many is very slow.
Status WriteWholeFile(const std::string& path, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot create " + path);
  if (!WriteFullyAt(fd, 0, data.data(), data.size())) {
    ::close(fd);
    return Status::IoError("cannot write " + path);
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && static_cast<size_t>(st.st_size) != data.size() &&
      ::ftruncate(fd, static_cast<off_t>(data.size())) != 0) {
    ::close(fd);
    return Status::IoError("cannot truncate " + path);
  }
  if (::close(fd) != 0) return Status::IoError("cannot close " + path);
  return Status::Ok();
}

// Removes pages of an earlier run that this run did not write (schools no
// longer in the input). Only .html and .json files are touched.
void RemoveStalePages(const fs::path& dir, const std::set<std::string>& written) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".html" && ext != ".json")) continue;
    if (!written.count(e.path().filename().string())) fs::remove(e.path(), ec);
  }
}

const std::vector<std::string>& ScorecardColumns() {
  static const std::vector<std::string> cols = {"school_phase",
                                                "indicator_domain",
                                                "indicator",
                                                "pupil_group",
                                                "breakdown",
                                                "value",
                                                "lower",
                                                "upper",
                                                "numerator",
                                                "denominator",
                                                "similar_schools",
                                                "similar_value",
                                                "similar_lower_95",
                                                "similar_upper_95",
                                                "similar_lower_99_8",
                                                "similar_upper_99_8",
                                                "similar_position",
                                                "similar_overdispersion",
                                                "similar_phi",
                                                "percentile_band",
                                                "la_value",
                                                "la_lower_99_8",
                                                "la_upper_99_8",
                                                "la_position",
                                                "la_overdispersion",
                                                "la_source",
                                                "england_value",
                                                "england_lower_99_8",
                                                "england_upper_99_8",
                                                "england_position",
                                                "england_source",
                                                "expected",
                                                "difference",
                                                "difference_lower",
                                                "difference_upper",
                                                "enquiry"};
  return cols;
}

// Every filter's default item (EES filter_default) is its value in the
// first data row, which is always there: the first school's pupils on roll,
// all pupils, Total.
std::vector<EesColumnMeta> ScorecardMeta(const std::map<std::string, std::string>& first_row) {
  auto filter = [](const char* name, const char* label, const char* hint) {
    EesColumnMeta m;
    m.col_name = name;
    m.is_filter = true;
    m.label = label;
    m.filter_hint = hint;
    return m;
  };
  auto ind = [](const char* name, const char* label, const char* grouping) {
    EesColumnMeta m;
    m.dp_varies = true;  // values carry their row's indicator's decimal places
    m.col_name = name;
    m.label = label;
    m.indicator_grouping = grouping;
    return m;
  };
  std::vector<EesColumnMeta> meta = {
      filter("school_phase", "School phase", "Schools are compared only within a phase"),
      filter("indicator_domain", "Indicator domain",
             "context, formal_outcome or additional (docs/scorecard.md)"),
      filter("indicator", "Indicator",
             "Indicator id; units and decimal places per indicator in "
             "docs/scorecard.md"),
      filter("pupil_group", "Pupil group", "all_pupils or a group (sen_support, ehcp, ...)"),
      filter("breakdown", "Breakdown", "Total, or e.g. an AP setting or reason"),
      ind("value", "Value (percent, rate per 100 pupils, mean or count: see indicator)",
          "This school"),
      ind("lower", "Lower bound of the 95% interval", "This school"),
      ind("upper", "Upper bound of the 95% interval", "This school"),
      ind("numerator", "Numerator (x when reconstructed from a published percentage)",
          "This school"),
      ind("denominator", "Denominator (pupils, enrolments, episodes or pupils in the measure)",
          "This school"),
      ind("similar_schools", "Similar schools with this figure", "Similar schools"),
      ind("similar_value", "Similar schools' combined figure (funnel target)", "Similar schools"),
      ind("similar_lower_95", "Similar schools: lower 95% funnel limit at this denominator",
          "Similar schools"),
      ind("similar_upper_95", "Similar schools: upper 95% funnel limit at this denominator",
          "Similar schools"),
      ind("similar_lower_99_8", "Similar schools: lower 99.8% funnel limit at this denominator",
          "Similar schools"),
      ind("similar_upper_99_8", "Similar schools: upper 99.8% funnel limit at this denominator",
          "Similar schools"),
      filter("similar_position", "Position against the similar schools' funnel limits",
             "within_95, above_95, below_95, above_99_8, below_99_8, not_assessed"),
      filter("similar_overdispersion", "Over-dispersion adjustment of the similar-school limits",
             "applied, not needed, not estimated"),
      ind("similar_phi", "Dispersion ratio phi (mean squared winsorised z-score)",
          "Similar schools"),
      filter("percentile_band", "Where the school sits among its similar schools' figures",
             "lowest 10%, lowest 25%, middle 50%, highest 25%, highest 10%; not a rank"),
      ind("la_value", "Local authority figure (LAIT where published, else pooled)",
          "Local authority"),
      ind("la_lower_99_8", "Local authority: lower 99.8% funnel limit", "Local authority"),
      ind("la_upper_99_8", "Local authority: upper 99.8% funnel limit", "Local authority"),
      filter("la_position", "Position against the local authority funnel limits", ""),
      filter("la_overdispersion", "Over-dispersion adjustment of the LA limits", ""),
      filter("la_source", "Source of the LA figure", ""),
      ind("england_value", "England figure (LAIT where published, else pooled)", "England"),
      ind("england_lower_99_8", "England: lower 99.8% funnel limit", "England"),
      ind("england_upper_99_8", "England: upper 99.8% funnel limit", "England"),
      filter("england_position", "Position against the England funnel limits", ""),
      filter("england_source", "Source of the England figure", ""),
      ind("expected", "Expected for the school's context (model on all schools of the phase)",
          "Contextual expectation"),
      ind("difference", "Value minus expected", "Contextual expectation"),
      ind("difference_lower", "Difference: lower bound (the school's interval minus expected)",
          "Contextual expectation"),
      ind("difference_upper", "Difference: upper bound", "Contextual expectation"),
      filter("enquiry", "Line of enquiry: outside the similar schools' 99.8% limits",
             "higher, lower, none, not assessed, c (the figure is withheld); the question in "
             "words is in scorecard_enquiries.csv"),
  };
  for (EesColumnMeta& m : meta) {
    if (!m.is_filter) continue;
    auto it = first_row.find(m.col_name);
    m.filter_default = it == first_row.end() ? "Total" : it->second;
  }
  return meta;
}

void Cell(CsvWriter& w, const PublishedCell& c) {
  char buf[64];
  w.Raw(std::string_view(buf, c.Write(buf, sizeof buf)));
}

void WriteComparison(CsvWriter& w, const PublishedComparison& p, bool with95) {
  Cell(w, p.value);
  if (with95) {
    Cell(w, p.lower95);
    Cell(w, p.upper95);
  }
  Cell(w, p.lower998);
  Cell(w, p.upper998);
  w.Field(p.position);
}

GeographyRow SchoolGeography(const ScorecardSchool& s, const ScorecardLocalAuthority* la) {
  GeographyRow g;
  g.level = GeographicLevel::kSchool;
  if (la != nullptr) {
    g.region_code = la->region_code;
    g.region_name = la->region_name;
    g.new_la_code = la->new_la_code;
    g.la_name = la->la_name;
  }
  g.old_la_code = std::to_string(s.la_code);
  g.trust_id = s.trust_id;
  g.trust_name = s.trust_name;
  g.school_urn = std::to_string(s.urn);
  g.school_laestab = s.laestab;
  g.school_name = s.name;
  return g;
}

struct WorkerResult {
  Status status;
  size_t rows = 0, html = 0, json = 0, suppressed = 0, assessed = 0, flags = 0, scored = 0;
  std::map<std::string, size_t> flags_by, assessed_by;
  std::vector<EnquiryRecord> enquiries;
  std::vector<AssessedRecord> assessed_records;
};

}  // namespace

namespace scorecard {
std::string SchoolDisplayName(const ScorecardSchool& s) {
  if (!s.name.empty()) return s.name;
  return fmt::format("School URN {}", s.urn);
}
}  // namespace scorecard

std::string SchoolScorecardJson(const Scorecard& sc, uint32_t school) {
  const ScorecardInput& in = sc.input();
  if (school >= in.schools.size()) return "{}";
  const auto& im = sc.internals();
  const ScorecardSchool& s = in.schools[school];
  auto la_it = im.la_by_code.find(s.la_code);
  const ScorecardLocalAuthority* la = la_it == im.la_by_code.end() ? nullptr : la_it->second;
  const std::vector<ScorecardCell> cells = sc.ScoreSchool(school);
  std::vector<PublishedScorecardCell> pub;
  pub.reserve(cells.size());
  for (const auto& c : cells) pub.push_back(scorecard::Publish(c));
  scorecard::SchoolPage sp{
      &sc, school, &cells, &pub, la ? la->la_name : "", la ? la->region_name : ""};
  std::string out;
  scorecard::AppendSchoolJson(sp, &out);
  return out;
}

std::string ScorecardIndicatorsJson(const ScorecardInput& input) {
  std::string out;
  scorecard::AppendIndicatorsJson(input, &out);
  return out;
}

std::vector<SchoolEnquiry> SchoolEnquiries(const Scorecard& sc, uint32_t school) {
  std::vector<SchoolEnquiry> out;
  if (school >= sc.input().schools.size() || !sc.Scored(school)) return out;
  const auto& reg = ScorecardIndicators();
  for (const ScorecardCell& c : sc.ScoreSchool(school)) {
    if (c.enquiry == 0) continue;
    out.push_back({std::string(reg[c.indicator].id), std::string(PupilGroupId(c.group)),
                   sc.input().breakdowns[c.breakdown], c.enquiry, c.enquiry_text});
  }
  return out;
}

std::string ScorecardReport::Summary() const {
  std::string s = fmt::format(
      "  mode {}, {}: {} schools in input, {} scored\n"
      "  scorecard.csv rows {}, cells suppressed (c) {}\n"
      "  pages: {} offline HTML, {} JSON\n"
      "  assessed against similar schools {}, lines of enquiry {}\n",
      mode, time_period, schools_in_input, schools_scored, csv_rows, cells_suppressed, html_pages,
      json_files, assessed, enquiry_flags);
  for (const auto& [id, n] : assessed_by_indicator) {
    auto it = flags_by_indicator.find(id);
    s += fmt::format("    {}: {} of {} outside 99.8%\n", id,
                     it == flags_by_indicator.end() ? 0 : it->second, n);
  }
  s += fmt::format("  time: load {:.2f} s, build {:.2f} s, write {:.2f} s, total {:.2f} s\n",
                   seconds_load, seconds_build, seconds_write, seconds);
  return s;
}

Status WriteScorecardOutputs(const Scorecard& sc, const ScorecardOutputOptions& options,
                             ScorecardReport* report) {
  const auto t0 = std::chrono::steady_clock::now();
  const ScorecardInput& in = sc.input();
  const auto& reg = ScorecardIndicators();
  const auto& im = sc.internals();
  if (options.out_dir.empty()) return Status::InvalidArgument("no output folder given");
  const fs::path out(options.out_dir);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", out.string(), ec.message()));
  if (options.pages || options.json) fs::create_directories(out / "scorecards", ec);
  if (ec) return Status::IoError(fmt::format("cannot create folders in {}", out.string()));
  // The offline page: the web app built as one file (web/dist-single), the
  // school's JSON put in place of its marker.
  std::string page_template, indicators_json, generated;
  size_t marker = std::string::npos;
  if (options.pages) {
    std::string path = options.page_template;
#ifdef LANTERN_SOURCE_DIR
    if (path.empty()) path = std::string(LANTERN_SOURCE_DIR) + "/web/dist-single/scorecard.html";
#endif
    auto t = ReadFileToString(path);
    if (!t.ok()) {
      return Status::NotFound("the offline page template " + path +
                              " is missing: it is the web app built as one file (make build)");
    }
    page_template = std::move(*t);
    marker = page_template.find(kOfflineMarker);
    if (marker == std::string::npos) {
      return Status::InvalidInput(path + " has no " + std::string(kOfflineMarker) + " marker");
    }
    indicators_json = ScorecardIndicatorsJson(in);
    const std::time_t now = options.generated_at != 0 ? options.generated_at : std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &utc);
    generated =
        nlohmann::json(fmt::format("{} from {}, {}", when,
                                   in.mode == "open data" ? "the Department's published files"
                                                          : "pupil-level records",
                                   AcademicYear::Parse(in.time_period)
                                       ? AcademicYear::Parse(in.time_period)->Label()
                                       : in.time_period))
            .dump();
  }

  const size_t n = in.schools.size();
  const int threads = ResolveThreads(options.threads);
  std::vector<WorkerResult> results(static_cast<size_t>(threads));

  // scorecard.csv and similar_schools.csv are written under temporary names,
  // a block of schools at a time in school order: each thread scores and
  // formats its next block in memory while another writes. Threads take
  // blocks as they come free, so none idles while another has work.
  const std::string csv_tmp = (out / ".scorecard.csv.tmp").string();
  const std::string sim_tmp = (out / ".similar_schools.csv.tmp").string();
  // A failed run leaves no temporary file behind (and the last good files
  // in place).
  struct RemoveOnExit {
    std::vector<std::string> paths;
    ~RemoveOnExit() {
      std::error_code e;
      for (const auto& p : paths) fs::remove(p, e);
    }
  } temporaries{{csv_tmp, sim_tmp}};
  LANTERN_ASSIGN_OR_RETURN(auto csv_file, CsvWriter::Create(csv_tmp));
  LANTERN_ASSIGN_OR_RETURN(auto sim_file, CsvWriter::Create(sim_tmp));
  for (auto c : EesGeographyColumns()) csv_file->Raw(c);
  for (const auto& c : ScorecardColumns()) csv_file->Raw(c);
  csv_file->EndRow();
  for (const char* c : {"time_period", "school_urn", "similar_school_urn", "similar_school_name",
                        "similar_school_old_la_code", "distance"}) {
    sim_file->Raw(c);
  }
  sim_file->EndRow();
  constexpr size_t kBlockSchools = 16;
  const size_t blocks = (n + kBlockSchools - 1) / kBlockSchools;

  // One block of schools: its rows of both files and its pages. Blocks are
  // written in school order, one at a time, so the page files too are
  // created by one thread at a time (tens of thousands of files created in
  // one folder from several threads contend for the folder's lock in the
  // kernel, which then spins).
  struct Block {
    std::unique_ptr<CsvWriter> csv = CsvWriter::InMemory(1 << 20);
    std::unique_ptr<CsvWriter> sim = CsvWriter::InMemory(1 << 16);
    std::vector<std::pair<std::string, std::string>> pages;  // path, contents
    std::vector<PublishedScorecardCell> pub;
  };
  auto format_block = [&](size_t b, Block* block, int worker) {
    WorkerResult& r = results[static_cast<size_t>(worker)];
    block->csv->raw_writer().Clear();
    block->sim->raw_writer().Clear();
    block->pages.clear();
    CsvWriter& csv = *block->csv;
    CsvWriter& sim = *block->sim;
    std::vector<PublishedScorecardCell>& pub = block->pub;
    // Scores one school into this thread's blocks and queues its pages.
    auto score_school = [&](uint32_t school) {
      if (!sc.Scored(school)) return;
      ++r.scored;
      const ScorecardSchool& s = in.schools[school];
      auto la_it = im.la_by_code.find(s.la_code);
      const ScorecardLocalAuthority* la = la_it == im.la_by_code.end() ? nullptr : la_it->second;
      const std::string geo =
          EesGeographyText(in.time_period, in.time_identifier, SchoolGeography(s, la));
      const std::vector<ScorecardCell> cells = sc.ScoreSchool(school);
      pub.clear();
      for (const auto& c : cells) pub.push_back(scorecard::Publish(c));
      const std::string_view phase = ScorecardPhaseLabel(s.phase);
      for (size_t i = 0; i < cells.size(); ++i) {
        const ScorecardCell& c = cells[i];
        const PublishedScorecardCell& p = pub[i];
        const ScorecardIndicator& ind = reg[c.indicator];
        csv.Raw(geo);
        csv.Field(phase).Raw(IndicatorDomainId(ind.domain)).Raw(ind.id).Raw(PupilGroupId(c.group));
        csv.Field(in.breakdowns[c.breakdown]);
        Cell(csv, p.value);
        Cell(csv, p.lower);
        Cell(csv, p.upper);
        Cell(csv, p.numerator);
        Cell(csv, p.denominator);
        if (c.availability == Availability::kAvailable) {
          csv.Int(c.similar.schools);
        } else {
          csv.Raw(c.availability == Availability::kNotApplicable ? "z" : "x");
        }
        WriteComparison(csv, p.similar, true);
        csv.Field(p.similar.overdispersion);
        Cell(csv, p.similar.phi);
        csv.Field(p.band);
        WriteComparison(csv, p.la, false);
        csv.Field(p.la.overdispersion);
        csv.Field(c.la.available ? std::string_view(c.la.source) : std::string_view("x"));
        WriteComparison(csv, p.england, false);
        csv.Field(c.england.available ? std::string_view(c.england.source) : std::string_view("x"));
        Cell(csv, p.expected);
        Cell(csv, p.difference);
        Cell(csv, p.difference_lower);
        Cell(csv, p.difference_upper);
        const bool assessed = c.assessable && !c.suppressed &&
                              ind.domain != IndicatorDomain::kContext &&
                              c.similar.position != FunnelPosition::kNotAssessed;
        csv.Raw(c.enquiry > 0   ? "higher"
                : c.enquiry < 0 ? "lower"
                : c.suppressed  ? "c"
                : assessed      ? "none"
                                : "not assessed");
        csv.EndRow();
        ++r.rows;
        if (p.any_suppressed) ++r.suppressed;
        if (assessed) {
          const std::string key =
              std::string(ind.id) +
              (c.group == kAllPupils ? std::string() : "/" + std::string(PupilGroupId(c.group)));
          ++r.assessed;
          ++r.assessed_by[key];
          r.assessed_records.push_back({s.la_code, c.indicator, c.group, c.breakdown});
          if (c.enquiry != 0) {
            ++r.flags;
            ++r.flags_by[key];
            r.enquiries.push_back(
                {school, c.indicator, c.group, c.breakdown, c.enquiry, c.enquiry_text});
          }
        }
      }
      // similar_schools.csv: one row per school x similar school, nearest first.
      for (const Neighbour& nb : sc.Neighbours(school)) {
        const ScorecardSchool& o = in.schools[nb.school];
        sim.Raw(in.time_period).Int(s.urn).Int(o.urn).Field(o.name).Int(o.la_code);
        sim.Decimal(nb.distance, 3);
        sim.EndRow();
      }
      scorecard::SchoolPage sp{
          &sc, school, &cells, &pub, la ? la->la_name : "", la ? la->region_name : ""};
      const std::string stem = (out / "scorecards" / std::to_string(s.urn)).string();
      if (options.json) {
        std::string page;
        scorecard::AppendSchoolJson(sp, &page);
        block->pages.emplace_back(stem + ".json", std::move(page));
        ++r.json;
      }
      if (options.pages) {
        std::string school_json;
        scorecard::AppendSchoolJson(sp, &school_json);
        // Which of its similar schools have a page beside it in this run.
        nlohmann::json linked = nlohmann::json::array();
        for (const Neighbour& nb : sc.Neighbours(school)) {
          if (sc.Scored(nb.school) && !in.schools[nb.school].reference) {
            linked.push_back(in.schools[nb.school].urn);
          }
        }
        const std::string data =
            "{\"scorecard\":" + school_json + ",\"indicators\":" + indicators_json +
            ",\"generated\":" + generated + ",\"pages\":" + linked.dump() + "}";
        std::string page = page_template.substr(0, marker);
        // Inside a script element no "<" may stand as itself ("</script>",
        // "<!--"): JSON writes it "\u003c".
        for (char ch : data) {
          if (ch == '<') {
            page += "\\u003c";
          } else {
            page += ch;
          }
        }
        page += page_template.substr(marker + kOfflineMarker.size());
        block->pages.emplace_back(stem + ".html", std::move(page));
        ++r.html;
      }
    };
    for (size_t si = b * kBlockSchools; si < std::min(n, (b + 1) * kBlockSchools); ++si) {
      score_school(static_cast<uint32_t>(si));
    }
  };
  LANTERN_RETURN_IF_ERROR(
      WriteOrderedBlocks<Block>(blocks, threads, format_block, [&](const Block& block) -> Status {
        csv_file->raw_writer().Write(block.csv->raw_writer().contents());
        sim_file->raw_writer().Write(block.sim->raw_writer().contents());
        for (const auto& [path, page] : block.pages) {
          LANTERN_RETURN_IF_ERROR(WriteWholeFile(path, page));
        }
        return Status::Ok();
      }));
  for (const auto& r : results) LANTERN_RETURN_IF_ERROR(r.status);

  LANTERN_RETURN_IF_ERROR(csv_file->Close());
  LANTERN_RETURN_IF_ERROR(sim_file->Close());
  for (const auto& [tmp, target] : {std::pair{csv_tmp, out / "scorecard.csv"},
                                    std::pair{sim_tmp, out / "similar_schools.csv"}}) {
    fs::rename(tmp, target, ec);
    if (ec) return Status::IoError("cannot rename " + tmp + " to " + target.string());
  }
  {
    // The header and first row of scorecard.csv: the filters' default items.
    std::map<std::string, std::string> first_row;
    LANTERN_ASSIGN_OR_RETURN(auto written, MappedFile::Open((out / "scorecard.csv").string()));
    CsvReader reader(written->data());
    CsvRecord header, row;
    if (reader.Next(&header) && reader.Next(&row)) {
      for (size_t i = 0; i < header.fields.size() && i < row.fields.size(); ++i) {
        first_row[std::string(header.fields[i])] = std::string(row.fields[i]);
      }
    }
    LANTERN_RETURN_IF_ERROR(
        WriteEesMetadata((out / "scorecard.meta.csv").string(), ScorecardMeta(first_row)));
  }
  {
    std::string ij;
    scorecard::AppendIndicatorsJson(in, &ij);
    LANTERN_RETURN_IF_ERROR(WriteWholeFile((out / "scorecard_indicators.json").string(), ij));
  }

  // LA summaries: lines of enquiry grouped by question, schools alphabetical.
  std::vector<EnquiryRecord> enquiries;
  std::map<std::tuple<int, uint16_t, uint16_t, uint16_t>, int> assessed_count;
  for (auto& r : results) {
    for (auto& e : r.enquiries) enquiries.push_back(std::move(e));
    for (const auto& a : r.assessed_records) {
      ++assessed_count[{a.la_code, a.indicator, a.group.category, a.breakdown}];
    }
  }
  {
    // The lines of enquiry in words, one row per question asked in this run
    // (scorecard.csv's `enquiry` says which rows raise them): a note beside
    // the data, since the platform takes filter items of 120 characters at
    // most.
    std::map<std::tuple<uint16_t, uint16_t, uint16_t, int>, const std::string*> texts;
    for (const auto& e : enquiries) {
      texts.emplace(std::make_tuple(e.indicator, e.group.category, e.breakdown, e.direction),
                    &e.text);
    }
    LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create((out / "scorecard_enquiries.csv").string()));
    w->Row({"indicator", "pupil_group", "breakdown", "enquiry", "enquiry_text"});
    for (const auto& [key, text] : texts) {
      const auto [ind_i, group_u, breakdown, dir] = key;
      w->Raw(reg[ind_i].id).Raw(PupilGroupId(PupilGroup{group_u})).Field(in.breakdowns[breakdown]);
      w->Raw(dir > 0 ? "higher" : "lower").Field(*text);
      w->EndRow();
    }
    LANTERN_RETURN_IF_ERROR(w->Close());
    LANTERN_RETURN_IF_ERROR(WriteColumnNotes(
        (out / "scorecard_enquiries.meta.csv").string(),
        {{"indicator", "Indicator id (as in scorecard.csv)"},
         {"pupil_group", "Pupil group (as in scorecard.csv)"},
         {"breakdown", "Breakdown (as in scorecard.csv)"},
         {"enquiry",
          "higher or lower: the school is above or below its similar schools' 99.8% "
          "limits"},
         {"enquiry_text", "The line of enquiry in words, where {pupils} has become the group"}}));
  }
  auto name_less = [&](uint32_t a, uint32_t b) {
    const std::string na = scorecard::SchoolDisplayName(in.schools[a]);
    const std::string nb = scorecard::SchoolDisplayName(in.schools[b]);
    if (na != nb) return na < nb;
    return in.schools[a].urn < in.schools[b].urn;
  };
  std::sort(enquiries.begin(), enquiries.end(),
            [&](const EnquiryRecord& a, const EnquiryRecord& b) {
              const int la_a = in.schools[a.school].la_code, la_b = in.schools[b.school].la_code;
              if (la_a != la_b) return la_a < la_b;
              if (a.indicator != b.indicator) return a.indicator < b.indicator;
              if (a.group != b.group) return a.group < b.group;
              if (a.breakdown != b.breakdown) return a.breakdown < b.breakdown;
              if (a.direction != b.direction) return a.direction > b.direction;
              return name_less(a.school, b.school);
            });
  // The enquiries of each LA x series x direction, in the order above.
  std::map<std::tuple<int, uint16_t, uint16_t, uint16_t, int>, std::vector<const EnquiryRecord*>>
      hits_by_series;
  for (const auto& e : enquiries) {
    hits_by_series[{in.schools[e.school].la_code, e.indicator, e.group.category, e.breakdown,
                    e.direction}]
        .push_back(&e);
  }
  {
    LANTERN_ASSIGN_OR_RETURN(auto w, CsvWriter::Create((out / "la_summary.csv").string()));
    std::string h;
    for (auto c : EesGeographyColumns()) {
      if (!h.empty()) h += ',';
      h += c;
    }
    h += ",indicator_domain,indicator,pupil_group,breakdown,direction,schools_assessed,"
         "schools_with_enquiry,enquiry_text,schools";
    w->Raw(h);
    w->EndRow();
    // One row per LA x assessed series x direction, in registry order.
    for (const auto& [key, assessed] : assessed_count) {
      const auto [la_code, ind_i, group_u, breakdown] = key;
      auto la_it = im.la_by_code.find(la_code);
      GeographyRow g;
      g.level = GeographicLevel::kLocalAuthority;
      g.old_la_code = std::to_string(la_code);
      if (la_it != im.la_by_code.end()) {
        g.region_code = la_it->second->region_code;
        g.region_name = la_it->second->region_name;
        g.new_la_code = la_it->second->new_la_code;
        g.la_name = la_it->second->la_name;
      }
      for (int dir : {1, -1}) {
        static const std::vector<const EnquiryRecord*> kNone;
        auto hit = hits_by_series.find({la_code, ind_i, group_u, breakdown, dir});
        const std::vector<const EnquiryRecord*>& hits =
            hit == hits_by_series.end() ? kNone : hit->second;
        const ScorecardIndicator& ind = reg[ind_i];
        WriteEesGeography(*w, in.time_period, in.time_identifier, g);
        w->Raw(IndicatorDomainId(ind.domain)).Raw(ind.id);
        w->Raw(PupilGroupId(PupilGroup{group_u})).Field(in.breakdowns[breakdown]);
        w->Raw(dir > 0 ? "higher" : "lower").Int(assessed).Int(static_cast<int64_t>(hits.size()));
        w->Field(hits.empty() ? std::string("z") : hits.front()->text);
        std::string list;
        for (const auto* e : hits) {
          if (!list.empty()) list += "; ";
          list += scorecard::SchoolDisplayName(in.schools[e->school]) + " (" +
                  std::to_string(in.schools[e->school].urn) + ")";
        }
        w->Field(hits.empty() ? std::string("z") : list);
        w->EndRow();
      }
    }
    LANTERN_RETURN_IF_ERROR(w->Close());
    std::vector<std::pair<std::string, std::string>> cols;
    for (auto c : EesGeographyColumns()) cols.emplace_back(c, "geography (local authority rows)");
    for (auto [name, what] : std::initializer_list<std::pair<const char*, const char*>>{
             {"indicator_domain", "context, formal_outcome or additional"},
             {"indicator", "indicator id (docs/indicators.md)"},
             {"pupil_group", "pupil group (docs/scorecard.md)"},
             {"breakdown", "Total, or an AP setting or reason"},
             {"direction", "higher or lower than the similar schools' 99.8% limits"},
             {"schools_assessed", "the LA's schools compared with their similar schools"},
             {"schools_with_enquiry", "of those, the schools outside the limits this way"},
             {"enquiry_text", "the question in words (z: no school)"},
             {"schools", "those schools, alphabetically, with their URNs (z: none)"}}) {
      cols.emplace_back(name, what);
    }
    LANTERN_RETURN_IF_ERROR(WriteColumnNotes((out / "la_summary.meta.csv").string(), cols));
    LANTERN_RETURN_IF_ERROR(WriteColumnNotes(
        (out / "similar_schools.meta.csv").string(),
        {{"time_period", "academic year, e.g. 201819"},
         {"school_urn", "the school"},
         {"similar_school_urn", "one of its similar schools (docs/benchmarking.md), nearest first"},
         {"similar_school_name", "that school's name"},
         {"similar_school_old_la_code", "that school's local authority"},
         {"distance", "distance in standardised context (not a ranking of schools)"}}));
  }

  {
    // Pages of schools not in this run (pages of this run's schools are kept
    // even when this run did not write them), and the LA pages earlier
    // versions wrote.
    std::set<std::string> current;
    for (uint32_t s = 0; s < n; ++s) {
      if (!sc.Scored(s)) continue;
      const std::string urn = std::to_string(in.schools[s].urn);
      current.insert(urn + ".html");
      current.insert(urn + ".json");
    }
    RemoveStalePages(out / "scorecards", current);
    RemoveStalePages(out / "la", {});
  }

  if (report != nullptr) {
    report->mode = in.mode;
    report->time_period = in.time_period;
    report->schools_in_input = n;
    report->schools_scored = 0;
    report->csv_rows = report->html_pages = report->json_files = 0;
    report->cells_suppressed = report->assessed = report->enquiry_flags = 0;
    report->flags_by_indicator.clear();
    report->assessed_by_indicator.clear();
    for (const auto& r : results) {
      report->schools_scored += r.scored;
      report->csv_rows += r.rows;
      report->html_pages += r.html;
      report->json_files += r.json;
      report->cells_suppressed += r.suppressed;
      report->assessed += r.assessed;
      report->enquiry_flags += r.flags;
      for (const auto& [k, v] : r.flags_by) report->flags_by_indicator[k] += v;
      for (const auto& [k, v] : r.assessed_by) report->assessed_by_indicator[k] += v;
    }
    report->seconds_write = Seconds(t0, std::chrono::steady_clock::now());
  }
  return Status::Ok();
}

Status RunOpenDataScorecard(const ScorecardRunOptions& options, ScorecardReport* report) {
  const auto t0 = std::chrono::steady_clock::now();
  LANTERN_ASSIGN_OR_RETURN(
      ScorecardInput input,
      LoadOpenDataScorecardInput(options.open_data_dir, options.output.threads));
  const auto t1 = std::chrono::steady_clock::now();
  ScorecardOptions engine = options.engine;
  if (engine.threads == 0) engine.threads = options.output.threads;
  LANTERN_ASSIGN_OR_RETURN(Scorecard sc, Scorecard::Build(input, engine));
  const auto t2 = std::chrono::steady_clock::now();
  ScorecardReport local;
  ScorecardReport* r = report != nullptr ? report : &local;
  LANTERN_RETURN_IF_ERROR(WriteScorecardOutputs(sc, options.output, r));
  r->seconds_load = Seconds(t0, t1);
  r->seconds_build = Seconds(t1, t2);
  r->seconds = Seconds(t0, std::chrono::steady_clock::now());
  return Status::Ok();
}

}  // namespace lantern
