"""`xlsx-addin bundle`: the offline install folder, made here from the package registry, checked offline."""
from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xlsx_addin.jobs.bundle import build as bundle, scripts as bundle_scripts, wheels

HERE = "{}.{}".format(*sys.version_info)
PYTHONS = sorted({"3.11", "3.12", HERE})
WIN = [("3.11", "win_amd64"), ("3.12", "win_amd64"), ("3.10", "win32")]


def _offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # the folder alone: no index or links from this machine's pip set-up
    return env


def _registry_reachable(tmp: Path) -> str | None:
    """None when pip can download a Windows-only wheel (pywin32) through this machine's index; else why not."""
    r = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--platform",
                        "win_amd64", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
                        "--dest", str(tmp), "pywin32"], capture_output=True, text=True, timeout=300)
    return None if r.returncode == 0 else (r.stdout + r.stderr).strip().splitlines()[-1:]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A bundle for win_amd64 and this machine's Linux, Python 3.11, 3.12 (and the running one)."""
    root = tmp_path_factory.mktemp("bundle")
    why = _registry_reachable(root / "probe")
    if why is not None:
        pytest.skip(f"the package registry is unreachable from here (pip download pywin32 failed: {why})")
    out = root / "离线 安装包"  # Chinese and a space in the path, as on a clerk's USB stick
    r = subprocess.run([sys.executable, "-m", "xlsx_addin", "bundle", "--out", str(out), "--python", *PYTHONS,
                        "--platform", "win_amd64", "manylinux_x86_64"], capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "安装包已生成" in r.stdout
    return out


@pytest.mark.slow
def test_bundle_holds_everything(made):
    manifest = json.loads((made / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["targets"]) == {f"cp{p.replace('.', '')}-{plat}" for p in PYTHONS
                                        for plat in ("win_amd64", "manylinux_x86_64")}
    for key, spec in manifest["targets"].items():
        names = {n.split("-")[0].lower() for n in spec["wheels"]}
        assert {"xlsx_addin", "xlwings", "pandas", "numpy", "pydantic_core", "python_calamine", "xlrd"} <= names, key
        # xlwings' `pywin32; platform_system == "Windows"`: pip on Linux skips it, the bundle must not
        assert ("pywin32" in names) == key.endswith("win_amd64"), key
        for wheel in spec["wheels"]:
            assert wheel in manifest["files"] and (made / wheel).is_file()
    for name in ("安装.bat", "安装.sh", "安装说明.txt", "一键汇总.pyw", "模板/单位填报表_five_star.xlsx"):
        assert (made / name).is_file(), name
        assert manifest["files"][name]["sha256"] == wheels.sha256(made / name)
    txt = (made / "安装说明.txt").read_bytes()
    assert txt.startswith(codecs.BOM_UTF8) and b"\r\n" in txt and b"\n" not in txt.replace(b"\r\n", b"")
    assert "离线安装包" in txt.decode("utf-8-sig")
    bat = (made / "安装.bat").read_bytes()
    assert "安装成功" in bat.decode("gbk") and "3.12、3.11(64位)" in bat.decode("gbk")
    compile((made / "一键汇总.pyw").read_text(encoding="utf-8"), "一键汇总.pyw", "exec")


@pytest.mark.slow
@pytest.mark.parametrize("python", ["3.11", "3.12"])
def test_pip_resolves_from_the_folder_alone(made, tmp_path, python):
    """The issue's dry run: no index, this folder only, for a Windows PC."""
    extra = [] if python == HERE else ["--ignore-requires-python"]  # pypa/pip#12216: pip 23 checks the running one
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(made),
                        "--platform", "win_amd64", "--python-version", python, "--only-binary=:all:", *extra,
                        "--target", str(tmp_path / "T"), "xlsx-addin"],
                       capture_output=True, text=True, env=_offline_env(), timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"Would install .*xlsx-addin-", r.stdout)


@pytest.mark.slow
def test_check_passes_and_finds_damage(made, tmp_path):
    r = subprocess.run([sys.executable, "-m", "xlsx_addin", "bundle", "--check", str(made)], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "安装包完整" in r.stdout

    # a copy (links to the same wheels) with one wheel damaged and pywin32 gone
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in made.iterdir():
        if p.is_file():
            os.symlink(p, copy / p.name)
    damaged = next(p.name for p in made.glob("xlrd-*.whl"))
    (copy / damaged).unlink()
    shutil.copy(made / damaged, copy / damaged)
    with open(copy / damaged, "ab") as f:
        f.write(b"\0")
    problems = bundle.check_bundle(copy, run_pip=False)
    assert any(damaged in p and "校验值不符" in p for p in problems), problems
    assert any("缺少文件:模板/" in p for p in problems)  # the copy left the templates out

    gone = tmp_path / "gone"
    shutil.copytree(made, gone, symlinks=False, copy_function=os.link)
    for p in gone.glob("pywin32-*.whl"):
        p.unlink()
    manifest = json.loads((gone / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {k: v for k, v in manifest["files"].items() if not k.startswith("pywin32-")}
    (gone / "manifest.json").unlink()  # a hard link to the original: write a new file instead
    (gone / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    problems = bundle.check_bundle(gone, run_pip=False)
    assert any("win_amd64 缺少依赖" in p and "pywin32" in p for p in problems), problems


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.slow
def test_linux_part_installs_and_runs_with_the_network_off(made, tmp_path):
    if not _can_unshare():
        pytest.skip("no network namespace to be had here (unshare -n needs root or user namespaces)")
    home = tmp_path / "家目录"
    home.mkdir()
    env = {"HOME": str(home), "XLSX_ADDIN_HOME": str(tmp_path / "程序"), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "PYTHON": sys.executable, "LANG": "C.UTF-8"}
    # no interfaces but loopback-down: nothing can be fetched, so everything must come from the folder
    r = subprocess.run(["unshare", "-n", "sh", str(made / "安装.sh")], capture_output=True, text=True, env=env,
                       timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "安装成功" in r.stdout
    exe = tmp_path / "程序" / "venv" / "bin" / "xlsx-addin"
    assert (home / ".local" / "bin" / "xlsx-addin").resolve() == exe.resolve()
    desktop = (home / ".local/share/applications/xlsx-addin-huizong.desktop").read_text(encoding="utf-8")
    assert "Name=一键汇总" in desktop and "-m xlsx_addin gui" in desktop
    demo = tmp_path / "演示"
    r = subprocess.run(["unshare", "-n", str(exe), "demo", "--units", "24", "--out", str(demo), "--quiet"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (demo / "汇总表.xlsx").is_file()
    assert "汇总表" in r.stdout


# --- 安装.bat, checked without Windows -------------------------------------------------------------------
def _bat() -> str:
    return bundle_scripts.install_bat(WIN, "xlsx-addin", "0.1.0")


def test_bat_encoding_and_line_ends():
    text = _bat()
    data = text.encode(bundle_scripts.BAT_ENCODING)  # GBK: every Chinese message encodes
    assert data.count(b"\r\n") == data.count(b"\n")  # CRLF only: cmd mis-reads labels after a lone LF
    for i, line in enumerate(text.split("\r\n"), 1):
        head = line.split(" ", 1)[0].lower()
        if any(ord(ch) > 127 for ch in line):  # Chinese only in messages and comments, never in a command
            assert head in ("echo", "rem"), (i, line)


def test_bat_structure():
    """What cmd.exe would trip over: a missing label, unbalanced quotes, a quoted trailing backslash, odd %."""
    text = _bat()
    lines = text.split("\r\n")
    labels = {ln[1:].strip().lower() for ln in lines if ln.startswith(":")}
    for i, line in enumerate(lines, 1):
        for target in re.findall(r"\bgoto\s+:?(\w+)", line, re.I):
            assert target.lower() in labels or target.lower() == "eof", (i, line)
        for target in re.findall(r"\bcall\s+:(\w+)", line, re.I):
            assert target.lower() in labels, (i, line)
        if line.lower().startswith(("echo", "rem")):
            continue
        assert line.count('"') % 2 == 0, (i, line)
        if not line.lower().startswith("if "):  # a program's argument "C:\dir\" escapes its closing quote
            assert '\\"' not in line, (i, line)
        bare = re.sub(r"%%\w|%~?\d|%~dp0|%\w+(:~-?\d+(,-?\d+)?)?%", "", line)
        assert "%" not in bare.replace("%%", ""), (i, line)
    assert lines[0] == "@echo off"
    assert "pause" in text and "exit /b %RC%" in text
    assert 'set "PAIRS=3.12-64 3.11-64 3.10-32"' in text
    assert '--find-links "%HERE%"' in text and 'set "HERE=%HERE:~0,-1%"' in text


@pytest.mark.slow
def test_bat_passes_a_batch_linter(tmp_path):
    """blinter parses the file as cmd would and reports syntax errors (warnings about Chinese text are by design)."""
    pytest.importorskip("blinter")
    path = tmp_path / "install.bat"
    path.write_bytes(_bat().encode(bundle_scripts.BAT_ENCODING))
    r = subprocess.run([sys.executable, "-m", "blinter", str(path), "--fail-on", "error"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ERROR LEVEL ISSUES" not in r.stdout


def test_sh_is_valid_posix_shell(tmp_path):
    path = tmp_path / "install.sh"
    path.write_text(bundle_scripts.install_sh(["cp311-x86_64"], "xlsx-addin", "0.1.0"), encoding="utf-8")
    assert subprocess.run(["sh", "-n", str(path)], capture_output=True).returncode == 0
    if shutil.which("dash"):
        assert subprocess.run(["dash", "-n", str(path)], capture_output=True).returncode == 0


def test_platform_names_and_markers():
    name, tags = wheels.platform_tags("manylinux_x86_64")
    assert name == "manylinux_x86_64" and "manylinux_2_28_x86_64" in tags and "manylinux2014_x86_64" in tags
    assert "manylinux_2_29_x86_64" not in tags
    assert wheels.platform_tags("win32") == ("win32", ("win32",))
    with pytest.raises(Exception, match="不支持的平台"):
        wheels.platform_tags("macosx_11_0_arm64")
    [t] = wheels.targets_of(["3.12"], ["win_amd64"])
    assert t.key == "cp312-win_amd64"
    env = t.markers()
    assert env["platform_system"] == "Windows" and env["sys_platform"] == "win32" and env["python_version"] == "3.12"
