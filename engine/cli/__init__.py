"""The `nianbao` command: `main` parses and runs the commands (check, serve, rules, …); `office` adds the office's
commands that write from a result document (letters, circular)."""
