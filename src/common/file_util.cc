#include "common/file_util.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace lantern {

namespace {
std::string Errno(const std::string& what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}
}  // namespace

Result<std::unique_ptr<MappedFile>> MappedFile::Open(const std::string& path, bool keep_open) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(fmt::format("no such file: {}", path));
    return Status::IoError(Errno("cannot open", path));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::IoError(Errno("cannot stat", path));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidInput(fmt::format("{} is a folder, not a file", path));
  }
  std::unique_ptr<MappedFile> f(new MappedFile());
  f->path_ = path;
  f->size_ = static_cast<size_t>(st.st_size);
  if (f->size_ > 0) {
    void* addr = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
      ::close(fd);
      return Status::IoError(Errno("cannot map", path));
    }
    f->addr_ = addr;
  }
  if (keep_open) {
    f->fd_ = fd;
  } else {
    ::close(fd);
  }
  return f;
}

MappedFile::~MappedFile() {
  if (addr_ != nullptr) ::munmap(addr_, size_);
  if (fd_ >= 0) ::close(fd_);
}

void MappedFile::CopyOut(const void* at, size_t n, void* out) const {
  const auto offset =
      static_cast<uint64_t>(static_cast<const char*>(at) - static_cast<const char*>(addr_));
  if (fd_ < 0 || !ReadFullyAt(fd_, offset, out, n)) std::memcpy(out, at, n);
}

void MappedFile::AdviseSequential() const {
  if (addr_ != nullptr) ::madvise(addr_, size_, MADV_SEQUENTIAL | MADV_WILLNEED);
}

void MappedFile::Prefault() const {
  if (addr_ == nullptr) return;
  volatile unsigned char sink = 0;
  const auto* p = static_cast<const unsigned char*>(addr_);
  for (size_t i = 0; i < size_; i += 4096) sink = sink + p[i];
  (void)sink;
}

Result<std::unique_ptr<BufferedWriter>> BufferedWriter::Create(const std::string& path,
                                                               size_t buffer_bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(Errno("cannot create", path));
  std::unique_ptr<BufferedWriter> w(new BufferedWriter());
  w->path_ = path;
  w->fd_ = fd;
  w->cap_ = buffer_bytes;
  w->buf_.reset(new char[buffer_bytes]);
  return w;
}

std::unique_ptr<BufferedWriter> BufferedWriter::InMemory(size_t initial_bytes) {
  std::unique_ptr<BufferedWriter> w(new BufferedWriter());
  w->in_memory_ = true;
  w->cap_ = std::max<size_t>(initial_bytes, 64);
  w->buf_.reset(new char[w->cap_]);
  return w;
}

void BufferedWriter::MakeRoom(size_t n) {
  if (!in_memory_) {
    Flush();
    return;
  }
  if (n <= cap_ - len_) return;
  const size_t cap = std::max(cap_ * 2, len_ + n);
  std::unique_ptr<char[]> grown(new char[cap]);
  std::memcpy(grown.get(), buf_.get(), len_);
  buf_ = std::move(grown);
  cap_ = cap;
}

BufferedWriter::~BufferedWriter() {
  if (fd_ >= 0) (void)Close();
}

void BufferedWriter::Flush() {
  if (in_memory_) {
    MakeRoom(1);  // Put() on a full buffer: keep the bytes, grow
    return;
  }
  size_t off = 0;
  while (off < len_ && error_ == 0) {
    ssize_t k = ::write(fd_, buf_.get() + off, len_ - off);
    if (k < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
      break;
    }
    off += static_cast<size_t>(k);
  }
  total_ += len_;
  len_ = 0;
}

void BufferedWriter::Spill(std::string_view bytes) {
  if (in_memory_) {
    MakeRoom(bytes.size());
    std::memcpy(buf_.get() + len_, bytes.data(), bytes.size());
    len_ += bytes.size();
    return;
  }
  Flush();
  if (bytes.size() >= cap_) {
    size_t off = 0;
    while (off < bytes.size() && error_ == 0) {
      ssize_t k = ::write(fd_, bytes.data() + off, bytes.size() - off);
      if (k < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        break;
      }
      off += static_cast<size_t>(k);
    }
    total_ += bytes.size();
    return;
  }
  std::memcpy(buf_.get(), bytes.data(), bytes.size());
  len_ = bytes.size();
}

Status BufferedWriter::Close(bool sync) {
  if (fd_ < 0) return Status::Ok();
  Flush();
  // A file written over may have been longer: cut it at what was written.
  if (error_ == 0 && ::ftruncate(fd_, static_cast<off_t>(total_)) != 0) error_ = errno;
  if (sync && error_ == 0 && ::fsync(fd_) != 0) error_ = errno;
  if (::close(fd_) != 0 && error_ == 0) error_ = errno;
  fd_ = -1;
  if (error_ != 0) {
    errno = error_;
    return Status::IoError(Errno("cannot write", path_));
  }
  return Status::Ok();
}

Status SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(Errno("cannot open", path));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IoError(Errno("cannot fsync", path));
  return Status::Ok();
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(Errno("cannot open folder", dir));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IoError(Errno("cannot fsync folder", dir));
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view contents, bool sync) {
  std::string tmp = path + ".tmp";
  {
    LANTERN_ASSIGN_OR_RETURN(auto w, BufferedWriter::Create(tmp));
    w->Write(contents);
    LANTERN_RETURN_IF_ERROR(w->Close(sync));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError(Errno("cannot rename", tmp));
  if (!sync) return Status::Ok();
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return SyncDirectory(parent.empty() ? "." : parent.string());
}

Status AppendToFile(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Status::IoError(Errno("cannot open", path));
  int error = 0;
  for (size_t off = 0; off < text.size() && error == 0;) {
    const ssize_t k = ::write(fd, text.data() + off, text.size() - off);
    if (k < 0 && errno != EINTR) error = errno;
    if (k > 0) off += static_cast<size_t>(k);
  }
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0) return Status::Ok();
  errno = error;
  return Status::IoError(Errno("cannot write", path));
}

Result<std::string> ReadFileToString(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(auto f, MappedFile::Open(path));
  return std::string(f->data());
}

namespace {

// Calls io(p, n, offset) until `bytes` are done: false on an error or when
// it gives nothing (the end of the file).
template <typename Byte, typename Io>
bool WholeAt(Io io, uint64_t offset, Byte* p, size_t bytes) {
  while (bytes > 0) {
    const ssize_t done = io(p, bytes, static_cast<off_t>(offset));
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return false;
    p += done;
    offset += static_cast<uint64_t>(done);
    bytes -= static_cast<size_t>(done);
  }
  return true;
}

}  // namespace

bool ReadFullyAt(int fd, uint64_t offset, void* out, size_t bytes) {
  return WholeAt([fd](char* p, size_t n, off_t at) { return ::pread(fd, p, n, at); }, offset,
                 static_cast<char*>(out), bytes);
}

bool WriteFullyAt(int fd, uint64_t offset, const void* data, size_t bytes) {
  return WholeAt([fd](const char* p, size_t n, off_t at) { return ::pwrite(fd, p, n, at); }, offset,
                 static_cast<const char*>(data), bytes);
}

namespace fs = std::filesystem;

Result<std::unique_ptr<StagedFolder>> StagedFolder::Open(const std::string& out_dir,
                                                         std::vector<std::string> recycled) {
  std::unique_ptr<StagedFolder> f(new StagedFolder());
  f->out_dir_ = out_dir;
  f->staging_ = fmt::format("{}/.staging-{}", out_dir, ::getpid());
  f->recycled_ = std::move(recycled);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", out_dir, ec.message()));
  fs::remove_all(f->staging_, ec);
  fs::create_directories(f->staging_, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", f->staging_, ec.message()));
  for (const std::string& name : f->recycled_) {
    const fs::path spare = fs::path(out_dir) / ".spare" / name;
    struct stat st;
    if (::stat(spare.c_str(), &st) != 0 || st.st_nlink != 1) continue;
    fs::rename(spare, fs::path(f->staging_) / name, ec);
  }
  return f;
}

StagedFolder::~StagedFolder() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
}

Status StagedFolder::Link(const std::string& from, const std::string& name) {
  const fs::path to = fs::path(staging_) / name;
  std::error_code ec;
  fs::remove(to, ec);  // a recycled spare of that name
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to, ec);
  if (ec)
    return Status::IoError(fmt::format("cannot put {} in {}: {}", from, staging_, ec.message()));
  return Status::Ok();
}

Status StagedFolder::Commit() {
  std::error_code ec;
  // Before the new files replace the old: a second name for each old file,
  // so it survives the replacement as the spare.
  fs::create_directories(fs::path(out_dir_) / ".spare", ec);
  for (const std::string& name : recycled_) {
    const fs::path live = fs::path(out_dir_) / name, spare = fs::path(out_dir_) / ".spare" / name;
    fs::remove(spare, ec);
    if (fs::exists(live, ec)) fs::create_hard_link(live, spare, ec);
  }
  for (const auto& entry : fs::directory_iterator(staging_, ec)) {
    fs::rename(entry.path(), fs::path(out_dir_) / entry.path().filename(), ec);
    if (ec) {
      return Status::IoError(
          fmt::format("cannot move {} into place: {}", entry.path().string(), ec.message()));
    }
  }
  committed_ = true;
  fs::remove_all(staging_, ec);
  return Status::Ok();
}

}  // namespace lantern
