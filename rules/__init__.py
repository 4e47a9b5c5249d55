"""The built-in rules, in bundles by theme. Each bundle is a plugin module with a `nianbao_rules` hook,
loaded through the same hook as any outside plugin (see nianbao.engine.checking.plugins.BUILTIN_PLUGINS)."""
