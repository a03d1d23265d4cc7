#include "deepfin/train/csv_logger.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "deepfin/base/error.h"

namespace deepfin::train {

CSVLogger::CSVLogger(std::string filename, char separator, bool append)
    : filename_(std::move(filename)), separator_(separator), append_(append) {
  if (filename_.empty()) throw ConfigError("CSVLogger: filename is empty");
}

CSVLogger::~CSVLogger() {
  close();
}

void CSVLogger::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void CSVLogger::on_train_begin(const Logs&) {
  close();
  const bool resumed = take_resumed();
  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (append_ || resumed ? 0 : O_TRUNC);
  fd_ = ::open(filename_.c_str(), flags, 0644);
  if (fd_ < 0) throw FileError(fmt::format("CSVLogger: cannot open '{}': {}", filename_, std::strerror(errno)));
  if (resumed) {
    if (::ftruncate(fd_, static_cast<off_t>(resume_length_)) != 0)
      throw FileError(fmt::format("CSVLogger: cannot cut '{}' back to the checkpoint's {} bytes: {}", filename_,
                                  resume_length_, std::strerror(errno)));
    need_header_ = resume_length_ == 0;
    return;  // keys_ came with the state
  }
  struct stat st {};
  need_header_ = !(append_ && ::fstat(fd_, &st) == 0 && st.st_size > 0);
  keys_.clear();
}

void CSVLogger::on_epoch_end(int epoch, Logs& logs) {
  if (fd_ < 0) on_train_begin({});
  if (keys_.empty())
    for (const auto& [key, value] : logs) keys_.push_back(key);  // std::map: already sorted
  std::string text;
  if (need_header_) {
    text += "epoch";
    for (const auto& key : keys_) text += separator_ + key;
    text += '\n';
  }
  text += std::to_string(epoch);
  for (const auto& key : keys_) {
    auto it = logs.find(key);
    text += separator_;
    text += it == logs.end() ? std::string("NA") : fmt::format("{}", it->second);
  }
  text += '\n';
  // One write() for the whole row; loop only on the rare short write or signal.
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw FileError(fmt::format("CSVLogger: cannot write to '{}': {}", filename_, std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
  need_header_ = false;
}

void CSVLogger::on_train_end(const Logs&) {
  close();
}

}  // namespace deepfin::train
