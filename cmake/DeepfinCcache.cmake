# ccache as the compiler launcher when it is installed (scripts/setup.sh installs it).
# CCACHE_BASEDIR makes the cached objects independent of where the tree lives, so a
# clean clone in another folder reuses what the working tree compiled; NOHASHDIR does
# the same for the -g builds (asan). With ccache the precompiled headers are off
# (DeepfinPch.cmake says why); the sloppiness still lets a build that turns them
# on (-DDEEPFIN_PCH=ON) use the cache in its own folder.
option(DEEPFIN_CCACHE "Use ccache as the compiler launcher when it is installed" ON)
find_program(DEEPFIN_CCACHE_PROGRAM ccache)
if(DEEPFIN_CCACHE AND DEEPFIN_CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${DEEPFIN_CCACHE_PROGRAM})
  message(STATUS "deepfin: compiling through ${DEEPFIN_CCACHE_PROGRAM} (DEEPFIN_CCACHE=OFF to stop)")
endif()
