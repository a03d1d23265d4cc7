#pragma once
// Minimal Markdown building blocks for reports.
#include <string>
#include <vector>

namespace deepfin::report::detail {

// Text made safe for one table cell: '|' escaped, line breaks as spaces.
std::string md_cell(const std::string& text);

// A pipe table; every row must have as many cells as the header (cells are escaped here).
std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// A fenced code block that no line of `text` can close early.
std::string md_code_block(const std::string& text);

}  // namespace deepfin::report::detail
