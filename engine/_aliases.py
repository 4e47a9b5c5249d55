"""The 0.1 import names, kept for one release: `engine.*` and `rules.*` are `nianbao.engine.*` and `nianbao.rules.*`.

Nianbao 0.1 installed two generic top-level packages, `engine` and `rules`; the second is also the import name of
another well-known package, and two packages that own one name overwrite each other. From 0.2 Nianbao owns one name,
`nianbao`. A plugin written against the old names still loads: this finder answers for `engine` and `rules` and
their modules (the ones that moved in 0.2 at their new homes), with a DeprecationWarning, but only where no other
installed package owns the name (it is asked after every other finder for a top-level name). To be removed in 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

OLD = {"engine": "nianbao.engine", "rules": "nianbao.rules"}

# Every module 0.2 moved or renamed: its 0.1 name, under `engine.` (tests/test_packaging.py holds this to 0.1's tree).
MOVED = {
    "checker": "checking.checker",
    "catalogue": "checking.catalogue",
    "plugins": "checking.plugins",
    "profile": "checking.profile",
    "across": "checking.crossreport",
    "doubt": "checking.uncertain",
    "symptoms": "checking.symptoms",
    "translation": "checking.translation",
    "roster": "office.roster",
    "office_commands": "cli.office",
    "batch.review": "office.review",
    "outputs.letters_out": "office.letters",
    "outputs.circular": "office.circular",
    "outputs.circular_docx": "office.circular_docx",
    "outputs.circular_html": "office.circular_html",
    "outputs.selfcheck_docx": "office.selfcheck",
    "readers.text": "readers.plaintext",
    "readers.sheet": "readers.workbook",
    "sources": "submissions",
    "cli": "cli.main",  # a module in 0.1, a folder now: `from engine.cli import main` still finds the command
    "batch.across": "batch.contained_rules",
    "office_cli": "cli.office",
    "outputs.summary_docx": "office.circular_docx",
    "outputs.summary_html": "office.circular_html",
    "testing.sheets": "testing.workbooks",
    "web.sheets": "web.marked",
    # readers/ in 0.1 was flat: its PDF internals, OCR and shared pipeline now have folders of their own
    "readers.pdf": "readers.pdf.reader",
    "readers.pdfcontent": "readers.pdf.content",
    "readers.pdfguard": "readers.pdf.guard",
    "readers.pdfpages": "readers.pdf.pages",
    "readers.scan": "readers.scan.reader",
    "readers.geometry": "readers.scan.geometry",
    "readers.ocr": "readers.scan.ocr",
    "readers.ocr_mend": "readers.scan.mend",
    "readers.raster": "readers.scan.raster",
    "readers.speck": "readers.scan.speck",
    "readers.tesseract": "readers.scan.tesseract",
    "readers.assemble": "readers.pipeline.assemble",
    "readers.blocks": "readers.pipeline.blocks",
    "readers.cut_rows": "readers.pipeline.cut_rows",
    "readers.grid": "readers.pipeline.grid",
    "readers.layout": "readers.pipeline.landmarks",
    "readers.normalize": "readers.pipeline.normalize",
    "readers.page": "readers.pipeline.positioned",
    "readers.placement": "readers.pipeline.placement",
    "readers.raw": "readers.pipeline.raw",
    "readers.tables": "readers.pipeline.onto_template",
}


def new_name(old: str) -> str | None:
    """The 0.2 name of a 0.1 module name, or None where the name is not one of Nianbao's old ones."""
    top, _, rest = old.partition(".")
    if top not in OLD:
        return None
    if top == "engine" and rest:
        rest = MOVED.get(rest, rest)
    return f"{OLD[top]}.{rest}" if rest else OLD[top]


def _ours(name: str) -> bool:
    """Whether `engine` or `rules`, as the other finders would find it, is this installation's own folder (a source
    checkout on the path) or nothing at all, rather than another package that owns the name."""
    mine = list(importlib.import_module(OLD[name]).__path__)
    for finder in sys.meta_path:
        if isinstance(finder, _Finder) or not hasattr(finder, "find_spec"):
            continue
        try:
            spec = finder.find_spec(name, None)
        except Exception:  # a finder that cannot answer owns nothing here
            continue
        if spec is not None:
            return list(spec.submodule_search_locations or []) == mine
    return True


class _Loader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return None  # the default module, replaced by the real one in exec_module

    def exec_module(self, module: ModuleType) -> None:
        real = importlib.import_module(self.target)
        # The import system returns what sys.modules holds under the name once this returns: the real module,
        # so the old and the new name are one module (one Rule class, one registry).
        sys.modules[module.__name__] = real


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top not in OLD:
            return None
        if fullname == top and not _ours(top):
            return None  # another package owns the name: it is theirs
        if fullname != top and sys.modules.get(top) is not sys.modules.get(OLD[top]):
            return None
        new = new_name(fullname)
        assert new is not None
        warnings.warn(
            f"`{fullname}` is the 0.1 name of `{new}`: import `{new}` (the old names go in 0.3)",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.machinery.ModuleSpec(fullname, _Loader(new))


def install() -> None:
    """Put the finder first (it declines every name but Nianbao's old ones, and those another package owns)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
