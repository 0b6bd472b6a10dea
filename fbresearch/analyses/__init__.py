"""Analyses: one subpackage per analysis (estimators, frozen results, narrative)."""
