#pragma once
// CSV files into a Table of raw text cells (RFC 4180 plus what real files do):
// the first non-empty line is the header; quoted fields may hold the delimiter,
// doubled quotes and line breaks; CRLF or LF; a UTF-8 byte order mark and blank
// lines are skipped. Every row keeps the line it starts on. Malformed input is a
// FileError "source:line:column: what".
#include <string>
#include <string_view>
#include <vector>

#include "deepfin/data/tabular/table.h"

namespace deepfin::data {

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  // An UNQUOTED field equal to one of these (after trimming) is missing; quoted fields are always text.
  std::vector<std::string> missing_values = {"", "NA"};
  bool trim_whitespace = true;     // trim spaces/tabs around unquoted fields (and around quoted ones)
  std::string encoding = "utf-8";  // "utf-8" (validated) or "latin-1" (converted to UTF-8)
};

// Reads the file at `path`; Table::source is the path. FileError if it cannot be read or is malformed;
// ValueError for contradictory options (e.g. the delimiter equal to the quote).
Table read_csv(const std::string& path, const CsvOptions& options = {});
// Parses CSV text already in memory; `source_name` stands in for the path in messages.
Table parse_csv(std::string_view text, const std::string& source_name, const CsvOptions& options = {});

}  // namespace deepfin::data
