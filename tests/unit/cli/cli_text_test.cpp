// The text path of the deepfin command on a small synthetic intent data set:
// train, predict --text with the route-to-a-person threshold, cv, and the bad
// inputs of the issue — empty strings, texts longer than the model's length,
// unknown labels in test data, invalid UTF-8, a tokenizer that does not match.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "cli_fixture.h"
#include "deepfin/io/safetensors.h"

namespace {

namespace fs = std::filesystem;

class CliText : public deepfin::testing::CliFixture {
 protected:
  // Three intents, each phrased from its own words plus shared filler.
  std::string intents_csv(int per_intent, unsigned seed) {
    std::mt19937 gen(seed);
    const std::vector<std::pair<std::string, std::vector<std::string>>> intents = {
        {"lost_card", {"lost", "stolen", "missing", "card"}},
        {"balance", {"balance", "money", "account", "much"}},
        {"transfer", {"transfer", "send", "payee", "wire"}}};
    const std::vector<std::string> filler = {"please", "i", "my", "the", "help", "now", "today", "can"};
    std::string csv = "text,category\n";
    for (int i = 0; i < per_intent; ++i)
      for (const auto& [label, words] : intents) {
        std::string t;
        for (int w = 0; w < 6; ++w)
          t += (w ? " " : "") + (gen() % 2 ? words[gen() % words.size()] : filler[gen() % filler.size()]);
        csv += "\"" + t + ", " + words[gen() % words.size()] + "\"," + label + "\n";
      }
    return csv;
  }
  std::string job(const std::string& train, const std::string& test, const std::string& text = "") {
    return "seed = 2\n[data]\nsource = \"text\"\ntrain = \"" + train + "\"\n" +
           (test.empty() ? "" : "test = \"" + test + "\"\n") +
           "text_column = \"text\"\nlabel_column = \"category\"\n[text]\nvocab_size = 200\nmin_frequency = 1\n"
           "max_length = 12\nconfidence_threshold = 0.9\n" +
           text +
           "[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"Embedding\"\nconfig = { input_dim = 0, output_dim = 16, "
           "mask_zero = true }\n"
           "[[model.config.layers]]\nclass_name = \"GlobalAveragePooling1D\"\nconfig = {}\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 0, activation = \"softmax\" }\n"
           "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.02 } }\n"
           "loss = \"sparse_categorical_crossentropy\"\n[fit]\nepochs = 15\nverbose = 0\n[output]\nmodel = \"" +
           path("m.safetensors") + "\"\nreport = \"" + path("report") + "\"\n";
  }
  std::string trained() {
    const deepfin::testing::CliResult r = run("train " + write("job.toml", job(write("train.csv", intents_csv(40, 1)),
                                                                               write("test.csv", intents_csv(10, 2)))));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("macro-F1"), std::string::npos) << r.out;
    return path("m.safetensors");
  }
};

TEST_F(CliText, TrainsReportsAndPredictsRawStrings) {
  const std::string model = trained();
  EXPECT_TRUE(fs::exists(dir_ / "report" / "confusion.png"));
  EXPECT_TRUE(fs::exists(dir_ / "report" / "report.md"));
  deepfin::testing::CliResult p =
      run("predict " + model + " --text \"my card was stolen\" --text \"send a wire to my payee\"");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("lost_card"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("transfer"), std::string::npos) << p.out;
}

TEST_F(CliText, EmptyAndLongTextsHaveADefinedBehaviour) {
  const std::string model = trained();
  // An empty (or blank) message is refused, as training refuses one: there is nothing to classify.
  for (const char* text : {"\"\"", "\"  \""}) {
    deepfin::testing::CliResult empty = run("predict " + model + " --text ok --text " + text);
    EXPECT_EQ(empty.exit_code, 1) << empty.out;
    EXPECT_NE(empty.err.find("text 2 is empty; there is nothing to classify"), std::string::npos) << empty.err;
    EXPECT_EQ(empty.out.find("route to a person"), std::string::npos) << empty.out;
  }
  // Longer than max_length = 12 tokens: cut, with a note.
  deepfin::testing::CliResult long_text = run(
      "predict " + model + " --text \"card card card card card card card card card card card card card card lost\"");
  ASSERT_EQ(long_text.exit_code, 0) << long_text.err;
  EXPECT_NE(long_text.out.find("longer than the model's 12 tokens"), std::string::npos) << long_text.out;
}

TEST_F(CliText, ASingleTextCannotBeSplitAndSaysSo) {
  deepfin::testing::CliResult r =
      run("train " + write("job.toml", job(write("train.csv", "text,category\n\"my card\",lost_card\n"), "")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has 1 row; a split needs at least 2 per class"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("m.safetensors")));
}

TEST_F(CliText, ASinglePhrasebankSentenceCannotBeSplitEither) {
  std::string j = job(write("one.txt", "Profit rose .@positive\n"), "");
  j.replace(j.find("source = \"text\"\n"), 16, "source = \"text\"\nformat = \"phrasebank\"\n");
  deepfin::testing::CliResult r = run("train " + write("job.toml", j));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has 1 row; a split needs at least 2 per class"), std::string::npos) << r.err;
}

TEST_F(CliText, AModelTreeOfTheWrongTypeIsAConfigError) {
  // Once "internal error": the text recipe sizes the model's first and last layers itself.
  std::string j = job(write("train.csv", intents_csv(5, 1)), "");
  j.replace(j.find("[model]"), std::string::npos,
            "[model]\nclass_name = \"Sequential\"\nconfig = \"x\"\n[compile]\nloss = \"mse\"\n");
  deepfin::testing::CliResult r = run("train " + write("job.toml", j));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("[model] has a value of the wrong type"), std::string::npos) << r.err;
}

TEST_F(CliText, UnknownTestLabelIsNamedWithItsLine) {
  std::string test = intents_csv(3, 5);
  test += "\"how do i close my account\",close_account\n";
  deepfin::testing::CliResult r =
      run("train " + write("job.toml", job(write("train.csv", intents_csv(20, 1)), write("test.csv", test))));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("test.csv:11: label 'close_account' does not occur in the training data"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(path("m.safetensors")));
}

TEST_F(CliText, InvalidUtf8IsNamedWithItsLine) {
  std::string train = intents_csv(5, 1);
  train += "\"caf\xe9 card\",lost_card\n";  // Latin-1 byte in a UTF-8 file
  deepfin::testing::CliResult r = run("train " + write("job.toml", job(write("train.csv", train), "")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("train.csv:17"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("UTF-8"), std::string::npos) << r.err;
}

TEST_F(CliText, ATokenizerThatDoesNotMatchTheModelIsRefused) {
  const std::string model = trained();
  // Change one vocabulary entry inside the model file, keeping the stored fingerprint.
  auto file = deepfin::io::load_safetensors(model);
  nlohmann::json attached = nlohmann::json::parse(file.metadata.at("text"));
  auto& vocab = attached["tokenizer"]["vocab"];
  ASSERT_TRUE(vocab.is_array()) << attached["tokenizer"].dump().substr(0, 200);
  vocab[vocab.size() - 1] = "zzz_not_a_token";
  file.metadata["text"] = attached.dump();
  std::vector<std::pair<std::string, deepfin::Tensor>> tensors(file.tensors.begin(), file.tensors.end());
  deepfin::io::save_safetensors(path("tampered.safetensors"), tensors, file.metadata);
  deepfin::testing::CliResult r = run("predict " + path("tampered.safetensors") + " --text \"lost card\"");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not match"), std::string::npos) << r.err;
}

TEST_F(CliText, AnEnsembleTrainsSavesAndPredicts) {
  const std::string train = write("train.csv", intents_csv(40, 1)), test = write("test.csv", intents_csv(10, 2));
  deepfin::testing::CliResult r = run("train " + write("job.toml", job(train, test, "ensemble = 3\n")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ensemble: 3 models"), std::string::npos) << r.out;
  // The two further members travel as attached tensors of the one file.
  const auto file = deepfin::io::load_safetensors(path("m.safetensors"));
  const auto holds = [&](const std::string& name) {
    return std::any_of(file.tensors.begin(), file.tensors.end(), [&](const auto& t) { return t.first == name; });
  };
  EXPECT_TRUE(holds("attached/text/member1/0")) << "member 1's embedding table";
  EXPECT_TRUE(holds("attached/text/member2/2")) << "member 2's dense kernel";
  EXPECT_FALSE(holds("attached/text/member3/0"));
  deepfin::testing::CliResult p = run("predict " + path("m.safetensors") + " --text \"my card was stolen\"");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("lost_card"), std::string::npos) << p.out;

  // A file whose member lost a weight is refused by name, not half-loaded.
  std::vector<std::pair<std::string, deepfin::Tensor>> tensors;
  for (const auto& [name, t] : file.tensors)
    if (name != "attached/text/member2/1") tensors.emplace_back(name, t);
  deepfin::io::save_safetensors(path("cut.safetensors"), tensors, file.metadata);
  deepfin::testing::CliResult cut = run("predict " + path("cut.safetensors") + " --text \"lost card\"");
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_NE(cut.err.find("ensemble member 2 lacks tensor 'attached/text/member2/1'"), std::string::npos) << cut.err;

  deepfin::testing::CliResult bad = run("train " + write("bad.toml", job(train, test, "ensemble = 0\n")));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("[text] ensemble must lie in [1, 64], got 0"), std::string::npos) << bad.err;
  deepfin::testing::CliResult kind =
      run("train " + write("kind.toml", job(train, test, "linear_features = \"nbsvm\"\n")));
  EXPECT_EQ(kind.exit_code, 1);
  EXPECT_NE(kind.err.find("[text] linear_features must be \"tfidf\", \"nb\" or \"choose\", got \"nbsvm\""),
            std::string::npos)
      << kind.err;
  deepfin::testing::CliResult words = run("train " + write("words.toml", job(train, test, "lexicon = \"lm.cat\"\n")));
  EXPECT_EQ(words.exit_code, 1);
  EXPECT_NE(words.err.find("[text] lexicon gives the linear model word-list features, but linear is \"none\""),
            std::string::npos)
      << words.err;
  deepfin::testing::CliResult lone = run("train " + write("lone.toml", job(train, test, "cross_fit = true\n")));
  EXPECT_EQ(lone.exit_code, 1);
  EXPECT_NE(lone.err.find("[text] cross_fit holds out one fold of the training texts per ensemble member, so it "
                          "needs ensemble >= 2 (got 1)"),
            std::string::npos)
      << lone.err;
}

TEST_F(CliText, HashedBigramsWidenTheEmbeddingAndTravelWithTheModel) {
  const std::string train = write("train.csv", intents_csv(40, 1)), test = write("test.csv", intents_csv(10, 2));
  deepfin::testing::CliResult r =
      run("train " + write("job.toml", job(train, test, "ngrams = 2\nngram_buckets = 64\n")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto file = deepfin::io::load_safetensors(path("m.safetensors"));
  const auto table = std::find_if(file.tensors.begin(), file.tensors.end(),
                                  [](const auto& t) { return t.first.find("embedding") != std::string::npos; });
  ASSERT_NE(table, file.tensors.end());
  const nlohmann::json text = nlohmann::json::parse(file.metadata.at("text"));
  EXPECT_EQ(table->second.size(0), static_cast<int64_t>(text["tokenizer"]["vocab"].size()) + 64)
      << "input_dim 0 means the vocabulary plus the n-gram buckets";
  EXPECT_EQ(text["ngrams"]["order"], 2);
  deepfin::testing::CliResult p = run("predict " + path("m.safetensors") + " --text \"send a wire to my payee\"");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("transfer"), std::string::npos) << p.out;

  deepfin::testing::CliResult bad = run("train " + write("bad.toml", job(train, test, "ngrams = 4\n")));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("[text] ngrams must be 1, 2 or 3"), std::string::npos) << bad.err;
}

TEST_F(CliText, ValidationSplitHoldsOutEveryLabelNotTheLastRows) {
  // Sorted by label, as Banking77's train.csv is: Keras's "last rows" rule would
  // validate on one label the model never trained on (val_loss rising above 1).
  std::istringstream lines(intents_csv(30, 4));
  std::string header, line;
  std::getline(lines, header);
  std::vector<std::string> rows;
  while (std::getline(lines, line)) rows.push_back(line);
  std::stable_sort(rows.begin(), rows.end(), [](const std::string& a, const std::string& b) {
    return a.substr(a.rfind(',')) < b.substr(b.rfind(','));
  });
  std::string sorted = header + "\n";
  for (const auto& r : rows) sorted += r + "\n";
  std::string text_job = job(write("train.csv", sorted), write("test.csv", intents_csv(10, 2)));
  text_job.replace(text_job.find("verbose = 0"), 11, "verbose = 2\nvalidation_split = 0.25\nearly_stopping = false");
  deepfin::testing::CliResult r = run("train " + write("job.toml", text_job));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t last = r.out.rfind("val_loss: ");
  ASSERT_NE(last, std::string::npos) << r.out;
  EXPECT_LT(std::stod(r.out.substr(last + 10)), 0.5) << r.out;
}

TEST_F(CliText, CrossValidationOfATextJob) {
  const std::string train = write("train.csv", intents_csv(10, 3));
  deepfin::testing::CliResult r = run("cv " + write("job.toml", job(train, "")) + " --folds 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fold  3/3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("macro-F1"), std::string::npos) << r.out;
}

// The label of predict --text's output for one text: the first word of its line,
// "lost_card (0.97) ...", past the run's header line if there is one.
std::string label_of_text_line(const std::string& out) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.starts_with("deepfin ")) return line.substr(0, line.find(' '));
  return "(no prediction line)";
}

TEST_F(CliText, PredictLabelsEveryTextOfACsvOrTxtFileAsTextDoes) {
  const std::string model = trained();
  const std::string csv = write("new.csv", "id,message\n7,\"my card was stolen, help\"\n8,send a wire to my payee\n");
  const deepfin::testing::CliResult p = run("predict " + model + " " + csv + " --column message");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  ASSERT_EQ(p.out.rfind("line,label,confidence,to_person,reply\n2,", 0), 0u) << p.out;  // a clean CSV on stdout
  // Each row's label is the one --text gives the same message.
  for (const auto& [line, text] :
       {std::pair{"2,", "\"my card was stolen, help\""}, {"3,", "\"send a wire to my payee\""}}) {
    const deepfin::testing::CliResult one = run("predict " + model + " --text " + text);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    const std::string label = label_of_text_line(one.out);
    EXPECT_NE(p.out.find(std::string("\n") + line + label + ","), std::string::npos) << p.out << one.out;
  }
  // A .txt of one message per line, written to a file.
  const std::string txt = write("new.txt", "my card was stolen, help\n\nsend a wire to my payee\n");
  const deepfin::testing::CliResult f = run("predict " + model + " " + txt + " -o " + path("labels.csv"));
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_NE(f.out.find("wrote 2 predictions to"), std::string::npos) << f.out;
  const std::string written = deepfin::testing::slurp(path("labels.csv"));
  EXPECT_EQ(written.substr(written.find('\n') + 1, 2), "1,") << written;
  EXPECT_NE(written.find("\n3,"), std::string::npos) << written;  // the blank line 2 is skipped, line 3 kept
  // Mistakes: the column the file lacks, named with those it has; nothing is written.
  const deepfin::testing::CliResult missing = run("predict " + model + " " + csv + " -o " + path("none.csv"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("message"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir_ / "none.csv"));
  const deepfin::testing::CliResult log = run("predict " + model + " " + txt + " --decision-log " + path("d.log") +
                                              " --log-key-file " + txt + " --id-column id");
  EXPECT_EQ(log.exit_code, 1);
  EXPECT_NE(log.err.find("--decision-log records credit decisions"), std::string::npos) << log.err;
}

}  // namespace
