"""The `nianbao` command's entry point: `--version` answered before anything else is loaded (a script asking which
version is installed should not wait for every model to be built); every other command is nianbao.engine.cli.main's."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from nianbao.engine import __version__


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        print(f"nianbao {__version__}")
        return 0
    # Importing builds tens of thousands of objects that all live to the end (models, compiled patterns, rule classes):
    # the collector would walk them again and again for nothing. It is off while the command's code loads, and what
    # was loaded is then set aside from its later walks (forked workers share those pages untouched, too).
    gc.disable()
    try:
        from nianbao.engine.cli.main import main as run
    finally:
        gc.freeze()
        gc.enable()
    return run(args)
