"""`xlsx-addin bundle --out DIR` / `--check DIR`: the offline install folder (bundle.py)."""
from __future__ import annotations

import argparse
from pathlib import Path

from xlsx_addin.shells.templates import all_templates
from xlsx_addin.jobs.bundle.build import DEFAULT_PLATFORMS, DEFAULT_PYTHONS, check_bundle, make_bundle, read_manifest
from xlsx_addin.model.errors import RatingError


def run(args: argparse.Namespace) -> int:

    if args.check is not None:
        folder = Path(args.check)
        problems = check_bundle(folder)
        if problems:
            print(f"安装包 {folder} 有{len(problems)}处问题:")
            for p in problems:
                print(f"  · {p}")
            return 1
        manifest = read_manifest(folder)
        print(f"安装包完整:{len(manifest['files'])}个文件校验无误;{len(manifest['targets'])}种 Python/平台"
              f"({'、'.join(manifest['targets'])})均可仅用本文件夹安装。")
        return 0
    if args.out is None:
        raise RatingError("请用 --out 给出安装包文件夹,或用 --check 检查已有的安装包")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise RatingError(f"{out} 不是文件夹")
    manifest = make_bundle(out, list(args.python), list(args.platform), args.wheel, templates=all_templates)
    size = sum(e["size"] for e in manifest["files"].values())
    print(f"安装包已生成:{out.resolve()}")
    print(f"  {len(manifest['files'])}个文件,共{size / 2**20:.0f} MB;适用于:{'、'.join(manifest['targets'])}")
    for key, why in (manifest.get("skipped") or {}).items():
        print(f"  未包含 {key}:{why}")
    print(f"  {install_hint(list(manifest['targets']))}")
    return 0


def install_hint(targets: list[str]) -> str:
    """How to install on the target PCs: only the scripts the bundle wrote (安装.sh only with a Linux target)."""
    ways = []
    if any("-win" in t for t in targets):
        ways.append("Windows 双击“安装.bat”")
    if any("linux" in t for t in targets):
        ways.append("Linux 运行“sh 安装.sh”")
    return "复制整个文件夹到目标电脑," + ",".join(ways) + "。"


def add_parser(sub) -> None:
    b = sub.add_parser("bundle", help="生成离线安装包(Windows/Linux 电脑不联网安装)")
    b.add_argument("--out", type=Path, default=None, help="安装包输出文件夹")
    b.add_argument("--check", type=Path, default=None, metavar="DIR", help="检查已有安装包是否完整")
    b.add_argument("--python", nargs="+", default=list(DEFAULT_PYTHONS), metavar="X.Y",
                   help=f"目标电脑的 Python 版本(默认 {' '.join(DEFAULT_PYTHONS)})")
    b.add_argument("--platform", nargs="+", default=list(DEFAULT_PLATFORMS), metavar="PLATFORM",
                   help=f"目标平台(默认 {' '.join(DEFAULT_PLATFORMS)};另有 manylinux_aarch64 等)")
    b.add_argument("--wheel", type=Path, default=None, help="本程序已生成的 .whl 文件(不在源代码目录中运行时)")
