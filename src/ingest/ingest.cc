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
#include "ingest/ctf.h"
#include "ingest/ingest_context.h"
#include "ingest/marks_ingest.h"
#include "ingest/record_ingest.h"
#include "model/policy.h"
#include "store/loaded_store.h"
#include "store/upn_index.h"
#include "voice/catalogue.h"

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
  for (Reject& r : src.rejects.mutable_rejects()) {
    if (r.raw.empty()) missing.push_back(&r);
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

// Position of a file in the order ingest reads them.
size_t SchemaPosition(const FileSchema* schema) {
  return static_cast<size_t>(schema - InputFileSchemas().data());
}

// The rows one CTF stands for, as input sources read from memory; each
// reject is pointed back at the <Pupil> element and the CTF element.
Result<std::vector<std::unique_ptr<InputSource>>> CtfSources(CtfConversion& ctf,
                                                             std::vector<std::string>* warnings) {
  std::vector<std::unique_ptr<InputSource>> out;
  auto pupils = std::make_shared<std::vector<CtfPupil>>(std::move(ctf.pupils));
  const std::string header =
      "<!-- " + ctf.file_name + ": the <Pupil> elements with a rejected record (rejects.csv) -->";
  for (CtfDerivedFile& f : ctf.files) {
    auto src = std::make_unique<InputSource>();
    src->schema = &SchemaOf(f.kind);
    src->owned_text = std::move(f.csv);
    CsvReader reader(src->owned_text, 1);
    CsvRecord head;
    reader.Next(&head);
    LANTERN_ASSIGN_OR_RETURN(src->header, HeaderMap::Resolve(*src->schema, head, warnings));
    src->body = std::string_view(src->owned_text).substr(reader.position());
    src->body_first_line = head.line + 1;
    src->report_file = ctf.file_name;
    src->report_header = header;
    src->relocate = [pupils, rows = std::move(f.row_pupil),
                     first = src->body_first_line](Reject* r) {
      const uint64_t i = r->line - first;
      if (i >= rows.size()) return;
      const CtfPupil& p = (*pupils)[rows[i]];
      r->line = p.line;
      r->raw = p.xml;
      if (!r->column.empty()) r->column = std::string(CtfElementOf(r->column));
    };
    out.push_back(std::move(src));
  }
  return out;
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
              std::shared_ptr<LoadedStore>* committed) {
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
  // Common Transfer Files: every *.xml file whose root is <CTfile>.
  std::vector<std::pair<std::string, std::string>> ctf_files;  // name, text
  for (const auto& entry : fs::directory_iterator(options.input_dir, ec)) {
    if (entry.path().extension() != ".xml") continue;
    std::string name = entry.path().filename().string();
    LANTERN_ASSIGN_OR_RETURN(std::string text, ReadFileToString(entry.path().string()));
    if (!LooksLikeCtf(text)) {
      report->warnings.push_back(
          fmt::format("{} is not a Common Transfer File (no <CTfile>) and was ignored", name));
      continue;
    }
    ctf_files.emplace_back(std::move(name), std::move(text));
  }
  std::sort(ctf_files.begin(), ctf_files.end());
  if (sources.empty() && ctf_files.empty()) {
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
  std::vector<TableId> tables;
  for (TableId id : kAllTables) {
    const bool flag_table =
        id == TableId::kFlags || id == TableId::kFlagRuns || id == TableId::kReferrals;
    if (options.read_flag_tables || !flag_table) tables.push_back(id);
  }
  LANTERN_ASSIGN_OR_RETURN(StoreState state, store->LoadTables(tables));
  LANTERN_ASSIGN_OR_RETURN(state.marks, store->LoadMarks());
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

  // The pupil voice question bank, when a voice file needs it: a bad bank
  // fails the ingest before any row is read.
  std::unique_ptr<voice::VoiceCatalogue> voice_catalogue;
  for (const auto& src : sources) {
    const InputFile id = src->schema->id;
    if ((id == InputFile::kVoiceLocalItems || id == InputFile::kVoiceResponses) &&
        !voice_catalogue) {
      LANTERN_ASSIGN_OR_RETURN(std::string dir, voice::FindCatalogueDir(options.catalogue_dir));
      LANTERN_ASSIGN_OR_RETURN(voice::VoiceCatalogue cat,
                               voice::LoadCatalogueWithLocalItems(dir, state.voice_local_items));
      voice_catalogue = std::make_unique<voice::VoiceCatalogue>(std::move(cat));
      ctx.voice_catalogue = voice_catalogue.get();
    }
  }

  std::vector<ParsedMarks> parsed;
  auto read = [&](InputSource& src) -> Status {
    const InputFile id = src.schema->id;
    if (id == InputFile::kAttendance || id == InputFile::kAttendanceCompact) {
      if (!ctx.year) ctx.year = PeekYear(src);
      if (!ctx.year) {
        return Status::InvalidInput(fmt::format(
            "{}: no readable date to tell the academic year; pass --year", src.schema->file_name));
      }
      parsed.push_back(ParseMarks(ctx, src));
    } else {
      IngestRecords(ctx, src);
    }
    return Status::Ok();
  };
  // The files before pupils.csv (LAs, trusts, schools) first, so a CTF can
  // name a school sent in the same folder; then the CTFs become rows, read
  // after the CSV rows of the same kind.
  const size_t pupils_at = SchemaPosition(&SchemaOf(InputFile::kPupils));
  size_t done = 0;
  for (; done < sources.size() && SchemaPosition(sources[done]->schema) < pupils_at; ++done) {
    LANTERN_RETURN_IF_ERROR(read(*sources[done]));
  }
  std::vector<CtfConversion> ctfs;
  for (auto& [name, text] : ctf_files) {
    ctfs.push_back(ConvertCtf(name, text, ctx));
    CtfConversion& ctf = ctfs.back();
    report->warnings.insert(report->warnings.end(), ctf.warnings.begin(), ctf.warnings.end());
    LANTERN_ASSIGN_OR_RETURN(auto derived, CtfSources(ctf, &report->warnings));
    for (auto& d : derived) sources.push_back(std::move(d));
    text.clear();
  }
  std::stable_sort(sources.begin() + static_cast<std::ptrdiff_t>(done), sources.end(),
                   [](const auto& a, const auto& b) {
                     return SchemaPosition(a->schema) < SchemaPosition(b->schema);
                   });
  for (size_t i = done; i < sources.size(); ++i) LANTERN_RETURN_IF_ERROR(read(*sources[i]));

  report->seconds_validate = lap();
  CommitPlan plan;
  plan.state = &state;
  plan.year = ctx.year;
  LANTERN_ASSIGN_OR_RETURN(MarksMergeResult merged, MergeMarks(ctx, *store, parsed, &plan));
  report->mark_dates_written = merged.dates_written;
  if (merged.wrote_block && ctx.year) {
    // Save every enrolment's session counts in the new blocks, so later
    // builds (the daily refresh) read counts instead of recounting the year.
    MarksSet just_blocks;
    for (const std::string& file : merged.block_files) {
      LANTERN_ASSIGN_OR_RETURN(auto block, MarksBlock::Open(store->PathOf(file)));
      just_blocks.blocks.push_back(std::move(block));
    }
    std::vector<uint8_t> in_cohort;
    std::vector<CountWindow> windows;
    ChooseCohort(state, *ctx.year, policy, &in_cohort, &windows, ctx.threads());
    const CodeTreatments treatments = policy.Treatments();
    auto sessions = CountEnrolmentSessions(just_blocks, treatments, windows, ctx.threads());
    plan.summary_file = store->NewFileName("sum", "sessions");
    plan.summary_blocks = merged.block_files;
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
  for (const CtfConversion& ctf : ctfs) {
    IngestFileSummary f{ctf.file_name, ctf.pupil_elements, 0, 0, 0, ctf.rejects.size()};
    report->files.push_back(f);
    report->rows_rejected += f.rejected;
    note["files"][f.file] = {{"pupils", f.rows}, {"rejected", f.rejected}};
    if (ctf.rejects.size() > 0) {
      auto& entry = rejects[ctf.file_name];
      entry.first = "<!-- " + ctf.file_name +
                    ": the <Pupil> elements with a rejected record "
                    "(rejects.csv) -->";
      entry.second.Append(RejectList(ctf.rejects));
    }
  }
  for (const auto& src : sources) {
    const bool derived = !src->report_file.empty();
    const std::string name =
        derived ? src->report_file + " as " + src->schema->file_name : src->schema->file_name;
    IngestFileSummary f{name,
                        src->counts.rows,
                        src->counts.inserted,
                        src->counts.updated,
                        src->counts.unchanged,
                        src->counts.rejected};
    report->files.push_back(f);
    report->rows_rejected += f.rejected;
    note["files"][f.file] = {{"rows", f.rows},
                             {"inserted", f.inserted},
                             {"updated", f.updated},
                             {"unchanged", f.unchanged},
                             {"rejected", f.rejected}};
    if (src->rejects.size() > 0) {
      if (src->relocate) {
        for (Reject& r : src->rejects.mutable_rejects()) src->relocate(&r);
      }
      auto& entry = rejects[derived ? src->report_file : src->schema->file_name];
      entry.first = derived ? src->report_header : src->header.header_line();
      entry.second.Append(std::move(src->rejects));
    }
  }
  for (auto& [file, entry] : rejects) entry.second.SortByLine();
  report->warnings.insert(report->warnings.end(), ctx.warnings.begin(), ctx.warnings.end());

  const bool changed = !plan.changed_tables.empty() || !plan.add_blocks.empty() ||
                       !plan.add_days.empty() || year_is_new;
  std::optional<CommitChanges> changes;
  if (changed) {
    plan.history_note = note.dump();
    const uint64_t before = store->generation();
    LANTERN_RETURN_IF_ERROR(store->Commit(plan));
    report->committed = true;
    changes = DescribeCommit(plan, before);
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
    (*committed)->mutable_impl().last_commit = std::move(changes);
  }
  return Status::Ok();
}

}  // namespace lantern
