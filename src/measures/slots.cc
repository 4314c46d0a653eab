#include "measures/slots.h"

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <tuple>

namespace lantern {

namespace {

// A stable insertion sort: a pupil has a handful of results, and this sorts
// them in place without allocating.
template <typename T, typename Less>
void InsertionSort(std::vector<T>& v, Less less) {
  for (size_t i = 1; i < v.size(); ++i) {
    T x = v[i];
    size_t j = i;
    while (j > 0 && less(x, v[j - 1])) {
      v[j] = v[j - 1];
      --j;
    }
    v[j] = x;
  }
}

}  // namespace

void DiscountInto(std::span<const KsResult> results, const QualCatalogue& catalogue,
                  bool first_entry_rule, SlotScratch* scratch, std::vector<KsResult>* kept) {
  const auto& quals = catalogue.qualifications();
  // Attempted results in discount-group order; within a group, the one that
  // counts first. A total order, so the choice does not depend on the
  // input's order.
  std::vector<const KsResult*>& order = scratch->order;
  order.clear();
  for (const KsResult& r : results) {
    if (r.attempted && r.qual >= 0) order.push_back(&r);
  }
  auto group = [&](const KsResult* r) {
    return quals[static_cast<size_t>(r->qual)].discount_group;
  };
  InsertionSort(order, [&](const KsResult* a, const KsResult* b) {
    if (group(a) != group(b)) return group(a) < group(b);
    return a->qual != b->qual ? a->qual < b->qual
                              : std::tie(a->series, a->points) < std::tie(b->series, b->points);
  });
  kept->clear();
  for (size_t i = 0, j = 0; i < order.size(); i = j) {
    bool ebacc = false;
    while (j < order.size() && group(order[j]) == group(order[i])) {
      ebacc = ebacc || quals[static_cast<size_t>(order[j]->qual)].ebacc_subject();
      ++j;
    }
    const bool first = first_entry_rule && ebacc;
    auto better = [&](const KsResult* a, const KsResult* b) {
      if (first) {
        return std::tie(a->series, b->points, a->qual) < std::tie(b->series, a->points, b->qual);
      }
      return std::make_tuple(-a->points, a->series, a->qual) <
             std::make_tuple(-b->points, b->series, b->qual);
    };
    const KsResult* best = order[i];
    for (size_t k = i + 1; k < j; ++k) {
      if (better(order[k], best)) best = order[k];
    }
    kept->push_back(*best);
  }
}

std::vector<KsResult> Discount(std::span<const KsResult> results, const QualCatalogue& catalogue,
                               bool first_entry_rule) {
  SlotScratch scratch;
  std::vector<KsResult> kept;
  DiscountInto(results, catalogue, first_entry_rule, &scratch, &kept);
  return kept;
}

namespace {

using Item = SlotItem;

// Maximum-weight assignment of items to element slots by successive
// shortest paths (Bellman-Ford; the graph is tiny).
void ExactFill(const SlotDeclaration& d, const std::vector<Item>& items,
               const std::vector<int>& capacity, const std::vector<size_t>& general,
               std::vector<int>* assigned) {
  const int n = static_cast<int>(items.size());
  const int m = static_cast<int>(d.elements.size());
  // Nodes: 0 source, 1..n items, n+1..n+m elements, n+m+1 sink.
  const int source = 0, sink = n + m + 1, nodes = n + m + 2;
  struct Edge {
    int to, rev, cap;
    double cost;
  };
  std::vector<std::vector<Edge>> g(static_cast<size_t>(nodes));
  auto add = [&](int a, int b, int cap, double cost) {
    g[static_cast<size_t>(a)].push_back(
        {b, static_cast<int>(g[static_cast<size_t>(b)].size()), cap, cost});
    g[static_cast<size_t>(b)].push_back(
        {a, static_cast<int>(g[static_cast<size_t>(a)].size()) - 1, 0, -cost});
  };
  for (int i = 0; i < n; ++i) {
    add(source, 1 + i, 1, 0);
    for (size_t e : general) {
      if (items[static_cast<size_t>(i)].elements & (1u << e)) {
        add(1 + i, 1 + n + static_cast<int>(e), 1,
            -items[static_cast<size_t>(i)].points * d.elements[e].weight);
      }
    }
  }
  for (size_t e : general) add(1 + n + static_cast<int>(e), sink, capacity[e], 0);
  const double inf = std::numeric_limits<double>::infinity();
  while (true) {
    std::vector<double> dist(static_cast<size_t>(nodes), inf);
    std::vector<std::pair<int, int>> prev(static_cast<size_t>(nodes), {-1, -1});
    dist[source] = 0;
    for (int round = 0; round < nodes; ++round) {
      bool changed = false;
      for (int u = 0; u < nodes; ++u) {
        if (dist[static_cast<size_t>(u)] == inf) continue;
        for (size_t k = 0; k < g[static_cast<size_t>(u)].size(); ++k) {
          const Edge& e = g[static_cast<size_t>(u)][k];
          if (e.cap > 0 &&
              dist[static_cast<size_t>(u)] + e.cost < dist[static_cast<size_t>(e.to)] - 1e-9) {
            dist[static_cast<size_t>(e.to)] = dist[static_cast<size_t>(u)] + e.cost;
            prev[static_cast<size_t>(e.to)] = {u, static_cast<int>(k)};
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    if (dist[sink] == inf || dist[sink] >= -1e-9) break;  // no path that adds points
    for (int v = sink; v != source;) {
      auto [u, k] = prev[static_cast<size_t>(v)];
      Edge& e = g[static_cast<size_t>(u)][static_cast<size_t>(k)];
      e.cap -= 1;
      g[static_cast<size_t>(v)][static_cast<size_t>(e.rev)].cap += 1;
      v = u;
    }
  }
  for (int i = 0; i < n; ++i) {
    for (const Edge& e : g[static_cast<size_t>(1 + i)]) {
      if (e.to > n && e.to <= n + m && e.cap == 0 && e.cost <= 0 &&
          (items[static_cast<size_t>(i)].elements & (1u << (e.to - 1 - n)))) {
        (*assigned)[static_cast<size_t>(i)] = e.to - 1 - n;
      }
    }
  }
}

}  // namespace

SlotOutcome FillSlots(const SlotDeclaration& d, std::span<const KsResult> results,
                      const QualCatalogue& catalogue) {
  SlotScratch scratch;
  SlotOutcome out;
  FillSlotsInto(d, results, catalogue, true, &scratch, &out);
  return out;
}

void FillSlotsInto(const SlotDeclaration& d, std::span<const KsResult> results,
                   const QualCatalogue& catalogue, bool with_fills, SlotScratch* scratch,
                   SlotOutcome* out) {
  const auto& quals = catalogue.qualifications();
  out->total = 0;
  out->exact_search = false;
  out->elements.assign(d.elements.size(), 0.0);
  out->fills.clear();
  // Items: each result that the declaration admits, twice for a double award.
  std::vector<Item>& items = scratch->items;
  items.clear();
  bool has_language = false, has_literature = false;
  for (size_t r = 0; r < results.size(); ++r) {
    const KsResult& x = results[r];
    if (!x.attempted || x.qual < 0) continue;
    const Qualification& q = quals[static_cast<size_t>(x.qual)];
    const bool admitted =
        d.requires_ == SlotRequirement::kA8 ? q.counts_in_a8 : q.counts_in_broader;
    if (!admitted) continue;
    uint32_t el = 0;
    for (size_t e = 0; e < d.elements.size(); ++e) {
      if (q.tokens & d.elements[e].eligible) el |= 1u << e;
    }
    if (el == 0) continue;
    has_language = has_language || (q.tokens & kTokEnglishLanguage);
    has_literature = has_literature || (q.tokens & kTokEnglishLiterature);
    for (int k = 0; k < q.slot_count; ++k) items.push_back({static_cast<int>(r), x.points, el});
  }
  // Best first; ties: the item eligible for fewer elements (it keeps the
  // other choices open), then the input order of the discounted results.
  InsertionSort(items, [](const Item& a, const Item& b) {
    if (a.points != b.points) return a.points > b.points;
    return __builtin_popcount(a.elements) < __builtin_popcount(b.elements);
  });
  std::vector<int>& assigned = scratch->assigned;
  assigned.assign(items.size(), -1);
  std::vector<int>& capacity = scratch->capacity;
  capacity.assign(d.elements.size(), 0);
  std::vector<size_t>& general = scratch->general;
  general.clear();
  for (size_t e = 0; e < d.elements.size(); ++e) {
    capacity[e] = d.elements[e].slots;
    const SlotElement& el = d.elements[e];
    if (el.a8_english) {
      // The higher of language and literature (definitions.md 3.2).
      for (size_t i = 0; i < items.size(); ++i) {
        if (assigned[i] < 0 && (items[i].elements & (1u << e))) {
          assigned[i] = static_cast<int>(e);
          capacity[e] = 0;
          break;
        }
      }
      continue;
    }
    general.push_back(e);
    for (size_t i = 0; i < items.size() && capacity[e] > 0; ++i) {
      if (assigned[i] < 0 && (items[i].elements & (1u << e))) {
        assigned[i] = static_cast<int>(e);
        --capacity[e];
      }
    }
  }
  // The greedy fill is the maximum when, among the items left to the
  // general elements, every pair of elements that share an item is nested
  // (each item the earlier takes, the later could take) with the earlier
  // weighing no less. Otherwise: the exact search.
  bool nested = true;
  for (size_t a = 0; a < general.size() && nested; ++a) {
    for (size_t b = a + 1; b < general.size() && nested; ++b) {
      const size_t i = general[a], j = general[b];
      bool shared = false, contained = true;
      for (size_t k = 0; k < items.size(); ++k) {
        if (assigned[k] >= 0 && d.elements[static_cast<size_t>(assigned[k])].a8_english) continue;
        const bool ei = items[k].elements & (1u << i), ej = items[k].elements & (1u << j);
        shared = shared || (ei && ej);
        contained = contained && (!ei || ej);
      }
      if (shared && (!contained || d.elements[i].weight < d.elements[j].weight)) nested = false;
    }
  }
  if (!nested) {
    out->exact_search = true;
    std::vector<Item> rest;
    std::vector<size_t> rest_index;
    std::vector<int> cap(d.elements.size());
    for (size_t e : general) cap[e] = d.elements[e].slots;
    for (size_t k = 0; k < items.size(); ++k) {
      if (assigned[k] >= 0 && d.elements[static_cast<size_t>(assigned[k])].a8_english) continue;
      assigned[k] = -1;
      rest.push_back(items[k]);
      rest_index.push_back(k);
    }
    std::vector<int> sub(rest.size(), -1);
    ExactFill(d, rest, cap, general, &sub);
    for (size_t k = 0; k < rest.size(); ++k) assigned[rest_index[k]] = sub[k];
  }
  for (size_t k = 0; k < items.size(); ++k) {
    if (assigned[k] < 0) continue;
    const size_t e = static_cast<size_t>(assigned[k]);
    int weight = d.elements[e].weight;
    if (d.elements[e].a8_english && !(has_language && has_literature)) weight = 1;
    if (with_fills) {
      out->fills.push_back({static_cast<int>(e), items[k].result, items[k].points, weight});
    }
    out->elements[e] += items[k].points * weight;
    out->total += items[k].points * weight;
  }
  std::sort(out->fills.begin(), out->fills.end(), [](const SlotFill& a, const SlotFill& b) {
    return std::tie(a.element, b.points, a.result) < std::tie(b.element, a.points, b.result);
  });
}

}  // namespace lantern
