# Compiler flags shared by every deepfin target: warnings are errors, and the
# release build is tuned for the build machine unless DEEPFIN_PORTABLE is set.
add_library(deepfin_flags INTERFACE)
target_compile_options(deepfin_flags INTERFACE -Wall -Wextra -Werror -Wno-error=deprecated-declarations)

if(CMAKE_BUILD_TYPE STREQUAL "Release")
  if(DEEPFIN_PORTABLE)
    target_compile_options(deepfin_flags INTERFACE -O3 -march=x86-64-v2)
  else()
    target_compile_options(deepfin_flags INTERFACE -O3 -march=native)
  endif()
endif()

if(DEEPFIN_SANITIZE)
  target_compile_options(deepfin_flags INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
                                                 -fno-omit-frame-pointer)
  target_link_options(deepfin_flags INTERFACE -fsanitize=address,undefined)
endif()
