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
import json
import sys
import shutil
from pathlib import Path
from typing import Callable

from xlsx_addin.jobs.bundle import scripts as scripts
from xlsx_addin.jobs.bundle.wheels import (
    PROJECT,
    Target,
    Wheel,
    closure,
    download,
    requires_python,
    resolver_dry_run,
    sha256,
    targets_of,
)
from xlsx_addin.jobs.bundle.own_wheel import build_own_wheel, running_tree
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.versions import SUPPORTED_PYTHONS

MANIFEST = "manifest.json"
TEMPLATES_DIR = "模板"
DEFAULT_PYTHONS = SUPPORTED_PYTHONS  # model/versions.py: the one statement of the Pythons this program runs on
DEFAULT_PLATFORMS = ("win_amd64", "win32", "manylinux_x86_64")




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
    needs = requires_python(own)
    for t in targets:
        if not needs.contains(t.python + ".0", prereleases=True):  # e.g. 3.10: the pinned xlwings needs 3.11
            skipped[t.key] = f"本程序需要 Python {needs},不支持 Python {t.python}"
            log(f"  未包含 Python {t.python} / {t.platform}:{skipped[t.key]}")
            continue
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
    root = running_tree()
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
def read_manifest(folder: Path) -> dict:
    """The folder's manifest, its shape checked: RatingError (Chinese) when it is not what make_bundle writes."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise RatingError(f"清单文件 {path} 无法读取({type(exc).__name__}),安装包不完整;请重新生成安装包") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    targets = manifest.get("targets") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(e, dict) for e in files.values()):
        raise RatingError(f"清单文件 {path} 的格式不对(files 应为“文件名 → 大小、校验值”的对照表),"
                          "不是本程序生成的清单;请重新生成安装包")
    if not isinstance(targets, dict) or not all(
            isinstance(t, dict) and isinstance(t.get("python"), str) and isinstance(t.get("platform"), str)
            and isinstance(t.get("pip_platforms"), list) and isinstance(t.get("wheels"), list)
            for t in targets.values()):
        raise RatingError(f"清单文件 {path} 的格式不对(targets 应为各 Python/平台的安装文件表),"
                          "不是本程序生成的清单;请重新生成安装包")
    return manifest


_IGNORED_DIRS = {"__pycache__"}  # Python writes these beside a module it imports (模板/huizong.py)


def extra_files(folder: Path, files: dict) -> list[str]:
    """Files in the folder (any depth) that the manifest does not list: a tampered or mixed folder."""
    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if rel.as_posix() == MANIFEST or _IGNORED_DIRS & set(rel.parts) or p.is_dir():
            continue
        if rel.as_posix() not in files:
            out.append(rel.as_posix())
    return out


def check_bundle(folder: Path, run_pip: bool = True) -> list[str]:
    """Everything wrong with an install folder, in Chinese; [] when it is complete and intact.
    A manifest that is not one make_bundle writes raises RatingError (read_manifest)."""
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{folder} 中没有清单文件 {MANIFEST},不是完整的安装包"]
    manifest = read_manifest(folder)
    files, targets = manifest["files"], manifest["targets"]
    problems = []
    for rel, entry in files.items():
        p = folder / rel
        if not p.is_file():
            problems.append(f"缺少文件:{rel}")
        elif p.stat().st_size != entry.get("size") or sha256(p) != entry.get("sha256"):
            problems.append(f"文件已损坏或被改动(校验值不符):{rel}")
    for rel in extra_files(folder, files):
        what = "安装文件" if rel.endswith(".whl") else "文件"
        problems.append(f"清单中没有的{what}:{rel}(安装包被改动过;请删除该文件,或重新生成安装包)")
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
