# Third-party libraries, all from Debian bookworm packages (scripts/setup.sh).
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(ZLIB REQUIRED)
# OpenSSL's CSPRNG (RAND_bytes) draws the noise of differentially private training.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
# PLplot draws the report figures (PNG through its cairo driver, SVG natively).
pkg_check_modules(PLPLOT REQUIRED IMPORTED_TARGET plplot-c++)
# utf8proc: Unicode normalization (NFC) and case folding for the text pipeline.
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
# FFTW composes the privacy-loss distributions of the PRV accountant.
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)
# NLopt: maximum likelihood of the GARCH(1,1) volatility baseline (bounded BOBYQA).
pkg_check_modules(NLOPT REQUIRED IMPORTED_TARGET nlopt)
# Boost.Math (headers only): the t, chi-squared, normal and binomial distributions
# of the significance tests and VaR backtests.
find_package(Boost 1.74 REQUIRED)
# cpp-httplib: the scoring server's HTTP (Debian builds it as a shared library
# with OpenSSL, so TLS is there). Chosen over Boost.Beast: see docs/serving.md.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Open MPI: data-parallel training over many processes (mpirun -np N deepfin train).
# Only its C API is used (from C++, without the deprecated C++ bindings), and only
# by src/train/mpi_communicator.cpp.
set(MPI_CXX_SKIP_MPICXX ON)
find_package(MPI REQUIRED COMPONENTS CXX)
# oneDNN: Debian's CMake config insists on OpenCL, which deepfin does not use,
# so the library is found directly.
find_library(DNNL_LIB dnnl REQUIRED)
# LIBLINEAR: the text task's linear model on TF-IDF features (no pkg-config file).
find_library(LIBLINEAR_LIB linear REQUIRED)
find_path(LIBLINEAR_INCLUDE_DIR linear.h REQUIRED)
find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.h REQUIRED)

# OpenBLAS and BLIS: the OpenMP builds, so they share deepfin's thread pool.
# Both export the CBLAS symbols; deepfin calls OpenBLAS through CBLAS (linked
# first, so it wins) and BLIS only through its native bli_* API.
set(DEEPFIN_MULTIARCH_LIB /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
set(DEEPFIN_MULTIARCH_INC /usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
find_library(OPENBLAS_LIB openblas PATHS ${DEEPFIN_MULTIARCH_LIB}/openblas-openmp NO_DEFAULT_PATH REQUIRED)
find_library(BLIS_LIB blis PATHS ${DEEPFIN_MULTIARCH_LIB}/blis-openmp NO_DEFAULT_PATH REQUIRED)
set(OPENBLAS_INCLUDE_DIR ${DEEPFIN_MULTIARCH_INC}/openblas-openmp)
set(BLIS_INCLUDE_DIR ${DEEPFIN_MULTIARCH_INC}/blis-openmp)

find_package(GTest)
find_package(benchmark)
