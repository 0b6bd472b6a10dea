"""The analyses: one package each (estimators with numbers only, frozen results, narrative)."""
