#pragma once
// The message of the deepfin::Error a call throws, for tests that check what an
// error says: "(no error)" when it throws none (any other exception propagates).
// error_message<FileError>(...) also checks the type: another Error propagates.
#include <string>

#include "deepfin/base/error.h"

namespace deepfin::testing {

template <class E = Error, class Fn>
std::string error_message(Fn&& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace deepfin::testing
