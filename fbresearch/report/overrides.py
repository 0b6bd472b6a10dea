"""Overrides from the command line: ``-p notebook.key=value`` and ``--notebooks a,b``.

A scheduled or one-off run often needs one parameter changed (``-p topics.num_topics=6``) or a
few pages (``--notebooks overview,topics``) without editing the params file. The values are
read as YAML, like the params file (``6`` a number, ``[plan, region]`` a list, ``null`` None),
merged over the params, and validated like them when the params are loaded
(:func:`~fbresearch.report.params.load_params`): an unknown notebook or parameter is an error
naming it and listing the valid ones.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from fbresearch.errors import ParamsError

__all__ = ["parse_overrides", "parse_pages", "check_overrides", "dates_as_text"]


def dates_as_text(value: Any) -> Any:
    """Unquoted YAML dates (``change_date: 2026-03-01`` is a date to YAML) become "2026-03-01".

    Examples
    --------
    >>> dates_as_text({"a": [datetime.date(2026, 3, 1)], "b": 1})
    {'a': ['2026-03-01'], 'b': 1}
    """
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [dates_as_text(v) for v in value]
    return value


def _close(name: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(allowed), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def parse_overrides(texts: Sequence[str] | None) -> dict[str, dict[str, Any]]:
    """``-p`` arguments as notebook -> {parameter: value}; values read as YAML.

    Examples
    --------
    >>> parse_overrides(["topics.num_topics=6", "drivers.controls=[plan, region]",
    ...                  "topics.user_dict=", "overview.confidence=0.9"])
    {'topics': {'num_topics': 6, 'user_dict': None}, 'drivers': {'controls': ['plan', 'region']}, 'overview': {'confidence': 0.9}}
    >>> parse_overrides(["num_topics=6"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: -p 'num_topics=6': write notebook.parameter=value, ...
    """
    import yaml

    overrides: dict[str, dict[str, Any]] = {}
    for text in texts or ():
        target, equals, value = str(text).partition("=")
        name, dot, key = target.strip().partition(".")
        if not equals or not dot or not name or not key or "." in key:
            raise ParamsError(
                f"-p {text!r}: write notebook.parameter=value, e.g. -p topics.num_topics=6 "
                "(the value is read as YAML: 6, 0.9, true, [plan, region], null)."
            )
        try:
            parsed = yaml.safe_load(value) if value.strip() else None
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ParamsError(
                f"-p {text!r}: the value {value!r} is not valid YAML ({problem}). Fix: quote "
                "text holding ':' or '#', e.g. -p 'topics.extra_stopwords=[\"a: b\"]'."
            ) from None
        overrides.setdefault(name, {})[key.strip()] = dates_as_text(parsed)
    return overrides


def parse_pages(value: str | Sequence[str] | None) -> list[str] | None:
    """``--notebooks a,b`` as a list of page names (None: the params' pages).

    Examples
    --------
    >>> parse_pages("overview, topics,"), parse_pages(None), parse_pages(["drivers"])
    (['overview', 'topics'], None, ['drivers'])
    """
    if value is None:
        return None
    names = value.split(",") if isinstance(value, str) else list(value)
    pages = [str(n).strip() for n in names if str(n).strip()]
    if not pages:
        raise ParamsError("--notebooks: name at least one page, e.g. --notebooks overview,topics.")
    return pages


def check_overrides(
    overrides: Mapping[str, Mapping[str, Any]],
    pages: Sequence[str] | None,
    available: Sequence[str],
    declared: Callable[[str], Sequence[str]],
    runner_set: Sequence[str],
) -> None:
    """Refuse an override naming a notebook or parameter that does not exist.

    Parameters
    ----------
    overrides, pages
        From :func:`parse_overrides` and :func:`parse_pages`.
    available
        The notebooks of the run's ``notebooks_dir``.
    declared
        A notebook's name -> the parameters its ``parameters`` cell declares.
    runner_set
        Parameters the runner sets for every notebook (not to be overridden per notebook).

    Examples
    --------
    >>> check_overrides({"topic": {"k": 6}}, None, ["overview", "topics"], lambda n: [], [])
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: -p topic.k: there is no notebook 'topic'. Did you mean 'topics'? Notebooks: overview, topics.
    >>> check_overrides({"topics": {"num_topic": 6}}, None, ["topics"],
    ...                 lambda n: ["period", "num_topics", "k_min"], ["period"])
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: -p topics.num_topic: topics.ipynb has no parameter 'num_topic'. Did you mean 'num_topics'? Its parameters: num_topics, k_min.
    """
    listing = ", ".join(available) or "(none)"
    for name in pages or ():
        if name not in available:
            raise ParamsError(
                f"--notebooks: there is no notebook {name!r}.{_close(name, available)} "
                f"Notebooks: {listing}."
            )
    for name, values in overrides.items():
        for key in values:
            if name not in available:
                raise ParamsError(
                    f"-p {name}.{key}: there is no notebook {name!r}.{_close(name, available)} "
                    f"Notebooks: {listing}."
                )
            if key in runner_set:
                raise ParamsError(
                    f"-p {name}.{key}: {key!r} is set by the runner for every notebook; use "
                    f"the command's own option (--period) or the params' top level ({key}:)."
                )
            own = [p for p in declared(name) if p not in runner_set]
            if key not in own:
                raise ParamsError(
                    f"-p {name}.{key}: {name}.ipynb has no parameter {key!r}."
                    f"{_close(key, own)} Its parameters: {', '.join(own) or '(none)'}."
                )
