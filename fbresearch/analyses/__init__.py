"""The analyses: one subpackage each (estimators, frozen results, narrative)."""
