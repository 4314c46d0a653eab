// A text column of the big history tables (the flag history and the
// referrals: over a million rows each nationally). The rows loaded from a
// segment are read in place from the segment's mapped file, as views, not
// copied into a string each: loading those tables costs a check of the
// offsets, not a million allocations. Rows appended since, and loaded rows
// changed since, live in memory.
//
// A row is read as a std::string_view, valid until that row is changed or the
// column is destroyed; appending never moves another row's text.
#ifndef LANTERN_STORE_STRING_COLUMN_H_
#define LANTERN_STORE_STRING_COLUMN_H_

#include <cstdint>
#include <cstring>
#include <deque>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/file_util.h"

namespace lantern {

class StringColumn {
 public:
  StringColumn() = default;
  // Rows [0, rows) from a segment's string column: `ends` holds each row's
  // end offset (uint64, possibly unaligned) into `bytes`; both lie in `file`,
  // which the column keeps open. The offsets must have been checked.
  StringColumn(std::shared_ptr<const MappedFile> file, const char* ends, const char* bytes,
               uint64_t rows)
      : file_(std::move(file)), ends_(ends), bytes_(bytes), loaded_(rows) {}

  size_t size() const { return loaded_ + added_.size(); }
  bool empty() const { return size() == 0; }

  // The text of row i (i < size()). Returned const, so that `col[i] = x`
  // does not compile (Set changes a row).
  const std::string_view operator[](size_t i) const {
    if (i >= loaded_) return added_[i - loaded_];
    if (!changed_.empty()) {
      if (auto it = changed_.find(i); it != changed_.end()) return it->second;
    }
    const uint64_t begin = i == 0 ? 0 : End(i - 1);
    return {bytes_ + begin, static_cast<size_t>(End(i) - begin)};
  }
  const std::string_view back() const { return (*this)[size() - 1]; }

  void push_back(std::string_view s) { added_.emplace_back(s); }
  void Set(size_t i, std::string_view s) {
    if (i >= loaded_) {
      added_[i - loaded_].assign(s);
    } else {
      changed_[i].assign(s);
    }
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
  void reserve(size_t) {}  // rows are appended without moving any other
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
  uint64_t End(size_t i) const {
    uint64_t e;
    std::memcpy(&e, ends_ + i * sizeof(uint64_t), sizeof e);
    return e;
  }

  std::shared_ptr<const MappedFile> file_;
  const char* ends_ = nullptr;
  const char* bytes_ = nullptr;
  uint64_t loaded_ = 0;
  std::deque<std::string> added_;                      // rows loaded_ .. size() - 1
  std::unordered_map<uint64_t, std::string> changed_;  // loaded rows set since
};

}  // namespace lantern

#endif  // LANTERN_STORE_STRING_COLUMN_H_
