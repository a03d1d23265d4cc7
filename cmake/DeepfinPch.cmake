# Precompiled headers for the heavy third-party headers most files include.
# They cut a clean build (and so CI) roughly in half on a 2-core machine.
option(DEEPFIN_PCH "Precompile heavy third-party headers" ON)

function(deepfin_precompile target)
  if(NOT DEEPFIN_PCH)
    return()
  endif()
  target_precompile_headers(${target} PRIVATE <algorithm> <cstdint> <functional> <map> <memory> <optional>
                            <string> <vector> <nlohmann/json.hpp> <fmt/format.h> ${ARGN})
endfunction()
