#include "store/marks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace lantern {

namespace {
constexpr char kBlockMagic[8] = {'L', 'N', 'T', 'M', 'R', 'K', 'B', '1'};
constexpr char kDayMagic[8] = {'L', 'N', 'T', 'M', 'R', 'K', 'D', '1'};
constexpr uint64_t kPage = 4096;

uint64_t PageAlign(uint64_t v) { return (v + kPage - 1) / kPage * kPage; }
}  // namespace

Status MarksBlock::Write(const std::string& path, std::span<const int32_t> dates, uint64_t slots,
                         const uint8_t* data, size_t row_stride) {
  std::string head(kBlockMagic, sizeof kBlockMagic);
  uint32_t n = static_cast<uint32_t>(dates.size());
  head.append(reinterpret_cast<const char*>(&n), 4);
  head.append(reinterpret_cast<const char*>(&slots), 8);
  head.append(reinterpret_cast<const char*>(dates.data()), dates.size() * 4);
  head.resize(PageAlign(head.size()), '\0');
  LANTERN_ASSIGN_OR_RETURN(auto w, BufferedWriter::Create(path, 1 << 24));
  w->Write(head);
  const size_t row_bytes = dates.size() * 2;
  if (row_stride == 0 || row_stride == row_bytes) {
    w->Write(std::string_view(reinterpret_cast<const char*>(data), slots * row_bytes));
  } else {
    for (uint64_t s = 0; s < slots; ++s) {
      w->Write(std::string_view(reinterpret_cast<const char*>(data + s * row_stride), row_bytes));
    }
  }
  return w->Close(/*sync=*/true);
}

Result<std::unique_ptr<MarksBlock>> MarksBlock::Open(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path, /*keep_open=*/true));
  std::string_view d = file->data();
  if (d.size() < 20 || std::memcmp(d.data(), kBlockMagic, 8) != 0) {
    return Status::Corruption(fmt::format("{}: not a marks block", path));
  }
  uint32_t n;
  uint64_t slots;
  std::memcpy(&n, d.data() + 8, 4);
  std::memcpy(&slots, d.data() + 12, 8);
  const uint64_t head = PageAlign(20 + uint64_t{n} * 4);
  // Checked without arithmetic that could wrap on a damaged header.
  if (head > d.size() || (n > 0 && slots > (d.size() - head) / (uint64_t{n} * 2)) ||
      head + slots * n * 2 != d.size()) {
    return Status::Corruption(fmt::format("{}: marks block has the wrong size", path));
  }
  std::unique_ptr<MarksBlock> b(new MarksBlock());
  b->dates_.resize(n);
  if (n > 0) std::memcpy(b->dates_.data(), d.data() + 20, uint64_t{n} * 4);
  b->slots_ = slots;
  b->data_ = reinterpret_cast<const uint8_t*>(d.data() + head);
  b->file_ = std::move(file);
  return b;
}

int MarksBlock::ColumnOf(int32_t date) const {
  auto it = std::lower_bound(dates_.begin(), dates_.end(), date);
  if (it == dates_.end() || *it != date) return -1;
  return static_cast<int>(it - dates_.begin());
}

Status MarksDay::Write(const std::string& path, int32_t date, uint64_t slots, const uint8_t* data) {
  std::string head(kDayMagic, sizeof kDayMagic);
  head.append(reinterpret_cast<const char*>(&date), 4);
  head.append(reinterpret_cast<const char*>(&slots), 8);
  head.resize(PageAlign(head.size()), '\0');
  LANTERN_ASSIGN_OR_RETURN(auto w, BufferedWriter::Create(path, 1 << 22));
  w->Write(head);
  w->Write(std::string_view(reinterpret_cast<const char*>(data), slots * 2));
  return w->Close(/*sync=*/true);
}

Result<std::unique_ptr<MarksDay>> MarksDay::Open(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path, /*keep_open=*/true));
  std::string_view d = file->data();
  if (d.size() < kPage || std::memcmp(d.data(), kDayMagic, 8) != 0) {
    return Status::Corruption(fmt::format("{}: not a marks day file", path));
  }
  std::unique_ptr<MarksDay> m(new MarksDay());
  std::memcpy(&m->date_, d.data() + 8, 4);
  std::memcpy(&m->slots_, d.data() + 12, 8);
  if (m->slots_ > (d.size() - kPage) / 2 || kPage + m->slots_ * 2 != d.size()) {
    return Status::Corruption(fmt::format("{}: marks day file has the wrong size", path));
  }
  m->data_ = reinterpret_cast<const uint8_t*>(d.data() + kPage);
  m->file_ = std::move(file);
  return m;
}

std::vector<int32_t> MarksSet::Dates() const {
  std::vector<int32_t> out;
  for (const auto& b : blocks) out.insert(out.end(), b->dates().begin(), b->dates().end());
  for (const auto& [date, day] : days) out.push_back(date);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

DateMarks MarksSet::Locate(int32_t date) const {
  if (auto it = days.find(date); it != days.end()) {
    return {it->second->data(), 2, it->second->slots(), &it->second->file()};
  }
  for (const auto& b : blocks) {
    const int c = b->ColumnOf(date);
    if (c >= 0) {
      return {b->data() + static_cast<size_t>(c) * 2, b->row_bytes(), b->slots(), &b->file()};
    }
  }
  return {};
}

void ReadMarks(std::span<const DateMarks> on, uint64_t slot, uint8_t* out) {
  if (on.empty()) return;  // out may be null then
  std::memset(out, kNoMark, on.size() * 2);
  for (size_t i = 0; i < on.size();) {
    const uint8_t* p = on[i].at(slot);
    if (p == nullptr) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < on.size() && on[j].file == on[i].file && on[j].at(slot) == p + 2 * (j - i)) ++j;
    if (on[i].file != nullptr) {
      on[i].file->CopyOut(p, 2 * (j - i), out + 2 * i);
    } else {
      std::memcpy(out + 2 * i, p, 2 * (j - i));
    }
    i = j;
  }
}

std::vector<DateMarks> MarksSet::Locate(std::span<const int32_t> dates) const {
  std::vector<DateMarks> out;
  out.reserve(dates.size());
  for (int32_t d : dates) out.push_back(Locate(d));
  return out;
}

void MarksSet::Get(uint64_t slot, int32_t date, uint8_t* am, uint8_t* pm) const {
  const uint8_t* m = Locate(date).at(slot);
  *am = m != nullptr ? m[0] : kNoMark;
  *pm = m != nullptr ? m[1] : kNoMark;
}

uint64_t MarksSet::MarkBytes() const {
  uint64_t n = 0;
  for (const auto& b : blocks) n += b->data_bytes();
  for (const auto& [date, day] : days) n += day->slots() * 2;
  return n;
}

}  // namespace lantern
