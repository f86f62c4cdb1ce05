"""Write a vbaProject.bin from module sources with ms-ovba (MS-OVBA / MS-CFB), in a child process.

ms-ovba 0.0.1 writes its intermediate files and the result into the current directory and
draws the PROJECT stream's protection bytes from ``random``, and its dir stream always states
code page 1252. So the child runs in a fresh directory (the caller's), seeds ``random`` (the
same input gives the same bytes), writes each module's source already encoded in the project's
code page (ms-ovba would re-read it in the locale's encoding), and states that code page in the
dir stream's PROJECTCODEPAGE record. No performance cache is written (_VBA_PROJECT version
0xFFFF): Office compiles the source when the workbook is opened.

ms-ovba-compression 1.0.1 computes a copy token's maximum length as ``0xFFFF << bit_count + 3``
instead of ``(0xFFFF >> bit_count) + 3`` (MS-OVBA 2.4.1.3.19.3), so long matches overflow into
the offset bits and the streams do not decompress (olevba reads garbage); its match search also
scans the whole chunk for every token (seconds per module). _fix_compression corrects the
maximum and finds the same longest, nearest matches through an index of 3-byte prefixes; a test
round-trips the result through olevba's own decompressor.

Spec (JSON, argv[1]): {"project_id": "{GUID}", "codepage": 936,
"modules": [{"name": …, "kind": "document" | "module", "base": "{GUID}" | null, "source": …}]}.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

OUTPUT = "vbaProject.bin"
# The two references every Excel VBA project has (ms-ovba's own example writes the same).
STDOLE = ("00020430-0000-0000-C000-000000000046", r"C:\Windows\System32\stdole2.tlb", "OLE Automation", "stdole")
OFFICE = ("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52",
          r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
          "Microsoft Office 16.0 Object Library", "Office")
CODEPAGE_RECORD = 0x0003


def _fix_compression() -> None:
    from ms_ovba_compression.ms_ovba import MsOvba

    def copytoken_help(difference: int) -> dict:
        bit_count = MsOvba.ceil_log2(difference)
        length_mask = 0xFFFF >> bit_count
        return {"lengthMask": length_mask, "offsetMask": ~length_mask & 0xFFFF, "bitCount": bit_count,
                "maxLength": length_mask + 3}

    def matching(self) -> tuple[int, int]:
        """(offset, length) of the longest match of 3+ bytes before the position (nearest on ties)."""
        chunk = self._activeChunk
        pos = len(chunk) - len(self._uncompressedData)
        while self._indexed < pos:  # index every earlier position by its first 3 bytes
            p = self._indexed
            self._prefixes.setdefault(chunk[p:p + 3], []).append(p)
            self._indexed += 1
        best_length, best = 0, 0
        for c in reversed(self._prefixes.get(chunk[pos:pos + 3], ())):
            length = 3
            while pos + length < len(chunk) and chunk[c + length] == chunk[pos + length]:
                length += 1
            if length > best_length:
                best_length, best = length, c
        if best_length < 3:
            return 0, 0
        return pos - best, min(copytoken_help(pos)["maxLength"], best_length)

    compress_chunk = MsOvba._compress_chunk

    def fresh_chunk(self, data: bytes) -> bytes:
        self._prefixes, self._indexed = {}, 0
        return compress_chunk(self, data)

    # methods of the library's class replaced (setattr: the class is patched on purpose)
    setattr(MsOvba, "copytoken_help", staticmethod(copytoken_help))
    setattr(MsOvba, "_matching", matching)
    setattr(MsOvba, "_compress_chunk", fresh_chunk)


def _dir_stream_class(codepage: int):
    from ms_ovba.Models.Fields.idSizeField import IdSizeField
    from ms_ovba.Views.dirStream import DirStream

    class CodePageDirStream(DirStream):
        """ms-ovba's dir stream, with PROJECTCODEPAGE set to the project's code page."""

        def _load_information(self):
            records = super()._load_information()
            for i, record in enumerate(records):
                if isinstance(record, IdSizeField) and record._id == CODEPAGE_RECORD:
                    records[i] = IdSizeField(CODEPAGE_RECORD, 2, codepage)
                    return records
            raise RuntimeError("ms-ovba's dir stream has no PROJECTCODEPAGE record")

    return CodePageDirStream


def write_project(spec: dict) -> None:
    import uuid

    from ms_cfb.Models.Directories.root_directory import RootDirectory
    from ms_cfb.Models.Directories.storage_directory import StorageDirectory
    from ms_cfb.Models.Directories.stream_directory import StreamDirectory
    from ms_cfb.ole_file import OleFile
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project import Project
    from ms_ovba.Views.project_view import ProjectView

    _fix_compression()
    random.seed(0)  # the protection bytes (CMG/DPB/GC) of the PROJECT stream
    codepage = int(spec["codepage"])
    project = VbaProject()
    project.codepage_name = f"cp{codepage}"
    project.project_id = spec["project_id"]
    for guid, path, title, name in (STDOLE, OFFICE):
        libid = LibidReference(uuid.UUID(guid), "2.0", "0", path, title)
        project.add_reference(Reference(ReferenceRegistered(libid), name))
    for m in spec["modules"]:
        module = DocModule(m["name"]) if m["kind"] == "document" else StdModule(m["name"])
        Path(m["name"] + ".new").write_bytes(m["source"].encode(project.codepage_name))
        module.add_file(m["name"])
        project.add_module(module)

    # ms-ovba's ProjectOleFile._build_ole_directory, with the dir stream above
    root = RootDirectory()
    root.set_modified(project.default_date)
    storage = StorageDirectory("VBA")
    storage.set_created(project.default_date)
    storage.set_modified(project.default_date)
    for module in project.get_modules():
        module.write_file()
        storage.add_directory(StreamDirectory(module.name, module.bin_path))
    _dir_stream_class(codepage)(project).write_file()
    storage.add_directory(StreamDirectory("dir", "dir.bin"))
    ProjectView(project).write_file()
    storage.add_directory(StreamDirectory("_VBA_PROJECT", "vba_project.bin"))
    root.add_directory(storage)
    Project(project).write_file()
    root.add_directory(StreamDirectory("PROJECT", "project.bin"))
    ole = OleFile()
    ole.root_directory = root
    ole.create_file(OUTPUT)


if __name__ == "__main__":
    write_project(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
