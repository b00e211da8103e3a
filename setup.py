"""Build hook: copy the data directories (kept at the repository root) into the wheel.

templates/, monitors/ and inventory/ stay where the product layout puts them; the wheel
carries them as `netops/_data/...`, found at run time through importlib.resources
(netops/resources.py). Editable installs read them from the checkout instead.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("templates", "monitors", "inventory")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "netops" / "_data"
        for name in DATA_DIRS:
            source = root / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=IGNORE, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
