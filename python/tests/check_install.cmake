# `cmake --install` puts the Python package where Python finds it: the python
# component installed into a fresh prefix imports from there and trains a model
# (run by ctest as `cmake -DBUILD_DIR=... -DWORK_DIR=... -DPYTHON=... -P check_install.cmake`).
# python -P keeps the working directory (the build tree, which has a deepfin folder) off sys.path.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR} --component python
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install --component python failed: ${err}")
endif()
file(GLOB site ${WORK_DIR}/lib/python3*/dist-packages ${WORK_DIR}/lib/python3/dist-packages)
if(NOT site)
  message(FATAL_ERROR "no dist-packages folder under ${WORK_DIR}/lib")
endif()
set(ENV{PYTHONPATH} ${site})
execute_process(
  COMMAND ${PYTHON} -P -c "import deepfin, numpy as np, os, sys
assert deepfin.__file__.startswith(sys.argv[1]), deepfin.__file__
m = deepfin.Sequential([deepfin.layers.Dense(2, activation='softmax', input_shape=(3,))])
m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
m.fit(np.ones((8, 3), np.float32), np.zeros(8, np.int64), epochs=1, verbose=0)
assert os.path.exists(os.path.join(os.path.dirname(deepfin.__file__), 'layers.pyi'))
print('installed package: ok')" ${site}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "installed package: ok")
  message(FATAL_ERROR "the installed package did not import and train (${rc}):\n${out}\n${err}")
endif()
