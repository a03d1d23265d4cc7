#pragma once
// A minimal zip container for .npz: local file headers, the central directory and
// the end record. zlib does the (raw deflate) compression and the CRC-32; this
// file only lays out and checks the container. ZIP64 archives are rejected.
#include <string>
#include <vector>

#include "io/bytes.h"

namespace deepfin::io::detail {

struct ZipMember {
  std::string name;
  std::string data;  // uncompressed
};

// Reads every member (stored or deflated), checking bounds and CRC-32.
// FileError names `path` (and the member) for any malformed or unsupported archive.
std::vector<ZipMember> read_zip(const std::string& file, const std::string& path);

// Lays out an archive; `compress` deflates each member. ValueError past the
// 4 GiB / 65535-member limits of a non-ZIP64 archive.
std::string write_zip(const std::vector<ZipMember>& members, bool compress);

}  // namespace deepfin::io::detail
