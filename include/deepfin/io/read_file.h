#pragma once
// A whole file as bytes in a string, for the text formats (CSV, ARFF, PhraseBank,
// job files). One reader, so that every format names the path and the reason the
// same way, and a folder given as a file is an error, not an empty text.
#include <string>

namespace deepfin::io {

// FileError "cannot open PATH: reason" / "cannot read PATH: reason".
std::string read_file(const std::string& path);

}  // namespace deepfin::io
