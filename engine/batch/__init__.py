"""Checking many submissions in one run: the worker pool, the results cache, progress and the review file.

`run.check_all` is the entry point; the cross-report rules run after it has every result (`Checker.check_across`).
"""
