"""Prefect's `@flow` and `@task` without importing Prefect until something runs through it.

`import prefect` costs ~3 s here (its settings, plugins and client). `--engine plain` runs the very same
functions through their `.fn` and never needs it; the flows and tasks themselves are built on first use
(a call, `.submit`, `.with_options`, `.to_deployment`) with the options given here. When Prefect is already
imported (it loads flows/pipeline.py for a deployment or a worker), flows/pipeline.py takes Prefect's own
decorators instead, so the objects Prefect looks up are its own Flow objects.

Only the standard library is imported here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

NO_CACHE = "NO_CACHE"  # stands for prefect.cache_policies.NO_CACHE until Prefect is imported


def _prefect_options(options: dict[str, Any]) -> dict[str, Any]:
    out = dict(options)
    if out.get("cache_policy") == NO_CACHE:
        from prefect.cache_policies import NO_CACHE as prefect_no_cache

        out["cache_policy"] = prefect_no_cache
    return out


class Deferred:
    """A function that becomes a Prefect flow or task when first used as one; `.fn` is the plain function."""

    def __init__(self, kind: str, fn: Callable, options: dict[str, Any]):
        self.fn = fn
        self._kind = kind
        self._options = options
        functools.update_wrapper(self, fn)

    @functools.cached_property
    def prefect(self):
        import prefect

        return getattr(prefect, self._kind)(**_prefect_options(self._options))(self.fn)

    def __call__(self, *args, **kwargs):
        return self.prefect(*args, **kwargs)

    def __getattr__(self, name: str):  # submit, with_options, to_deployment, name ... on the Prefect object
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.prefect, name)


def flow(**options) -> Callable[[Callable], Deferred]:
    return lambda fn: Deferred("flow", fn, options)


def task(**options) -> Callable[[Callable], Deferred]:
    return lambda fn: Deferred("task", fn, options)
