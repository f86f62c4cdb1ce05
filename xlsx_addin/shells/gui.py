"""The 一键汇总 window (`xlsx-addin gui`, 一键汇总.pyw): the consolidation without Excel, for WPS and Linux offices.

A tkinter shell over the consolidation job: the clerk picks the folder of unit workbooks (remembered),
the rules (a built-in scheme, a scheme file or a 规则 table), the rating set, the quota mode and last
year's summary; the job (gui_run.py) runs on a worker thread and reports progress through a queue the
window polls; the end shows the CLI's summary text and buttons that open the summary workbook and its folder.
Errors are messages, never tracebacks (shells/errors.py: an unexpected one is logged for the IT person).
"""
from __future__ import annotations

import os
import queue
import sys
import threading
from pathlib import Path

from xlsx_addin.engine.scheme import BUILTIN, DEFAULT_SCHEME, load_scheme
from xlsx_addin.model.choices import DEFAULT_QUOTA_MODE, DEFAULT_SET_BY, QuotaMode, SetBy
from xlsx_addin.shells.gui_run import RULES_KINDS, Choices, Outcome, default_out, open_path, run_job

TITLE = "一键汇总 — 星级评定"


# --- the window --------------------------------------------------------------------------------------
class App:
    """The window. Widgets are attributes so that a test can drive it as a clerk would."""

    POLL_MS = 100

    def __init__(self, root=None):
        import tkinter as tk
        from tkinter import ttk


        self.tk, self.ttk = tk, ttk
        self.root = root or tk.Tk()
        self.root.title(TITLE)
        self.root.minsize(720, 560)
        self._fonts()
        self.choices = Choices.load()
        self.events: queue.Queue = queue.Queue()
        self.worker: threading.Thread | None = None
        self.outcome: Outcome | None = None
        self.schemes = {}
        for sid in BUILTIN:
            try:
                self.schemes[f"{load_scheme(sid).name}({sid})"] = sid
            except Exception:  # noqa: BLE001 - a broken built-in never hides the window
                continue

        ch = self.choices
        v = tk.StringVar
        self.folder = v(value=ch.input_dir)
        self.rules_kind = v(value=ch.rules_kind if ch.rules_kind in RULES_KINDS else "builtin")
        label = next((k for k, s in self.schemes.items() if s == ch.scheme), next(iter(self.schemes), ""))
        self.scheme = v(value=label)
        self.scheme_file = v(value=ch.scheme_file)
        self.rules_table = v(value=ch.rules_table)
        self.set_by = v(value=(SetBy.from_text(ch.set_by) or DEFAULT_SET_BY).label)
        self.quota_mode = v(value=(QuotaMode.from_text(ch.quota_mode) or DEFAULT_QUOTA_MODE).value)
        self.previous = v(value=ch.previous)
        self.expect = v(value=ch.expect)
        self.out = v(value=ch.out or default_out(ch.input_dir))
        self.status = v(value="请选择单位填报表所在的文件夹,然后点击“开始汇总”。")
        self._build()

    def _fonts(self) -> None:
        from tkinter import font

        families = set(font.families(self.root))
        for name in ("Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
                     "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimSun"):
            if name in families:
                for f in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont"):
                    font.nametofont(f, self.root).configure(family=name, size=10)
                break
        # the summary's tables are aligned for a font whose Chinese characters are two Latin ones wide
        for name in ("NSimSun", "SimSun", "Noto Sans Mono CJK SC", "WenQuanYi Zen Hei Mono", "Sarasa Mono SC"):
            if name in families:
                font.nametofont("TkFixedFont", self.root).configure(family=name, size=10)
                break
        if sys.platform != "win32" and "clam" in self.ttk.Style(self.root).theme_names():
            style = self.ttk.Style(self.root)
            style.theme_use("clam")  # the X11 default theme looks like the 1990s
            style.configure("Horizontal.TProgressbar", background="#2f6fb5", troughcolor="#e6e6e6")

    def _build(self) -> None:
        tk, ttk = self.tk, self.ttk
        frame = ttk.Frame(self.root, padding=12)
        frame.grid(sticky="nsew")
        self.root.columnconfigure(0, weight=1)
        self.root.rowconfigure(0, weight=1)
        frame.columnconfigure(1, weight=1)
        r = 0

        def row_label(text: str) -> None:
            ttk.Label(frame, text=text).grid(row=r, column=0, sticky="w", pady=3)

        row_label("单位填报表文件夹:")
        self.folder_entry = ttk.Entry(frame, textvariable=self.folder)
        self.folder_entry.grid(row=r, column=1, sticky="ew", padx=6)
        self.folder_button = ttk.Button(frame, text="选择…", command=self.choose_folder)
        self.folder_button.grid(row=r, column=2, sticky="ew")
        r += 1

        row_label("评定规则:")
        rules = ttk.Frame(frame)
        rules.grid(row=r, column=1, columnspan=2, sticky="ew")
        rules.columnconfigure(1, weight=1)
        ttk.Radiobutton(rules, text="内置方案", value="builtin", variable=self.rules_kind).grid(row=0, column=0, sticky="w")
        self.scheme_box = ttk.Combobox(rules, textvariable=self.scheme, values=list(self.schemes), state="readonly")
        self.scheme_box.grid(row=0, column=1, sticky="ew", padx=6)
        ttk.Radiobutton(rules, text="方案文件", value="scheme_file", variable=self.rules_kind).grid(row=1, column=0,
                                                                                                   sticky="w")
        ttk.Entry(rules, textvariable=self.scheme_file).grid(row=1, column=1, sticky="ew", padx=6)
        ttk.Button(rules, text="选择…", command=lambda: self._pick_file(
            self.scheme_file, "选择评定方案文件", [("评定方案", "*.yaml *.yml")], "scheme_file")).grid(row=1, column=2)
        ttk.Radiobutton(rules, text="规则表", value="rules_table", variable=self.rules_kind).grid(row=2, column=0,
                                                                                                 sticky="w")
        ttk.Entry(rules, textvariable=self.rules_table).grid(row=2, column=1, sticky="ew", padx=6)
        ttk.Button(rules, text="选择…", command=lambda: self._pick_file(
            self.rules_table, "选择规则表", [("规则表", "*.xlsx *.xlsm *.csv")], "rules_table")).grid(row=2, column=2)
        r += 1

        row_label("评定组:")
        ttk.Combobox(frame, textvariable=self.set_by, values=SetBy.labels(), state="readonly").grid(
            row=r, column=1, sticky="w", padx=6)
        r += 1

        row_label("配额:")
        quota = ttk.Frame(frame)
        quota.grid(row=r, column=1, columnspan=2, sticky="w", padx=6)
        for i, mode in enumerate(QuotaMode):
            ttk.Radiobutton(quota, text=mode.label, value=mode.value, variable=self.quota_mode).grid(row=0, column=i, padx=(0, 12))
        r += 1

        row_label("上年度汇总表(可不选):")
        ttk.Entry(frame, textvariable=self.previous).grid(row=r, column=1, sticky="ew", padx=6)
        ttk.Button(frame, text="选择…", command=lambda: self._pick_file(
            self.previous, "选择上年度汇总表", [("汇总表", "*.xlsx *.xlsm")])).grid(row=r, column=2, sticky="ew")
        r += 1

        row_label("应报名单(可不选):")
        ttk.Entry(frame, textvariable=self.expect).grid(row=r, column=1, sticky="ew", padx=6)
        ttk.Button(frame, text="选择…", command=lambda: self._pick_file(
            self.expect, "选择应报送党组织名单", [("名单", "*.xlsx *.xlsm *.csv *.txt")])).grid(row=r, column=2, sticky="ew")
        r += 1

        row_label("汇总表保存为:")
        ttk.Entry(frame, textvariable=self.out).grid(row=r, column=1, sticky="ew", padx=6)
        ttk.Button(frame, text="另存为…", command=self.choose_out).grid(row=r, column=2, sticky="ew")
        r += 1

        actions = ttk.Frame(frame)
        actions.grid(row=r, column=0, columnspan=3, sticky="ew", pady=(10, 4))
        actions.columnconfigure(1, weight=1)
        self.run_button = ttk.Button(actions, text="开始汇总", command=self.start)
        self.run_button.grid(row=0, column=0, padx=(0, 8))
        self.progress = ttk.Progressbar(actions, mode="determinate", maximum=1)
        self.progress.grid(row=0, column=1, sticky="ew")
        r += 1
        ttk.Label(frame, textvariable=self.status).grid(row=r, column=0, columnspan=3, sticky="w")
        r += 1

        self.text = tk.Text(frame, height=16, wrap="word", state="disabled", relief="solid", borderwidth=1,
                            font="TkFixedFont")
        self.text.grid(row=r, column=0, columnspan=3, sticky="nsew", pady=4)
        scroll = ttk.Scrollbar(frame, command=self.text.yview)
        scroll.grid(row=r, column=3, sticky="ns", pady=4)
        self.text.configure(yscrollcommand=scroll.set)
        frame.rowconfigure(r, weight=1)
        r += 1

        done = ttk.Frame(frame)
        done.grid(row=r, column=0, columnspan=3, sticky="e")
        self.open_button = ttk.Button(done, text="打开汇总表", command=self.open_summary, state="disabled")
        self.open_button.grid(row=0, column=0, padx=4)
        self.folder_open_button = ttk.Button(done, text="打开所在文件夹", command=self.open_folder, state="disabled")
        self.folder_open_button.grid(row=0, column=1, padx=4)

    # --- choosing ------------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        from tkinter import filedialog

        path = filedialog.askdirectory(parent=self.root, title="选择单位填报表所在的文件夹",
                                       initialdir=self.folder.get() or None)
        if path:
            self.set_folder(path)

    def set_folder(self, path: str) -> None:
        old_default = default_out(self.folder.get())
        self.folder.set(path)
        if not self.out.get() or self.out.get() == old_default:
            self.out.set(default_out(path))

    def choose_out(self) -> None:
        from tkinter import filedialog

        current = Path(self.out.get() or default_out(self.folder.get()) or "汇总表.xlsx")
        path = filedialog.asksaveasfilename(parent=self.root, title="汇总表保存为", defaultextension=".xlsx",
                                            initialdir=str(current.parent), initialfile=current.name,
                                            filetypes=[("Excel 工作簿", "*.xlsx")])
        if path:
            self.out.set(path)

    def _pick_file(self, var, title: str, types, kind: str | None = None) -> None:
        from tkinter import filedialog

        path = filedialog.askopenfilename(parent=self.root, title=title, filetypes=types + [("全部文件", "*.*")])
        if path:
            var.set(path)
            if kind:
                self.rules_kind.set(kind)

    def current_choices(self) -> Choices:
        set_by = (SetBy.from_text(self.set_by.get()) or DEFAULT_SET_BY).value
        return Choices(input_dir=self.folder.get().strip(), rules_kind=self.rules_kind.get(),
                       scheme=self.schemes.get(self.scheme.get(), DEFAULT_SCHEME),
                       scheme_file=self.scheme_file.get().strip(), rules_table=self.rules_table.get().strip(),
                       set_by=set_by, quota_mode=self.quota_mode.get(), previous=self.previous.get().strip(),
                       out=self.out.get().strip(), expect=self.expect.get().strip())

    # --- running -------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.worker is not None and self.worker.is_alive():
            return
        ch = self.current_choices()
        ch.save()
        self.outcome = None
        self.run_button.configure(state="disabled")
        self.open_button.configure(state="disabled")
        self.folder_open_button.configure(state="disabled")
        self.progress.configure(value=0, maximum=1)
        self.status.set("正在查找单位填报表……")
        self._show("")
        self.worker = threading.Thread(target=self._work, args=(ch,), daemon=True, name="consolidate")
        self.worker.start()
        self.root.after(self.POLL_MS, self._poll)

    def _work(self, ch: Choices) -> None:
        outcome = run_job(ch, lambda done, total: self.events.put(("progress", done, total)))
        self.events.put(("done", outcome))

    def _poll(self) -> None:
        try:
            while True:
                event = self.events.get_nowait()
                if event[0] == "progress":
                    self._progress(event[1], event[2])
                else:
                    self._finish(event[1])
                    return
        except queue.Empty:
            pass
        self.root.after(self.POLL_MS, self._poll)

    def _progress(self, done: int, total: int) -> None:
        self.progress.configure(maximum=max(total, 1), value=done)
        if done >= total:  # every file read and scored: the summary is being written
            self.status.set("正在写出汇总表……")
        else:
            self.status.set(f"正在读取并评分:{done}/{total}个文件")

    def _finish(self, outcome: Outcome) -> None:
        from tkinter import messagebox

        self.outcome = outcome
        self.run_button.configure(state="normal")
        if outcome.ok:
            self.progress.configure(value=self.progress.cget("maximum"))
            extra = [outcome.reporting] if outcome.reporting else []
            if outcome.warnings:
                extra.append(f"注意:{outcome.warnings}个评定组单位太少,配额已失去意义(见下文)")
            self.status.set("\n".join([f"汇总完成:{outcome.out}", *extra]))
            self._show("\n".join(outcome.lines))
            self.open_button.configure(state="normal")
            self.folder_open_button.configure(state="normal")
        else:
            self.progress.configure(value=0)
            self.status.set("未完成汇总。")
            self._show(outcome.error)
            if not os.environ.get("XLSX_ADDIN_GUI_NO_DIALOGS"):  # tests read the text instead of a modal dialog
                messagebox.showerror(TITLE, outcome.error, parent=self.root)

    def _show(self, text: str) -> None:
        self.text.configure(state="normal")
        self.text.delete("1.0", "end")
        self.text.insert("1.0", text)
        self.text.configure(state="disabled")

    def open_summary(self) -> None:
        if self.outcome and self.outcome.out:
            self._open(self.outcome.out)

    def open_folder(self) -> None:
        if self.outcome and self.outcome.out:
            self._open(self.outcome.out.parent)

    def _open(self, path: Path) -> None:
        from tkinter import messagebox

        try:
            open_path(path)
        except OSError as exc:
            messagebox.showerror(TITLE, f"无法打开 {path}:{exc.strerror or exc}", parent=self.root)


def _say(message: str) -> None:
    if sys.stderr is not None:  # pythonw (一键汇总.pyw) has no console
        print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        import tkinter  # noqa: F401
    except ImportError:
        _say("错误:本机的 Python 缺少 tkinter,无法打开窗口;Linux 上请安装 python3-tk。命令行可用:xlsx-addin consolidate")
        return 2
    try:
        app = App()
    except Exception as exc:  # noqa: BLE001 - e.g. no display
        _say(f"错误:无法打开窗口({exc})")
        return 2
    app.root.mainloop()
    return 0
