"""Finding and loading plugins: built-ins, the entry-point group ``nianbao``, and ``--plugin`` files.

Each plugin loads inside its own ``try``: one that fails to import, or a hook that raises, or a rule
whose declaration is unsound, is recorded with its name and the reason, and everything else goes on.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from nianbao.engine import hookspecs
from nianbao.engine.isolation import run_isolated
from nianbao.engine.reader import Reader
from nianbao.engine.rule import CrossReportRule, Rule

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "nianbao"
PLUGIN_IMPORT_TIMEOUT = 30.0  # seconds an outside plugin may take to import
# Built-in readers and rule bundles: registered exactly as an outside plugin would be.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "nianbao.engine.readers.builtin",
    "nianbao.rules.structure",
    "nianbao.rules.tableshape",
    "nianbao.rules.traces",
    "nianbao.rules.tables",
    "nianbao.rules.values",
    "nianbao.rules.consistency",
    "nianbao.rules.content",
    "nianbao.rules.problems",
    "nianbao.rules.currency",
    "nianbao.rules.publication",
    "nianbao.rules.crossreport",
    "nianbao.rules.crossyear",
)


@dataclass(frozen=True)
class PluginInfo:
    name: str
    origin: str  # builtin | entry-point | file | module
    version: str | None = None


@dataclass(frozen=True)
class PluginProblem:
    """A plugin, or a rule in it, that was skipped. `key` and `params` render the message."""

    plugin: str
    key: str
    params: dict[str, Any]


@dataclass(frozen=True)
class RuleEntry:
    cls: type[Rule]
    plugin: str


@dataclass
class PluginHost:
    """The loaded plugins of one run. Build it with `PluginHost.load()`."""

    manager: pluggy.PluginManager
    import_timeout: float = PLUGIN_IMPORT_TIMEOUT
    plugins: list[PluginInfo] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)
    _rules: list[RuleEntry] | None = None
    _readers: dict[str, Reader] | None = None
    _plugin_suffixes: set[str] = field(default_factory=set)

    @classmethod
    def load(
        cls,
        extra: Sequence[str] = (),
        entry_points: bool = True,
        import_timeout: float = PLUGIN_IMPORT_TIMEOUT,
        shipped: Mapping[str, str] | None = None,
    ) -> PluginHost:
        """The built-in rules, the installed plugins (entry points) and `extra`: rule files and modules. A rule file
        named in `shipped` is loaded from the source text given there (a cluster's worker gets the client's files so,
        without a shared disk)."""
        manager = pluggy.PluginManager(hookspecs.PROJECT)
        manager.add_hookspecs(hookspecs)
        host = cls(manager, import_timeout=import_timeout)
        for name in BUILTIN_PLUGINS:
            host._register(name, "builtin", lambda n=name: importlib.import_module(n))
        if entry_points:
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                version = ep.dist.version if ep.dist else None
                host._register(ep.name, "entry-point", ep.load, version)
        for spec in extra:
            if shipped and spec in shipped:
                host._register(spec, "file", lambda s=spec: _import_source(s, shipped[s]))
            elif spec.endswith(".py") or Path(spec).is_file():
                host._register(spec, "file", lambda s=spec: _import_file(Path(s)))
            else:
                host._register(spec, "module", lambda s=spec: importlib.import_module(s))
        return host

    def _register(self, name: str, origin: str, loader: Any, version: str | None = None) -> None:
        if origin != "builtin":
            # Tried first in a child process: an import that hangs, exits or dies costs only that plugin.
            trial = run_isolated(lambda: _import_only(loader), self.import_timeout)
            if not trial.ok:
                self._failed(name, f"{trial.kind} at import: {trial.reason}")
                return
        try:
            module = loader()
            self.manager.register(module, name=name)
        except BaseException as exc:  # a failing plugin must not stop the run, whatever it raises
            self._failed(name, f"{type(exc).__name__}: {exc}")
            return
        self.plugins.append(PluginInfo(name, origin, version))

    def _failed(self, name: str, reason: str) -> None:
        log.debug("plugin %s failed to load: %s", name, reason)  # the command says so once, in the user's language
        self.problems.append(PluginProblem(name, "plugin.failed", {"plugin": name, "reason": reason}))

    def rules(self) -> list[RuleEntry]:
        """Every sound rule class (single-report and cross-report), first come first served by id; unsound ones
        become problems."""
        if self._rules is None:
            self._rules = []
            seen: dict[str, str] = {}
            calls = [(p, r, Rule) for p, r in self._call("nianbao_rules")]
            for hook in ("nianbao_cross_report_rules", "nianbao_batch_rules"):
                calls += [(p, r, CrossReportRule) for p, r in self._call(hook)]
            for plugin, result, base in calls:
                for rule in result or []:
                    rule_name = getattr(rule, "id", None) or getattr(rule, "__name__", repr(rule))
                    reasons = (
                        rule.problems()
                        if isinstance(rule, type) and issubclass(rule, base)
                        else [f"it is not a subclass of engine.{base.__name__}"]
                    )
                    if not reasons and rule.id in seen:
                        reasons = [f"id {rule.id} is already used by {seen[rule.id]}"]
                    if reasons:
                        self.problems.append(
                            PluginProblem(
                                plugin,
                                "rule.invalid",
                                {"plugin": plugin, "rule": rule_name, "reason": "; ".join(reasons)},
                            )
                        )
                        continue
                    seen[rule.id] = plugin
                    self._rules.append(RuleEntry(rule, plugin))
        return self._rules

    def plugin_suffixes(self) -> set[str]:
        """File endings that outside plugins' readers take (searched for in folders besides the usual ones)."""
        self.readers()
        return set(self._plugin_suffixes)

    def readers(self) -> dict[str, Reader]:
        """Reader by file suffix; a plugin's reader wins over a built-in one for the same suffix."""
        if self._readers is None:
            self._readers = {}
            builtin: dict[str, Reader] = {}
            for plugin, result in self._call("nianbao_readers"):
                for reader in result or []:
                    target = builtin if plugin in BUILTIN_PLUGINS else self._readers
                    for suffix in reader.suffixes:
                        target.setdefault(suffix.lower(), reader)
            self._plugin_suffixes = set(self._readers)
            for suffix, reader in builtin.items():
                self._readers.setdefault(suffix, reader)
        return self._readers

    def _call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call each implementation apart, so one that raises costs only its own plugin.

        Each gets the arguments it names, as pluggy's own calls do (`HookImpl.argnames`): a hook can gain
        parameters later and implementations written before that keep working.
        """
        results = []
        for impl in getattr(self.manager.hook, hook).get_hookimpls():
            name = self.manager.get_name(impl.plugin) or repr(impl.plugin)
            try:
                args = [kwargs[arg] for arg in impl.argnames]
                results.append((name, impl.function(*args)))
            except BaseException as exc:  # a hook that raises (anything) costs only its plugin
                reason = f"{hook}: {type(exc).__name__}: {exc}"
                self.problems.append(PluginProblem(name, "plugin.failed", {"plugin": name, "reason": reason}))
        return results  # registration order: built-ins first, so they keep their ids


def _import_only(loader: Any) -> None:
    loader()  # the module stays in the child; only whether it imported comes back


def _module_name(path: Path) -> str:
    return "nianbao_local_" + "".join(c if c.isalnum() else "_" for c in path.stem)


def _import_source(name: str, source: str) -> ModuleType:
    """A rule file's module from its text, as `_import_file` would load the file `name`."""
    module_name = _module_name(Path(name))
    module = ModuleType(module_name)
    module.__file__ = name
    sys.modules[module_name] = module
    try:
        exec(compile(source, name, "exec"), module.__dict__)  # the user's own rule file, trusted as --plugin is
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def _import_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    module_name = _module_name(path)
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module
