#pragma once
// Labelled texts from files: a CSV with a text and a label column (Banking77:
// text,category) and the Financial PhraseBank's `sentence@label` lines. Every text
// keeps the line of the file it came from, so later stages can name it in errors.
#include <cstdint>
#include <string>
#include <vector>

namespace deepfin::text {

struct LabelledText {
  std::vector<std::string> texts;   // UTF-8
  std::vector<std::string> labels;  // one per text
  std::vector<int64_t> lines;       // 1-based line of each text in `source`
  std::string source;               // the file path

  int64_t size() const { return static_cast<int64_t>(texts.size()); }
};

// The two named columns of a CSV file (data/tabular/csv.h rules: quoted fields may hold commas,
// quotes and line breaks). `encoding`: "utf-8", "latin-1" or "auto" (UTF-8 if the whole file is
// valid UTF-8, else Latin-1). Nothing is read as missing: an empty text or label is a FileError
// naming "path:line", as is a file without rows; a missing column is a NotFoundError naming the
// columns there are.
LabelledText read_text_csv(const std::string& path, const std::string& text_column, const std::string& label_column,
                           const std::string& encoding = "utf-8");

// The Financial PhraseBank format: one `sentence@label` per line, split on the LAST '@' (a sentence may
// hold '@'), label positive, negative or neutral; blank lines are skipped, spaces around both parts
// trimmed. `encoding`: "utf-8", "latin-1" (ISO-8859-1, converted to UTF-8), or "auto" = UTF-8 if the
// whole file is valid UTF-8, else Latin-1 (the 50/66/75Agree files are Latin-1). FileError "path:line:
// what" for a line without '@', an empty sentence, an unknown label, or invalid UTF-8 (with
// encoding "utf-8"); ValueError for an unknown encoding.
LabelledText read_phrasebank(const std::string& path, std::string encoding = "auto");

}  // namespace deepfin::text
