#include "deepfin/train/progbar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace deepfin::train {

namespace {
constexpr int kBarWidth = 30;
constexpr double kRedrawInterval = 0.05;  // seconds between live redraws

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Keras prints 4 decimals, switching to scientific notation for tiny values.
std::string format_value(double v) {
  return std::abs(v) > 1e-3 || v == 0.0 ? fmt::format("{:.4f}", v) : fmt::format("{:.4e}", v);
}
}  // namespace

std::string format_duration(double s) {
  if (s >= 1.0) return fmt::format("{}s", static_cast<int64_t>(std::llround(s)));
  if (s >= 1e-3) return fmt::format("{}ms", static_cast<int64_t>(std::llround(s * 1e3)));
  return fmt::format("{}us", static_cast<int64_t>(std::llround(s * 1e6)));
}

std::string format_eta(double s) {
  const int64_t t = static_cast<int64_t>(std::llround(s));
  if (t >= 3600) return fmt::format("{}:{:02d}:{:02d}", t / 3600, (t % 3600) / 60, t % 60);
  if (t >= 60) return fmt::format("{}:{:02d}", t / 60, t % 60);
  return fmt::format("{}s", t);
}

ProgbarLogger::ProgbarLogger(std::ostream& out, std::optional<bool> is_terminal)
    : out_(out), terminal_(is_terminal ? *is_terminal : (&out == &std::cout && ::isatty(STDOUT_FILENO) == 1)) {}

void ProgbarLogger::on_train_begin(const Logs&) {}

void ProgbarLogger::on_epoch_begin(int epoch, const Logs&) {
  epoch_start_ = Clock::now();
  last_draw_ = epoch_start_ - std::chrono::seconds(1);
  seen_steps_ = 0;
  if (live()) out_ << fmt::format("Epoch {}/{}\n", epoch + 1, params_.epochs) << std::flush;
}

std::string ProgbarLogger::format_logs(const Logs& logs) const {
  std::string s;
  std::set<std::string> printed;
  auto emit = [&](const std::string& key) {
    auto it = logs.find(key);
    if (it == logs.end() || !printed.insert(key).second) return;
    s += fmt::format(" - {}: {}", key, format_value(it->second));
  };
  for (const auto& key : params_.metrics) emit(key);
  emit("loss");
  for (const auto& [key, value] : logs)
    if (key.rfind("val_", 0) != 0) emit(key);
  for (const auto& [key, value] : logs) emit(key);
  return s;
}

std::string ProgbarLogger::bar(int64_t done) const {
  const int64_t target = params_.steps;
  if (target <= 0) return fmt::format("{:>7}/Unknown", done);
  const int width = static_cast<int>(std::to_string(target).size());
  const int filled = static_cast<int>(kBarWidth * std::min<int64_t>(done, target) / target);
  std::string b(kBarWidth, '.');
  std::fill_n(b.begin(), filled, '=');
  if (done < target) b[static_cast<size_t>(std::max(filled - 1, 0))] = '>';
  return fmt::format("{:>{}}/{} [{}]", done, width, target, b);
}

void ProgbarLogger::on_train_batch_end(int64_t batch, const Logs& logs) {
  seen_steps_ = batch + 1;
  if (!live()) return;
  const auto now = Clock::now();
  const bool last = params_.steps > 0 && seen_steps_ >= params_.steps;
  if (!last && seconds_between(last_draw_, now) < kRedrawInterval) return;
  last_draw_ = now;
  const double elapsed = seconds_between(epoch_start_, now);
  std::string eta;
  if (params_.steps > 0 && !last)
    eta = fmt::format(" - ETA: {}", format_eta(elapsed / static_cast<double>(seen_steps_) *
                                               static_cast<double>(params_.steps - seen_steps_)));
  out_ << '\r' << bar(seen_steps_) << eta << format_logs(logs) << std::flush;
}

void ProgbarLogger::on_epoch_end(int epoch, Logs& logs) {
  if (params_.verbose <= 0) return;
  const double elapsed = seconds_between(epoch_start_, Clock::now());
  if (live()) {
    const double per_step = seen_steps_ > 0 ? elapsed / static_cast<double>(seen_steps_) : 0.0;
    out_ << '\r' << bar(seen_steps_) << " - " << format_duration(elapsed) << ' ' << format_duration(per_step) << "/step"
         << format_logs(logs) << '\n'
         << std::flush;
    return;
  }
  out_ << fmt::format("Epoch {}/{} - {}", epoch + 1, params_.epochs, format_duration(elapsed)) << format_logs(logs)
       << '\n'
       << std::flush;
}

}  // namespace deepfin::train
