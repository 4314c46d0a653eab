#include "store/segment.h"

#include <fmt/format.h>
#include <zlib.h>

#include <unordered_map>

namespace lantern {

namespace {
constexpr char kMagic[8] = {'L', 'N', 'T', 'S', 'E', 'G', '0', '1'};
constexpr uint64_t kAlign = 64;

uint64_t AlignUp(uint64_t v, uint64_t to = kAlign) { return (v + to - 1) / to * to; }

// A text column is written as a dictionary when it has this many rows or
// more and at least this many rows for each distinct value. The dictionary
// is then always under half the plain column: a code of at most 4 bytes a
// row against an 8-byte offset, and each value's text once, not 8 times.
constexpr uint64_t kDictionaryMinRows = 64;
constexpr uint64_t kRowsPerValue = 8;

// Text as a string column lays it out: each value's end offset (uint64),
// then the bytes of every value, passed to out(piece) in order.
// for_each(f) calls f(value) for each value in order (twice).
template <typename ForEach, typename Out>
void EncodeEndsThenBytes(ForEach&& for_each, Out&& out) {
  uint64_t ends[1024];
  size_t n = 0;
  uint64_t end = 0;
  for_each([&](std::string_view v) {
    ends[n++] = end += v.size();
    if (n == std::size(ends)) {
      out(std::string_view(reinterpret_cast<const char*>(ends), n * sizeof(uint64_t)));
      n = 0;
    }
  });
  if (n > 0) out(std::string_view(reinterpret_cast<const char*>(ends), n * sizeof(uint64_t)));
  for_each([&](std::string_view v) { out(v); });
}

// Where a column starts: big fixed-width columns on a page boundary, so a
// reader can map them (column_memory.h); the rest on 64 bytes.
uint64_t ColumnStart(uint64_t offset, ColumnKind kind, uint64_t bytes) {
  return kind == ColumnKind::kFixed && bytes >= kMapColumnMinBytes
             ? AlignUp(offset, kColumnPageBytes)
             : AlignUp(offset);
}

template <typename T>
void Put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
bool Get(std::string_view in, size_t* pos, T* v) {
  if (*pos + sizeof(T) > in.size()) return false;
  std::memcpy(v, in.data() + *pos, sizeof(T));
  *pos += sizeof(T);
  return true;
}
}  // namespace

uint32_t Crc32(const void* data, size_t bytes) {
  return Crc32Extend(static_cast<uint32_t>(crc32(0L, Z_NULL, 0)), data, bytes);
}

uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, size_t b_bytes) {
  return static_cast<uint32_t>(crc32_combine(crc_a, crc_b, static_cast<z_off_t>(b_bytes)));
}

uint32_t Crc32Extend(uint32_t crc_before, const void* data, size_t bytes) {
  uLong crc = crc_before;
  const auto* p = static_cast<const Bytef*>(data);
  while (bytes > 0) {
    uInt n = bytes > (1u << 30) ? (1u << 30) : static_cast<uInt>(bytes);
    crc = crc32(crc, p, n);
    p += n;
    bytes -= n;
  }
  return static_cast<uint32_t>(crc);
}

template <typename F>
void SegmentWriter::ForEachString(const Pending& column, F&& f) {
  if (column.strings != nullptr) {
    for (const std::string& v : *column.strings) f(std::string_view(v));
  } else {
    for (size_t i = 0; i < column.column->size(); ++i) f((*column.column)[i]);
  }
}

struct SegmentWriter::Dictionary {
  std::vector<uint32_t> codes;           // each row's value
  std::vector<std::string_view> values;  // the distinct values, as first met
  uint8_t width = 1;                     // bytes of a code in the file
  uint64_t Bytes() const {
    uint64_t b = 8 + AlignUp(codes.size() * width, 8) + values.size() * sizeof(uint64_t);
    for (std::string_view v : values) b += v.size();
    return b;
  }
};

std::shared_ptr<const SegmentWriter::Dictionary> SegmentWriter::PlanDictionary(
    const Pending& column) {
  if (column.rows < kDictionaryMinRows) return nullptr;
  const uint64_t most = column.rows / kRowsPerValue;
  auto d = std::make_shared<Dictionary>();
  d->codes.reserve(column.rows);
  std::unordered_map<std::string_view, uint32_t> by_text;
  // Rows that are views of one shared text (string_column.h) have one
  // address: a small cache by address finds their code without hashing the
  // text. (The text does not change while it is written, so an address and
  // a length are a value.)
  struct Seen {
    const char* data = nullptr;
    size_t size = 0;
    uint32_t code = 0;
  };
  std::vector<Seen> by_address(4096);
  int64_t empty = -1;  // the code of "" once met
  for (uint64_t i = 0; i < column.rows; ++i) {
    const std::string_view v =
        column.strings != nullptr ? std::string_view((*column.strings)[i]) : (*column.column)[i];
    Seen& seen = by_address[(reinterpret_cast<uintptr_t>(v.data()) * 0x9E3779B97F4A7C15ull) >> 52];
    uint32_t code = 0;
    if (v.empty() && empty >= 0) {
      code = static_cast<uint32_t>(empty);
    } else if (!v.empty() && seen.data == v.data() && seen.size == v.size()) {
      code = seen.code;
    } else {
      auto [it, added] = by_text.try_emplace(v, static_cast<uint32_t>(d->values.size()));
      if (added) d->values.push_back(v);
      code = it->second;
      if (v.empty()) {
        empty = code;
      } else {
        seen = {v.data(), v.size(), code};
      }
    }
    d->codes.push_back(code);
    // Too many values in all, or in the first 1024, 2048, 4096... rows more
    // than half of them distinct (a column of reasons, each its own): plain,
    // without reading on.
    const size_t n = d->codes.size();
    if (d->values.size() > most || (n >= 1024 && (n & (n - 1)) == 0 && d->values.size() * 2 > n)) {
      return nullptr;
    }
  }
  d->width = d->values.size() <= 0x100 ? 1 : (d->values.size() <= 0x10000 ? 2 : 4);
  return d;
}

template <typename Out>
void SegmentWriter::EncodeDictionary(const Pending& column, Out&& out) {
  const Dictionary& d = *column.dictionary;
  const uint64_t count = d.values.size();
  out(std::string_view(reinterpret_cast<const char*>(&count), sizeof count));
  char codes[8192];
  size_t n = 0;
  for (uint32_t code : d.codes) {
    std::memcpy(codes + n, &code, d.width);  // the low bytes: little-endian
    n += d.width;
    if (n + 8 > sizeof codes) {
      out(std::string_view(codes, n));
      n = 0;
    }
  }
  const size_t pad = AlignUp(d.codes.size() * d.width, 8) - d.codes.size() * d.width;
  std::memset(codes + n, 0, pad);
  out(std::string_view(codes, n + pad));
  EncodeEndsThenBytes(
      [&](auto&& f) {
        for (std::string_view v : d.values) f(v);
      },
      out);
}

template <typename Out>
void SegmentWriter::EncodeText(const Pending& column, Out&& out) {
  if (column.dictionary) {
    EncodeDictionary(column, out);
  } else {
    EncodeStrings(column, out);
  }
}

template <typename Out>
void SegmentWriter::EncodeStrings(const Pending& column, Out&& out) {
  EncodeEndsThenBytes([&](auto&& f) { ForEachString(column, f); }, out);
}

void SegmentWriter::AddStringColumn(std::string name, const std::vector<std::string>& values) {
  Pending p;
  p.strings = &values;
  AddText(std::move(name), values.size(), std::move(p));
}

void SegmentWriter::AddStringColumn(std::string name, const StringColumn& values) {
  Pending p;
  p.column = &values;
  AddText(std::move(name), values.size(), std::move(p));
}

void SegmentWriter::AddText(std::string name, uint64_t rows, Pending p) {
  p.name = std::move(name);
  p.kind = ColumnKind::kString;
  p.width = 0;
  p.rows = rows;
  p.bytes = rows * sizeof(uint64_t);
  ForEachString(p, [&](std::string_view v) { p.bytes += v.size(); });
  p.dictionary = PlanDictionary(p);
  if (p.dictionary) {
    p.kind = ColumnKind::kDictionary;
    p.width = p.dictionary->width;
    p.bytes = p.dictionary->Bytes();
  }
  columns_.push_back(std::move(p));
}

Status SegmentWriter::Write(const std::string& path) const {
  // Header size first, then offsets.
  uint64_t header = sizeof kMagic + 8;
  for (const auto& c : columns_) header += 2 + c.name.size() + 1 + 1 + 8 + 8 + 8 + 4;
  uint64_t offset = header;
  std::string head(kMagic, sizeof kMagic);
  Put<uint32_t>(head, static_cast<uint32_t>(header));
  Put<uint32_t>(head, static_cast<uint32_t>(columns_.size()));
  std::vector<uint64_t> offsets;
  for (const auto& c : columns_) {
    Put<uint16_t>(head, static_cast<uint16_t>(c.name.size()));
    head += c.name;
    offset = ColumnStart(offset, c.kind, c.bytes);
    Put<uint8_t>(head, static_cast<uint8_t>(c.kind));
    Put<uint8_t>(head, c.width);
    Put<uint64_t>(head, c.rows);
    Put<uint64_t>(head, offset);
    Put<uint64_t>(head, c.bytes);
    uint32_t crc = 0;
    if (c.kind != ColumnKind::kFixed) {
      // Short strings gathered into a buffer first: zlib's CRC is fast on
      // long runs, slow called once per string.
      uLong running = crc32(0L, Z_NULL, 0);
      std::string buffer;
      buffer.reserve(1 << 16);
      auto add = [&](std::string_view bytes) {
        running = crc32_z(running, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
      };
      EncodeText(c, [&](std::string_view piece) {
        if (buffer.size() + piece.size() > buffer.capacity()) {
          add(buffer);
          buffer.clear();
        }
        if (piece.size() > buffer.capacity()) {
          add(piece);
        } else {
          buffer.append(piece);
        }
      });
      add(buffer);
      crc = static_cast<uint32_t>(running);
    } else {
      crc = Crc32(c.data, c.bytes);
    }
    Put<uint32_t>(head, crc);
    offsets.push_back(offset);
    offset += c.bytes;
  }
  LANTERN_ASSIGN_OR_RETURN(auto w, BufferedWriter::Create(path, 1 << 22));
  w->Write(head);
  static const char kZeros[kColumnPageBytes] = {};
  for (size_t i = 0; i < columns_.size(); ++i) {
    uint64_t pad = offsets[i] - w->bytes_written();
    w->Write(std::string_view(kZeros, pad));
    if (columns_[i].kind != ColumnKind::kFixed) {
      EncodeText(columns_[i], [&](std::string_view piece) { w->Write(piece); });
    } else {
      w->Write(std::string_view(columns_[i].data, columns_[i].bytes));
    }
  }
  return w->Close(/*sync=*/true);
}

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path));
  std::string_view d = file->data();
  auto bad = [&](const char* why) { return Status::Corruption(fmt::format("{}: {}", path, why)); };
  if (d.size() < sizeof kMagic + 8 || std::memcmp(d.data(), kMagic, sizeof kMagic) != 0) {
    return bad("not a Lantern segment file");
  }
  size_t pos = sizeof kMagic;
  uint32_t header = 0, count = 0;
  Get(d, &pos, &header);
  Get(d, &pos, &count);
  std::unique_ptr<SegmentReader> r(new SegmentReader());
  r->path_ = path;
  for (uint32_t i = 0; i < count; ++i) {
    uint16_t len = 0;
    if (!Get(d, &pos, &len) || pos + len > d.size()) return bad("truncated header");
    std::string name(d.substr(pos, len));
    pos += len;
    uint8_t kind = 0, width = 0;
    Col c{};
    if (!Get(d, &pos, &kind) || !Get(d, &pos, &width) || !Get(d, &pos, &c.rows) ||
        !Get(d, &pos, &c.offset) || !Get(d, &pos, &c.bytes) || !Get(d, &pos, &c.crc)) {
      return bad("truncated header");
    }
    c.kind = static_cast<ColumnKind>(kind);
    c.width = width;
    // Every check without arithmetic that could wrap: a damaged header is an
    // error here, never a read outside the file or an impossible allocation.
    if (c.offset > d.size() || c.bytes > d.size() - c.offset) {
      return bad("column runs past the end of the file");
    }
    if (c.kind == ColumnKind::kFixed) {
      if (c.width == 0 || c.rows > c.bytes / c.width || c.bytes != c.rows * c.width) {
        return bad("bad column size");
      }
    } else if (c.kind == ColumnKind::kString) {
      if (c.rows > c.bytes / sizeof(uint64_t)) return bad("string offsets run past the column");
    } else if (c.kind == ColumnKind::kDictionary) {
      if ((c.width != 1 && c.width != 2 && c.width != 4) || c.bytes < sizeof(uint64_t)) {
        return bad("bad dictionary column");
      }
      uint64_t values = 0;
      std::memcpy(&values, d.data() + c.offset, sizeof values);
      const uint64_t after = c.bytes - sizeof(uint64_t);
      if (c.rows > after / c.width) return bad("dictionary codes run past the column");
      const uint64_t codes = AlignUp(c.rows * c.width, 8);
      if (codes > after || values > (after - codes) / sizeof(uint64_t)) {
        return bad("dictionary values run past the column");
      }
    } else {
      return bad("unknown column kind");
    }
    r->columns_.emplace(std::move(name), c);
  }
  r->file_ = std::move(file);
  return r;
}

uint64_t SegmentReader::Rows(std::string_view name) const {
  auto it = columns_.find(std::string(name));
  return it == columns_.end() ? 0 : it->second.rows;
}

ColumnKind SegmentReader::Kind(std::string_view name) const {
  auto it = columns_.find(std::string(name));
  return it == columns_.end() ? ColumnKind::kFixed : it->second.kind;
}

Result<SegmentReader::Text> SegmentReader::ReadText(std::string_view name, const Col& c) const {
  auto bad = [&](const char* why) {
    return Status::Corruption(fmt::format("{}: column {} {}", path_, name, why));
  };
  const char* base = file_->data().data() + c.offset;
  Text t;
  uint64_t at = 0;  // where the values' end offsets start in the column
  if (c.kind == ColumnKind::kString) {
    t.values = c.rows;
  } else if (c.kind == ColumnKind::kDictionary) {
    std::memcpy(&t.values, base, sizeof t.values);  // Open checked the sizes
    t.codes = base + sizeof(uint64_t);
    t.code_width = c.width;
    at = sizeof(uint64_t) + AlignUp(c.rows * c.width, 8);
  } else {
    return bad("is not text");
  }
  t.ends = base + at;
  t.bytes = t.ends + t.values * sizeof(uint64_t);
  const uint64_t limit = c.bytes - at - t.values * sizeof(uint64_t);
  uint64_t start = 0;
  for (uint64_t i = 0; i < t.values; ++i) {
    uint64_t end;
    std::memcpy(&end, t.ends + i * sizeof(uint64_t), sizeof end);
    if (end < start || end > limit) return bad("has bad string offsets");
    start = end;
  }
  if (t.codes != nullptr) {
    for (uint64_t i = 0; i < c.rows; ++i) {
      if (StringColumn::Code(t.codes, t.code_width, i) >= t.values) {
        return bad("has a code past its dictionary");
      }
    }
  }
  return t;
}

Result<std::vector<std::string>> SegmentReader::ReadStrings(std::string_view name,
                                                            size_t spare) const {
  std::vector<std::string> out;
  auto it = columns_.find(std::string(name));
  if (it == columns_.end()) return out;
  const Col& c = it->second;
  LANTERN_ASSIGN_OR_RETURN(const Text t, ReadText(name, c));
  out.reserve(c.rows + spare);
  out.resize(c.rows);
  auto end = [&](uint64_t k) {
    uint64_t e;
    std::memcpy(&e, t.ends + k * sizeof(uint64_t), sizeof e);
    return e;
  };
  for (uint64_t i = 0; i < c.rows; ++i) {
    const uint64_t k = t.codes == nullptr ? i : StringColumn::Code(t.codes, t.code_width, i);
    const uint64_t begin = k == 0 ? 0 : end(k - 1);
    out[i].assign(t.bytes + begin, end(k) - begin);
  }
  return out;
}

Result<StringColumn> SegmentReader::ReadStringColumn(std::string_view name) const {
  auto it = columns_.find(std::string(name));
  if (it == columns_.end()) return StringColumn();
  const Col& c = it->second;
  LANTERN_ASSIGN_OR_RETURN(const Text t, ReadText(name, c));
  return StringColumn(file_, t.ends, t.bytes, c.rows, t.codes, t.code_width);
}

Status SegmentReader::Verify() const {
  for (const auto& [name, c] : columns_) {
    if (Crc32(file_->data().data() + c.offset, c.bytes) != c.crc) {
      return Status::Corruption(fmt::format("{}: column {} fails its checksum", path_, name));
    }
  }
  return Status::Ok();
}

}  // namespace lantern
