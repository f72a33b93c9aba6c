"""The package as installed: pipelines/ and migrations/ are newscrawl.pipelines and newscrawl.migrations, every
package folder is in the wheel, and a wheel installed into a fresh virtualenv migrates, crawls and reparses
from another folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    found = set()
    for package, folder in config["package-dir"].items():
        for init in (REPO / folder).rglob("__init__.py"):
            if "__pycache__" not in init.parts:
                found.add(".".join([package, *init.parent.relative_to(REPO / folder).parts]))
    assert found == set(config["packages"])  # a new folder under newscrawl/ needs its line in [tool.setuptools]


def test_pipelines_and_migrations_import_only_under_newscrawl(tmp_path):
    code = (
        "import importlib.util as u, newscrawl.pipelines.store, newscrawl.migrations, newscrawl.migrate; "
        "print(u.find_spec('pipelines'), u.find_spec('migrations'), newscrawl.migrate.head_revision() is not None)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "None", "True"]


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv holding newscrawl from a wheel (not editable); its dependencies come from this environment."""
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        pytest.skip("pip is not available to build and install a wheel")
    root = tmp_path_factory.mktemp("install")
    source = root / "source"  # a copy: a build in the checkout would leave build/ behind
    for name in ("newscrawl", "pipelines", "migrations"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(root / "dist"), str(source)], capture_output=True, text=True, timeout=600
    )
    if build.returncode:
        pytest.fail(f"pip wheel failed:\n{build.stderr[-3000:]}")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    purelib = subprocess.run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True
    )
    # The dependencies: this environment's site-packages, after the new one's (its .pth files are not run, so no editable newscrawl).
    Path(purelib.stdout.strip(), "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next((root / "dist").glob("newscrawl-*.whl"))
    install = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", str(wheel)], capture_output=True, text=True, timeout=300
    )
    if install.returncode:
        pytest.fail(f"pip install failed:\n{install.stderr[-3000:]}")
    return venv


def test_a_plain_install_migrates_crawls_and_reparses_from_another_folder(installed, tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_REDIS_URL", "SCRAPY_SETTINGS_MODULE")
    }
    bin_dir = installed / "bin"

    def run(*args: str) -> str:
        done = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{args}: {done.stderr[-3000:]}"
        return done.stdout

    where = run("python", "-c", "import newscrawl.pipelines.store as s, importlib.util as u; print(s.__file__, u.find_spec('pipelines'))")
    assert where.split()[0].startswith(str(installed)) and where.split()[1] == "None"
    assert "at revision" in run("newscrawl", "db", "upgrade")
    assert (tmp_path / "data" / "newscrawl.db").exists()
    assert "crawl finished (finished)" in run("newscrawl", "demo", "--articles", "8")
    counts = dict(pair.split("=") for pair in run("newscrawl", "reparse", "--db", "sqlite:///data/demo.db", "--warc-dir", "data/demo-warc").split())
    assert counts["captures"] == "8", counts  # every article read again from the WARC file the crawl wrote
