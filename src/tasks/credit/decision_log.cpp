#include "deepfin/tasks/decision_log.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "deepfin/base/error.h"
#include "deepfin/io/digest.h"
#include "deepfin/io/read_file.h"

namespace deepfin::tasks {
namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(now));
}

}  // namespace

DecisionLog::DecisionLog(const DecisionLogOptions& options, const std::string& model_path)
    : key_(trimmed(io::read_file(options.key_file))),
      id_column_(options.id_column),
      path_(options.path),
      model_name_(std::filesystem::path(model_path).filename().string()),
      model_sha256_(io::sha256_hex(io::read_file(model_path))) {
  if (key_.size() < 16)
    throw ConfigError(
        fmt::format("decision log key {}: the key has {} characters; use at least 16 (e.g. `openssl "
                    "rand -hex 32 > {}`)",
                    options.key_file, key_.size(), options.key_file));
  if (id_column_.empty())
    throw ConfigError("decision log: name the column that holds the applicant's id (--id-column)");
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    const int err = errno;
    throw FileError(fmt::format("decision log {}: cannot open for appending: {}", path_, std::strerror(err)), err);
  }
}

DecisionLog::~DecisionLog() {
  if (fd_ >= 0) ::close(fd_);
}

void DecisionLog::append(const data::Table& rows, const std::vector<tabular::RowExplanation>& explained,
                         const tabular::TabularModel& model) {
  const data::TableColumn& ids = rows.column(id_column_);  // NotFoundError naming the columns there are
  std::vector<std::string> given;
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    if (!ids.values[r])
      throw ValueError(fmt::format("{}: the applicant id ('{}') is missing", rows.where(r), id_column_));
    given.push_back(*ids.values[r]);
  }
  append(given, explained, model);
}

void DecisionLog::append(const std::vector<std::string>& ids, const std::vector<tabular::RowExplanation>& explained,
                         const tabular::TabularModel& model) {
  if (ids.size() != explained.size())
    throw ValueError(fmt::format("decision log: {} ids for {} decisions", ids.size(), explained.size()));
  std::string lines;
  const std::string time = utc_now();
  for (size_t r = 0; r < ids.size(); ++r) {
    const tabular::RowExplanation& e = explained[r];
    nlohmann::json reasons = nlohmann::json::array();
    // A reason code is its wording or its column's name: never the applicant's value ("duration = 48").
    for (const auto& reason : e.reasons) {
      const std::string& column = model.preprocessor().columns().at(reason.column).name;
      const auto worded = model.reason_wording().find(column);
      reasons.push_back(worded != model.reason_wording().end() ? worded->second : column);
    }
    const nlohmann::json line = {{"time", time},
                                 {"model", model_name_},
                                 {"model_sha256", model_sha256_},
                                 {"applicant", io::hmac_sha256_hex(key_, ids[r])},
                                 {"probability", e.probability},
                                 {"decision", e.adverse ? "adverse" : "accept"},
                                 {"points", model.points(e.probability)},
                                 {"reasons", reasons}};
    lines += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  // One write for the call's lines; a short write (a signal, a nearly full disk) is resumed, so a
  // line is never left half-written for the next call to continue.
  size_t done = 0;
  while (done < lines.size()) {
    const ssize_t n = ::write(fd_, lines.data() + done, lines.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      throw FileError(fmt::format("decision log {}: cannot append: {}", path_, std::strerror(err)), err);
    }
    done += static_cast<size_t>(n);
  }
}

}  // namespace deepfin::tasks
