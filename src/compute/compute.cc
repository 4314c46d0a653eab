#include "compute/compute.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "common/parallel.h"

namespace lantern {

CubeMeasures::CubeMeasures(const Cube& cube,
                           std::vector<std::pair<GrainId, std::vector<int>>> grains)
    : grains_(std::move(grains)) {
  for (size_t g = 0; g < grains_.size(); ++g) offset_.push_back(cube.MeasureIndex(g, 0));
}

int CubeMeasures::Index(const MeasureRef& ref) const {
  if (!ref.ok()) return -1;
  for (size_t g = 0; g < grains_.size(); ++g) {
    if (grains_[g].first != ref.grain) continue;
    const auto& m = grains_[g].second;
    auto it = std::find(m.begin(), m.end(), ref.index);
    if (it != m.end()) return static_cast<int>(offset_[g] + static_cast<size_t>(it - m.begin()));
  }
  return -1;
}

namespace {
double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void AddOnce(std::vector<MeasureRef>* v, MeasureRef m) {
  m.category = -1;
  if (!m.ok() || !m.decl().disclosure_controlled()) return;
  if (std::find(v->begin(), v->end(), m) == v->end()) v->push_back(m);
}
}  // namespace

std::vector<MeasureRef> ControlledMeasures(const Catalogue& catalogue,
                                           std::span<const size_t> indicators, bool intervals) {
  std::vector<MeasureRef> out;
  for (size_t i : indicators) {
    const Indicator& ind = catalogue.indicators()[i];
    AddOnce(&out, ind.hidden_with);
    AddOnce(&out, ind.denominator);
    const Family& fam = catalogue.families()[ind.family];
    AddOnce(&out, fam.row_count);
    if (!intervals) continue;
    AddOnce(&out, ind.units);
    for (const MeasureRef& b : ind.breakdowns) AddOnce(&out, b);
  }
  // Each count's starting count too (already there for a family's rows),
  // and every count of a split any of them is in (facts.h CountSplit), so
  // that a split is controlled whole.
  for (size_t k = 0; k < out.size(); ++k) {
    AddOnce(&out, catalogue.WithinOf(out[k]));
    const GrainId grain = out[k].grain;
    const std::string_view id = out[k].decl().id;
    for (const CountSplit& split : GrainSplits(grain)) {
      if (split.whole != id &&
          std::find(split.parts.begin(), split.parts.end(), id) == split.parts.end()) {
        continue;
      }
      AddOnce(&out, {grain, GrainMeasureIndex(grain, split.whole)});
      for (std::string_view part : split.parts) {
        AddOnce(&out, {grain, GrainMeasureIndex(grain, part)});  // a rest or "": none
        for (const CountSplit& earlier : GrainSplits(grain)) {   // a rest: its split too
          if (!part.empty() && earlier.rest == part) {
            AddOnce(&out, {grain, GrainMeasureIndex(grain, earlier.whole)});
          }
        }
      }
    }
  }
  return out;
}

namespace {
// The splits among the controlled counts, in the cube's measures (a split
// is controlled whole or not at all: ControlledMeasures).
Result<std::vector<SplitCount>> ControlledSplits(const Computation& c,
                                                 std::span<const MeasureRef> controlled) {
  std::vector<SplitCount> out;
  std::vector<std::pair<GrainId, std::string_view>> rests;  // of out's splits, in order
  for (GrainId grain : kAllGrains) {
    for (const CountSplit& split : GrainSplits(grain)) {
      const int whole = c.Index({grain, GrainMeasureIndex(grain, split.whole)});
      auto is_controlled = [&](int index) {
        return std::any_of(controlled.begin(), controlled.end(),
                           [&](const MeasureRef& m) { return c.Index(m) == index; });
      };
      if (whole < 0 || !is_controlled(whole)) continue;
      SplitCount s;
      s.whole = static_cast<size_t>(whole);
      for (std::string_view part : split.parts) {
        if (part.empty()) break;
        const int index = c.Index({grain, GrainMeasureIndex(grain, part)});
        if (index >= 0) {
          s.parts.push_back(index);
          continue;
        }
        const auto rest = std::find(rests.begin(), rests.end(), std::pair{grain, part});
        if (rest == rests.end()) {
          return Status::Internal(
              fmt::format("compute: {} splits {}, which is not computed", split.whole, part));
        }
        s.parts.push_back(-1 - (rest - rests.begin()));  // an earlier split's rest
      }
      s.rest = !split.rest.empty();
      rests.emplace_back(grain, split.rest);
      out.push_back(std::move(s));
    }
  }
  return out;
}
}  // namespace

Result<Computation> Compute(const ComputeRequest& r) {
  if (r.state == nullptr || r.policy == nullptr || r.catalogue == nullptr) {
    return Status::InvalidArgument("compute: no store, policy or catalogue");
  }
  if (!r.state->year) {
    return Status::FailedPrecondition("the store has no attendance marks yet, so no academic year");
  }
  LANTERN_RETURN_IF_ERROR(r.policy->Validate());
  const auto started = std::chrono::steady_clock::now();
  Computation c;
  c.year = *r.state->year;
  const int threads = ResolveThreads(r.threads);
  const std::vector<MeasureRef> controlled =
      ControlledMeasures(*r.catalogue, r.indicators, r.intervals);
  std::vector<MeasureRef> extra = r.extra;
  extra.insert(extra.end(), controlled.begin(), controlled.end());
  c.measures = r.catalogue->MeasuresOf(r.indicators, extra, r.intervals);

  FactContext context;
  context.state = r.state;
  context.store = r.store;
  context.year = c.year;
  context.first_day = r.first_day.value_or(c.year.FirstDay());
  context.last_day = r.last_day.value_or(c.year.LastDay());
  context.policy = r.policy;
  context.full_scan = r.full_scan;
  context.threads = threads;
  c.first_day = context.first_day;
  c.last_day = context.last_day;
  // The grains are made side by side, one a worker, the exit grain first
  // (the longest: the year's exits are classified before it, and kept;
  // a grain has one request, Catalogue::MeasuresOf).
  // Each only reads the store.
  std::vector<size_t> order(c.measures.size());
  for (size_t g = 0; g < order.size(); ++g) order[g] = g;
  std::stable_partition(order.begin(), order.end(),
                        [&](size_t g) { return c.measures[g].first == GrainId::kExit; });
  c.grains.resize(c.measures.size());
  ParallelFor(order.size(), threads, 1, [&](size_t begin, size_t end, int) {
    for (size_t k = begin; k < end; ++k) {
      const size_t g = order[k];
      FactContext own = context;
      if (c.measures[g].first == GrainId::kExit) {
        c.exits = std::make_shared<const ExitSet>(
            ClassifyExits(*r.state, *r.policy, context.first_day, context.last_day));
        own.exits = c.exits.get();
      }
      c.grains[g] = MakeFactGrain(c.measures[g].first, own);
    }
  });
  CubeRequest cube_request;
  cube_request.state = r.state;
  cube_request.policy = r.policy;
  cube_request.places = r.places;
  cube_request.threads = threads;
  for (size_t g = 0; g < c.grains.size(); ++g) {
    cube_request.grains.push_back({c.grains[g].get(), c.measures[g].second});
  }
  LANTERN_ASSIGN_OR_RETURN(c.cube, Cube::Build(cube_request));
  for (const auto& g : c.grains)
    c.used_saved_counts = c.used_saved_counts || g->used_saved_counts();
  c.where = std::make_unique<CubeMeasures>(c.cube, c.measures);
  c.seconds_aggregate = Since(started);

  const auto suppress_started = std::chrono::steady_clock::now();
  std::vector<ControlledCount> counts;
  for (const MeasureRef& m : controlled) {
    const int index = c.Index(m);
    if (index < 0) return Status::Internal("compute: a controlled count is not in the cube");
    const int within = c.Index(r.catalogue->WithinOf(m));
    counts.push_back({static_cast<size_t>(index), within});
  }
  LANTERN_ASSIGN_OR_RETURN(std::vector<SplitCount> splits, ControlledSplits(c, controlled));
  c.flags = DisclosureFlags::Run(c.cube, counts, splits, *r.policy, threads);
  c.seconds_suppress = Since(suppress_started);
  return c;
}

}  // namespace lantern
