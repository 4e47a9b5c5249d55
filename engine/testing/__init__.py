"""Helpers for tests, benchmarks and plugin authors: sample reports and rule cases as data."""
