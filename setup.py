"""The build step of `pip install --no-build-isolation .`: the extension comes from the
project's CMake build (release configuration, in build/pip), not from setuptools."""

import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.path.join(ROOT, "build", "pip")
        configure = ["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                     "-DDEEPFIN_BUILD_TESTS=OFF", "-DDEEPFIN_BUILD_BENCH=OFF", "-DDEEPFIN_BUILD_EXAMPLES=OFF",
                     f"-DPython3_EXECUTABLE={sys.executable}"]
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", build_dir, "--target", "deepfin_python"], check=True)
        built = glob.glob(os.path.join(build_dir, "python", "deepfin", "_deepfin*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _deepfin module in {build_dir}/python/deepfin, found {built}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)


setup(ext_modules=[Extension("deepfin._deepfin", sources=[])], cmdclass={"build_ext": CMakeBuild})
