// A text column of the big history tables (the flag history and the
// referrals: over a million rows each nationally). The rows loaded from a
// segment are read in place from the segment's mapped file, as views, not
// copied into a string each: loading those tables costs a check of the
// offsets, not a million allocations. Rows appended since, and loaded rows
// changed since, live in memory.
//
// A row is read as a std::string_view, valid until the column is destroyed:
// new text (an appended row, a row set) goes into chunks that never move, so
// appending or setting rows leaves every earlier view good (a row set again
// leaves its old text in place until the column goes: a referral gains a
// few notes, not thousands). Not safe to change from two threads at once.
#ifndef LANTERN_STORE_STRING_COLUMN_H_
#define LANTERN_STORE_STRING_COLUMN_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/file_util.h"

namespace lantern {

class StringColumn {
 public:
  StringColumn() = default;
  // Rows [0, rows) from a segment's string column: `ends` holds each row's
  // end offset (uint64, possibly unaligned) into `bytes`; both lie in `file`,
  // which the column keeps open. The offsets must have been checked.
  // From a dictionary column, row i is value Code(codes, code_width, i) of
  // `ends` and `bytes`; the codes must have been checked too.
  StringColumn(std::shared_ptr<const MappedFile> file, const char* ends, const char* bytes,
               uint64_t rows, const char* codes = nullptr, uint8_t code_width = 0)
      : file_(std::move(file)),
        ends_(ends),
        bytes_(bytes),
        codes_(codes),
        code_width_(code_width),
        loaded_(rows) {}
  // A copy shares the text written so far and writes its own from then on.
  StringColumn(const StringColumn& o)
      : file_(o.file_),
        ends_(o.ends_),
        bytes_(o.bytes_),
        codes_(o.codes_),
        code_width_(o.code_width_),
        loaded_(o.loaded_),
        added_(o.added_),
        changed_(o.changed_),
        chunks_(o.chunks_),
        owners_(o.owners_) {}
  StringColumn& operator=(const StringColumn& o) {
    if (this != &o) *this = StringColumn(o);
    return *this;
  }
  StringColumn(StringColumn&&) noexcept = default;
  StringColumn& operator=(StringColumn&&) noexcept = default;

  size_t size() const { return loaded_ + added_.size(); }
  bool empty() const { return size() == 0; }

  // The text of row i (i < size()). Returned const, so that `col[i] = x`
  // does not compile (Set changes a row).
  const std::string_view operator[](size_t i) const {
    if (i >= loaded_) return added_[i - loaded_];
    if (!changed_.empty()) {
      if (auto it = changed_.find(i); it != changed_.end()) return it->second;
    }
    const uint64_t k = codes_ == nullptr ? i : Code(codes_, code_width_, i);
    const uint64_t begin = k == 0 ? 0 : End(k - 1);
    return {bytes_ + begin, static_cast<size_t>(End(k) - begin)};
  }
  const std::string_view back() const { return (*this)[size() - 1]; }

  // Code i of a dictionary column's codes, each `width` bytes (1, 2 or 4),
  // little-endian, unaligned.
  static uint64_t Code(const char* codes, uint8_t width, uint64_t i) {
    if (width == 1) return static_cast<uint8_t>(codes[i]);
    if (width == 2) {
      uint16_t v;
      std::memcpy(&v, codes + i * 2, sizeof v);
      return v;
    }
    uint32_t v;
    std::memcpy(&v, codes + i * 4, sizeof v);
    return v;
  }

  void push_back(std::string_view s) { added_.push_back(Keep(s)); }
  void Set(size_t i, std::string_view s) {
    if (i >= loaded_) {
      added_[i - loaded_] = Keep(s);
    } else {
      changed_[i] = Keep(s);
    }
  }
  // Sets row i to a view of text the column does not copy: `owner` holds
  // those bytes and the column keeps it (many rows may share one owner).
  void SetView(size_t i, std::string_view s, std::shared_ptr<const void> owner) {
    KeepOwner(std::move(owner));
    if (i >= loaded_) {
      added_[i - loaded_] = s;
    } else {
      changed_[i] = s;
    }
  }
  // Appends a row that is a view of text the column does not copy, kept
  // alive by `owner` (as SetView).
  void push_back_view(std::string_view s, std::shared_ptr<const void> owner) {
    KeepOwner(std::move(owner));
    added_.push_back(s);
  }
  // Grows with empty rows, or drops the last rows.
  void resize(size_t n) {
    if (n >= loaded_) {
      added_.resize(n - loaded_);
      return;
    }
    added_.clear();
    loaded_ = n;
    std::erase_if(changed_, [n](const auto& kv) { return kv.first >= n; });
  }
  // Room for n rows in all (the row list; the text goes into chunks).
  void reserve(size_t n) {
    if (n > loaded_) added_.reserve(n - loaded_);
  }
  void clear() { *this = StringColumn(); }

  friend bool operator==(const StringColumn& a, const StringColumn& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;
    const_iterator() = default;
    const_iterator(const StringColumn* c, size_t i) : c_(c), i_(i) {}
    std::string_view operator*() const { return (*c_)[i_]; }
    std::string_view operator[](difference_type k) const {
      return (*c_)[static_cast<size_t>(static_cast<difference_type>(i_) + k)];
    }
    const_iterator& operator++() { return ++i_, *this; }
    const_iterator operator++(int) { return {c_, i_++}; }
    const_iterator& operator--() { return --i_, *this; }
    const_iterator operator--(int) { return {c_, i_--}; }
    const_iterator& operator+=(difference_type k) {
      i_ = static_cast<size_t>(static_cast<difference_type>(i_) + k);
      return *this;
    }
    const_iterator& operator-=(difference_type k) { return *this += -k; }
    friend const_iterator operator+(const_iterator a, difference_type k) { return a += k; }
    friend const_iterator operator+(difference_type k, const_iterator a) { return a += k; }
    friend const_iterator operator-(const_iterator a, difference_type k) { return a -= k; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) {
      return a.i_ <=> b.i_;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.i_ == b.i_;
    }

   private:
    const StringColumn* c_ = nullptr;
    size_t i_ = 0;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

 private:
  static constexpr size_t kChunkBytes = size_t{1} << 20;

  uint64_t End(size_t i) const {
    uint64_t e;
    std::memcpy(&e, ends_ + i * sizeof(uint64_t), sizeof e);
    return e;
  }
  // Keeps the owner of text a view points into (once for a run of views
  // of one owner).
  void KeepOwner(std::shared_ptr<const void> owner) {
    if (owners_.empty() || owners_.back() != owner) owners_.push_back(std::move(owner));
  }
  // A copy of s in the chunks, which never move.
  std::string_view Keep(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > chunk_left_) {
      const size_t bytes = std::max(kChunkBytes, s.size());
      chunks_.push_back(std::make_unique_for_overwrite<char[]>(bytes));
      chunk_at_ = chunks_.back().get();
      chunk_left_ = bytes;
    }
    std::memcpy(chunk_at_, s.data(), s.size());
    const std::string_view kept(chunk_at_, s.size());
    chunk_at_ += s.size();
    chunk_left_ -= s.size();
    return kept;
  }

  std::shared_ptr<const MappedFile> file_;
  const char* ends_ = nullptr;
  const char* bytes_ = nullptr;
  const char* codes_ = nullptr;  // a dictionary column's; null: row i is value i
  uint8_t code_width_ = 0;
  uint64_t loaded_ = 0;
  std::vector<std::string_view> added_;                     // rows loaded_ .. size() - 1
  std::unordered_map<uint64_t, std::string_view> changed_;  // loaded rows set since
  // The text of added_ and changed_. A copy of the column shares it.
  std::vector<std::shared_ptr<char[]>> chunks_;
  char* chunk_at_ = nullptr;
  size_t chunk_left_ = 0;
  std::vector<std::shared_ptr<const void>> owners_;  // the text SetView points into
};

}  // namespace lantern

#endif  // LANTERN_STORE_STRING_COLUMN_H_
