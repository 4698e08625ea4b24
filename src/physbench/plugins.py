"""Plug-in registries: a model is one class in its own module, found without a hand-kept list.

A registry belongs to a sub-package (``physbench.chaos.forecasters``, ...). Every public module of
that package is imported once, and each class defined there that subclasses the registry's base
and declares its own ``name`` is registered under that name. Adding a model is adding a module;
nothing else is edited. Each plug-in's code is fingerprinted on its own (:meth:`Registry.code`), so
a new or edited model reruns only its own jobs.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator, Mapping

from physbench.provenance import code_fingerprint


class Parameters:
    """scikit-learn's parameter convention without importing scikit-learn: the constructor's
    arguments are stored as attributes of the same name, and :meth:`get_params` lists them with
    their values (so ``sklearn.base.clone`` works too)."""

    def get_params(self, deep: bool = True) -> dict:
        signature = inspect.signature(type(self).__init__)
        return {name: getattr(self, name) for name, parameter in signature.parameters.items()
                if name != "self" and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"


class Registry(Mapping[str, type]):
    """Name -> plug-in class of the subclasses of ``base`` defined in the modules of ``package``."""

    def __init__(self, package: str, base: type, kind: str):
        self.package, self.base, self.kind = package, base, kind
        self._classes: dict[str, type] | None = None
        self._codes: dict[str, str] = {}

    def _discover(self) -> dict[str, type]:
        if self._classes is None:
            classes: dict[str, type] = {}
            package = importlib.import_module(self.package)
            for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
                if info.name.startswith("_"):
                    continue
                module = importlib.import_module(f"{self.package}.{info.name}")
                for obj in vars(module).values():
                    if (isinstance(obj, type) and issubclass(obj, self.base) and obj.__module__ == module.__name__
                            and "name" in vars(obj)):
                        if obj.name in classes:
                            raise TypeError(f"{self.kind} name {obj.name!r} is declared twice: by "
                                            f"{classes[obj.name].__module__} and {module.__name__}; rename one")
                        classes[obj.name] = obj
            self._classes = classes
        return self._classes

    def __getitem__(self, name: str) -> type:
        classes = self._discover()
        if name not in classes:
            raise KeyError(f"unknown {self.kind} {name!r}; registered: {sorted(classes)} (a new one is a class "
                           f"with name = {name!r} in a module of {self.package})")
        return classes[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._discover())

    def __len__(self) -> int:
        return len(self._discover())

    def code(self, name: str) -> str:
        """Fingerprint of the module that defines plug-in ``name`` and of what it imports (computed
        once per process: every job of the model asks for it)."""
        if name not in self._codes:
            self._codes[name] = code_fingerprint(self[name].__module__)
        return self._codes[name]
