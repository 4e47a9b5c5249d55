"""Rules that misbehave in every way a plugin can, to show that each costs only itself.

Which one misbehaves is chosen by the environment variable NIANBAO_MISBEHAVE (so one file serves every test):
cross-hang, cross-exit, rule-exit (SystemExit), rule-interrupt (KeyboardInterrupt), leak (keeps 150 MB per file),
child-hog (starts two programs that hold 150 MB each, each under its own per-process limit, and waits for them).
"""

import os
import subprocess
import sys
import time

from nianbao.engine import CrossReportRule, Finding, Rule, hookimpl

MODE = os.environ.get("NIANBAO_MISBEHAVE", "")
_KEPT = []


class CrossHangs(CrossReportRule):
    """Looks across reports and never returns.

    Why: a test. How to fix: none.
    """

    id = "MB501"
    name = "cross-hangs"
    title = "hangs"
    severity = "warning"

    def check_reports(self, reports, context):
        if MODE == "cross-hang":
            time.sleep(600)
        elif MODE == "cross-exit":
            os._exit(7)
        return iter(())


class ExitsOrLeaks(Rule):
    """Raises SystemExit or KeyboardInterrupt, or keeps memory it never gives back.

    Why: a test. How to fix: none.
    """

    id = "MB101"
    name = "exits-or-leaks"
    title = "misbehaves"
    severity = "warning"

    def check(self, report, context):
        if MODE == "rule-exit":
            raise SystemExit(3)
        if MODE == "rule-interrupt":
            raise KeyboardInterrupt
        if MODE == "child-hog":
            hog = "import time; kept = [b'x' * (10 << 20) for _ in range(15)]; time.sleep(120)  # nianbao-child-hog"
            hogs = [subprocess.Popen([sys.executable, "-c", hog], stderr=subprocess.DEVNULL) for _ in range(2)]
            for each in hogs:
                each.wait()
        if MODE == "leak":
            _KEPT.append(bytearray(150 * 1024 * 1024))
            yield Finding(message=f"worker {os.getpid()}")


@hookimpl
def nianbao_rules():
    return [ExitsOrLeaks]


@hookimpl
def nianbao_cross_report_rules():
    return [CrossHangs]
