#pragma once
// The message of the deepfin::Error a call throws, for tests that check what an
// error says: "(no error)" when it throws none (any other exception propagates).
#include <string>

#include "deepfin/base/error.h"

namespace deepfin::testing {

template <class Fn>
std::string error_message(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace deepfin::testing
