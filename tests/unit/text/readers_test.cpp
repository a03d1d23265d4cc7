// Labelled-text readers on small files (quoting, '@' inside sentences, Latin-1, every error with its
// line) and on the real Banking77 and Financial PhraseBank files when ../shared/data has them.
#include "deepfin/text/readers.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <map>
#include <set>

#include "deepfin/base/error.h"
#include "scratch_dir.h"
#include "testing/paths.h"
#include "text/utf8.h"

namespace deepfin::text {
namespace {

using testing::ScratchDir;

template <class E>
void expect_error(const auto& call, const std::string& needle) {
  try {
    call();
    ADD_FAILURE() << "no error, expected: " << needle;
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(ReadTextCsv, QuotedFieldsAndLineNumbers) {
  ScratchDir dir;
  const std::string path = dir.write("msgs.csv",
                                     "id,text,category\n"
                                     "1,\"I was charged twice, please help\",card_payment_fee_charged\n"
                                     "2,\"He said \"\"hi\"\"\nthen left\",other\n"
                                     "3,NA,other\n");
  const LabelledText data = read_text_csv(path, "text", "category");
  ASSERT_EQ(data.size(), 3);
  EXPECT_EQ(data.texts[0], "I was charged twice, please help");
  EXPECT_EQ(data.texts[1], "He said \"hi\"\nthen left");
  EXPECT_EQ(data.texts[2], "NA");  // a text, not a missing value
  EXPECT_EQ(data.labels, (std::vector<std::string>{"card_payment_fee_charged", "other", "other"}));
  EXPECT_EQ(data.lines, (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(data.source, path);
}

TEST(ReadTextCsv, ErrorsNameTheFileLineAndColumn) {
  ScratchDir dir;
  const std::string path = dir.write("bad.csv", "text,category\nfine,a\n,b\n");
  expect_error<FileError>([&] { read_text_csv(path, "text", "category"); }, ":3");
  expect_error<FileError>([&] { read_text_csv(path, "text", "category"); }, "empty text");
  const std::string no_label = dir.write("nolabel.csv", "text,category\nfine,a\nalso fine,\n");
  expect_error<FileError>([&] { read_text_csv(no_label, "text", "category"); }, "empty label");
  expect_error<NotFoundError>([&] { read_text_csv(path, "text", "label"); }, "label");
  expect_error<FileError>([&] { read_text_csv(dir.sub("absent.csv"), "text", "category"); }, "absent.csv");
}

TEST(ReadPhrasebank, SplitsOnTheLastAtSign) {
  ScratchDir dir;
  const std::string path = dir.write("fpb.txt",
                                     "Write to ir@company.com for details .@neutral\r\n"
                                     "\n"
                                     "Net sales rose 5 % .@positive\n"
                                     "  Profit @ 3 fell  @ negative  \n");
  const LabelledText data = read_phrasebank(path);
  EXPECT_EQ(data.texts, (std::vector<std::string>{"Write to ir@company.com for details .", "Net sales rose 5 % .",
                                                  "Profit @ 3 fell"}));
  EXPECT_EQ(data.labels, (std::vector<std::string>{"neutral", "positive", "negative"}));
  EXPECT_EQ(data.lines, (std::vector<int64_t>{1, 3, 4}));
}

TEST(ReadPhrasebank, Latin1BytesBecomeUtf8) {
  ScratchDir dir;
  const std::string path = dir.write("latin1.txt", "Caf\xE9 sales \xA3 5m .@positive\nPlain line .@neutral\n");
  const std::string expected = "Caf\xC3\xA9 sales \xC2\xA3 5m .";  // é and £ in UTF-8
  EXPECT_EQ(read_phrasebank(path).texts[0], expected);             // auto: not UTF-8, so Latin-1
  EXPECT_EQ(read_phrasebank(path, "latin-1").texts[0], expected);
  expect_error<FileError>([&] { read_phrasebank(path, "utf-8"); }, "latin1.txt:1:4: invalid UTF-8 (byte 0xE9)");
  // A valid UTF-8 file is read as UTF-8 by auto, and byte by byte by latin-1.
  const std::string utf8 = dir.write("utf8.txt", "Caf\xC3\xA9 .@neutral\n");
  EXPECT_EQ(read_phrasebank(utf8).texts[0], "Caf\xC3\xA9 .");
  EXPECT_EQ(read_phrasebank(utf8, "latin-1").texts[0], "Caf\xC3\x83\xC2\xA9 .");
  expect_error<ValueError>([&] { read_phrasebank(utf8, "cp1252"); }, "unknown encoding 'cp1252'");
}

TEST(ReadPhrasebank, EachErrorNamesItsLine) {
  ScratchDir dir;
  const std::string ok = "Fine .@neutral\n";
  expect_error<FileError>([&] { read_phrasebank(dir.write("a.txt", ok + "no separator here\n")); }, "a.txt:2: no '@'");
  expect_error<FileError>([&] { read_phrasebank(dir.write("b.txt", ok + ok + "  @positive\n")); },
                          "b.txt:3: empty sentence");
  expect_error<FileError>([&] { read_phrasebank(dir.write("c.txt", ok + "Shares jumped .@bullish\n")); },
                          "c.txt:2: unknown label 'bullish'");
  expect_error<FileError>([&] { read_phrasebank(dir.write("d.txt", "Fine .@\n")); }, "d.txt:1: unknown label ''");
  expect_error<FileError>([&] { read_phrasebank(dir.sub("missing.txt")); }, "missing.txt");
}

const std::string kShared = deepfin::testing::shared_data_dir();

TEST(RealFiles, Banking77) {
  const std::string train_path = kShared + "/banking77/train.csv", test_path = kShared + "/banking77/test.csv";
  if (!std::filesystem::exists(train_path)) GTEST_SKIP() << "no " << train_path;
  const LabelledText train = read_text_csv(train_path, "text", "category");
  const LabelledText test = read_text_csv(test_path, "text", "category");
  EXPECT_EQ(train.size(), 10003);
  EXPECT_EQ(test.size(), 3080);
  EXPECT_EQ(std::set<std::string>(train.labels.begin(), train.labels.end()).size(), 77u);
  EXPECT_EQ(std::set<std::string>(test.labels.begin(), test.labels.end()).size(), 77u);
  EXPECT_EQ(train.texts[0], "I am still waiting on my card?");
  EXPECT_EQ(train.labels[0], "card_arrival");
  EXPECT_EQ(train.lines[0], 2);
}

TEST(RealFiles, FinancialPhrasebank) {
  const std::string dir = kShared + "/financial_phrasebank/";
  if (!std::filesystem::exists(dir + "Sentences_AllAgree.txt")) GTEST_SKIP() << "no " << dir;
  // Published label counts (neutral / positive / negative).
  const std::map<std::string, std::array<int64_t, 3>> expected = {{"Sentences_AllAgree.txt", {1391, 570, 303}},
                                                                  {"Sentences_50Agree.txt", {2879, 1363, 604}}};
  for (const auto& [file, counts] : expected) {
    const LabelledText data = read_phrasebank(dir + file);
    std::map<std::string, int64_t> by_label;
    for (const std::string& label : data.labels) ++by_label[label];
    EXPECT_EQ(data.size(), counts[0] + counts[1] + counts[2]) << file;
    EXPECT_EQ(by_label["neutral"], counts[0]) << file;
    EXPECT_EQ(by_label["positive"], counts[1]) << file;
    EXPECT_EQ(by_label["negative"], counts[2]) << file;
    for (const std::string& text : data.texts) ASSERT_EQ(detail::first_invalid_utf8(text), -1) << file << ": " << text;
    EXPECT_EQ(data.lines.back(), data.size()) << file;  // no blank lines in the release
  }
  EXPECT_THROW(read_phrasebank(dir + "Sentences_50Agree.txt", "utf-8"), FileError);  // the 50Agree file is Latin-1
}

}  // namespace
}  // namespace deepfin::text
