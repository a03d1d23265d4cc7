#pragma once
// The parsers of the job file's task-specific tables, each given the whole job as
// JSON; ConfigError names the file, the table and the key.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "deepfin/tasks/job_file.h"  // parse_privacy_spec
#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks {

TextSpec parse_text_spec(const nlohmann::json& job, const std::string& file);
ForecastSpec parse_forecast_spec(const nlohmann::json& job, const std::string& file);
FitSpec parse_fit_spec(const nlohmann::json& fit, const std::string& file);
// [checkpoint]: directory (default checkpoints/<job name>), every_steps, every_epochs, keep.
train::CheckpointOptions parse_checkpoint_spec(const nlohmann::json& table, const std::string& file);
FairnessSpec parse_fairness_spec(const nlohmann::json& table, const std::string& file);
// [tune]: metric, trials, folds, outer_folds, eta and the space's entries (their forms;
// whether each path exists in the job is checked when the search starts).
TuneSpec parse_tune_spec(const nlohmann::json& table, const std::string& file);
std::map<std::string, std::string> parse_reasons_spec(const nlohmann::json& table, const std::string& file);
// [replies]: label = "reply" (text jobs); whether each label exists is checked when training.
std::map<std::string, std::string> parse_replies_spec(const nlohmann::json& table, const std::string& file);

}  // namespace deepfin::tasks
