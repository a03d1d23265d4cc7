#pragma once
// One function per subcommand; each registers itself on the CLI11 app and
// runs when chosen. Errors propagate as deepfin::Error to main().
#include <CLI/CLI.hpp>
#include <functional>

#include "run_context.h"

namespace deepfin::cli {

// A subcommand and what to run when it is chosen (returns the exit code).
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

Command add_train_command(CLI::App& app, const RunContext& ctx);
Command add_evaluate_command(CLI::App& app, const RunContext& ctx);
Command add_predict_command(CLI::App& app, const RunContext& ctx);
Command add_summary_command(CLI::App& app, const RunContext& ctx);
Command add_export_command(CLI::App& app, const RunContext& ctx);
Command add_cv_command(CLI::App& app, const RunContext& ctx);
Command add_explain_command(CLI::App& app, const RunContext& ctx);
Command add_report_command(CLI::App& app, const RunContext& ctx);
Command add_psi_command(CLI::App& app, const RunContext& ctx);
Command add_backtest_command(CLI::App& app, const RunContext& ctx);
Command add_privacy_command(CLI::App& app, const RunContext& ctx);
Command add_audit_privacy_command(CLI::App& app, const RunContext& ctx);
Command add_serve_command(CLI::App& app, const RunContext& ctx);
Command add_model_card_command(CLI::App& app, const RunContext& ctx);
Command add_tune_command(CLI::App& app, const RunContext& ctx);
Command add_pretrain_command(CLI::App& app, const RunContext& ctx);
Command add_generate_command(CLI::App& app, const RunContext& ctx);
Command add_perplexity_command(CLI::App& app, const RunContext& ctx);

}  // namespace deepfin::cli
