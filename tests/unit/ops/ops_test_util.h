#pragma once
// Shared by the op tests (one definition, so they can share a unity build).
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace deepfin::testing {

// Runs f, expects exception E, and checks the message names every part.
template <class E, class F>
void expect_error(F&& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected an exception";
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  }
}

}  // namespace deepfin::testing
