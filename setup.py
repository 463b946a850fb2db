"""Builds newscrawl's one optional compiled module; everything else is in pyproject.toml.

``newscrawl/extraction/_speedups.pyx`` holds the compiled twin of the body walk
(``newscrawl/extraction/walk.py``), the one pass that visits every element of a page.
It reads lxml's tree through lxml's public C API, so it is compiled against the lxml it
will run with (pip puts Cython and lxml in the build environment: ``[build-system]``)
and records that lxml's version; ``newscrawl/extraction/_compiled.py`` loads it only
with that lxml. Without a C compiler, or without Cython (``scrapyd-deploy`` runs this
file to build an egg), it is left out and newscrawl runs the pure-Python walk, which
gives the same results more slowly. The ``.pyx`` goes into the sdist (``MANIFEST.in``),
so that an install from the sdist compiles it too.
"""

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that leaves out a module it cannot compile (no C compiler, no Python
    headers) with a warning, instead of failing the install."""

    def build_extensions(self) -> None:
        self._failed: list[Extension] = []
        super().build_extensions()
        # gone from the list, so an editable install does not look for their files
        self.extensions = [ext for ext in self.extensions if ext not in self._failed]

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # the compiler's failure, whatever class it comes as
            self.warn(f"{ext.name} not built ({exc}); newscrawl runs its pure-Python passes")
            self._failed.append(ext)


def _extensions() -> list[Extension]:
    if any("egg" in arg for arg in sys.argv[1:]):
        return []  # scrapyd-deploy's egg is a zip file: a C module inside it does not import
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:  # run without the build requirements (scrapyd-deploy does)
        return []
    return cythonize(
        [Extension("newscrawl.extraction._speedups", ["newscrawl/extraction/_speedups.pyx"],
                   include_dirs=lxml.get_include())],
        language_level=3, quiet=True)


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
