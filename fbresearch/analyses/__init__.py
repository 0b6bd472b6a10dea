"""Analyses: one package per analysis, each with estimator modules, results.py and narrative.py."""
