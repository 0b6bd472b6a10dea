"""``fbresearch report -p notebook.key=value`` and ``--notebooks a,b`` (report/overrides.py)."""

from __future__ import annotations

import pytest
import yaml

from fbresearch.errors import ParamsError
from fbresearch.report.cli import main
from fbresearch.report.overrides import parse_overrides, parse_pages
from fbresearch.report.params import load_params
from fbresearch.report.runner import run_report


@pytest.fixture
def params_file(tmp_path):
    path = tmp_path / "params" / "monthly.yaml"
    path.parent.mkdir()
    given = {
        "sample_size": 600,
        "pages": ["overview"],
        "notebooks": {"topics": {"num_topics": 8, "k_min": 5}, "overview": {"trend_months": 6}},
    }
    path.write_text(yaml.safe_dump(given), encoding="utf-8")
    return path


def _load(path, *p, notebooks=None):
    return load_params(path, overrides=parse_overrides(list(p)), pages=parse_pages(notebooks))


def test_an_override_sets_one_parameter_and_keeps_the_files_others(params_file):
    loaded = _load(params_file, "topics.num_topics=6", "overview.metrics=[nps]",
                   notebooks="overview,topics")
    assert list(loaded.notebooks) == ["overview", "topics"]
    assert loaded.notebooks["topics"] == {"num_topics": 6, "k_min": 5}  # k_min from the file
    assert loaded.notebooks["overview"] == {"trend_months": 6, "metrics": ["nps"]}
    assert loaded.source == str(params_file)  # still the file (the manifest's params_file)
    assert loaded.raw["notebooks"]["topics"]["num_topics"] == 6  # recorded in the manifest


def test_without_overrides_the_params_are_unchanged(params_file):
    assert _load(params_file) == load_params(params_file)
    assert list(_load(params_file).notebooks) == ["overview"]


def test_values_are_read_as_yaml_dates_as_text_and_strings_redacted(params_file):
    loaded = _load(
        params_file,
        "topics.user_dict=[call 13912345678]",
        "topics.num_topics=null",
        "topics.examples=2",
        "overview.confidence=0.9",
        "overview.trend_months=12",
        notebooks="overview,topics",
    )
    topics = loaded.notebooks["topics"]
    assert topics["user_dict"] == ["call [phone]"] and topics["num_topics"] is None
    assert topics["examples"] == 2 and loaded.notebooks["overview"]["confidence"] == 0.9
    assert parse_overrides(["improvement.seasonality=2026-03-01"]) == {
        "improvement": {"seasonality": "2026-03-01"}
    }


def test_a_listed_pages_params_file_takes_overrides_too(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("notebooks: [overview, drivers]\n", encoding="utf-8")
    loaded = _load(path, "drivers.bootstrap=100")
    assert list(loaded.notebooks) == ["overview", "drivers"]
    assert loaded.notebooks["drivers"] == {"bootstrap": 100}


def test_a_file_parameter_is_relative_to_where_the_command_runs(params_file, tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "tax.yaml").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    loaded = _load(params_file, "closed_loop.taxonomy=tax.yaml", notebooks="closed_loop")
    assert loaded.notebooks["closed_loop"]["taxonomy"] == str(tmp_path / "work" / "tax.yaml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "topic.num_topics=6"], "-p topic.num_topics: there is no notebook 'topic'. "
         "Did you mean 'topics'? Notebooks: closed_loop, drivers, improvement, journey, "
         "overview, segmentation, topics, value."),
        (["-p", "topics.num_topic=6"], "-p topics.num_topic: topics.ipynb has no parameter "
         "'num_topic'. Did you mean 'num_topics'? Its parameters: months, num_topics, k_min"),
        (["-p", "topics.period=2026-01"], "'period' is set by the runner for every notebook"),
        (["-p", "topics=6"], "-p 'topics=6': write notebook.parameter=value"),
        (["-p", "topics.num_topics=[6"], "the value '[6' is not valid YAML"),
        (["--notebooks", "overview,topcs"], "--notebooks: there is no notebook 'topcs'. "
         "Did you mean 'topics'? Notebooks: closed_loop"),
        (["--notebooks", ","], "--notebooks: name at least one page"),
    ],
)
def test_a_bad_override_is_a_clear_error_naming_it(args, message, capsys):
    assert main(["report", "--dry-run", *args]) == 2
    err = capsys.readouterr().err
    assert message in err, err


def test_the_command_runs_the_named_pages_with_the_override(capsys):
    args = ["report", "--dry-run", "--notebooks", "drivers,topics"]
    assert main([*args, "-p", "drivers.bootstrap=100", "-p", "topics.num_topics=6"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("[")]
    assert [line.split(":")[0] for line in lines] == ["[1/2] drivers", "[2/2] topics"]
    assert "bootstrap=100" in lines[0] and "num_topics=6" in lines[1]


def test_overrides_survive_data_from_the_command_line(tmp_path):
    from fbresearch.io.sample import sample_data

    data = tmp_path / "feedback.csv"
    sample_data(n_responses=400, seed=1).feedback.to_csv(data, index=False)
    loaded = load_params(None, overrides={"drivers": {"bootstrap": 40}}, pages=["drivers"])
    run = run_report(loaded, data=data, dry_run=True, progress=None)
    assert [(n.name, n.parameters["bootstrap"]) for n in run.notebooks] == [("drivers", 40)]
    with pytest.raises(ParamsError, match="applied as the params file is loaded"):
        load_params(loaded, pages=["overview"])
