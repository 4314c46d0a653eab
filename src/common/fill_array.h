// A fixed-size array whose elements start unset, for big arrays that several
// threads fill in parallel: std::vector would have one thread write every
// element (and so fault in every fresh page) before the work starts.
#ifndef LANTERN_COMMON_FILL_ARRAY_H_
#define LANTERN_COMMON_FILL_ARRAY_H_

#include <algorithm>
#include <cstddef>
#include <memory>
#include <type_traits>

namespace lantern {

template <typename T>
class FillArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  FillArray() = default;
  explicit FillArray(size_t n) : p_(new T[n]), n_(n) {}  // default-initialised: unset
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }
  T* data() { return p_.get(); }
  const T* data() const { return p_.get(); }
  size_t size() const { return n_; }
  // Sets elements [begin, end) to zero; threads may zero disjoint ranges at once.
  void Zero(size_t begin, size_t end) { std::fill(p_.get() + begin, p_.get() + end, T{}); }

 private:
  std::unique_ptr<T[]> p_;
  size_t n_ = 0;
};

}  // namespace lantern

#endif  // LANTERN_COMMON_FILL_ARRAY_H_
