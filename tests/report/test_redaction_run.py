"""A whole report run with personal data and markup planted everywhere a string can come from.

Planted: one sentence of every kind of tests/privacy_corpus.py (29 kinds) and the markup vectors
of tests/xss_vectors.py as verbatims; personal strings and vectors as channel, region and plan
(segment) values and as column names; both in params strings (the report title, an improvement's
name, a notebook parameter of free text). The report (overview and improvement pages, run from
the command line as cron runs it) is then scanned: every file under the report folder (HTML,
ipynb, JSON, run.log) and the run's stdout and stderr hold no personal string, and no page or
notebook output holds live markup (no script, no event handler, no ``javascript:`` URL).
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from privacy_corpus import personal_corpus
from xss_vectors import VECTORS, live_markup

pytestmark = pytest.mark.slow

#: one personal string of every kind (the first of each kind in the corpus)
PERSONAL = list({kind: (core, sentence) for kind, core, sentence in personal_corpus(1)}.items())
#: strings planted as group values and column names: a mix of personal strings and vectors
GROUP_VALUES = [
    "li.na@example.com",
    "13912345678",
    "wxid_k2j3h4g5m6",
    '<img src=x onerror="alert(3)">',
    "<script>alert(4)</script>",
]
#: personal strings in params (title, improvement name, a notebook parameter)
PARAM_PERSONAL = ["wang.fang@example.com", "13800138000", "11010519491231002X"]


def _secrets() -> list[str]:
    """What must not appear: each planted core; a core shorter than 3 characters (a surname, a
    given name) with the 2 characters after it ("王先生"), which no sample text holds."""
    out = []
    for _, (core, sentence) in PERSONAL:
        out.append(core if len(core) >= 3 else sentence[sentence.index(core) :][: len(core) + 2])
    return out + [v for v in GROUP_VALUES if "<" not in v] + PARAM_PERSONAL


def _planted_export(folder: Path) -> Path:
    from fbresearch.io.sample import sample_data

    frame = sample_data(n_responses=1500, seed=0).feedback.copy()
    month = frame["submitted_at"].dt.to_period("M")
    october = frame.index[(month == "2026-10") & frame["text"].notna()]
    texts = [sentence for _, (_, sentence) in PERSONAL] + list(VECTORS)
    rows = october[: len(texts)]
    # urgent and still open, so the closed-loop page lists them with their texts
    frame.loc[rows, "text"] = [f"{t} food poisoning 食物中毒" for t in texts[: len(rows)]]
    frame.loc[rows, ["responded_at", "resolved_at"]] = None
    # group values: a few rows of the month in each planted value
    for i, value in enumerate(GROUP_VALUES):
        few = october[i * 3 : i * 3 + 3]
        frame.loc[few, "channel"] = value
        frame.loc[few, "plan"] = value
    frame.loc[october[-3:], "region"] = GROUP_VALUES[0]
    # column names: an extra (segment) column named by a vector and one by a personal string
    frame[VECTORS[0]] = "a"
    frame["seg li.na@example.com"] = "b"
    path = folder / "export.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redaction_run")
    improvement = {
        "name": f"Faster delivery {PARAM_PERSONAL[0]} {VECTORS[6]}",
        "change_date": "2026-03-01",
        "metric": "csat",
        "treated_regions": ["East", "South"],
        "control_regions": ["North", "West"],
        "group_column": "region",
    }
    params = {
        "data": str(_planted_export(folder)),
        "pages": ["overview", "improvement", "closed_loop"],
        "notebooks": {"improvement": {"improvements": [improvement]}},
        "report": {"title": f"Report {PARAM_PERSONAL[1]} {VECTORS[1]}", "workers": 1},
        "seed": 0,
    }
    (folder / "p.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    out = folder / "reports"
    run = subprocess.run(
        [sys.executable, "-m", "fbresearch", "report", "--params", str(folder / "p.yaml"),
         "--out", str(out), "--period", "2026-10"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return out, run


def _texts(path: Path) -> list[str]:
    """The file as text and, for JSON and notebooks, every string in it decoded."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    texts = [raw, html.unescape(raw)]
    if path.suffix in (".json", ".ipynb"):
        texts.append(json.dumps(json.loads(raw), ensure_ascii=False))
    return texts


def test_the_run_succeeds_and_writes_every_kind_of_file(planted_run):
    out, run = planted_run
    assert run.returncode == 0, run.stderr[-3000:]
    names = {p.name for p in (out / "2026-10").iterdir()}
    assert {"index.html", "manifest.json", "run.log", "overview.html", "overview.ipynb",
            "improvement.html", "improvement.ipynb"} <= names  # fmt: skip
    assert any(n.endswith(".findings.json") for n in names)
    # the planted strings reached the pages (so the scans below are not vacuous): every kind's
    # placeholder shows among the listed verbatims, group values in the overview's tables
    from fbresearch.privacy import PLACEHOLDERS

    cases = (out / "2026-10" / "closed_loop.html").read_text(encoding="utf-8")
    assert [p for p in PLACEHOLDERS if p not in cases] == []
    overview = (out / "2026-10" / "overview.html").read_text(encoding="utf-8")
    assert "[wechat]" in overview and "&lt;script&gt;alert(4)" in overview


def test_no_personal_string_in_any_file_or_in_stdout_and_stderr(planted_run):
    out, run = planted_run
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 9
    leaks = []
    for secret in _secrets():
        for path in files:
            if any(secret in text for text in _texts(path)):
                leaks.append((path.relative_to(out).as_posix(), secret))
        for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
            if secret in text:
                leaks.append((stream, secret))
    assert leaks == []


def test_params_strings_are_redacted_where_they_are_shown(planted_run):
    out, _ = planted_run
    manifest = json.loads((out / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["title"].startswith("Report [phone]")
    (item,) = manifest["params"]["notebooks"]["improvement"]["improvements"]
    assert item["name"].startswith("Faster delivery [email]")
    index = (out / "2026-10" / "index.html").read_text(encoding="utf-8")
    assert "Report [phone]" in index


def test_no_live_markup_on_any_page_or_notebook_output(planted_run):
    out, _ = planted_run
    pages = list(out.rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        assert live_markup(page.read_text(encoding="utf-8"), shell_styles=1) == [], page.name
    for record in out.rglob("*.ipynb"):
        nb = json.loads(record.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                markup = output.get("data", {}).get("text/html")
                if markup:
                    markup = "".join(markup) if isinstance(markup, list) else markup
                    assert live_markup(markup) == [], record.name
