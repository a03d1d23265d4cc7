// Texts to score from a file: a CSV column (quoted commas and line breaks, each text's
// line), or one text per line of any other file (blank lines skipped, CRLF, Latin-1 by
// "auto"); and every error names the file and, where it applies, the line or the columns.
#include "deepfin/text/texts_to_score.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "scratch_dir.h"
#include "testing/error_message.h"

namespace deepfin::text {
namespace {

using deepfin::testing::error_message;
using testing::ScratchDir;

TEST(TextsToScore, ACsvColumnKeepsEachTextsLine) {
  ScratchDir dir;
  const std::string path = dir.write("msgs.CSV",
                                     "id,text\n"
                                     "1,\"charged twice, please help\"\n"
                                     "2,\"two\nlines\"\n"
                                     "3,NA\n");
  const TextsToScore t = read_texts_to_score(path, "text");
  ASSERT_EQ(t.size(), 3);
  EXPECT_EQ(t.texts[0], "charged twice, please help");
  EXPECT_EQ(t.texts[1], "two\nlines");
  EXPECT_EQ(t.texts[2], "NA");  // a text, not a missing value
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(t.source, path);
}

TEST(TextsToScore, OtherFilesHoldOneTextPerLine) {
  ScratchDir dir;
  const TextsToScore t = read_texts_to_score(dir.write("m.txt", "first, with a comma\r\n\n   \nsecond\n"), "unused");
  EXPECT_EQ(t.texts, (std::vector<std::string>{"first, with a comma", "second"}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{1, 4}));
  // Not valid UTF-8: "auto" reads Latin-1, "utf-8" names the byte and its place.
  const std::string latin1 = dir.write("l.txt", "caf\xe9 card\n");
  EXPECT_EQ(read_texts_to_score(latin1, "text").texts[0], "caf\xc3\xa9 card");
  EXPECT_NE(error_message<FileError>([&] { read_texts_to_score(latin1, "text", "utf-8"); }).find(":1:4: invalid UTF-8"),
            std::string::npos);
}

TEST(TextsToScore, MistakesAreNamed) {
  ScratchDir dir;
  const std::string csv = dir.write("m.csv", "id,message\n1,hello\n");
  EXPECT_NE(error_message<NotFoundError>([&] { read_texts_to_score(csv, "text"); }).find("message"), std::string::npos);
  const std::string empty_cell = dir.write("e.csv", "id,text\n1,hello\n2,\n");
  EXPECT_NE(error_message<FileError>([&] { read_texts_to_score(empty_cell, "text"); }).find("e.csv:3"),
            std::string::npos);
  EXPECT_NE(error_message<FileError>([&] {
              read_texts_to_score(dir.write("h.csv", "id,text\n"), "text");
            }).find("no texts to score (the file has a header and no rows)"),
            std::string::npos);
  EXPECT_NE(error_message<FileError>([&] {
              read_texts_to_score(dir.write("b.txt", "\n  \n"), "text");
            }).find("no texts to score (the file is empty or blank)"),
            std::string::npos);
  EXPECT_NE(
      error_message<ValueError>([&] { read_texts_to_score(csv, "text", "ebcdic"); }).find("unknown encoding 'ebcdic'"),
      std::string::npos);
  EXPECT_NE(error_message<Error>([&] { read_texts_to_score(dir.sub("none.txt"), "text"); }).find("none.txt"),
            std::string::npos);
}

}  // namespace
}  // namespace deepfin::text
