"""fbresearch.report.pages: the declarative table of what each page needs."""

from __future__ import annotations

from fbresearch.report.pages import HEADLINE_PAGE, PAGES, headline_confidence, page
from fbresearch.report.params import DEFAULT_NOTEBOOKS_DIR, NOTEBOOK_ORDER


def test_every_default_page_is_described_in_run_order():
    assert tuple(PAGES) == NOTEBOOK_ORDER and HEADLINE_PAGE in PAGES
    for name in PAGES:
        assert (DEFAULT_NOTEBOOKS_DIR / f"{name}.ipynb").exists()


def test_drops_match_the_notebooks_load_cells():
    # the notebooks load with page="<name>"; the columns that leaves out are PAGE_COLUMNS[name]
    import nbformat

    from fbresearch.io.inputs import PAGE_COLUMNS

    assert set(PAGE_COLUMNS) == set(PAGES)
    for name, spec in PAGES.items():
        nb = nbformat.read(DEFAULT_NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
        loads = [c.source for c in nb.cells if "load_inputs(" in c.source]
        assert loads and f'page="{name}"' in loads[0], name
        assert set(PAGE_COLUMNS[name]) == set(spec.drops), name
        assert not ("text" in spec.drops and "text" in spec.columns), name


def test_unknown_page_and_headline_confidence():
    assert page("extra").files == () and page("segmentation").files == ("orders",)
    assert headline_confidence({"confidence": 0.8}) == 0.8
    assert headline_confidence({}) == 0.95 and headline_confidence(None, default=0.9) == 0.9
