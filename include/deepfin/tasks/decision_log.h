#pragma once
// The audit trail of credit decisions, without personal data: one JSON line per
// decision with the time, the model file's name and SHA-256, a keyed hash
// (HMAC-SHA-256) of the applicant's id, the score, the decision and the reason
// codes (each reason's wording from [reasons], or its column's name). No raw
// attribute of the applicant is written. Each call's lines go out in one write() to
// a file opened O_APPEND, so writers on one local file system never interleave (NFS
// does not promise this). Ids are hashed as text: the CSV cell, or the request's
// string or integer as written.
#include <string>
#include <vector>

#include "deepfin/data/tabular/table.h"
#include "deepfin/tabular/tabular_model.h"

namespace deepfin::tasks {

struct DecisionLogOptions {
  std::string path{};       // the log file (created if missing, appended to); empty: no log
  std::string key_file{};   // the HMAC key: a file of at least 16 characters (surrounding space trimmed)
  std::string id_column{};  // the column (or request field) holding the applicant's id
};

class DecisionLog {
 public:
  // FileError naming the file that cannot be read or opened for appending; ConfigError for a key under
  // 16 characters or an empty id column.
  DecisionLog(const DecisionLogOptions& options, const std::string& model_path);
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // One line per row of `rows` (explained[i] is row i's explanation). ConfigError naming the id column
  // when the rows lack it, ValueError naming the row for a missing id; nothing is written then.
  void append(const data::Table& rows, const std::vector<tabular::RowExplanation>& explained,
              const tabular::TabularModel& model);
  // The same with the ids given (the scoring server takes them from each request); ValueError for
  // as many ids as explanations.
  void append(const std::vector<std::string>& ids, const std::vector<tabular::RowExplanation>& explained,
              const tabular::TabularModel& model);

 private:
  std::string key_, id_column_, path_, model_name_, model_sha256_;
  int fd_ = -1;
};

}  // namespace deepfin::tasks
