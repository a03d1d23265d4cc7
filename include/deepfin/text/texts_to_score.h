#pragma once
// Texts to score, without labels, from a file: one column of a CSV file (Banking77's
// test.csv and its `text` column), or one message per line of any other file. Each text
// keeps its 1-based line, so that a prediction can be matched back to its row.
#include <cstdint>
#include <string>
#include <vector>

namespace deepfin::text {

struct TextsToScore {
  std::vector<std::string> texts;  // UTF-8
  std::vector<int64_t> lines;      // 1-based line of each text in `source`
  std::string source;              // the file path

  int64_t size() const { return static_cast<int64_t>(texts.size()); }
};

// A path ending in ".csv": the column `text_column`, read as read_text_csv reads it (quoted
// fields may hold commas and line breaks; NotFoundError naming the columns there are; an
// empty cell is a FileError naming "path:line"). Any other path: every line that is not
// blank, as it stands but for a trailing '\r'. `encoding`: "auto" (UTF-8 if the whole file
// is valid UTF-8, else Latin-1), "utf-8" or "latin-1". FileError for a file without texts.
TextsToScore read_texts_to_score(const std::string& path, const std::string& text_column,
                                 const std::string& encoding = "auto");

}  // namespace deepfin::text
