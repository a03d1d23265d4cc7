#pragma once
// The deepfin::Error hierarchy. Every message names what went wrong, where, and
// (for shapes and indices) the offending values, so a user can act on it.
#include <stdexcept>
#include <string>

namespace deepfin {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// Incompatible shapes: the message names the op and both shapes.
class ShapeError : public Error {
 public:
  using Error::Error;
};

// An index or axis outside its bounds: the message names the axis and the bounds.
class IndexError : public Error {
 public:
  using Error::Error;
};

// A tensor of the wrong element type for an op (e.g. int64 where float is needed).
class DTypeError : public Error {
 public:
  using Error::Error;
};

// A bad argument value: a negative size, NaN where a number is required, ...
class ValueError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read or written, or whose contents are malformed.
// error_code() is the errno of a failed open or read (ENOENT, EACCES, ...), 0 when the
// contents were at fault; the Python module raises FileNotFoundError etc. from it.
class FileError : public Error {
 public:
  explicit FileError(const std::string& what, int error_code = 0) : Error(what), error_code_(error_code) {}
  int error_code() const { return error_code_; }

 private:
  int error_code_ = 0;
};

// A bad configuration: unknown layer / loss / optimizer name, bad job file.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A missing resource, e.g. a Debian data package that is not installed.
class NotFoundError : public Error {
 public:
  using Error::Error;
};

}  // namespace deepfin
