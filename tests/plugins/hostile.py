"""Readers that misbehave, to show that a batch survives them: one hangs, one kills its process."""

import os
import time

from nianbao.engine import hookimpl


class Hangs:
    format = "txt"
    suffixes = (".hang",)

    def read(self, path, data):
        time.sleep(600)


class Crashes:
    format = "txt"
    suffixes = (".crash",)

    def read(self, path, data):
        os._exit(3)  # as a segfault in a C library would: no exception, the process is gone


@hookimpl
def nianbao_readers():
    return [Hangs(), Crashes()]
