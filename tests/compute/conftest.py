"""Fixtures of the compute tests: a listener that counts XLA compilations."""

import contextlib

import jax
import pytest

from nqs_explorer.compute import _kernels

# The event jax records around every backend (XLA) compilation, with the function name.
BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"
KERNEL_NAMES = {
    name
    for name, obj in vars(_kernels).items()
    if callable(obj) and getattr(obj, "__module__", "") == _kernels.__name__
}


class CompileEvents:
    """Backend compilations jax reports, independently of the kernel cache's counter."""

    def __init__(self):
        self.names: list[str] = []

    def __call__(self, event, duration, **kwargs):
        if event == BACKEND_COMPILE_EVENT:
            self.names.append(str(kwargs.get("fun_name", "")))

    @property
    def total(self) -> int:
        """Every compilation, ours or not (eager jax ops compile too)."""
        return len(self.names)

    @property
    def kernels(self) -> int:
        """Compilations of our kernels (``jit(<kernel>)``)."""
        return sum(n.removeprefix("jit(").removesuffix(")") in KERNEL_NAMES for n in self.names)


@pytest.fixture
def compile_events():
    """Yield a function ``watch()`` giving a context manager that records compilations."""

    @contextlib.contextmanager
    def watch():
        events = CompileEvents()
        jax.monitoring.register_event_duration_secs_listener(events)
        try:
            yield events
        finally:
            jax.monitoring.unregister_event_duration_listener(events)

    return watch
