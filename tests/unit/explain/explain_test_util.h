#pragma once
// Shared by the explain tests (one definition, so they can share a unity build).
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace deepfin::testing {

// Runs `call`, expects an exception of type E whose message contains every key.
template <class E, class F>
void expect_error(F call, std::initializer_list<const char*> keys) {
  try {
    call();
    FAIL() << "expected an exception";
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const char* key : keys) EXPECT_NE(msg.find(key), std::string::npos) << "'" << key << "' not in: " << msg;
  }
}

}  // namespace deepfin::testing
