#pragma once
// What every fuzz target shares. A target hands the bytes to one parser and calls
// it a pass when the parser either accepts them or refuses them with a
// deepfin::Error (the user-facing, one-line error). Anything else is a finding and
// aborts, so libFuzzer records the input: a crash or sanitizer report, a leaked
// third-party exception (the command line would print "internal error"), or an
// error with an empty message.
//
// The same target functions run in two builds: as libFuzzer programs (preset
// `fuzz`, clang) and inside the test suite, which replays every committed corpus
// and regression file through them (tests/unit/fuzz).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace deepfin::fuzz {

// Runs `parse` under the rule above; always returns 0 (libFuzzer's "keep going").
int run_target(const char* target, const std::function<void()>& parse);

// The bytes as text (they may hold any byte, NUL included).
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Writes the bytes to this process's scratch file with the given suffix (".npy")
// and returns its path; the file is reused by the next call with the same suffix.
std::string scratch_file(const uint8_t* data, size_t size, const std::string& suffix);

// Removes this process's scratch files (the replay test calls it when done).
void remove_scratch_files();

// Sets the limits a fuzz run needs (a small DEEPFIN_MAX_WEIGHT_BYTES, so a size
// in an input cannot make a layer take gigabytes); call before the first input.
void set_fuzz_limits();

}  // namespace deepfin::fuzz

// Declares the target function deepfin_fuzz_<name>(data, size).
#define DEEPFIN_FUZZ_TARGET(name) int deepfin_fuzz_##name(const uint8_t* data, size_t size)
