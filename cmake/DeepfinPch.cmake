# Precompiled headers for the heavy third-party headers most files include.
# A precompiled header is only usable with the flags it was built with, so there
# is one per flag set, built once and reused by every target of that set:
#   deepfin_base      -> every library floor and the command line (-O3 in release)
#   deepfin_testing   -> every test program  (-O1, plus GoogleTest)
# Building one per target instead cost about 25 s of CPU per test program.
# Not with ccache: ccache keys every object compiled against a precompiled header
# on the .gch file's bytes, which hold the tree's absolute paths, so a clean clone
# in another folder would miss the cache for every file. There ccache does the job.
if(CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
  set(deepfin_pch_default OFF)
else()
  set(deepfin_pch_default ON)
endif()
option(DEEPFIN_PCH "Precompile heavy third-party headers" ${deepfin_pch_default})

# deepfin_precompile(target [headers...]) gives target its own precompiled header;
# deepfin_precompile(target REUSE_FROM owner) makes it use owner's.
function(deepfin_precompile target)
  if(NOT DEEPFIN_PCH)
    return()
  endif()
  cmake_parse_arguments(P "" "REUSE_FROM" "" ${ARGN})
  if(P_REUSE_FROM)
    target_precompile_headers(${target} REUSE_FROM ${P_REUSE_FROM})
    return()
  endif()
  target_precompile_headers(${target} PRIVATE <algorithm> <cstdint> <functional> <map> <memory> <optional>
                            <string> <vector> <nlohmann/json.hpp> <fmt/format.h> ${P_UNPARSED_ARGUMENTS})
endfunction()
