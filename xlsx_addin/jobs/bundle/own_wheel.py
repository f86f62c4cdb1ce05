"""The project's own wheel for the bundle, wherever the program runs from.

- running from a source tree (a checkout, an editable install): `pip wheel` of that tree;
- installed from a wheel (`pip install .`, `pip install xlsx-addin-….whl`): the installed distribution packed
  again into its wheel: the files its RECORD lists (hashes checked: a changed install is refused), its
  METADATA, WHEEL and entry points, a new RECORD; byte-for-byte reproducible (fixed zip times);
- else the source folder the command is run in (its pyproject.toml names the project).
"""
from __future__ import annotations

import base64
import hashlib
import importlib.metadata as metadata
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from xlsx_addin.jobs.bundle.wheels import PROJECT, pip, tail
from xlsx_addin.model.errors import RatingError

ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_INSTALL_ONLY = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json", "RECORD.jws", "RECORD.p7s"}
_PACKAGES = ("xlsx_addin", "udfs")


def is_source_tree(root: Path) -> bool:
    """A folder holding this project's source: pyproject.toml naming it, and the package."""
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return (root / "xlsx_addin" / "__init__.py").is_file() and f'name = "{PROJECT}"' in text


def running_tree() -> Path | None:
    """The source tree the running package comes from (a checkout or an editable install)."""
    root = Path(__file__).resolve().parents[3]  # xlsx_addin/jobs/bundle/own_wheel.py → the tree
    return root if is_source_tree(root) else None


def folder_tree(start: Path | None = None) -> Path | None:
    """The project's source folder the command runs in (or above it)."""
    here = Path(start or os.getcwd()).resolve()
    return next((p for p in (here, *here.parents) if is_source_tree(p)), None)


def wheel_from_tree(root: Path, dest: Path) -> Path:
    """`pip wheel --no-deps` of a copy of the source tree (no build folders of the tree itself)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
        for part in _PACKAGES:
            if (root / part).is_dir():
                shutil.copytree(root / part, src / part, ignore=ignore)
        for part in ("pyproject.toml", "README.md", "LICENSE"):
            if (root / part).is_file():
                shutil.copy2(root / part, src / part)
        out = Path(tmp) / "wheel"
        r = pip(["wheel", "--no-deps", "--wheel-dir", str(out), str(src)])
        built = sorted(out.glob("*.whl"))
        if r.returncode != 0 or not built:
            raise RatingError("生成本程序的安装文件(wheel)失败:\n" + tail(r.stdout + r.stderr))
        return Path(shutil.copy2(built[0], dest / built[0].name))


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def installed_files(dist: metadata.Distribution) -> dict[str, bytes] | None:
    """Archive path → bytes of an installed wheel's files; None when it is not one (an editable install)."""
    files = dist.files or []
    names = {str(f).replace("\\", "/") for f in files}
    if "xlsx_addin/__init__.py" not in names:
        return None  # editable: the files live in the source tree
    out: dict[str, bytes] = {}
    for f in files:
        rel = str(f).replace("\\", "/")
        parts = rel.split("/")
        if parts[0] == ".." or "__pycache__" in parts or rel.endswith(".pyc"):
            continue  # scripts made at install (bin/xlsx-addin) and byte code
        if parts[0].endswith(".dist-info") and parts[-1] in _INSTALL_ONLY:
            continue
        if parts[0] not in _PACKAGES and not parts[0].endswith(".dist-info"):
            continue
        data = Path(str(dist.locate_file(f))).read_bytes()
        if f.hash is not None and f.hash.mode == "sha256" and _record_hash(data) != f"sha256={f.hash.value}":
            raise RatingError(f"已安装的本程序文件 {rel} 与安装时不同(被改动过),不能据此生成安装包;"
                              "请重新安装本程序(pip install --force-reinstall),或用 --wheel 给出 .whl 文件")
        out[rel] = data
    return out


def wheel_from_installed(dest: Path) -> Path | None:
    """The installed distribution packed again into its wheel in dest; None when it was not installed
    from a wheel (not installed, or editable)."""
    try:
        dist = metadata.distribution(PROJECT)
    except metadata.PackageNotFoundError:
        return None
    files = installed_files(dist)
    if files is None:
        return None
    info = next(p.split("/")[0] for p in files if p.split("/")[0].endswith(".dist-info"))
    wheel_meta = files.get(f"{info}/WHEEL", b"").decode("utf-8", "replace")
    tags = [line.split(":", 1)[1].strip() for line in wheel_meta.splitlines() if line.startswith("Tag:")]
    if not tags or "Root-Is-Purelib: true" not in wheel_meta:
        return None
    name = info.removesuffix(".dist-info")  # xlsx_addin-0.1.0
    path = dest / f"{name}-{tags[0]}.whl"
    record = [f"{p},{_record_hash(d)},{len(d)}" for p, d in sorted(files.items())] + [f"{info}/RECORD,,"]
    entries = sorted(files.items()) + [(f"{info}/RECORD", ("\n".join(record) + "\n").encode("utf-8"))]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for arc, data in entries:
            zi = zipfile.ZipInfo(arc, ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    os.replace(tmp, path)
    return path


def build_own_wheel(dest: Path, wheel: Path | None = None) -> Path:
    """The project's wheel into dest: a given one copied; else from the running source tree, the installed
    wheel, or the source folder the command runs in (module notes)."""
    if wheel is not None:
        if not wheel.is_file() or wheel.suffix != ".whl":
            raise RatingError(f"{wheel} 不是 .whl 安装文件")
        return Path(shutil.copy2(wheel, dest / wheel.name))
    root = running_tree()
    if root is not None:
        return wheel_from_tree(root, dest)
    made = wheel_from_installed(dest)
    if made is not None:
        return made
    root = folder_tree()
    if root is not None:
        return wheel_from_tree(root, dest)
    raise RatingError("找不到本程序的安装文件:本程序既不是从源代码目录运行,也不是从 .whl 安装的;"
                      "请在源代码目录中运行,或用 --wheel 给出本程序的 .whl 文件")
