// Generic operations over the tables of tables.h, driven by each table's
// Columns() list: save to and load from a segment, append, compare and
// overwrite rows.
#ifndef LANTERN_STORE_TABLE_OPS_H_
#define LANTERN_STORE_TABLE_OPS_H_

#include <string>
#include <tuple>
#include <type_traits>

#include "store/segment.h"
#include "store/tables.h"

namespace lantern {

template <typename Table, typename F>
void ForEachColumn(F&& f) {
  std::apply([&](auto... column) { (f(column), ...); }, Table::Columns());
}

template <typename Table>
void AppendRow(Table& to, const Table& from, size_t i) {
  ForEachColumn<Table>([&](auto c) { (to.*c.member).push_back((from.*c.member)[i]); });
}

// Writes only the values that differ: a column mapped from the store
// (column_memory.h) copies a page on its first write, so an update that
// changes a leaving date should not copy a page of every column.
template <typename Table>
void AssignRow(Table& to, size_t i, const Table& from, size_t j) {
  ForEachColumn<Table>([&](auto c) {
    using V = typename decltype(c)::value_type;
    if constexpr (std::is_same_v<V, StringColumn>) {
      if ((to.*c.member)[i] != (from.*c.member)[j]) (to.*c.member).Set(i, (from.*c.member)[j]);
    } else {
      auto& cell = (to.*c.member)[i];
      if (!(cell == (from.*c.member)[j])) cell = (from.*c.member)[j];
    }
  });
}

template <typename Table>
bool RowsEqual(const Table& a, size_t i, const Table& b, size_t j) {
  bool eq = true;
  ForEachColumn<Table>([&](auto c) { eq = eq && (a.*c.member)[i] == (b.*c.member)[j]; });
  return eq;
}

template <typename Table>
void ReserveRows(Table& t, size_t n) {
  ForEachColumn<Table>([&](auto c) { (t.*c.member).reserve(n); });
}

template <typename Table>
void AddColumns(const Table& t, SegmentWriter& w) {
  ForEachColumn<Table>([&](auto c) {
    using V = typename decltype(c)::value_type;
    if constexpr (std::is_same_v<V, std::string> || std::is_same_v<V, StringColumn>) {
      w.AddStringColumn(c.name, t.*c.member);
    } else {
      w.AddColumn(c.name, t.*c.member);
    }
  });
}

template <typename Table>
Status SaveTable(const Table& t, const std::string& path) {
  SegmentWriter w;
  AddColumns(t, w);
  return w.Write(path);
}

// A delta segment: only the given rows, with their positions in column
// "_row". Applied on load after the base, it updates those rows or, for
// positions past the end, appends them in order. The subset's text rows are
// views of the table's own (which outlives the subset), not copies: a day's
// flags run saves some 80,000 rows of the flag history and 35,000
// referrals.
template <typename Table>
Status SaveTableDelta(const Table& t, const std::vector<uint32_t>& rows, const std::string& path) {
  Table subset;
  ReserveRows(subset, rows.size());
  for (uint32_t r : rows) {
    ForEachColumn<Table>([&](auto c) {
      using V = typename decltype(c)::value_type;
      if constexpr (std::is_same_v<V, StringColumn>) {
        (subset.*c.member).push_back_view((t.*c.member)[r], nullptr);
      } else {
        (subset.*c.member).push_back((t.*c.member)[r]);
      }
    });
  }
  SegmentWriter w;
  AddColumns(subset, w);
  w.AddColumn("_row", rows);
  return w.Write(path);
}

// Loads a table; a column missing from an older file is filled with
// default values so the table stays rectangular. The columns get room for
// `spare` more rows (the rows deltas will append) and 1/16 more (the rows an
// ingest appends, or a day's flags run: about 3% more referrals and flag
// history rows nationally), so that appending does not copy the whole
// column. The room is address space until rows are written into it.
template <typename Table>
Result<Table> LoadTable(const std::string& path, size_t spare = 0) {
  LANTERN_ASSIGN_OR_RETURN(auto reader, SegmentReader::Open(path));
  Table t;
  Status status;
  size_t rows = 0;
  ForEachColumn<Table>([&](auto c) {
    using V = typename decltype(c)::value_type;
    if (!status.ok()) return;
    if constexpr (std::is_same_v<V, StringColumn>) {
      auto r = reader->ReadStringColumn(c.name);
      if (!r.ok())
        status = r.status();
      else
        t.*c.member = std::move(r).value();
    } else if constexpr (std::is_same_v<V, std::string>) {
      auto r = reader->ReadStrings(c.name, spare + reader->Rows(c.name) / 16);
      if (!r.ok())
        status = r.status();
      else
        t.*c.member = std::move(r).value();
    } else {
      auto r = reader->template ReadColumn<V>(c.name, spare + reader->Rows(c.name) / 16);
      if (!r.ok())
        status = r.status();
      else
        t.*c.member = std::move(r).value();
    }
    rows = std::max(rows, (t.*c.member).size());
  });
  LANTERN_RETURN_IF_ERROR(status);
  ForEachColumn<Table>([&](auto c) { (t.*c.member).resize(rows); });
  return t;
}

template <typename Table>
Status ApplyTableDelta(Table& t, const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(Table delta, LoadTable<Table>(path));
  LANTERN_ASSIGN_OR_RETURN(auto reader, SegmentReader::Open(path));
  LANTERN_ASSIGN_OR_RETURN(std::vector<uint32_t> rows, reader->template Read<uint32_t>("_row"));
  if (rows.size() != delta.size())
    return Status::Corruption(path + ": delta without row positions");
  // Room for the appended rows first: the loaded columns are exactly full, so
  // the first append would otherwise copy every column of the table.
  size_t appended = 0;
  for (uint32_t r : rows) appended += r >= t.size();
  if (appended > 0) ReserveRows(t, t.size() + appended);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < t.size()) {
      AssignRow(t, rows[i], delta, i);
    } else if (rows[i] == t.size()) {
      AppendRow(t, delta, i);
    } else {
      return Status::Corruption(path + ": delta row past the end of the table");
    }
  }
  return Status::Ok();
}

}  // namespace lantern

#endif  // LANTERN_STORE_TABLE_OPS_H_
