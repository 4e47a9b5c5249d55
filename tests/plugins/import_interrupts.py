"""A plugin whose import raises what `except Exception` does not catch."""

raise KeyboardInterrupt("at import")
