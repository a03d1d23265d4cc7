#pragma once
// How the text readers turn a file's bytes into UTF-8 (private header): the encoding a
// job names ("utf-8", "latin-1" or "auto": UTF-8 if the whole file is valid UTF-8, else
// Latin-1), shared by the labelled-text readers and the reader of texts to score.
#include <string>

namespace deepfin::text::detail {

enum class Encoding { utf8, latin1, automatic };

// ValueError for a name other than auto, utf-8 or latin-1 (and their usual spellings).
Encoding parse_encoding(const std::string& name);

// Whether `bytes` are read as Latin-1: asked for, or "auto" and not valid UTF-8.
bool reads_as_latin1(const std::string& bytes, Encoding requested);

// `bytes` as UTF-8 text, without a byte order mark. FileError "path:line:column: invalid
// UTF-8 (byte 0x..)" when UTF-8 was asked for and the bytes are not.
std::string utf8_text(std::string bytes, Encoding requested, const std::string& path);

}  // namespace deepfin::text::detail
