"""Analyses: one package per analysis (estimators, frozen results, narrative).

Each ``analyses/<name>/`` package holds estimator modules that compute numbers only, a
``results.py`` of frozen result dataclasses and a ``narrative.py`` of sentences and findings.
"""

# a namespace package: its modules are imported by name
__all__: list[str] = []
