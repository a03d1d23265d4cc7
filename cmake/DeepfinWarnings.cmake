# Compiler flags shared by every deepfin target: warnings are errors, and the
# release build is tuned for the build machine unless DEEPFIN_PORTABLE is set.
add_library(deepfin_flags INTERFACE)
# -fno-math-errno: no code reads errno after math calls, and without it GCC will not
# vectorize loops that call sqrt (the Adam and RMSprop updates).
target_compile_options(deepfin_flags INTERFACE -Wall -Wextra -Werror -Wno-error=deprecated-declarations -fno-math-errno)

# GCC 12 reports false -Warray-bounds / -Wstringop-overflow in libstdc++'s
# std::string code at -O2 and above (GCC bug 105651); keep them visible, not fatal.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(deepfin_flags INTERFACE -Wno-error=array-bounds -Wno-error=stringop-overflow
                                                 -Wno-error=restrict)
endif()

# Targets with the DEEPFIN_FAST_COMPILE property (test programs: the kernels they
# call keep -O3) are compiled at -O1, which builds much faster.
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  set(deepfin_opt "$<IF:$<BOOL:$<TARGET_PROPERTY:DEEPFIN_FAST_COMPILE>>,-O1,-O3>")
  if(DEEPFIN_PORTABLE)
    target_compile_options(deepfin_flags INTERFACE ${deepfin_opt} -march=x86-64-v2)
  else()
    target_compile_options(deepfin_flags INTERFACE ${deepfin_opt} -march=native)
  endif()
endif()

if(DEEPFIN_SANITIZE)
  target_compile_options(deepfin_flags INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
                                                 -fno-omit-frame-pointer)
  target_link_options(deepfin_flags INTERFACE -fsanitize=address,undefined)
endif()

# Fuzzing: libFuzzer's coverage instrumentation on every deepfin object (the fuzz
# programs link the fuzzer itself); the fuzz preset turns the sanitizers on too.
if(DEEPFIN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DEEPFIN_FUZZ needs clang (libFuzzer); use the fuzz preset")
  endif()
  target_compile_options(deepfin_flags INTERFACE -fsanitize=fuzzer-no-link)
  # libFuzzer's convention: checks a mutation cannot pass (checksums) become
  # non-fatal, so mutated model files still reach the code behind them.
  target_compile_definitions(deepfin_flags INTERFACE FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
endif()

# clang reads GCC's loop pragmas (ivdep) as unknown, and at -O1 under the
# sanitizers cannot honour `omp simd`: notes about speed, not defects, in the
# sanitizer builds that compile with clang.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(deepfin_flags INTERFACE -Wno-unknown-pragmas -Wno-pass-failed)
endif()
