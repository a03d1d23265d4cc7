#pragma once
// Runs `call`, expects a deepfin::ValueError whose message contains every fragment.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "deepfin/base/error.h"

namespace deepfin::testing {

template <typename Call>
void expect_value_error(Call&& call, const std::vector<std::string>& fragments) {
  try {
    call();
    ADD_FAILURE() << "expected ValueError containing '" << fragments.front() << "'";
  } catch (const ValueError& e) {
    const std::string message = e.what();
    for (const std::string& fragment : fragments)
      EXPECT_NE(message.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << message;
  }
}

}  // namespace deepfin::testing
