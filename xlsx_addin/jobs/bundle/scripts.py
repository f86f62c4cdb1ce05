"""The texts of the offline install folder: 安装.bat, 安装.sh, 安装说明.txt, 一键汇总.pyw.

Encodings (chosen for the PCs of a county office, mostly Chinese Windows):
- 安装.bat: GBK (code page 936) with CRLF, no ``chcp``. cmd.exe decodes each line of a batch file with
  the console's code page as it runs it; on Chinese Windows that is 936, so GBK text shows and parses
  as written. A UTF-8 file would need ``chcp 65001`` first, which switches the console to a font that
  may lack Chinese glyphs on older Windows and has had batch-parsing bugs. Commands and variables are
  ASCII; paths come from ``%~dp0`` (Unicode inside cmd), always quoted, the trailing backslash
  removed (``"C:\\x\\"`` would escape its closing quote), so Chinese folder names and spaces are safe.
- 安装说明.txt: UTF-8 with a BOM, CRLF. Notepad (every version since XP) reads a BOM'd file as UTF-8
  whatever the system locale, where a GBK file garbles on a non-Chinese Windows; WPS and Linux
  editors read it too.
- 安装.sh, 一键汇总.pyw: UTF-8 (the Linux shell's and Python's own default).
"""
from __future__ import annotations

from typing import Iterable
from xlsx_addin.model.versions import SUPPORTED_PYTHONS

BAT_ENCODING = "gbk"
TXT_BOM = "\ufeff"


def _pairs(targets: Iterable[tuple[str, str]]) -> list[str]:
    """('3.11', 'win_amd64') → '3.11-64', newest Python first."""
    bits = {"win_amd64": "64", "win32": "32"}
    out = {f"{py}-{bits[plat]}" for py, plat in targets if plat in bits}
    return sorted(out, key=lambda p: (tuple(int(x) for x in p.split("-")[0].split(".")), p.split("-")[1]),
                  reverse=True)


def windows_label(targets: Iterable[tuple[str, str]]) -> str:
    """'Python 3.12、3.11(64位)' — the Pythons a Windows PC needs, for messages."""
    pairs = _pairs(targets)
    by_bits: dict[str, list[str]] = {}
    for p in pairs:
        v, b = p.split("-")
        by_bits.setdefault(b, []).append(v)
    return ";".join(f"Python {'、'.join(vs)}({b}位)" for b, vs in sorted(by_bits.items(), reverse=True))


def linux_label(tags: Iterable[str]) -> str:
    """['cp312-x86_64', 'cp311-x86_64'] → 'Python 3.12、3.11(x86_64)'."""
    by_arch: dict[str, list[str]] = {}
    for tag in sorted(set(tags), key=lambda t: int(t.split("-")[0][3:] or 0), reverse=True):
        abi, arch = tag.split("-", 1)
        by_arch.setdefault(arch, []).append(f"{abi[2]}.{abi[3:]}")
    return ";".join(f"Python {'、'.join(vs)}({arch})" for arch, vs in sorted(by_arch.items()))


def install_bat(targets: Iterable[tuple[str, str]], project: str, version: str) -> str:
    """安装.bat for the Windows targets: finds a matching Python (py launcher, then python on PATH), installs offline."""
    targets = list(targets)
    pairs = " ".join(_pairs(targets))
    label = windows_label(targets)
    lines = [
        "@echo off",
        "rem xlsx-addin offline installer for Windows. This file is GBK (code page 936) with CRLF line ends.",
        "setlocal EnableExtensions DisableDelayedExpansion",
        'set "HERE=%~dp0"',
        'if "%HERE:~-1%"=="\\" set "HERE=%HERE:~0,-1%"',
        "rem pip reads only this folder: no index, no user configuration",
        'set "PIP_CONFIG_FILE=nul"',
        'set "PIP_INDEX_URL="',
        'set "PIP_EXTRA_INDEX_URL="',
        'set "PIP_FIND_LINKS="',
        'set "PIP_CONSTRAINT="',
        'set "PIP_REQUIRE_VIRTUALENV="',
        f'set "PAIRS={pairs}"',
        "echo.",
        f"echo 星级评定 一键汇总({project} {version})离线安装",
        f"echo 本安装包适用于 {label}。",
        "echo.",
        'set "PY="',
        'for %%P in (%PAIRS%) do if not defined PY call :try "py -%%P" %%P',
        'for %%P in (%PAIRS%) do if not defined PY call :try "python" %%P',
        "if not defined PY goto no_python",
        "echo 使用的 Python:%PY%",
        "echo 正在安装,请稍候(约1分钟)……",
        f'%PY% -m pip install --no-index --find-links "%HERE%" --upgrade --disable-pip-version-check {project}',
        "if errorlevel 1 goto failed",
        '%PY% -c "import xlsx_addin.shells.cli" >nul 2>nul',
        "if errorlevel 1 goto failed",
        "echo.",
        "echo 安装成功!",
        "echo   一键汇总:双击本文件夹中的“一键汇总.pyw”(可复制到桌面)。",
        "echo   填报模板和汇总表在“模板”文件夹中。",
        "echo   命令行用法:%PY% -m xlsx_addin --help",
        'set "RC=0"',
        "goto done",
        "",
        ":no_python",
        "echo 安装失败:没有找到合适的 Python。",
        f"echo 请先安装 {label},安装时勾选“Add python.exe to PATH”,然后重新运行本文件。",
        "echo 本机已有的 Python(如有):",
        "py -0 2>nul",
        "python --version 2>nul",
        'set "RC=2"',
        "goto done",
        "",
        ":failed",
        "echo.",
        "echo 安装失败:请查看上面的英文提示,或把本窗口截图发给技术支持人员。",
        'set "RC=1"',
        "goto done",
        "",
        ":try",
        "rem %1 = the Python command in quotes, %2 = version-bits such as 3.11-64",
        'for /f "tokens=1,2 delims=-" %%A in ("%~2") do set "WANT_V=%%A" & set "WANT_B=%%B"',
        "%~1 -c \"import sys; ok = '{0}.{1}'.format(*sys.version_info) == '%WANT_V%' and "
        "str(64 if sys.maxsize > 2**32 else 32) == '%WANT_B%'; sys.exit(0 if ok else 1)\" >nul 2>nul",
        'if not errorlevel 1 set "PY=%~1"',
        "goto :eof",
        "",
        ":done",
        "echo.",
        'if /i not "%~1"=="/q" pause',
        "exit /b %RC%",
    ]
    return "\r\n".join(lines) + "\r\n"


def install_sh(linux_tags: Iterable[str], project: str, version: str) -> str:
    """安装.sh: a venv under ~/.local/share/xlsx-addin (or $XLSX_ADDIN_HOME), installed from this folder only."""
    tags = " ".join(sorted(set(linux_tags)))
    pythons = " ".join("python" + v for v in reversed(SUPPORTED_PYTHONS))  # newest first (model/versions.py)
    return f"""#!/bin/sh
# xlsx-addin offline installer for Linux desktops (UOS, Kylin, Debian, ...). UTF-8.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${{XLSX_ADDIN_HOME:-"$HOME/.local/share/xlsx-addin"}}
TAGS="{tags}"
# pip reads only this folder: no index, no user configuration
PIP_CONFIG_FILE=/dev/null
export PIP_CONFIG_FILE
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_CONSTRAINT PIP_REQUIRE_VIRTUALENV

echo "星级评定 一键汇总({project} {version})离线安装"
PY=""
for cand in ${{PYTHON:-}} {pythons} python3; do
  command -v "$cand" >/dev/null 2>&1 || continue
  tag=$("$cand" -c 'import sys, platform; print("cp%d%d-%s" % (sys.version_info[0], sys.version_info[1], platform.machine()))' 2>/dev/null) || continue
  case " $TAGS " in *" $tag "*) PY=$cand; break ;; esac
done
if [ -z "$PY" ]; then
  echo "安装失败:没有找到合适的 Python。本安装包适用于:$TAGS"
  echo "请用系统的软件商店或 apt 安装其中一个版本的 python3(及 python3-venv),然后重新运行本文件。"
  exit 2
fi
echo "使用的 Python:$(command -v "$PY")"
if ! "$PY" -m venv "$PREFIX/venv"; then
  echo "安装失败:无法建立 Python 运行环境;请先安装 python3-venv(例如 sudo apt install python3-venv)。"
  exit 1
fi
echo "正在安装,请稍候(约1分钟)……"
if ! "$PREFIX/venv/bin/python" -m pip install --no-index --find-links "$HERE" --upgrade --disable-pip-version-check {project}; then
  echo "安装失败:请查看上面的英文提示,或把本窗口截图发给技术支持人员。"
  exit 1
fi
mkdir -p "$HOME/.local/bin" "$HOME/.local/share/applications"
ln -sf "$PREFIX/venv/bin/xlsx-addin" "$HOME/.local/bin/xlsx-addin"
cat > "$HOME/.local/share/applications/xlsx-addin-huizong.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=一键汇总
Comment=星级评定:读取各单位填报表,生成汇总表
Exec="$PREFIX/venv/bin/python" -m xlsx_addin gui
Terminal=false
Categories=Office;
EOF
if ! "$PREFIX/venv/bin/python" -c "import tkinter" >/dev/null 2>&1; then
  echo "提示:本机缺少 tkinter,一键汇总窗口无法打开;请安装 python3-tk(例如 sudo apt install python3-tk)。命令行可正常使用。"
fi
echo "安装成功!"
echo "  一键汇总:在开始菜单(办公)中打开“一键汇总”,或运行 $PREFIX/venv/bin/xlsx-addin gui"
echo "  填报模板和汇总表在“模板”文件夹中:$HERE/模板"
exit 0
"""


def readme_txt(project: str, version: str, targets: Iterable[tuple[str, str]], linux_tags: Iterable[str]) -> str:
    """安装说明.txt, in plain Chinese for the county's IT person; only the parts this folder holds."""
    targets, linux_tags = list(targets), sorted(set(linux_tags))
    parts = [f"""星级评定 一键汇总 离线安装包({project} {version})
==========================================

本文件夹可以在不联网的电脑上安装全部程序。请把整个文件夹复制到目标电脑(U盘、内网共享均可),
文件夹放在什么位置、路径中有中文或空格都可以。
"""]
    n = iter("一二三四五")
    if targets:
        parts.append(f"""
{next(n)}、Windows 电脑
  1. 需要先安装 {windows_label(targets)}(python.org 的安装程序,请从技术支持人员处获取;
     安装时勾选“Add python.exe to PATH”,并保留默认勾选的“py launcher”)。
  2. 双击“安装.bat”。窗口中显示“安装成功!”即完成;显示“安装失败”时按提示处理。
  3. 以后双击“一键汇总.pyw”即可打开一键汇总窗口(可复制到桌面;双击无反应时,
     右键 → 打开方式 → Python)。不需要 Excel,WPS、Excel、LibreOffice 任一种都能打开生成的汇总表。
""")
    if linux_tags:
        parts.append(f"""
{next(n)}、Linux 电脑(统信 UOS、银河麒麟等)
  1. 适用的 Python:{linux_label(linux_tags)}(系统自带的 python3 通常即可,另需 python3-venv;
     一键汇总窗口需要 python3-tk)。
  2. 在本文件夹中打开终端,运行:sh 安装.sh
  3. 安装后在开始菜单“办公”中打开“一键汇总”,或在终端运行 xlsx-addin gui。
""")
    parts.append(f"""
{next(n)}、文件说明
  {"安装.bat / 安装.sh" if targets and linux_tags else "安装.bat" if targets else "安装.sh"}     安装程序(只从本文件夹安装,不联网)
  一键汇总.pyw           一键汇总窗口
  模板\\                  单位填报表和汇总表模板,下发给各支部填写
  *.whl                  程序及其依赖的安装文件,请勿删除或改名
  manifest.json          本安装包的清单(每个文件的版本和校验值)

{next(n)}、检查安装包是否完整
  在已安装本程序的电脑上运行:xlsx-addin bundle --check 本文件夹
  文件缺失或损坏时会逐个列出。
""")
    return TXT_BOM + "".join(parts).replace("\n", "\r\n")


PYW = '''"""一键汇总: double-click to open the window (the package is installed by 安装.bat or 安装.sh)."""
import sys


def run():
    try:
        from xlsx_addin.shells.gui import main
    except Exception as exc:  # not installed, or installed badly: say so in a window, never a traceback
        import tkinter
        from tkinter import messagebox

        root = tkinter.Tk()
        root.withdraw()
        messagebox.showerror("一键汇总", "程序尚未安装或安装不完整,请先运行本文件夹中的“安装.bat”。\\n\\n(" + str(exc) + ")")
        return 1
    return main([])


# guarded: the consolidation's worker processes (spawned on Windows) import this file again
if __name__ == "__main__":
    sys.exit(run())
'''
