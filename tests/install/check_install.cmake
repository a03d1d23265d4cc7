# The library as a product, checked end to end (run by ctest as
# `cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -P check_install.cmake`):
#   1. `cmake --install` of the build tree into a fresh prefix;
#   2. examples/consumer configured with find_package(deepfin), built, and run;
#   3. the same program built with only `pkg-config --cflags --libs deepfin`, and run;
#   4. `cpack` makes the deepfin and deepfin-dev Debian packages, with the command,
#      the headers, the CMake package and the pkg-config file in them.
cmake_minimum_required(VERSION 3.25)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

run("configuring the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/consumer -B ${WORK_DIR}/consumer
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run("building the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run("running the consumer (CMake package)" ${WORK_DIR}/consumer/consumer)
if(NOT last_output MATCHES "consumer: ok")
  message(FATAL_ERROR "the CMake-built consumer did not report ok:\n${last_output}")
endif()

file(GLOB pc_file ${prefix}/lib*/pkgconfig/deepfin.pc ${prefix}/lib/*/pkgconfig/deepfin.pc)
get_filename_component(pc_dir "${pc_file}" DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run("pkg-config" pkg-config --cflags --libs deepfin)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run("building the consumer with pkg-config" c++ -std=c++20 -O1 ${SOURCE_DIR}/examples/consumer/main.cpp ${flags} -o
    ${WORK_DIR}/consumer_pc)
run("running the consumer (pkg-config)" ${WORK_DIR}/consumer_pc)
if(NOT last_output MATCHES "consumer: ok")
  message(FATAL_ERROR "the pkg-config-built consumer did not report ok:\n${last_output}")
endif()

run("cpack" cpack -G DEB -B ${WORK_DIR}/packages --config ${BUILD_DIR}/CPackConfig.cmake)
file(GLOB runtime_deb ${WORK_DIR}/packages/deepfin_*.deb)
file(GLOB dev_deb ${WORK_DIR}/packages/deepfin-dev_*.deb)
if(NOT runtime_deb OR NOT dev_deb)
  message(FATAL_ERROR "cpack did not make deepfin_*.deb and deepfin-dev_*.deb")
endif()
run("listing deepfin.deb" dpkg-deb -c ${runtime_deb})
if(NOT last_output MATCHES "/usr/bin/deepfin\n")
  message(FATAL_ERROR "deepfin.deb has no /usr/bin/deepfin:\n${last_output}")
endif()
run("listing deepfin-dev.deb" dpkg-deb -c ${dev_deb})
foreach(needed "include/deepfin/deepfin.h" "cmake/deepfin/deepfinConfig.cmake" "pkgconfig/deepfin.pc"
               "libdeepfin_core.a")
  string(FIND "${last_output}" "${needed}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "deepfin-dev.deb lacks ${needed}")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
message(STATUS "install, find_package, pkg-config and the Debian packages: ok")
