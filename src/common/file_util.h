// Files: read-only memory maps, buffered writers, and the write-then-rename
// step that makes a commit atomic.
#ifndef LANTERN_COMMON_FILE_UTIL_H_
#define LANTERN_COMMON_FILE_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lantern/status.h"

namespace lantern {

// A read-only view of a whole file. An empty file maps to an empty view.
class MappedFile {
 public:
  // With keep_open, the file stays open for CopyOut to read.
  static Result<std::unique_ptr<MappedFile>> Open(const std::string& path, bool keep_open = false);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }
  const std::string& path() const { return path_; }
  // Asks the kernel to read ahead the whole file (sequential scans).
  void AdviseSequential() const;
  // Touches every page so later reads do not fault (used by benchmarks).
  void Prefault() const;
  // Copies the n bytes at `at`, inside the view, into out by reading the
  // file (pread) rather than the mapping; from the mapping if the file was
  // not kept open or the read fails. For a few bytes here and there across
  // a large file: on virtual machines the first touch of a mapped page
  // costs several times a read (bench/RESULTS.md, session 20).
  void CopyOut(const void* at, size_t n, void* out) const;

 private:
  MappedFile() = default;
  std::string path_;
  void* addr_ = nullptr;
  size_t size_ = 0;
  int fd_ = -1;  // open only with keep_open
};

// Writes a file through a large buffer; Close() flushes and reports errors.
// A file already at the path is written over from the start, not truncated
// first, and cut to length on Close: its pages, if cached, are reused rather
// than freed and allocated again (StagedFolder's recycled spares).
class BufferedWriter {
 public:
  static Result<std::unique_ptr<BufferedWriter>> Create(const std::string& path,
                                                        size_t buffer_bytes = 1 << 20);
  // A writer into memory that grows as needed: the bytes are read back with
  // contents() and dropped with Clear() (used to format a block of rows on
  // one thread and write it to a file on another).
  static std::unique_ptr<BufferedWriter> InMemory(size_t initial_bytes = 1 << 16);
  ~BufferedWriter();
  BufferedWriter(const BufferedWriter&) = delete;
  BufferedWriter& operator=(const BufferedWriter&) = delete;

  void Write(std::string_view bytes) {
    if (bytes.empty()) return;  // its data() may be null, which memcpy may not take
    if (bytes.size() > cap_ - len_) {
      Spill(bytes);
      return;
    }
    std::memcpy(buf_.get() + len_, bytes.data(), bytes.size());
    len_ += bytes.size();
  }
  void Put(char c) {
    if (len_ == cap_) Flush();
    buf_[len_++] = c;
  }
  // Room for at least n bytes, returned as a pointer to write into; call Commit(k).
  char* Reserve(size_t n) {
    if (n > cap_ - len_) MakeRoom(n);
    return buf_.get() + len_;
  }
  void Commit(size_t n) { len_ += n; }
  uint64_t bytes_written() const { return total_ + len_; }
  // In memory: the bytes written since the last Clear().
  std::string_view contents() const { return {buf_.get(), len_}; }
  void Clear() { len_ = 0; }

  // Flushes, optionally fsyncs, and closes. Safe to call once.
  Status Close(bool sync = false);

 private:
  BufferedWriter() = default;
  void Flush();
  void Spill(std::string_view bytes);
  void MakeRoom(size_t n);  // room for n more bytes: flushed to the file, or grown

  std::string path_;
  int fd_ = -1;
  bool in_memory_ = false;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t len_ = 0;
  uint64_t total_ = 0;
  int error_ = 0;
};

// Writes contents to path atomically: a temporary file in the same folder is
// written, fsynced and renamed over path, so a reader sees old or new, never half.
// With `sync` false neither the file nor the folder is fsynced (an output
// that can be made again: still old or new, but not durable).
Status WriteFileAtomic(const std::string& path, std::string_view contents, bool sync = true);
Result<std::string> ReadFileToString(const std::string& path);
// Adds `text` at the end of the file at path.
Status AppendToFile(const std::string& path, std::string_view text);
// fsync on a directory, so a rename inside it survives a crash.
Status SyncDirectory(const std::string& dir);
Status SyncFile(const std::string& path);
// Reads exactly `bytes` at `offset` of an open file (pread, retried until
// done); false on a short file or an error.
bool ReadFullyAt(int fd, uint64_t offset, void* out, size_t bytes);
// Writes `bytes` at `offset` of an open file (pwrite, retried until done);
// false on an error.
bool WriteFullyAt(int fd, uint64_t offset, const void* data, size_t bytes);

// A run's output files, written into a staging folder inside OUT and moved
// into OUT by Commit() once every one is written (a rename each), so that a
// reader of OUT never sees a half-written file, and a run that fails leaves
// OUT as it was (the staging folder is removed unless committed).
//
// The big files are recycled: each file of `recycled` that a commit replaces
// is kept as OUT/.spare/NAME and becomes the next run's file in staging,
// written over in place (BufferedWriter). A daily run then rewrites pages
// the system already holds instead of freeing one file's pages and
// allocating another's. A spare that another name still links (a file
// linked into a second folder, see Link) is left alone, never written over.
class StagedFolder {
 public:
  static Result<std::unique_ptr<StagedFolder>> Open(const std::string& out_dir,
                                                    std::vector<std::string> recycled);
  ~StagedFolder();
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;

  // The staging folder: write the run's files here.
  const std::string& dir() const { return staging_; }
  // Puts the file at `from` into staging as NAME: a second name for it (a
  // hard link; a copy across file systems). For a file written once and
  // published in two folders.
  Status Link(const std::string& from, const std::string& name);
  // Moves every staged file into OUT.
  Status Commit();

 private:
  StagedFolder() = default;
  std::string out_dir_, staging_;
  std::vector<std::string> recycled_;
  bool committed_ = false;
};

}  // namespace lantern

#endif  // LANTERN_COMMON_FILE_UTIL_H_
