"""fbresearch.report.params: params files are checked when loaded; errors name the file and key."""

from __future__ import annotations

import nbformat
import pytest

from fbresearch.errors import ParamsError
from fbresearch.report.params import (
    DEFAULTS,
    check_period,
    load_params,
    notebook_defaults,
    notebook_parameters,
)


def _notebook(folder, name, source):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), cell]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    _notebook(folder, "good", "period = None\nseed = 0\nconfidence = 0.95\nk: int = 8")
    return folder


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "monthly.yaml"
    path.write_text("report:\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"monthly\.yaml: not valid YAML"):
        load_params(path)


def test_yaml_that_is_not_a_mapping_names_the_file(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"list\.yaml: params must be a mapping.*not list"):
        load_params(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ParamsError, match=r"nope\.yaml: params file not found"):
        load_params(tmp_path / "nope.yaml")


def test_unknown_key_names_file_key_close_match_and_allowed_keys(tmp_path, notebooks):
    path = tmp_path / "p.yaml"
    path.write_text(f"notebooks_dir: {notebooks}\nsampel_size: 10\n", encoding="utf-8")
    with pytest.raises(ParamsError) as info:
        load_params(path)
    message = str(info.value)
    assert message.startswith(f"{path}: unknown key 'sampel_size' in params.")
    assert "Did you mean 'sample_size'?" in message and "Allowed keys: data, orders" in message


def test_unknown_report_key_and_bad_types_name_the_key(notebooks):
    base = {"notebooks_dir": str(notebooks)}
    with pytest.raises(ParamsError, match="unknown key 'wokers' in report.*'workers'"):
        load_params({**base, "report": {"wokers": 2}})
    with pytest.raises(ParamsError, match=r"'report.workers' must be a whole number >= 1, not 0"):
        load_params({**base, "report": {"workers": 0}})
    with pytest.raises(ParamsError, match=r"'seed' must be a whole number >= 0, not True"):
        load_params({**base, "seed": True})
    with pytest.raises(ParamsError, match="'report.timeout' must be a positive number"):
        load_params({**base, "report": {"timeout": -1}})
    with pytest.raises(ParamsError, match="'columns' must map canonical names"):
        load_params({**base, "columns": {"nps": 3}})


def test_notebook_parameters_are_checked_against_the_notebook(notebooks):
    base = {"notebooks_dir": str(notebooks)}
    assert load_params({**base, "notebooks": {"good": {"k": 3}}}).notebooks == {"good": {"k": 3}}
    with pytest.raises(ParamsError, match=r"notebooks\.good \(the parameters of good\.ipynb\)"):
        load_params({**base, "notebooks": {"good": {"kk": 3}}})
    with pytest.raises(ParamsError, match=r"notebooks\.good\.seed is set by the runner"):
        load_params({**base, "notebooks": {"good": {"seed": 3}}})
    with pytest.raises(ParamsError, match="page 'god' in 'pages' is not a notebook.*Did you mean"):
        load_params({**base, "pages": ["god"]})
    with pytest.raises(ParamsError, match="notebook 'god' not found.*Did you mean 'good'"):
        load_params({**base, "notebooks": {"god": {}}})


def test_a_notebooks_block_sets_parameters_and_never_drops_pages():
    # issue 14: `notebooks: {topics: {...}}` used to run topics alone, silently
    loaded = load_params({"notebooks": {"topics": {"months": 6}}})
    assert list(loaded.notebooks) == [
        "overview", "segmentation", "topics", "drivers", "improvement", "closed_loop", "value",
        "journey",
    ]  # fmt: skip
    assert loaded.notebooks["topics"] == {"months": 6} and loaded.notebooks["overview"] == {}
    assert list(load_params({"pages": ["topics", "overview"]}).notebooks) == ["topics", "overview"]
    assert load_params({"pages": []}).notebooks == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title: 华东报告\n".encode("gbk"), "is not UTF-8 text .* It reads as GB18030.*save the params file as UTF-8"),
        (b"\x00\x01\x02binary\x00", "is not a text file"),
        (b"data: [unclosed\n", "not valid YAML .*line"),
    ],
)  # fmt: skip
def test_params_files_that_cannot_be_read_say_why(tmp_path, content, message):
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    with pytest.raises(ParamsError, match=message):
        load_params(path)


def test_a_params_folder_is_refused_by_name(tmp_path):
    with pytest.raises(ParamsError, match="is a folder, not a params file"):
        load_params(tmp_path)


def test_unquoted_yaml_dates_are_read_as_dates_in_text(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "notebooks:\n  improvement:\n    improvements:\n      - name: X\n"
        "        change_date: 2026-03-01\n        metric: csat\n",
        encoding="utf-8",
    )
    improvement = load_params(path).notebooks["improvement"]["improvements"][0]
    assert improvement["change_date"] == "2026-03-01"


def test_a_missing_taxonomy_file_is_named_before_anything_runs(tmp_path):
    with pytest.raises(
        ParamsError, match=r"notebooks\.closed_loop\.taxonomy: file .*nope\.yaml' not found"
    ):
        load_params({"notebooks": {"closed_loop": {"taxonomy": str(tmp_path / "nope.yaml")}}})
    taxonomy = tmp_path / "tax.yaml"
    taxonomy.write_text("{}\n", encoding="utf-8")
    params = tmp_path / "p.yaml"
    params.write_text("notebooks:\n  closed_loop:\n    taxonomy: tax.yaml\n", encoding="utf-8")
    assert load_params(params).notebooks["closed_loop"]["taxonomy"] == str(taxonomy)


def test_defaults_fill_missing_keys_and_paths_are_relative_to_the_file(tmp_path, notebooks):
    path = tmp_path / "p.yaml"
    path.write_text(f"notebooks_dir: {notebooks}\ndata: in/feedback.csv\n", encoding="utf-8")
    loaded = load_params(path)
    assert loaded.data == tmp_path / "in" / "feedback.csv"
    assert loaded.sample_size == DEFAULTS["sample_size"] and loaded.workers is None  # auto
    assert loaded.report["title"] == "Customer feedback report"
    assert list(loaded.notebooks) == ["good"] and loaded.source == str(path)


def test_period_must_be_a_month():
    assert check_period("2026-01") == "2026-01" and check_period(None) is None
    with pytest.raises(ParamsError, match="'YYYY-MM'"):
        check_period("2026-1")


def test_notebook_parameters_and_literal_defaults(tmp_path):
    path = _notebook(tmp_path, "x", "a = 1\nb: list = ['nps', 'csat']\nc = make()\na = 2")
    assert notebook_parameters(path) == ["a", "b", "c"]
    assert notebook_defaults(path) == {"a": 2, "b": ["nps", "csat"]}


def test_notebook_without_parameters_cell_or_broken_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, tmp_path / "none.ipynb")
    with pytest.raises(ParamsError, match="no cell tagged 'parameters'"):
        notebook_parameters(tmp_path / "none.ipynb")
    broken = _notebook(tmp_path, "broken", "x = (")
    with pytest.raises(ParamsError, match="parameters cell is not valid Python"):
        notebook_parameters(broken)


def test_privacy_drop_columns_is_a_list_of_names():
    assert load_params({"pages": []}).drop_columns == ()
    loaded = load_params({"pages": [], "privacy": {"drop_columns": ["customer_name", "email"]}})
    assert loaded.drop_columns == ("customer_name", "email")
    assert loaded.raw["privacy"] == {"drop_columns": ["customer_name", "email"]}
    for bad in ("email", [1], [""]):
        with pytest.raises(ParamsError, match="privacy.drop_columns"):
            load_params({"pages": [], "privacy": {"drop_columns": bad}})
    with pytest.raises(ParamsError, match="unknown key 'drop_column' in privacy"):
        load_params({"pages": [], "privacy": {"drop_column": ["email"]}})


def test_params_free_text_is_redacted_but_paths_are_not(tmp_path):
    taxonomy = tmp_path / "li.na@example.com" / "taxonomy.yaml"  # a path is never rewritten
    taxonomy.parent.mkdir()
    taxonomy.write_text("categories: {}\n", encoding="utf-8")
    item = {"name": "Call-back 13912345678", "change_date": "2026-03-01", "metric": "csat",
            "treated_regions": ["East"], "group_column": "region"}  # fmt: skip
    loaded = load_params(
        {
            "pages": ["improvement", "closed_loop"],
            "report": {"title": "Report for li.na@example.com <b>"},
            "notebooks": {
                "improvement": {"improvements": [item]},
                "closed_loop": {"taxonomy": str(taxonomy)},
            },
        }
    )
    assert loaded.report["title"] == "Report for [email] <b>"
    (got,) = loaded.notebooks["improvement"]["improvements"]
    assert got == {**item, "name": "Call-back [phone]"}
    assert loaded.notebooks["closed_loop"]["taxonomy"] == str(taxonomy)
    assert loaded.raw["report"]["title"] == "Report for [email] <b>"  # the manifest's copy
