// Ingest orchestration: open the files, check headers, validate in
// dependency order, merge marks, commit, write the rejects report.
#include "lantern/ingest.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "derive/cohort.h"
#include "derive/sessions_summary.h"
#include "ingest/ingest_context.h"
#include "ingest/marks_ingest.h"
#include "ingest/record_ingest.h"
#include "model/policy.h"
#include "store/loaded_store.h"
#include "store/upn_index.h"

namespace lantern {

namespace fs = std::filesystem;

namespace {

std::string RunId() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

Result<std::unique_ptr<InputSource>> OpenSource(const FileSchema& schema, const std::string& path,
                                                std::vector<std::string>* warnings) {
  auto src = std::make_unique<InputSource>();
  src->schema = &schema;
  LANTERN_ASSIGN_OR_RETURN(src->file, MappedFile::Open(path));
  src->file->AdviseSequential();
  std::string_view data = StripBom(src->file->data());
  CsvReader reader(data, 1);
  CsvRecord header;
  if (!reader.Next(&header)) {
    return Status::InvalidInput(
        fmt::format("{}: the file is empty (no header line)", schema.file_name));
  }
  LANTERN_ASSIGN_OR_RETURN(src->header, HeaderMap::Resolve(schema, header, warnings));
  src->body = data.substr(reader.position());
  src->body_first_line = header.line + 1;
  return src;
}

// The academic year of the first readable date in an attendance file.
std::optional<AcademicYear> PeekYear(const InputSource& src) {
  const bool compact = src.schema->id == InputFile::kAttendanceCompact;
  const int col = src.header[2];  // date / from_date
  CsvReader reader(src.body, src.body_first_line);
  CsvRecord rec;
  for (int i = 0; i < 1000 && reader.Next(&rec); ++i) {
    if (rec.error != CsvError::kNone || col < 0 || static_cast<size_t>(col) >= rec.fields.size()) {
      continue;
    }
    if (auto d = ParseIsoDate(rec.fields[static_cast<size_t>(col)])) {
      (void)compact;
      return AcademicYear::Containing(*d);
    }
  }
  return std::nullopt;
}

// Duplicate marks are found after parsing; fetch their rows from the file
// so they can be kept aside like any other reject.
void FillMissingRaw(InputSource& src) {
  std::vector<Reject*> missing;
  for (const Reject& r : src.rejects.rejects()) {
    if (r.raw.empty()) missing.push_back(const_cast<Reject*>(&r));
  }
  if (missing.empty()) return;
  std::sort(missing.begin(), missing.end(),
            [](const Reject* a, const Reject* b) { return a->line < b->line; });
  CsvReader reader(src.body, src.body_first_line);
  CsvRecord rec;
  size_t k = 0;
  while (k < missing.size() && reader.Next(&rec)) {
    while (k < missing.size() && missing[k]->line < rec.line) ++k;
    while (k < missing.size() && missing[k]->line == rec.line) missing[k++]->raw = rec.raw;
  }
}

}  // namespace

std::string IngestReport::Summary() const {
  std::string s;
  for (const auto& f : files) {
    s += fmt::format(
        "  {:<24} {:>12} rows: {:>11} new, {:>9} updated, {:>11} unchanged, {:>7} rejected\n",
        f.file, f.rows, f.inserted, f.updated, f.unchanged, f.rejected);
  }
  for (const auto& w : warnings) s += "  warning: " + w + "\n";
  if (committed) {
    s += fmt::format(
        "  committed generation {} ({}), {:.2f} s (load {:.2f} s, validate {:.2f} s, merge {:.2f} "
        "s, commit {:.2f} s)\n",
        generation, time_period, seconds, seconds_load, seconds_validate, seconds_merge,
        seconds_commit);
  } else {
    s += fmt::format("  nothing changed: the store stays at generation {}, {:.2f} s\n", generation,
                     seconds);
  }
  if (rows_rejected > 0) {
    s += fmt::format("  {} rows rejected: see {}/rejects.csv\n", rows_rejected, rejects_dir);
  }
  return s;
}

Status Ingest(const IngestOptions& options, IngestReport* report,
              std::shared_ptr<const LoadedStore>* committed) {
  const auto started = std::chrono::steady_clock::now();
  *report = IngestReport();
  Policy policy;
  if (!options.policy_file.empty()) {
    LANTERN_ASSIGN_OR_RETURN(policy, LoadPolicy(options.policy_file));
  }
  std::error_code ec;
  if (!fs::is_directory(options.input_dir, ec)) {
    return Status::NotFound(fmt::format("input folder {} does not exist", options.input_dir));
  }
  LANTERN_ASSIGN_OR_RETURN(auto store, Store::Open(options.store_dir, Store::Mode::kWrite));

  // Open every input file and check its header before reading any row.
  std::vector<std::unique_ptr<InputSource>> sources;
  std::vector<std::string> missing;
  for (const FileSchema& schema : InputFileSchemas()) {
    std::string path = options.input_dir + "/" + schema.file_name;
    if (!fs::exists(path, ec)) {
      if (store->empty() && schema.required_for_new_store) missing.push_back(schema.file_name);
      continue;
    }
    LANTERN_ASSIGN_OR_RETURN(auto src, OpenSource(schema, path, &report->warnings));
    sources.push_back(std::move(src));
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return Status::InvalidInput(
        fmt::format("{}: missing {} (required when the store is empty; nothing was written)",
                    options.input_dir, list));
  }
  if (sources.empty()) {
    return Status::InvalidInput(fmt::format(
        "{} holds none of the input files listed in docs/input-schema.md", options.input_dir));
  }
  for (const auto& entry : fs::directory_iterator(options.input_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".csv") continue;
    bool known = false;
    for (const FileSchema& schema : InputFileSchemas()) known = known || name == schema.file_name;
    if (!known)
      report->warnings.push_back(fmt::format("{} is not an input file and was ignored", name));
  }

  auto phase = std::chrono::steady_clock::now();
  auto lap = [&phase] {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - phase).count();
    phase = now;
    return s;
  };
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->Load());
  report->seconds_load = lap();
  IngestContext ctx(&state, options.threads > 0
                                ? options.threads
                                : std::max(1u, std::thread::hardware_concurrency()));
  ctx.UseSavedUpnIndex(store->upn_index_path());
  // The academic year: given, stored, or read from the first mark.
  if (!options.year.empty()) {
    ctx.year = AcademicYear::Parse(options.year);
    if (!ctx.year) return Status::InvalidArgument("--year must look like 201819 or 2018/19");
  }
  if (state.year) {
    if (ctx.year && *ctx.year != *state.year) {
      return Status::InvalidArgument(fmt::format(
          "the store holds {}; this ingest asks for {} (use one store per academic year)",
          state.year->Label(), ctx.year->Label()));
    }
    ctx.year = state.year;
  }
  for (const auto& src : sources) {
    if (ctx.year) break;
    if (src->schema->id == InputFile::kAttendance ||
        src->schema->id == InputFile::kAttendanceCompact) {
      ctx.year = PeekYear(*src);
    }
  }

  // KS4 results are checked against the qualification catalogue.
  std::optional<QualCatalogue> catalogue;
  for (const auto& src : sources) {
    if (src->schema->id == InputFile::kKs4Results && !catalogue) {
      const std::string dir =
          options.catalogue_dir.empty() ? DefaultCatalogueDir() : options.catalogue_dir;
      auto loaded = QualCatalogue::Load(dir);
      if (!loaded.ok()) {
        return Status::InvalidInput(fmt::format(
            "ks4_results.csv needs the qualification catalogue: {} (nothing was written)",
            loaded.status().message()));
      }
      catalogue = std::move(*loaded);
      ctx.catalogue = &*catalogue;
    }
  }
  ctx.ks2_nominal_below_test = policy.ks2_nominal_below_test;

  std::vector<ParsedMarks> parsed;
  for (const auto& src : sources) {
    const InputFile id = src->schema->id;
    if (id == InputFile::kAttendance || id == InputFile::kAttendanceCompact) {
      if (!ctx.year) {
        return Status::InvalidInput(fmt::format(
            "{}: no readable date to tell the academic year; pass --year", src->schema->file_name));
      }
      parsed.push_back(ParseMarks(ctx, *src));
    } else {
      IngestRecords(ctx, *src);
    }
  }

  report->seconds_validate = lap();
  CommitPlan plan;
  plan.state = &state;
  plan.year = ctx.year;
  LANTERN_ASSIGN_OR_RETURN(MarksMergeResult merged, MergeMarks(ctx, *store, parsed, &plan));
  report->mark_dates_written = merged.dates_written;
  if (merged.wrote_block && ctx.year) {
    // Save every enrolment's session counts in the new block, so later builds
    // (the daily refresh) read counts instead of recounting the year.
    MarksSet just_block;
    LANTERN_ASSIGN_OR_RETURN(auto block, MarksBlock::Open(store->PathOf(merged.block_file)));
    just_block.blocks.push_back(std::move(block));
    std::vector<uint8_t> in_cohort;
    std::vector<CountWindow> windows;
    ChooseCohort(state, *ctx.year, policy, &in_cohort, &windows, ctx.threads());
    const CodeTreatments treatments = policy.Treatments();
    auto sessions = CountEnrolmentSessions(just_block, treatments, windows, ctx.threads());
    plan.summary_file = store->NewFileName("sum", "sessions");
    plan.summary_block = merged.block_file;
    LANTERN_RETURN_IF_ERROR(
        SessionsSummary::Write(store->PathOf(plan.summary_file), treatments, windows, sessions));
  }
  // Save the UPN index when the year's marks were rewritten, or when more
  // than an eighth of the pupils are not in the saved one, so that a daily
  // ingest maps it instead of building it (store/upn_index.h).
  const size_t pupils = state.pupils.size();
  if (pupils > 0) {
    ctx.BuildPupilIndex();  // opens the saved index when there is a usable one
    const size_t covered = ctx.saved_upn_rows();
    if (merged.wrote_block ? covered < pupils : pupils - covered > pupils / 8) {
      plan.upn_index_file = store->NewFileName("upn", "index");
      LANTERN_RETURN_IF_ERROR(ctx.upn_index().Save(store->PathOf(plan.upn_index_file),
                                                   state.pupils.upn, ctx.threads()));
    }
  }
  for (const auto& src : sources) FillMissingRaw(*src);
  report->seconds_merge = lap();
  plan.changed_tables.assign(ctx.changed_tables.begin(), ctx.changed_tables.end());
  plan.changed_rows = ctx.changed_rows;
  const bool year_is_new = ctx.year && (!state.year || *state.year != *ctx.year) &&
                           (!plan.add_blocks.empty() || !plan.add_days.empty());

  std::map<std::string, std::pair<std::string, RejectList>> rejects;
  nlohmann::json note;
  note["command"] = "ingest";
  note["run"] = RunId();
  for (const auto& src : sources) {
    IngestFileSummary f{src->schema->file_name, src->counts.rows,      src->counts.inserted,
                        src->counts.updated,    src->counts.unchanged, src->counts.rejected};
    report->files.push_back(f);
    report->rows_rejected += f.rejected;
    note["files"][f.file] = {{"rows", f.rows},
                             {"inserted", f.inserted},
                             {"updated", f.updated},
                             {"unchanged", f.unchanged},
                             {"rejected", f.rejected}};
    if (src->rejects.size() > 0) {
      rejects[src->schema->file_name] = {src->header.header_line(), std::move(src->rejects)};
    }
  }
  report->warnings.insert(report->warnings.end(), ctx.warnings.begin(), ctx.warnings.end());

  const bool changed = !plan.changed_tables.empty() || !plan.add_blocks.empty() ||
                       !plan.add_days.empty() || year_is_new;
  if (changed) {
    plan.history_note = note.dump();
    LANTERN_RETURN_IF_ERROR(store->Commit(plan));
    report->committed = true;
  }
  report->generation = store->generation();
  report->time_period = store->year() ? store->year()->TimePeriod() : "";
  if (!rejects.empty()) {
    std::string dir = store->dir() + "/rejects/" + note["run"].get<std::string>();
    for (int k = 2; fs::exists(dir, ec); ++k) {
      dir = store->dir() + "/rejects/" + note["run"].get<std::string>() + "-" + std::to_string(k);
    }
    LANTERN_ASSIGN_OR_RETURN(size_t written, WriteRejects(dir, rejects));
    (void)written;
    report->rejects_dir = dir;
  }
  report->seconds_commit = lap();
  report->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (committed != nullptr) {
    // The tables in memory are the committed ones; the marks files are reopened.
    LANTERN_ASSIGN_OR_RETURN(state.marks, store->LoadMarks());
    state.year = store->year();
    *committed = MakeLoadedStore(std::move(store), std::move(state));
  }
  return Status::Ok();
}

}  // namespace lantern
