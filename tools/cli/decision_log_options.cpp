#include "decision_log_options.h"

namespace deepfin::cli {

void add_decision_log_options(CLI::App& sub, tasks::DecisionLogOptions& options) {
  auto* log =
      sub.add_option("--decision-log", options.path,
                     "append one JSON line per decision (time, model hash, keyed applicant id, score, decision, "
                     "reasons; no applicant data) to this file");
  auto* key = sub.add_option("--log-key-file", options.key_file,
                             "file with the key (>= 16 characters) of the applicant ids' HMAC-SHA-256");
  auto* id = sub.add_option("--id-column", options.id_column, "the column holding the applicant's id");
  log->needs(key)->needs(id);
  key->needs(log);
  id->needs(log);
}

}  // namespace deepfin::cli
