"""Classes whose keyword arguments are a C++ object's config.

deepfin's layers, optimizers, losses and schedules are made by the C++ registries
from ``{"class_name": ..., "config": {...}}``: the path job files and saved models
take. Each Python class here only maps its arguments (Keras's positional order
and spellings) onto that config, and its signature and defaults are read from
the C++ object itself, so they cannot drift apart.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Iterable, Tuple

# Keys every layer accepts beside its own options.
COMMON_LAYER_KEYS = ("name", "trainable", "dtype", "input_shape")


def serialize(obj: Any) -> Any:
    """``{"class_name", "config"}`` of a deepfin object; anything else unchanged."""
    if hasattr(obj, "_serialize"):
        return obj._serialize()
    return obj


def make_signature(positional: Iterable[str], defaults: Dict[str, Any], extra: Iterable[str] = ()) -> inspect.Signature:
    """Positional-or-keyword parameters first (required unless ``defaults`` has them),
    then every other key of ``defaults`` keyword-only, then ``extra`` keyword-only (default None)."""
    params = []
    positional = list(positional)
    for name in positional:
        default = defaults.get(name, inspect.Parameter.empty)
        params.append(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default))
    for name, value in defaults.items():
        if name in positional:
            continue
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value))
    for name in extra:
        if name not in defaults and name not in positional:
            params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None))
    return inspect.Signature(params)


def bind_config(cls: type, args: Tuple[Any, ...], kwargs: Dict[str, Any], aliases: Dict[str, str]) -> Dict[str, Any]:
    """The config that ``cls(*args, **kwargs)`` asks for: only the arguments given
    (the C++ side fills in its defaults), Keras aliases renamed, objects serialized.
    TypeError names the class for a missing or unknown argument, as Python would."""
    kwargs = dict(kwargs)
    for old, new in aliases.items():
        if old in kwargs:
            if new in kwargs:
                raise TypeError(f"{cls.__name__}: give {new!r} or its older spelling {old!r}, not both")
            kwargs[new] = kwargs.pop(old)
    try:
        bound = cls.__signature__.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{cls.__name__}: {e}") from None
    return {key: serialize(value) for key, value in bound.arguments.items()}


def defaults_of(config: Dict[str, Any], drop: Iterable[str] = ()) -> Dict[str, Any]:
    """A probe object's config without the keys that are not options."""
    return {k: v for k, v in config.items() if k not in set(drop)}


def lazily(factory: Callable[[], Any]) -> Callable[[], Any]:
    """Calls ``factory`` once, on first use (probing C++ objects at import costs time)."""
    cache = []

    def get():
        if not cache:
            cache.append(factory())
        return cache[0]

    return get
