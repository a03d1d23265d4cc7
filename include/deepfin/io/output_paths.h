#pragma once
// The files a job will write are checked before it trains: the nearest existing
// folder of each must be a folder in which a file can be created. A path under a
// file or a read-only folder is an error in the first second, not after an hour of
// training whose result then has nowhere to go. Folders are made when writing.
#include <string>

namespace deepfin::io {

// FileError naming `what` ("[output] model") and the reason when `path` cannot be written.
void prepare_output_file(const std::string& path, const std::string& what);
void prepare_output_dir(const std::string& dir, const std::string& what);
// Makes the folder (and its parents) when the job gets to writing; FileError as above.
void create_output_dir(const std::string& dir, const std::string& what);
// Makes the folder `file` goes into (nothing for a bare file name).
void create_parent_dir(const std::string& file);
// Writes `text` to `path` atomically, making its folder first.
void write_output_file(const std::string& path, const std::string& text);

}  // namespace deepfin::io
