"""The bundle's targets (Python version × platform), the wheels and their metadata, the closure of a target's
requirements with the target's own markers, and pip run for a target."""
from __future__ import annotations

import email.parser
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from xlsx_addin.model.errors import RatingError

PROJECT = "xlsx-addin"
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
def pip(args: list[str], isolated: bool = False) -> subprocess.CompletedProcess:
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


def tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def download(t: Target, requirements: list[str], dest: Path) -> None:
    """pip download the requirements (with their dependencies) for target t into dest."""
    r = pip(["download", "--dest", str(dest), *_target_args(t), *requirements])
    if r.returncode != 0:
        raise RatingError(f"下载 Python {t.python} / {t.platform} 的安装文件失败(需要联网,或该平台没有现成的安装包):\n"
                          + tail(r.stdout + r.stderr))


def resolver_dry_run(folder: Path, t: Target) -> tuple[bool, str]:
    """pip's resolver against the folder alone (no index, no configuration): (ok, pip's last lines)."""
    # pip 23 checks Requires-Python against the running interpreter despite --python-version (pypa/pip#12216):
    # for another version that check is left to closure(), which reads it for the target
    other = [] if t.python == "{}.{}".format(*sys.version_info) else ["--ignore-requires-python"]
    with tempfile.TemporaryDirectory() as tmp:
        r = pip(["install", "--dry-run", "--no-index", "--find-links", str(folder), *_target_args(t), *other,
                  "--target", tmp, PROJECT], isolated=True)
    return r.returncode == 0, tail(r.stdout + r.stderr, 4)
