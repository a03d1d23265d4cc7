# deepfin as a product for C++ programs elsewhere: `cmake --install` puts the
# headers, the libraries, the `deepfin` command, a CMake package
# (find_package(deepfin) + deepfin::deepfin) and a pkg-config file under the
# prefix; `cpack` makes the Debian packages deepfin (the command) and
# deepfin-dev (headers, libraries, CMake and pkg-config files).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS ${DEEPFIN_LIBRARIES} deepfin EXPORT deepfinTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(TARGETS deepfin_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/deepfin DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)

set(DEEPFIN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/deepfin)
install(EXPORT deepfinTargets NAMESPACE deepfin:: DESTINATION ${DEEPFIN_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/deepfinConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/deepfinConfig.cmake INSTALL_DESTINATION ${DEEPFIN_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/deepfinConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/deepfinConfig.cmake ${PROJECT_BINARY_DIR}/deepfinConfigVersion.cmake
        DESTINATION ${DEEPFIN_CMAKE_DIR} COMPONENT dev)

# pkg-config: the floors in link order, then what they link (static libraries
# carry no record of their dependencies).
set(DEEPFIN_PC_LIBS "")
foreach(lib ${DEEPFIN_LIBRARIES})
  string(REGEX REPLACE "^lib" "" lib ${lib})
  string(APPEND DEEPFIN_PC_LIBS " -l${lib}")
endforeach()
string(APPEND DEEPFIN_PC_LIBS " ${OPENBLAS_LIB} ${BLIS_LIB} ${DNNL_LIB} ${LIBLINEAR_LIB}")
# The prefix relative to the .pc file, so that an install anywhere (--prefix) finds itself.
file(RELATIVE_PATH DEEPFIN_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
configure_file(${CMAKE_CURRENT_LIST_DIR}/deepfin.pc.in ${PROJECT_BINARY_DIR}/deepfin.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/deepfin.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

set(CPACK_PACKAGE_NAME deepfin)
set(CPACK_PACKAGE_VENDOR "deepfin")
set(CPACK_PACKAGE_CONTACT "deepfin developers <deepfin@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Deep learning for financial technology: Keras-like C++ API, fast CPU kernels")
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME deepfin)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION science)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)  # the command's shared libraries, from dpkg-shlibdeps
set(CPACK_DEBIAN_DEV_PACKAGE_NAME deepfin-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# What a program built against the installed headers and static libraries needs.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libopenblas-openmp-dev, libblis-openmp-dev, libdnnl-dev, libfmt-dev, nlohmann-json3-dev, libtomlplusplus-dev, \
libplplot-dev, libutf8proc-dev, zlib1g-dev, libssl-dev, libfftw3-dev, libnlopt-dev, libboost-dev, liblinear-dev, libcpp-httplib-dev, libopenmpi-dev, \
pkgconf | pkg-config")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
