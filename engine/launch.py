"""The `nianbao` command's entry point: `--version` answered before anything else is loaded (a script asking which
version is installed should not wait for every model to be built); every other command is nianbao.engine.cli.main's."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from nianbao.engine import __version__


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        print(f"nianbao {__version__}")
        return 0
    from nianbao.engine.cli.main import main as run

    return run(args)
