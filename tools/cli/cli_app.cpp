// The deepfin command: train, evaluate, predict, summary, export-fashion-mnist, cv, explain, report, psi, backtest,
// privacy, audit-privacy, serve, model-card, tune, pretrain, generate, perplexity.
// A failure prints one line naming what went wrong and exits non-zero.
#include "cli_app.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <new>

#include "commands.h"
#include "deepfin/base/error.h"
#include "deepfin/train/communicator.h"
#include "deepfin/version.h"

namespace deepfin::cli {
namespace {

int report_error(const char* kind, const char* what) {
  std::fflush(stdout);
  const auto world = train::world();
  if (world->size() == 1) {
    fmt::print(stderr, "deepfin: {}: {}\n", kind, what);
    return 1;
  }
  // One rank failed: the others would wait for it forever, so the run ends here.
  fmt::print(stderr, "deepfin (rank {} of {}): {}: {}\n", world->rank(), world->size(), kind, what);
  std::fflush(stderr);
  world->abort(1);
  return 1;  // not reached: abort() ends the process
}

}  // namespace

int run_cli(int argc, const char* const* argv, const Embedding& embedding) {
  CLI::App app{"deepfin: deep learning for financial technology (Keras-like models, fast CPU kernels)", "deepfin"};
  app.set_version_flag("--version", DEEPFIN_VERSION);
  app.require_subcommand(1);
  // Global options may follow the subcommand too (`deepfin train job.toml --threads 1`):
  // subcommands created below inherit this and pass options they do not know up to here.
  app.fallthrough();
  RunContext ctx;
  ctx.event_sink = embedding.on_event;
  app.add_option("--threads", ctx.threads, "worker threads (default: DEEPFIN_NUM_THREADS or all cores)")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", ctx.seed, "random seed for initializers, shuffling and dropout (default 42)");
  app.add_option("--log-format", ctx.log_format, "text or json")->check(CLI::IsMember({"text", "json"}));

  const std::vector<Command> commands = {
      add_train_command(app, ctx),    add_evaluate_command(app, ctx),   add_predict_command(app, ctx),
      add_summary_command(app, ctx),  add_export_command(app, ctx),     add_cv_command(app, ctx),
      add_explain_command(app, ctx),  add_report_command(app, ctx),     add_psi_command(app, ctx),
      add_backtest_command(app, ctx), add_privacy_command(app, ctx),    add_audit_privacy_command(app, ctx),
      add_serve_command(app, ctx),    add_model_card_command(app, ctx), add_tune_command(app, ctx),
      add_pretrain_command(app, ctx), add_generate_command(app, ctx),   add_perplexity_command(app, ctx)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (embedding.rethrow_errors && e.get_exit_code() != 0) throw ValueError(fmt::format("deepfin: {}", e.what()));
    return app.exit(e);
  }
  if (embedding.rethrow_errors) {
    for (const Command& c : commands)
      if (c.app->parsed()) return c.run();
    return 2;
  }
  try {
    for (const Command& c : commands) {
      if (!c.app->parsed()) continue;
      const std::string name = c.app->get_name();
      if (train::world()->size() > 1 && name != "train" && name != "cv" && name != "backtest")
        throw ValueError(
            fmt::format("deepfin {} runs on one process; only train, cv and backtest run over the ranks "
                        "of mpirun",
                        name));
      return c.run();
    }
    return 2;
  } catch (const deepfin::Error& e) {
    return report_error("error", e.what());
  } catch (const std::bad_alloc&) {
    return report_error("error",
                        "out of memory: a size in the job, the model or the data needs more memory than this machine "
                        "has");
  } catch (const std::filesystem::filesystem_error& e) {
    return report_error("error", e.what());
  } catch (const std::exception& e) {
    report_error("internal error", e.what());
    return 3;
  }
}

}  // namespace deepfin::cli
