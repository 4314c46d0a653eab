// A segment is one immutable columnar file of the store: a small header that
// names each column, then the columns themselves, each 64-byte aligned so a
// reader can use them in place from a memory map. Fixed-width columns hold
// plain little-endian values; a string column holds uint64 end offsets then
// the bytes. Text with few distinct values (a trust, a trigger id, the people
// a referral goes to) is written as a dictionary instead: u64 count of
// distinct values, each row's code (1, 2 or 4 bytes: the header's width),
// zeros to a multiple of 8, then the distinct values as a string column's
// end offsets and bytes. The writer chooses it for a column of 64 rows or
// more with eight or more rows to each distinct value; readers give the
// same rows either way. Each column carries a CRC-32, checked by
// `lantern verify` (and on demand), not on every open, so opening a
// national store stays fast.
//
// Big fixed-width columns (1 MiB and more) start on a 4096-byte page, so
// that a loaded table maps them rather than copying them (column_memory.h).
//
// Layout: "LNTSEG01" | u32 header_bytes | u32 column_count | per column:
//   u16 name_len, name, u8 kind, u8 width, u64 rows, u64 offset, u64 bytes, u32 crc
// then the column data at the recorded offsets.
#ifndef LANTERN_STORE_SEGMENT_H_
#define LANTERN_STORE_SEGMENT_H_

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/file_util.h"
#include "lantern/status.h"
#include "store/column_memory.h"
#include "store/string_column.h"

namespace lantern {

enum class ColumnKind : uint8_t { kFixed = 1, kString = 2, kDictionary = 3 };

class SegmentWriter {
 public:
  template <typename T>
  void AddColumn(std::string name, std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    Pending p;
    p.name = std::move(name);
    p.kind = ColumnKind::kFixed;
    p.width = sizeof(T);
    p.rows = values.size();
    p.data = reinterpret_cast<const char*>(values.data());
    p.bytes = values.size_bytes();
    columns_.push_back(std::move(p));
  }
  template <typename T, typename Alloc>
  void AddColumn(std::string name, const std::vector<T, Alloc>& values) {
    AddColumn(std::move(name), std::span<const T>(values));
  }
  void AddStringColumn(std::string name, const std::vector<std::string>& values);
  void AddStringColumn(std::string name, const StringColumn& values);
  // The values are read when the file is written, not when added: a
  // temporary would be gone by then.
  template <typename T, typename Alloc>
  void AddColumn(std::string name, std::vector<T, Alloc>&& values) = delete;
  void AddStringColumn(std::string name, std::vector<std::string>&& values) = delete;
  void AddStringColumn(std::string name, StringColumn&& values) = delete;

  // Writes the file and fsyncs it. The spans and strings passed to
  // AddColumn and AddStringColumn must stay alive until then (a string
  // column is encoded as it is written, not copied first).
  Status Write(const std::string& path) const;

 private:
  struct Dictionary;  // segment.cc
  struct Pending {
    std::string name;
    ColumnKind kind = ColumnKind::kFixed;
    uint8_t width = 0;
    uint64_t rows = 0;
    const char* data = nullptr;                         // a fixed-width column
    const std::vector<std::string>* strings = nullptr;  // a string column
    const StringColumn* column = nullptr;               // or one read in place
    uint64_t bytes = 0;
    // A text column written as a dictionary (null: as plain text).
    std::shared_ptr<const Dictionary> dictionary;
  };
  // Adds a string column whose rows `p` points to.
  void AddText(std::string name, uint64_t rows, Pending p);
  // Calls f(row's text) for each row of a string column, in order.
  template <typename F>
  static void ForEachString(const Pending& column, F&& f);
  // A string column's layout: each row's end offset (uint64), then the
  // bytes of every row. Calls out(piece) with it in order.
  template <typename Out>
  static void EncodeStrings(const Pending& column, Out&& out);
  // A dictionary column's layout (the header comment), likewise.
  template <typename Out>
  static void EncodeDictionary(const Pending& column, Out&& out);
  // Either, as the column is to be written.
  template <typename Out>
  static void EncodeText(const Pending& column, Out&& out);
  // The column as a dictionary, or null when it should stay plain text.
  static std::shared_ptr<const Dictionary> PlanDictionary(const Pending& column);
  std::vector<Pending> columns_;
};

class SegmentReader {
 public:
  static Result<std::unique_ptr<SegmentReader>> Open(const std::string& path);

  bool Has(std::string_view name) const { return columns_.count(std::string(name)) > 0; }
  uint64_t Rows(std::string_view name) const;

  // A fixed-width column copied into a vector (empty when absent, so a newer
  // column read from an older file gives defaults the caller can fill), with
  // capacity for `spare` more rows.
  template <typename T>
  Result<std::vector<T>> Read(std::string_view name, size_t spare = 0) const {
    auto it = columns_.find(std::string(name));
    if (it == columns_.end()) return std::vector<T>();
    const Col& c = it->second;
    if (c.kind != ColumnKind::kFixed || c.width != sizeof(T)) {
      return Status::Corruption(path_ + ": column " + std::string(name) + " has another type");
    }
    std::vector<T> v;
    v.reserve(c.rows + spare);
    const char* src = file_->data().data() + c.offset;
    if (reinterpret_cast<uintptr_t>(src) % alignof(T) == 0) {
      // Columns are aligned in the file: copied in one pass, not zeroed first.
      const T* p = reinterpret_cast<const T*>(src);
      v.insert(v.end(), p, p + c.rows);
    } else {
      v.resize(c.rows);
      if (c.rows) std::memcpy(v.data(), src, c.bytes);
    }
    return v;
  }
  // A table column: as Read, but a big column stored page-aligned is mapped
  // from the file copy-on-write rather than copied (column_memory.h).
  template <typename T>
  Result<ColumnVector<T>> ReadColumn(std::string_view name, size_t spare = 0) const {
    ColumnVector<T> v;
    auto it = columns_.find(std::string(name));
    if (it == columns_.end()) return v;
    const Col& c = it->second;
    if (c.kind != ColumnKind::kFixed || c.width != sizeof(T)) {
      return Status::Corruption(path_ + ": column " + std::string(name) + " has another type");
    }
    const char* src = file_->data().data() + c.offset;
    if (c.bytes >= kMapColumnMinBytes && c.offset % kColumnPageBytes == 0) {
      MappedColumnScope scope(path_, c.offset, c.bytes);
      v.reserve(c.rows + spare);
      v.resize(c.rows);  // the rows are the file's pages, not written
      if (!scope.mapped()) std::memcpy(v.data(), src, c.bytes);
      return v;
    }
    v.reserve(c.rows + spare);
    v.resize(c.rows);
    if (c.rows) std::memcpy(v.data(), src, c.bytes);
    return v;
  }
  Result<std::vector<std::string>> ReadStrings(std::string_view name, size_t spare = 0) const;
  // A string column read in place (string_column.h); its offsets are
  // checked here. Empty when absent.
  Result<StringColumn> ReadStringColumn(std::string_view name) const;

  // Recomputes every column's CRC-32.
  Status Verify() const;
  const std::string& path() const { return path_; }
  // How a column is stored (kFixed when absent).
  ColumnKind Kind(std::string_view name) const;

 private:
  struct Col {
    ColumnKind kind;
    uint8_t width;
    uint64_t rows, offset, bytes;
    uint32_t crc;
  };
  // A text column's rows as views: each row's index into the distinct
  // values (codes; null for plain text, where value i is row i), the values'
  // end offsets and bytes. Every offset and code checked.
  struct Text {
    const char* codes = nullptr;
    uint8_t code_width = 0;
    const char* ends = nullptr;
    const char* bytes = nullptr;
    uint64_t values = 0;
  };
  Result<Text> ReadText(std::string_view name, const Col& c) const;
  std::string path_;
  std::shared_ptr<const MappedFile> file_;
  std::map<std::string, Col> columns_;
};

uint32_t Crc32(const void* data, size_t bytes);
// The CRC-32 of bytes before (`crc`) and these after them.
uint32_t Crc32Extend(uint32_t crc, const void* data, size_t bytes);
// The CRC of a then b, from CRC(a) and CRC(b) (b `b_bytes` long).
uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, size_t b_bytes);

}  // namespace lantern

#endif  // LANTERN_STORE_SEGMENT_H_
