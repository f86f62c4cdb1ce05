"""`xlsx-addin bundle` after a plain `pip install .` (non-editable, issue 22 item 8), and the Python versions
stated once: pyproject's requires-python, the README, the bundle's default targets and what the pins need."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from xlsx_addin.jobs.bundle.build import DEFAULT_PYTHONS
from xlsx_addin.model.versions import SUPPORTED_PYTHONS

ROOT = Path(__file__).resolve().parents[1]
HERE = "{}.{}".format(*sys.version_info)


def test_python_support_is_stated_once_and_true():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == f">={SUPPORTED_PYTHONS[0]}"
    assert DEFAULT_PYTHONS == SUPPORTED_PYTHONS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python 3.11, 3.12 or 3.13" in readme and "--python 3.10" not in readme
    assert ", ".join(SUPPORTED_PYTHONS[:-1]) + " or " + SUPPORTED_PYTHONS[-1] in readme
    # every pinned dependency installed here runs on the lowest supported Python
    from packaging.specifiers import SpecifierSet

    for name in ("xlwings", "pandas", "numpy", "python-calamine", "pydantic"):
        needs = SpecifierSet(metadata.metadata(name).get("Requires-Python") or "")
        assert needs.contains(SUPPORTED_PYTHONS[0] + ".0"), (name, str(needs))


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
    return path / ("Scripts" if os.name == "nt" else "bin") / "python"


def _site_packages(python: Path) -> str:
    return subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()


def _registry_reachable(tmp: Path) -> str | None:
    r = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(tmp), "setuptools>=68"],
                       capture_output=True, text=True, timeout=300)
    return None if r.returncode == 0 else (r.stdout + r.stderr).strip().splitlines()[-1:]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the project installed from a copy of the source by `pip install .` (non-editable);
    its dependencies are this environment's (a .pth line after its own site-packages: nothing downloaded)."""
    root = tmp_path_factory.mktemp("installed")
    why = _registry_reachable(root / "probe")
    if why is not None:
        pytest.skip(f"the package registry is unreachable from here: {why}")
    src = root / "源代码"
    for part in ("xlsx_addin", "udfs"):
        shutil.copytree(ROOT / part, src / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / part, src / part)
    python = _venv(root / "venv")
    r = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", str(src)], capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    deps = Path(metadata.distribution("pydantic").locate_file("")).resolve()
    Path(_site_packages(python), "zz_deps.pth").write_text(str(deps) + "\n", encoding="utf-8")
    shutil.rmtree(src)  # nothing left to build from: the installed package only
    work = root / "别处"
    work.mkdir()
    return python, work


@pytest.mark.slow
def test_own_wheel_is_packed_from_the_installed_package(installed, tmp_path):
    python, work = installed
    code = ("import sys, xlsx_addin; from pathlib import Path; from xlsx_addin.jobs.bundle.own_wheel import "
            "build_own_wheel; print(xlsx_addin.__file__); print(build_own_wheel(Path(sys.argv[1])))")
    r = subprocess.run([str(python), "-c", code, str(tmp_path)], capture_output=True, text=True, cwd=work, timeout=300)
    assert r.returncode == 0, r.stderr
    where, wheel = r.stdout.split()
    assert "site-packages" in where  # the installed copy, not a source tree
    assert Path(wheel).name == "xlsx_addin-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        record = zf.read("xlsx_addin-0.1.0.dist-info/RECORD").decode()
        entry = zf.read("xlsx_addin-0.1.0.dist-info/entry_points.txt").decode()
    assert {"xlsx_addin/engine/schemes/five_star.yaml", "xlsx_addin/io/cellmaps/five_star.json",
            "udfs/__init__.py", "xlsx_addin-0.1.0.dist-info/METADATA"} <= names
    assert not any("__pycache__" in n or n.endswith(("INSTALLER", "direct_url.json")) for n in names)
    assert "xlsx-addin = xlsx_addin.shells.cli:main" in entry
    assert len(record.strip().splitlines()) == len(names)
    # the wheel installs (pip checks RECORD's hashes) and runs
    other = _venv(tmp_path / "again")
    Path(_site_packages(other), "zz_deps.pth").write_text(
        str(Path(metadata.distribution("pydantic").locate_file("")).resolve()) + "\n", encoding="utf-8")
    r = subprocess.run([str(other), "-m", "pip", "install", "--no-deps", "--no-index", wheel], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(other), "-m", "xlsx_addin", "rules", "--scheme", "服务型党组织星级评定"], capture_output=True,
                       text=True, cwd=work, timeout=300)
    assert r.returncode == 0 and "five_star" in r.stdout, r.stderr


@pytest.mark.slow
def test_bundle_after_a_plain_install_names_what_it_left_out(installed, tmp_path):
    python, work = installed
    out = tmp_path / "安装包"
    r = subprocess.run([str(python), "-m", "xlsx_addin", "bundle", "--out", str(out), "--python", "3.10", HERE,
                        "--platform", "manylinux_x86_64"], capture_output=True, text=True, cwd=work, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "安装包已生成" in r.stdout
    assert re.search(r"未包含 cp310-manylinux_x86_64:本程序需要 Python >=3\.11", r.stdout), r.stdout
    assert "安装.bat" not in r.stdout and "sh 安装.sh" in r.stdout  # no Windows target: no 安装.bat named
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["targets"]) == [f"cp{HERE.replace('.', '')}-manylinux_x86_64"]
    assert "cp310-manylinux_x86_64" in manifest["skipped"]
    assert (out / "安装.sh").is_file() and not (out / "安装.bat").exists()
    r = subprocess.run([str(python), "-m", "xlsx_addin", "bundle", "--check", str(out)], capture_output=True,
                       text=True, cwd=work, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_windows_only_bundle_does_not_name_the_linux_script():
    from xlsx_addin.shells.cli.bundle import install_hint

    assert "安装.sh" not in install_hint(["cp311-win_amd64", "cp312-win_amd64"])
    assert "安装.bat" not in install_hint(["cp311-manylinux_x86_64"])
    both = install_hint(["cp311-win_amd64", "cp311-manylinux_x86_64"])
    assert "安装.bat" in both and "安装.sh" in both
