#pragma once
// Where the tests find their files. The paths are absolute and live in one
// generated source file (tests/testing/paths.cpp.in), not in compile definitions,
// so every other test object is the same in any checkout and ccache can share it.
#include <string>

namespace deepfin::testing {

std::string test_data_dir();    // tests/ of this checkout
std::string shared_data_dir();  // ../shared/data beside it (tests that need it skip when absent)
std::string cli_path();         // the deepfin binary this build made

}  // namespace deepfin::testing
