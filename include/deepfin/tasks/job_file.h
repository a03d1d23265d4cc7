#pragma once
// Job files (TOML) into JobSpecs. Every key is checked: a typo is an error, not
// a silent default. Errors (ConfigError / FileError) name the file, the line
// where TOML reports one, the table and the key.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks {

JobSpec load_job_file(const std::string& path);
// Same, from TOML text (for tests and programs that hold the text); `name` is used in messages.
JobSpec parse_job(const std::string& toml_text, const std::string& name);

// The job as checked JSON (TOML parsed, every number finite), before its tables are read:
// what `deepfin tune` edits. parse_job_json reads such JSON as parse_job reads text.
nlohmann::json job_file_json(const std::string& toml_text, const std::string& name);
JobSpec parse_job_json(const nlohmann::json& job, const std::string& name);
// The job JSON back as TOML text (tables, arrays of tables, inline values), as a tuned job file.
std::string job_json_to_toml(const nlohmann::json& job);

// A [privacy] table (as JSON) into DP-SGD options, every key checked; `file` names
// where the table came from in messages; `seed` drives the noise when
// secure_rng = false. The Python module's fit(privacy=...) reads it too.
privacy::PrivacyOptions parse_privacy_spec(const nlohmann::json& table, uint64_t seed, const std::string& file);

}  // namespace deepfin::tasks
