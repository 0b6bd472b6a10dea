"""The data zoo: export shapes (tests/zoo/shapes.py) the report runs on in tests/report/test_zoo.py."""
