#pragma once
// Parsing of the .npy header: the magic, the version, and the Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
#include <string>

#include "deepfin/core/shape.h"
#include "io/bytes.h"

namespace deepfin::io::detail {

struct NpyHeader {
  std::string descr;      // e.g. "<f4"
  char byte_order = '<';  // '<', '>' or '|' (not applicable)
  char kind = 'f';        // 'f' float, 'i' signed, 'u' unsigned, 'b' bool
  size_t item_size = 4;
  bool fortran_order = false;
  Shape shape;
  size_t data_offset = 0;  // where the array data begins
};

// Reads the preamble and header; FileError naming `where` and the problem.
NpyHeader parse_npy_header(const unsigned char* data, size_t size, const std::string& where);

}  // namespace deepfin::io::detail
