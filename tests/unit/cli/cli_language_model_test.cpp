// deepfin pretrain and generate end to end on a tiny corpus: the model file carries
// its tokenizer and generates (greedy output repeats, stop strings cut, JSON events);
// bad jobs, models and prompts each give one clear line and write nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_fixture.h"
#include "deepfin/io/safetensors.h"

namespace {

class CliLanguageModel : public deepfin::testing::CliFixture {
 protected:
  std::string corpus() {
    std::string text;
    const char* lines[] = {"my card has not arrived yet", "how do i top up my account", "the exchange rate was wrong",
                           "i was charged twice for a transfer", "can i change my pin at an atm"};
    for (int i = 0; i < 60; ++i) text += std::string(lines[i % 5]) + "\n";
    return write("corpus.txt", text);
  }
  std::string read_job() { return deepfin::testing::slurp(job()); }
  std::string job(const std::string& extra_model = "", const std::string& out = "lm.safetensors") {
    return write("job.toml", "seed = 3\n[data]\nfiles = [\"" + corpus() +
                                 "\"]\nvalidation_fraction = 0.2\n[tokenizer]\nvocab_size = 300\n"
                                 "[model]\ncontext_length = 16\nd_model = 16\nnum_layers = 1\nnum_heads = 2\n"
                                 "ff_dim = 32\npositions = \"rope\"\nnorm = \"rms\"\nmlp = \"swiglu\"\n" +
                                 extra_model + "[pretrain]\nepochs = 12\nbatch_size = 8\nlearning_rate = 0.01\n" +
                                 "[output]\nmodel = \"" + path(out) + "\"\n");
  }
};

TEST_F(CliLanguageModel, PretrainsThenGenerates) {
  const deepfin::testing::CliResult r = run("pretrain " + job());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("tokenizer: byte-level BPE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch 12/12"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("held-out perplexity"), std::string::npos) << r.out;
  ASSERT_TRUE(std::filesystem::exists(path("lm.safetensors")));

  const std::string model = path("lm.safetensors");
  const auto a = run("generate " + model + " --prompt \"my card\" --greedy --max-tokens 8");
  const auto b = run("generate " + model + " --prompt \"my card\" --greedy --max-tokens 8");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out.substr(0, a.out.find("tokens in")), b.out.substr(0, b.out.find("tokens in")));
  EXPECT_EQ(a.out.rfind("my card", 0), 0u) << a.out;  // the prompt, then its continuation
  EXPECT_NE(a.out.find("tokens/s"), std::string::npos);
  // A stop string cuts the text before it; a batch prints one result per prompt.
  const auto s =
      run("generate " + model + " --prompt \"my card\" --prompt \"how do\" --greedy --stop \" \" --log-format json");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("\"prompt\":\"how do\""), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("\"finish\":\"stop_string\""), std::string::npos) << s.out;
}

// --resume reads the finished epochs back from the checkpoint (tests/unit/lm/pretrain_test.cpp
// resumes one stopped part-way) and writes the same model; without a checkpoint, or with one of
// another run, it is refused in one line.
TEST_F(CliLanguageModel, ResumeGoesOnFromTheCheckpointAndRefusesAnotherRuns) {
  std::string text = read_job();
  text.replace(text.find("[pretrain]\n"), 11, "[pretrain]\ncheckpoint = \"" + path("ckpt.safetensors") + "\"\n");
  const std::string with_checkpoint = write("ckpt.toml", text);
  ASSERT_EQ(run("pretrain " + with_checkpoint).exit_code, 0);
  const std::string first = deepfin::testing::slurp(path("lm.safetensors"));
  const auto again = run("pretrain " + with_checkpoint + " --resume");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("epoch 12/12: loss"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("[from " + path("ckpt.safetensors") + "]"), std::string::npos) << again.out;
  EXPECT_TRUE(deepfin::testing::slurp(path("lm.safetensors")) == first) << "the resumed run wrote another model";

  const auto no_checkpoint = run("pretrain " + job() + " --resume");
  EXPECT_EQ(no_checkpoint.exit_code, 1);
  EXPECT_NE(no_checkpoint.err.find("--resume needs [pretrain] checkpoint = FILE"), std::string::npos)
      << no_checkpoint.err;
  text.replace(text.find("learning_rate = 0.01"), 20, "learning_rate = 0.02");
  const auto other = run("pretrain " + write("other.toml", text) + " --resume");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("it was written by a run with learning_rate = 0.01, and this run has 0.02"),
            std::string::npos)
      << other.err;
}

// LoRA from the pretrained file: only adapters train, and the adapters file on the base
// model generates what the merged model and the full output generate.
TEST_F(CliLanguageModel, LoraFineTuningWritesAdaptersAndAMergedModel) {
  ASSERT_EQ(run("pretrain " + job()).exit_code, 0);
  const std::string tuned =
      write("tune.toml",
            "seed = 4\n[data]\nfiles = [\"" + corpus() + "\"]\n[model]\npretrained = \"" + path("lm.safetensors") +
                "\"\nlora_rank = 2\nlora_targets = [\"query\", \"value\", \"up\"]\n[pretrain]\nepochs = 3\n"
                "batch_size = 8\nlearning_rate = 0.02\n[output]\nmodel = \"" +
                path("tuned.safetensors") + "\"\nadapters = \"" + path("adapters.safetensors") + "\"\nmerged = \"" +
                path("merged.safetensors") + "\"\n");
  const auto r = run("pretrain " + tuned);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("trained: LoRA adapters"), std::string::npos) << r.out;
  auto greedy = [&](const std::string& args) {
    const auto g = run("generate " + args + " --prompt \"the\" --greedy --max-tokens 6");
    EXPECT_EQ(g.exit_code, 0) << g.err;
    return g.out.substr(0, g.out.find("tokens in"));
  };
  const std::string full = greedy(path("tuned.safetensors"));
  EXPECT_EQ(greedy(path("merged.safetensors")), full);
  EXPECT_EQ(greedy(path("lm.safetensors") + " --adapters " + path("adapters.safetensors")), full);
  // [tokenizer] and architecture keys do not go with a pretrained model.
  const auto bad = run("pretrain " + write("bad.toml", "[data]\nfiles = [\"" + corpus() +
                                                           "\"]\n[model]\npretrained = \"x\"\nd_model = 8\n"
                                                           "[output]\nmodel = \"y\"\n"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("unknown key 'd_model'"), std::string::npos) << bad.err;
}

// A text job whose body is the pretrained model: it trains, predicts from the saved file
// (which carries the byte-level BPE), and refuses architecture keys on the body.
TEST_F(CliLanguageModel, TextJobStartsFromThePretrainedBody) {
  ASSERT_EQ(run("pretrain " + job()).exit_code, 0);
  std::string csv = "text,label\n";
  const char* lines[] = {"my card has not arrived yet", "how do i top up my account", "the exchange rate was wrong",
                         "i was charged twice for a transfer"};
  const char* labels[] = {"card", "top_up", "rate", "charge"};
  for (int i = 0; i < 80; ++i) csv += std::string(lines[i % 4]) + (i % 3 ? "" : " please") + "," + labels[i % 4] + "\n";
  auto text_job = [&](const std::string& body, const std::string& replies = "rate = \"We will check the rate.\"") {
    return write("text.toml",
                 "seed = 5\n[data]\nsource = \"text\"\nformat = \"csv\"\ntrain = \"" + write("texts.csv", csv) +
                     "\"\n[text]\nmax_length = 12\n[model]\nclass_name = \"Sequential\"\npretrained = \"" +
                     path("lm.safetensors") +
                     "\"\n[[model.config.layers]]\nclass_name = \"CausalLM\"\nconfig = " + body +
                     "\n[[model.config.layers]]\nclass_name = \"GlobalAveragePooling1D\"\nconfig = {}\n"
                     "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 0, activation = "
                     "\"softmax\" }\n[compile]\noptimizer = { class_name = \"Adam\", config = { "
                     "learning_rate = 0.01 } }\nloss = \"sparse_categorical_crossentropy\"\n[fit]\nepochs = 8\n"
                     "batch_size = 8\nverbose = 0\n[output]\nmodel = \"" +
                     path("intents.safetensors") + "\"\n[replies]\n" + replies + "\n");
  };
  const auto r = run("train " + text_job("{ lora_rank = 2 }"));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("accuracy"), std::string::npos) << r.out;
  const auto p = run("predict " + path("intents.safetensors") + " --text \"the exchange rate was wrong\"");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("rate ("), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("-> reply: We will check the rate."), std::string::npos) << p.out;  // a confident intent
  const auto unknown = run("train " + text_job("{}", "refund = \"x\""));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("[replies]: TextClassifier: a reply is given for 'refund'"), std::string::npos)
      << unknown.err;
  // Discriminative rates: body_learning_rate = 0 leaves the body as pretrained; the head learns.
  std::string frozen = deepfin::testing::slurp(text_job("{}"));
  frozen.replace(frozen.find("[[model.config.layers]]"), 0, "body_learning_rate = 0.0\nlayer_decay = 0.5\n");
  ASSERT_EQ(run("train " + write("frozen.toml", frozen)).exit_code, 0);
  auto tensor_ending = [](const std::string& file, const std::string& suffix) {
    for (const auto& [name, t] : deepfin::io::load_safetensors(file).tensors)
      if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        return t.to_vector<float>();
    return std::vector<float>{};
  };
  const auto before = tensor_ending(path("lm.safetensors"), "/block_0/query_kernel");
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(tensor_ending(path("intents.safetensors"), "/block_0/query_kernel"), before);
  EXPECT_NE(tensor_ending(path("intents.safetensors"), "dense/kernel").size(), 0u);
  const auto bad = run("train " + text_job("{ d_model = 32 }"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("takes 'd_model' from the pretrained model"), std::string::npos) << bad.err;
}

// The same command pretrains an encoder with the masked objective; a text job starts from it,
// and generation refuses it.
// [model] pretrain = FILE: each fit pretrains its body on its own training texts, never on the
// test texts. A word found only in the test file leaves no trace in the saved tokenizer; the
// same word in the training texts does (the oracle that the check can fail). deepfin cv
// pretrains in every fold; a body job with [data], or pretrain beside pretrained, is refused.
TEST_F(CliLanguageModel, ATextJobPretrainsItsBodyOnItsTrainingTextsAlone) {
  const std::string body = write("body.toml",
                                 "seed = 2\n[tokenizer]\nvocab_size = 300\n[model]\ncontext_length = 16\nd_model = 16\n"
                                 "num_layers = 1\nnum_heads = 2\nff_dim = 32\npositions = \"rope\"\nnorm = \"rms\"\n"
                                 "mlp = \"swiglu\"\n[pretrain]\nepochs = 3\nbatch_size = 8\nlearning_rate = 0.01\n");
  const char* lines[] = {"my card has not arrived yet", "how do i top up my account", "the exchange rate was wrong",
                         "i was charged twice for a transfer"};
  const char* labels[] = {"card", "top_up", "rate", "charge"};
  auto csv = [&](const std::string& marker) {
    std::string text = "text,label\n";
    for (int i = 0; i < 80; ++i) text += marker + lines[i % 4] + std::string(",") + labels[i % 4] + "\n";
    return text;
  };
  auto text_job = [&](const std::string& train, const std::string& test, const std::string& extra = "") {
    return write("dapt.toml", "seed = 5\n[data]\nsource = \"text\"\nformat = \"csv\"\ntrain = \"" +
                                  write("train.csv", train) + "\"\ntest = \"" + write("test.csv", test) +
                                  "\"\n[text]\nmax_length = 12\n[model]\nclass_name = \"Sequential\"\npretrain = \"" +
                                  body + "\"\n" + extra +
                                  "[[model.config.layers]]\nclass_name = \"CausalLM\"\nconfig = {}\n"
                                  "[[model.config.layers]]\nclass_name = \"GlobalAveragePooling1D\"\nconfig = {}\n"
                                  "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 0, activation "
                                  "= \"softmax\" }\n[compile]\noptimizer = { class_name = \"Adam\", config = { "
                                  "learning_rate = 0.01 } }\nloss = \"sparse_categorical_crossentropy\"\n[fit]\n"
                                  "epochs = 6\nbatch_size = 8\nverbose = 0\n[output]\nmodel = \"" +
                                  path("dapt.safetensors") + "\"\n");
  };
  const std::string marker = "zqxjv zqxjv zqxjv ";
  const auto r = run("train " + text_job(csv(""), csv(marker)));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("accuracy"), std::string::npos) << r.out;
  EXPECT_EQ(deepfin::testing::slurp(path("dapt.safetensors")).find("zq"), std::string::npos)
      << "the body's tokenizer learned a word of the test texts";
  ASSERT_EQ(run("train " + text_job(csv(marker), csv(""))).exit_code, 0);
  EXPECT_NE(deepfin::testing::slurp(path("dapt.safetensors")).find("zq"), std::string::npos)
      << "a word of the training texts should be merged (else the check above cannot fail)";
  const auto cv = run("cv " + text_job(csv(""), csv("")) + " --folds 2");
  ASSERT_EQ(cv.exit_code, 0) << cv.err;
  EXPECT_NE(cv.out.find("2/2: accuracy"), std::string::npos) << cv.out;

  const auto both = run("train " + text_job(csv(""), csv(""), "pretrained = \"" + path("lm.safetensors") + "\"\n"));
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("[model] has both pretrain (pretrain a body here) and pretrained (load one)"),
            std::string::npos)
      << both.err;
  write("body.toml", deepfin::testing::slurp(body) + "[data]\nfiles = [\"x.txt\"]\n");
  const auto data = run("train " + text_job(csv(""), csv("")));
  EXPECT_EQ(data.exit_code, 1);
  EXPECT_NE(data.err.find("[data] does not belong in a body's pretrain job"), std::string::npos) << data.err;
}

TEST_F(CliLanguageModel, MaskedPretrainingMakesAnEncoderBody) {
  std::string text = read_job();
  text.replace(text.find("[pretrain]\n"), 11, "[pretrain]\nobjective = \"masked\"\n");
  const auto r = run("pretrain " + write("masked.toml", text));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto g = run("generate " + path("lm.safetensors") + " --prompt hi");
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(g.err.find("bidirectional"), std::string::npos) << g.err;
  EXPECT_EQ(g.out.find("hi"), std::string::npos) << g.out;  // a refused prompt is not echoed
  const auto bad = run("pretrain " + write("bad_objective.toml", text.replace(text.find("masked"), 6, "sorted")));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("[pretrain] objective must be"), std::string::npos) << bad.err;
}

TEST_F(CliLanguageModel, BadJobsModelsAndPromptsAreNamed) {
  auto r = run("pretrain " + job("num_kv_heads = 3\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("[model]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("num_kv_heads"), std::string::npos) << r.err;
  r = run("pretrain " + write("nofiles.toml", "[data]\nfiles = []\n[model]\n[output]\nmodel = \"x\"\n"));
  EXPECT_NE(r.err.find("[data] files must be a non-empty list"), std::string::npos) << r.err;
  r = run("pretrain " + write("empty.toml", "[data]\nfiles = [\"" + write("empty.txt", "\n \n") +
                                                "\"]\n[model]\ncontext_length = 8\nd_model = 8\nnum_layers = 1\n"
                                                "num_heads = 2\nff_dim = 8\n[output]\nmodel = \"" +
                                                path("never.safetensors") + "\"\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hold 0 document(s)"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(path("never.safetensors")));
  // Not a language model, and a prompt longer than the context.
  r = run("generate " + write("junk.safetensors", "not a model") + " --prompt hi");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("junk.safetensors"), std::string::npos) << r.err;
  ASSERT_EQ(run("pretrain " + job()).exit_code, 0);
  r = run("generate " + path("lm.safetensors") + " --prompt \"" + std::string(200, 'q') + "\"");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("context of 16 tokens"), std::string::npos) << r.err;
}

}  // namespace
