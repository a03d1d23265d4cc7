"""Job files from Python: load one (a path, or a dict with the same tables), or
run it whole, as the ``deepfin`` command would, in this process."""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _deepfin

JobLike = Union[str, os.PathLike, Dict[str, Any]]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v: Any, where: str) -> str:
    if hasattr(v, "_serialize"):
        v = v._serialize()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, (str, os.PathLike)):
        return json.dumps(os.fspath(v), ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(item, f"{where}[{i}]") for i, item in enumerate(v)) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(str(k))} = {_value(x, f'{where}.{k}')}" for k, x in v.items()) + "}"
    if hasattr(v, "item") and getattr(v, "ndim", None) == 0:  # numpy scalars
        return _value(v.item(), where)
    raise TypeError(f"job: {where} = {v!r} cannot be written to a job file (numbers, strings, lists, dicts can)")


def to_toml(job: Dict[str, Any]) -> str:
    """A job dict as job-file text: top-level values, then one [table] per dict."""
    lines: List[str] = []
    tables: List[str] = []
    for k, v in job.items():
        if v is None:
            continue
        if isinstance(v, dict):
            tables.append(f"\n[{_key(k)}]")
            tables += [f"{_key(str(tk))} = {_value(tv, f'{k}.{tk}')}" for tk, tv in v.items() if tv is not None]
        else:
            lines.append(f"{_key(k)} = {_value(v, k)}")
    return "\n".join(lines + tables) + "\n"


def load_job(job: JobLike, name: str = "<job dict>") -> Any:
    """A parsed job (every key checked, as the deepfin command checks it) from a job-file path or a dict."""
    if isinstance(job, dict):
        return _deepfin.parse_job(to_toml(job), name)
    if hasattr(job, "kind") and hasattr(job, "model_config"):
        return job  # already parsed
    return _deepfin.load_job_file(os.fspath(job))


def run(
    job: JobLike,
    command: str = "train",
    *args: str,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    verbose: bool = True,
) -> List[Dict[str, Any]]:
    """Runs ``deepfin COMMAND JOB ARGS...`` in this process and returns its events.

    ``command`` is train, cv, report, evaluate, backtest, ... (``deepfin --help``);
    ``args`` are that command's own options, e.g. ``run(job, "cv", "--folds", "5")``.
    With ``verbose`` each event's line is printed as the command would print it.
    Errors raise (ValueError, FileNotFoundError, ...) with the command's message.
    As the command does, it seeds deepfin's random generator (the job's seed, ``seed``
    or 42); the thread count it sets is put back afterwards.
    ``serve`` runs only from the command line: it waits for signals the interpreter owns.
    """
    if command == "serve":
        raise ValueError("deepfin.run: serve runs from the command line (`deepfin serve MODEL`), not inside Python")
    events: List[Dict[str, Any]] = []

    def on_event(text: str, event: Dict[str, Any]) -> None:
        events.append(event)
        if verbose:
            print(text, flush=True)

    flags: List[str] = []
    if seed is not None:
        flags += ["--seed", str(int(seed))]
    if threads is not None:
        flags += ["--threads", str(int(threads))]
    extra = [str(a) for a in args]
    threads_before = _deepfin.get_num_threads()
    try:
        code = _run_job(job, command, extra + flags, on_event)
    finally:
        _deepfin.set_num_threads(threads_before)
    if code != 0:
        raise _deepfin.DeepfinError(f"deepfin {command}: exited with code {code}")
    return events


def _run_job(job: JobLike, command: str, args: List[str], on_event: Any) -> int:
    if isinstance(job, dict):
        with tempfile.TemporaryDirectory(prefix="deepfin-job-") as tmp:
            path = os.path.join(tmp, "job.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(to_toml(job))
            return _deepfin.run_cli([command, path] + args, on_event)
    return _deepfin.run_cli([command, os.fspath(job)] + args, on_event)


def merged_job(job: Optional[JobLike], overrides: Dict[str, Any]) -> Dict[str, Any]:
    """A job as a dict of tables (read from its file, or copied), with ``overrides``: a
    table given as a dict updates the job's table key by key; any other value replaces it."""
    import copy
    import tomllib

    base: Dict[str, Any] = {}
    if isinstance(job, dict):
        base = copy.deepcopy(job)
    elif job is not None:
        with open(os.fspath(job), "rb") as f:
            base = tomllib.load(f)
    for table, values in overrides.items():
        if isinstance(values, dict) and isinstance(base.get(table), dict):
            base[table].update(values)
        else:
            base[table] = values
    return base


def job_name(job: Optional[JobLike]) -> str:
    return os.fspath(job) if isinstance(job, (str, os.PathLike)) else "<job dict>"


def seed_of(job: Any) -> int:
    """The job's seed, or the deepfin command's default (42)."""
    return 42 if job.seed is None else int(job.seed)


__all__ = ["load_job", "run", "to_toml"]
