"""`xlsx-addin bundle`: the offline install folder for a county's PCs, made on one connected PC (any OS).

The folder holds the project's own wheel and every dependency's wheels for each chosen Python and
platform, found by pip's own resolver (``pip download --only-binary=:all: --platform … --python-version …``).
pip evaluates environment markers for the running interpreter, not the target (on Linux it would leave
out xlwings' ``pywin32; platform_system == "Windows"``), so each target's requirements are then closed
here with the target's markers and whatever is missing is downloaded too. The folder records what it
holds in manifest.json (versions, sha256, the wheels of each target); ``bundle --check`` verifies the
hashes, the closure of every target and runs pip's resolver against the folder alone.
"""
from __future__ import annotations

import datetime as _dt
import email.parser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from typing import Callable
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from xlsx_addin.jobs.bundle import scripts as scripts
from xlsx_addin.model.errors import RatingError

PROJECT = "xlsx-addin"
MANIFEST = "manifest.json"
TEMPLATES_DIR = "模板"
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
DEFAULT_PLATFORMS = ("win_amd64", "win32", "manylinux_x86_64")
_MANYLINUX_RE = re.compile(r"^manylinux(?:_(\d+)_(\d+))?_(x86_64|aarch64|i686)$")
_WINDOWS_MACHINE = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}


# --- targets -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One Python version on one platform: the tags pip may choose and the markers its metadata sees."""

    python: str  # "3.11"
    platform: str  # "win_amd64", "manylinux_x86_64", …
    pip_platforms: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.abi}-{self.platform}"

    @property
    def abi(self) -> str:
        return "cp" + self.python.replace(".", "")

    @property
    def windows(self) -> bool:
        return self.platform.startswith("win")

    @property
    def machine(self) -> str:
        if self.windows:
            return _WINDOWS_MACHINE[self.platform]
        return self.platform.rsplit("_", 1)[-1] if not self.platform.endswith("x86_64") else "x86_64"

    def markers(self) -> dict[str, str]:
        """The environment a PEP 508 marker is evaluated in on the target."""
        win = self.windows
        return {
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "implementation_version": self.python + ".0", "python_version": self.python,
            "python_full_version": self.python + ".0", "os_name": "nt" if win else "posix",
            "sys_platform": "win32" if win else "linux", "platform_system": "Windows" if win else "Linux",
            "platform_machine": self.machine, "platform_release": "", "platform_version": "", "extra": "",
        }

    def tags(self) -> set[Tag]:
        major, minor = (int(x) for x in self.python.split("."))
        return set(cpython_tags((major, minor), [self.abi], list(self.pip_platforms))) | \
            set(compatible_tags((major, minor), self.abi, list(self.pip_platforms)))


def platform_tags(name: str) -> tuple[str, tuple[str, ...]]:
    """A --platform value → (its name in the bundle, the wheel platform tags it accepts)."""
    if name in _WINDOWS_MACHINE:
        return name, (name,)
    if name in ("manylinux", "linux", "linux_x86_64"):  # the usual Linux desktop
        name = "manylinux_x86_64"
    m = _MANYLINUX_RE.match(name.replace("manylinux2014", "manylinux_2_17"))
    if m is None:
        raise RatingError(f"不支持的平台“{name}”:可用 win_amd64、win32、manylinux_x86_64、manylinux_aarch64,"
                          "或 manylinux_2_28_x86_64 这样的写法")
    glibc_minor = int(m.group(2)) if m.group(1) else 28  # 28: UOS 20, Kylin V10, Debian 10 and newer
    arch = m.group(3)
    tags = [f"manylinux_2_{v}_{arch}" for v in range(glibc_minor, 16, -1)]
    if arch in ("x86_64", "i686", "aarch64"):
        tags.append(f"manylinux2014_{arch}")
    if arch in ("x86_64", "i686"):
        tags += [f"manylinux2010_{arch}", f"manylinux1_{arch}"]
    return f"manylinux_{arch}", tuple(tags)


def targets_of(pythons: list[str], platforms: list[str]) -> list[Target]:
    out = []
    for py in pythons:
        if not re.fullmatch(r"3\.\d{1,2}", py):
            raise RatingError(f"Python 版本“{py}”无效,应写作 3.11 这样的形式")
        for plat in platforms:
            name, tags = platform_tags(plat)
            out.append(Target(py, name, tags))
    return out


# --- wheels and their metadata -----------------------------------------------------------------------
@dataclass(frozen=True)
class Wheel:
    file: str
    name: str  # canonical
    version: Version
    tags: frozenset[Tag]

    @classmethod
    def of(cls, path: Path) -> "Wheel":
        name, version, _, tags = parse_wheel_filename(path.name)
        return cls(path.name, canonicalize_name(name), version, frozenset(tags))


def _metadata(path: Path):
    with zipfile.ZipFile(path) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        return email.parser.Parser().parsestr(zf.read(meta).decode("utf-8", "replace"))


def requires_python(path: Path) -> SpecifierSet:
    """Requires-Python of a wheel (empty: any)."""
    try:
        return SpecifierSet(_metadata(path).get("Requires-Python") or "")
    except InvalidSpecifier:
        return SpecifierSet()


def requires(path: Path) -> list[Requirement]:
    """Requires-Dist of a wheel (its METADATA)."""
    msg = _metadata(path)
    out = []
    for line in msg.get_all("Requires-Dist") or []:
        try:
            out.append(Requirement(line))
        except InvalidRequirement:
            continue
    return out


def wheels_in(folder: Path) -> list[Wheel]:
    out = []
    for p in sorted(folder.glob("*.whl")):
        try:
            out.append(Wheel.of(p))
        except Exception:  # noqa: BLE001 - a file that is not a wheel is not ours
            continue
    return out


def closure(folder: Path, target: Target, root: str = PROJECT) -> tuple[list[str], list[str]]:
    """(the wheels the target installs, the requirements the folder cannot satisfy), markers of the target.

    Picks, like pip, the newest compatible version of each requirement; extras are followed.
    A requirement without a marker belongs to the package itself (extra ""), one with a marker to
    whichever of the package's extras (or none) it holds for.
    """
    tags = target.tags()
    env = target.markers()
    available: dict[str, list[Wheel]] = {}
    for w in wheels_in(folder):
        if w.tags & tags and requires_python(folder / w.file).contains(target.python + ".0", prereleases=True):
            available.setdefault(w.name, []).append(w)
    chosen: dict[str, Wheel] = {}
    missing: list[str] = []
    done: set[tuple[str, str]] = set()  # (package, extra) whose requirements were followed
    queue = [Requirement(root)]
    while queue:
        req = queue.pop(0)
        name = canonicalize_name(req.name)
        if name not in chosen:
            options = [w for w in available.get(name, []) if req.specifier.contains(w.version, prereleases=True)]
            if not options:
                missing.append(_unmarked(req))
                continue
            chosen[name] = max(options, key=lambda w: w.version)
        elif not req.specifier.contains(chosen[name].version, prereleases=True):
            missing.append(f"{_unmarked(req)}(与已选的 {chosen[name].file} 冲突)")
            continue
        for extra in ("", *sorted(req.extras)):
            if (name, extra) in done:
                continue
            done.add((name, extra))
            for sub in requires(folder / chosen[name].file):
                if sub.marker is None:
                    if not extra:
                        queue.append(sub)
                elif sub.marker.evaluate({**env, "extra": extra}):
                    queue.append(sub)
    return sorted(w.file for w in chosen.values()), sorted(set(missing))


def _unmarked(req: Requirement) -> str:
    """The requirement without its marker (already evaluated for the target): what pip download is given."""
    plain = Requirement(str(req))
    plain.marker = None
    return str(plain)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- pip -------------------------------------------------------------------------------------------
def _pip(args: list[str], isolated: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if isolated:  # the folder alone: no configuration file, no index or links from the environment
        env = {k: v for k, v in env.items() if not k.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, env=env,
                          encoding="utf-8", errors="replace")


def _target_args(t: Target) -> list[str]:
    args = ["--only-binary=:all:", "--python-version", t.python, "--implementation", "cp", "--abi", t.abi]
    for p in t.pip_platforms:
        args += ["--platform", p]
    return args


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def download(t: Target, requirements: list[str], dest: Path) -> None:
    """pip download the requirements (with their dependencies) for target t into dest."""
    r = _pip(["download", "--dest", str(dest), *_target_args(t), *requirements])
    if r.returncode != 0:
        raise RatingError(f"下载 Python {t.python} / {t.platform} 的安装文件失败(需要联网,或该平台没有现成的安装包):\n"
                          + _tail(r.stdout + r.stderr))


def resolver_dry_run(folder: Path, t: Target) -> tuple[bool, str]:
    """pip's resolver against the folder alone (no index, no configuration): (ok, pip's last lines)."""
    # pip 23 checks Requires-Python against the running interpreter despite --python-version (pypa/pip#12216):
    # for another version that check is left to closure(), which reads it for the target
    other = [] if t.python == "{}.{}".format(*sys.version_info) else ["--ignore-requires-python"]
    with tempfile.TemporaryDirectory() as tmp:
        r = _pip(["install", "--dry-run", "--no-index", "--find-links", str(folder), *_target_args(t), *other,
                  "--target", tmp, PROJECT], isolated=True)
    return r.returncode == 0, _tail(r.stdout + r.stderr, 4)


# --- the project's own wheel ---------------------------------------------------------------------------
def source_root() -> Path | None:
    """The project's source tree when running from one (a checkout or an editable install)."""
    root = Path(__file__).resolve().parents[3]  # xlsx_addin/jobs/bundle/build.py → the tree
    return root if (root / "pyproject.toml").is_file() and (root / "xlsx_addin").is_dir() else None


def build_own_wheel(dest: Path, wheel: Path | None = None) -> Path:
    """The project's wheel into dest: a given one copied, else built from the source tree (pip wheel --no-deps)."""
    if wheel is not None:
        if not wheel.is_file() or wheel.suffix != ".whl":
            raise RatingError(f"{wheel} 不是 .whl 安装文件")
        return Path(shutil.copy2(wheel, dest / wheel.name))
    root = source_root()
    if root is None:
        raise RatingError("找不到本程序的源代码目录(pyproject.toml);请在源代码目录中运行,或用 --wheel 给出本程序的 .whl 文件")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
        for part in ("xlsx_addin", "udfs"):
            if (root / part).is_dir():
                shutil.copytree(root / part, src / part, ignore=ignore)
        for part in ("pyproject.toml", "README.md", "LICENSE"):
            if (root / part).is_file():
                shutil.copy2(root / part, src / part)
        out = Path(tmp) / "wheel"
        r = _pip(["wheel", "--no-deps", "--wheel-dir", str(out), str(src)])
        built = sorted(out.glob("*.whl"))
        if r.returncode != 0 or not built:
            raise RatingError("生成本程序的安装文件(wheel)失败:\n" + _tail(r.stdout + r.stderr))
        return Path(shutil.copy2(built[0], dest / built[0].name))


# --- making the folder ---------------------------------------------------------------------------------
def make_bundle(out: Path, pythons: list[str], platforms: list[str], wheel: Path | None = None,
                log=print, *, templates: Callable[[Path], object]) -> dict:
    """Fill `out` (created; may exist) with the offline install folder; returns the manifest. `templates(dest)`
    writes the workbooks of 模板/ (the shell hands in the templates job composed with the summary's)."""
    targets = targets_of(pythons, platforms)
    out.mkdir(parents=True, exist_ok=True)
    own = build_own_wheel(out, wheel)
    own_wheel = Wheel.of(own)
    log(f"本程序:{own.name}")
    per_target: dict[str, list[str]] = {}
    skipped: dict[str, str] = {}
    for t in targets:
        log(f"下载 Python {t.python} / {t.platform} 所需的安装文件……")
        try:
            per_target[t.key] = _fetch_target(t, own, own_wheel.name, out)
        except RatingError as exc:  # e.g. no 32-bit pandas for Python 3.13: leave that target out, say so
            skipped[t.key] = str(exc)
            log(f"  未包含 Python {t.python} / {t.platform}:{str(exc).splitlines()[-1]}")
    if not per_target:
        raise RatingError("没有一种 Python/平台的安装文件下载成功:\n" + "\n".join(skipped.values()))
    targets = [t for t in targets if t.key in per_target]
    _write_templates(out / TEMPLATES_DIR, templates)
    win = [(t.python, t.platform) for t in targets if t.windows]
    linux = [f"{t.abi}-{t.machine}" for t in targets if not t.windows]
    version = str(own_wheel.version)
    if win:
        (out / "安装.bat").write_bytes(scripts.install_bat(win, PROJECT, version).encode(scripts.BAT_ENCODING))
    if linux:
        sh = out / "安装.sh"
        sh.write_text(scripts.install_sh(linux, PROJECT, version), encoding="utf-8", newline="\n")
        sh.chmod(0o755)
    (out / "安装说明.txt").write_bytes(scripts.readme_txt(PROJECT, version, win, linux).encode("utf-8"))
    (out / "一键汇总.pyw").write_text(scripts.PYW, encoding="utf-8", newline="\n")
    manifest = _manifest(out, own_wheel, targets, per_target)
    manifest["skipped"] = {k: v.splitlines()[-1] for k, v in skipped.items()}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _fetch_target(t: Target, own: Path, own_name: str, out: Path) -> list[str]:
    """Download what target t installs into out; the wheels it installs (closed with t's own markers)."""
    download(t, [str(own)], out)
    for _ in range(8):  # requirements pip skipped by evaluating markers for this machine, not the target
        files, missing = closure(out, t, own_name)
        if not missing:
            return files
        download(t, missing, out)
    raise RatingError(f"Python {t.python} / {t.platform} 缺少安装文件:{'、'.join(missing)}")


def _write_templates(dest: Path, templates: Callable[[Path], object]) -> None:
    templates(dest)
    root = source_root()
    sidecar = root / "workbooks" / "huizong.py" if root is not None else None
    if sidecar is not None and sidecar.is_file():  # the summary workbook's button runs it from beside the workbook
        shutil.copy2(sidecar, dest / sidecar.name)


def _manifest(out: Path, own: Wheel, targets: list[Target], per_target: dict[str, list[str]]) -> dict:
    # every wheel is kept, also those only pip's resolution on this machine wanted (markers of the
    # machine making the bundle): a resolver run against the folder on such a machine needs them too
    listed = [p.relative_to(out).as_posix() for p in sorted(out.rglob("*")) if p.is_file() and p.name != MANIFEST]
    files = {}
    for rel in listed:
        p = out / rel
        entry = {"sha256": sha256(p), "size": p.stat().st_size}
        if p.suffix == ".whl":
            w = Wheel.of(p)
            entry.update(package=w.name, version=str(w.version))
        files[rel] = entry
    return {
        "format": 1, "project": PROJECT, "version": str(own.version), "wheel": own.file,
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "made_with": {"python": ".".join(map(str, sys.version_info[:3])), "platform": sys.platform},
        "targets": {t.key: {"python": t.python, "platform": t.platform, "pip_platforms": list(t.pip_platforms),
                            "wheels": per_target[t.key]} for t in targets},
        "files": files,
    }


# --- checking a folder ---------------------------------------------------------------------------------
def check_bundle(folder: Path, run_pip: bool = True) -> list[str]:
    """Everything wrong with an install folder, in Chinese; [] when it is complete and intact."""
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{folder} 中没有清单文件 {MANIFEST},不是完整的安装包"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files, targets = manifest["files"], manifest["targets"]
    except (ValueError, KeyError, TypeError) as exc:
        return [f"清单文件 {MANIFEST} 无法读取({exc})"]
    problems = []
    for rel, entry in files.items():
        p = folder / rel
        if not p.is_file():
            problems.append(f"缺少文件:{rel}")
        elif p.stat().st_size != entry.get("size") or sha256(p) != entry.get("sha256"):
            problems.append(f"文件已损坏或被改动(校验值不符):{rel}")
    for p in sorted(folder.glob("*.whl")):
        if p.name not in files:
            problems.append(f"清单中没有的安装文件:{p.name}(请删除,或重新生成安装包)")
    if problems:
        return problems
    for key, spec in targets.items():
        t = Target(spec["python"], spec["platform"], tuple(spec["pip_platforms"]))
        chosen, missing = closure(folder, t, manifest.get("project", PROJECT))
        if missing:
            problems.append(f"Python {t.python} / {t.platform} 缺少依赖:{'、'.join(missing)}")
        elif chosen != sorted(spec["wheels"]):
            problems.append(f"Python {t.python} / {t.platform} 的安装文件与清单不一致")
        if run_pip:
            ok, tail = resolver_dry_run(folder, t)
            if not ok:
                problems.append(f"Python {t.python} / {t.platform}:pip 无法仅用本文件夹完成安装:\n{tail}")
    return problems
