#pragma once
// What fit() does differently over several ranks, apart from the step itself
// (gradient_buckets.h): proving the ranks start from the same job and stay in
// step, and merging what each rank measured.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/nn/parameter_arena.h"
#include "deepfin/optim/optimizer.h"
#include "deepfin/train/communicator.h"

namespace deepfin::models::detail {

// The architecture without the names of the model and its layers, which count
// up per process (dense_1, dense_2, ...) and say nothing of the weights.
nlohmann::json unnamed_config(nlohmann::json config);

// A digest of what a fit starts from: configs, options and every data tensor's
// bytes. Ranks of one run, and a run and the checkpoints it resumes from, must agree.
std::string fit_fingerprint(const std::string& configs, const std::vector<Tensor>& data);

// ValueError, on every rank alike, naming the first rank whose `value` differs
// from rank 0's; `what` says what differs and `remedy` what to do.
void require_same_on_all_ranks(train::Communicator& comm, const std::string& value, const std::string& what,
                               const std::string& remedy);

// A digest of the weights and the optimizer state, bit for bit.
std::string training_state_digest(const nn::ParameterArena& arena, const optim::Optimizer& optimizer);

// Every rank's `values`, in rank order, on every rank.
std::vector<std::vector<double>> allgather_values(train::Communicator& comm, const std::vector<double>& values);

// Makes every rank's metrics those of all ranks' data together (rank order).
void reduce_metrics(train::Communicator& comm, const std::vector<std::shared_ptr<metrics::Metric>>& metrics);

// Each metric's state() side by side, each after its length (for reductions
// and checkpoints), and back: merge_metric_states merges such a list into the
// metrics (reset them first to restore one); ValueError if it does not fit.
std::vector<double> metric_states(const std::vector<std::shared_ptr<metrics::Metric>>& metrics);
void merge_metric_states(const std::vector<std::shared_ptr<metrics::Metric>>& metrics,
                         const std::vector<double>& states);

// Rank 0's rows (a DP-SGD batch it drew) on every rank.
void broadcast_rows(train::Communicator& comm, std::vector<int64_t>& rows);

// Runs `fn` on every rank (it may do nothing on some). If it throws on any
// rank, it throws on every rank, so that none goes on to a collective the
// others will never reach: the failing rank rethrows its own error, the others
// an Error naming that rank and its message.
void together(train::Communicator& comm, const std::function<void()>& fn);

// Rank 0's `flag` on every rank (a callback's stop_training decides for all).
bool rank0_flag(train::Communicator& comm, bool flag);

// Sums (value, count) pairs over the ranks: a global mean from each rank's share.
double global_mean(train::Communicator& comm, double local_sum, double local_count);

}  // namespace deepfin::models::detail
