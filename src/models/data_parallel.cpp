#include "models/data_parallel.h"

#include <fmt/format.h>

#include <cstring>

#include "deepfin/base/error.h"
#include "deepfin/io/digest.h"

namespace deepfin::models::detail {

nlohmann::json unnamed_config(nlohmann::json config) {
  if (config.is_object()) {
    config.erase("name");
    for (auto& [key, value] : config.items()) value = unnamed_config(std::move(value));
  } else if (config.is_array()) {
    for (auto& value : config) value = unnamed_config(std::move(value));
  }
  return config;
}

std::string fit_fingerprint(const std::string& configs, const std::vector<Tensor>& data) {
  io::Sha256 hash;
  hash.update(configs);
  for (const Tensor& t : data) {
    if (!t.defined()) {
      hash.update("-", 1);
      continue;
    }
    const Tensor c = t.contiguous();
    hash.update(fmt::format("{}:{}", dtype_name(c.dtype()), shape_str(c.shape())));
    hash.update(c.raw_data(), static_cast<size_t>(c.numel()) * dtype_size(c.dtype()));
  }
  return hash.hex();
}

void require_same_on_all_ranks(train::Communicator& comm, const std::string& value, const std::string& what,
                               const std::string& remedy) {
  if (comm.size() == 1) return;
  const std::vector<std::string> all = comm.allgather(value);
  for (size_t r = 1; r < all.size(); ++r)
    if (all[r] != all[0])
      throw ValueError(
          fmt::format("fit ({} ranks): {} on rank {} differ from rank 0's. {}", comm.size(), what, r, remedy));
}

std::string training_state_digest(const nn::ParameterArena& arena, const optim::Optimizer& optimizer) {
  io::Sha256 hash;
  if (arena.size() > 0) hash.update(arena.params_data(), static_cast<size_t>(arena.size()) * dtype_size(arena.dtype()));
  for (const auto& [name, t] : optimizer.state()) {
    const Tensor c = t.contiguous();
    hash.update(name).update(c.raw_data(), static_cast<size_t>(c.numel()) * dtype_size(c.dtype()));
  }
  return hash.hex();
}

std::vector<double> metric_states(const std::vector<std::shared_ptr<metrics::Metric>>& metrics) {
  std::vector<double> out;
  for (const auto& m : metrics) {
    const std::vector<double> state = m->state();
    out.push_back(static_cast<double>(state.size()));
    out.insert(out.end(), state.begin(), state.end());
  }
  return out;
}

void merge_metric_states(const std::vector<std::shared_ptr<metrics::Metric>>& metrics,
                         const std::vector<double>& states) {
  size_t at = 0;
  for (const auto& m : metrics) {
    const double length = at < states.size() ? states[at++] : -1.0;
    if (!(length >= 0 && length <= static_cast<double>(states.size() - at)))
      throw ValueError(fmt::format("metric '{}': its saved state is cut short", m->name()));
    const auto end = at + static_cast<size_t>(length);
    m->merge_state(std::vector<double>(states.begin() + static_cast<std::ptrdiff_t>(at),
                                       states.begin() + static_cast<std::ptrdiff_t>(end)));
    at = end;
  }
  if (at != states.size()) throw ValueError("metrics: the saved states hold more than the model's metrics");
}

namespace {

std::string as_bytes(const std::vector<double>& values) {
  if (values.empty()) return {};
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
}

std::vector<double> from_bytes(const std::string& bytes) {
  std::vector<double> values(bytes.size() / sizeof(double));
  if (values.empty()) return values;
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(double));
  return values;
}

}  // namespace

std::vector<std::vector<double>> allgather_values(train::Communicator& comm, const std::vector<double>& values) {
  std::vector<std::vector<double>> out;
  for (const std::string& bytes : comm.allgather(as_bytes(values))) out.push_back(from_bytes(bytes));
  return out;
}

void reduce_metrics(train::Communicator& comm, const std::vector<std::shared_ptr<metrics::Metric>>& metrics) {
  if (comm.size() == 1 || metrics.empty()) return;
  const std::vector<std::vector<double>> all = allgather_values(comm, metric_states(metrics));
  for (const auto& m : metrics) m->reset_state();
  for (const auto& states : all) merge_metric_states(metrics, states);
}

void together(train::Communicator& comm, const std::function<void()>& fn) {
  if (comm.size() == 1) {
    fn();
    return;
  }
  std::exception_ptr mine;
  std::string what;
  try {
    fn();
  } catch (const std::exception& e) {
    mine = std::current_exception();
    what = e.what();
    if (what.empty()) what = "an error without a message";
  }
  const std::vector<std::string> all = comm.allgather(what);
  if (mine) std::rethrow_exception(mine);
  for (size_t r = 0; r < all.size(); ++r)
    if (!all[r].empty()) throw Error(fmt::format("rank {} of {} failed: {}", r, comm.size(), all[r]));
}

bool rank0_flag(train::Communicator& comm, bool flag) {
  if (comm.size() == 1) return flag;
  double value = comm.rank() == 0 && flag ? 1.0 : 0.0;
  comm.allreduce_sum(&value, 1);
  return value > 0.0;
}

void broadcast_rows(train::Communicator& comm, std::vector<int64_t>& rows) {
  std::string bytes;  // a Poisson batch may be empty
  if (!rows.empty()) bytes.assign(reinterpret_cast<const char*>(rows.data()), rows.size() * sizeof(int64_t));
  comm.broadcast(bytes, 0);
  rows.resize(bytes.size() / sizeof(int64_t));
  if (!rows.empty()) std::memcpy(rows.data(), bytes.data(), rows.size() * sizeof(int64_t));
}

double global_mean(train::Communicator& comm, double local_sum, double local_count) {
  double pair[2] = {local_sum, local_count};
  comm.allreduce_sum(pair, 2);
  return pair[1] > 0 ? pair[0] / pair[1] : 0.0;
}

}  // namespace deepfin::models::detail
