"""Assembling report pages: executed notebooks to clean, offline, escaped HTML; index pages.

A notebook page is nbconvert's HTML of the executed notebook without code cells, prompts,
stderr, warnings or ``<Figure size ...>`` lines, wrapped in one self-contained page shell
(``templates/*.html.j2``, the stylesheet inlined) with a table of contents and a footer. Nothing
on any page is fetched from the network: no require.js or MathJax, figures are data URIs.

Defence in depth: whatever a notebook printed passes a sanitizer here (scripts, event-handler
attributes and external sources removed; text redacted of personal data) before it reaches a page.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fbresearch.format import confidence_label
from fbresearch.present.tables import escape, format_ci, format_value
from fbresearch.privacy import redact as _redact
from fbresearch.report.plan import group_left_out
from fbresearch.results import format_number

__all__ = [
    "clean_notebook",
    "notebook_page",
    "period_page",
    "reports_page",
    "sanitize_html",
    "render",
]

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_KEEP_MIME = ("text/html", "image/png", "image/jpeg", "text/markdown", "text/plain")
_MPL_REPR = re.compile(
    r"^\s*(\[?<(Figure size|Axes|matplotlib\.|seaborn\.)[^>]*>\]?\s*"
    r"|\[(<matplotlib[^\]]*)\]\s*|Text\(.*\)\s*)$",
    re.DOTALL,
)


@cache
def _environment():  # noqa: ANN202 - jinja2.Environment
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every value from data or params is escaped unless marked safe
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def _css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def render(template: str, **context: Any) -> str:
    """Render one of the page templates with the shared stylesheet inlined.

    Examples
    --------
    >>> page = render("reports.html.j2", heading="R <1>", periods=[], kpi_names=[],
    ...               level="95%", alpha="5%")
    >>> "R &lt;1&gt;" in page and "<style>" in page
    True
    """
    from markupsafe import Markup

    import fbresearch

    context.setdefault("crumbs", [])
    context.setdefault("subtitle", "")
    context.setdefault("footer", {})
    footer = {"source": "", "rows": "", "generated": "", "seconds": None}
    footer.update(context["footer"])
    context["footer"] = footer
    context.setdefault("page_title", context.get("heading", "Report"))
    return (
        _environment()
        .get_template(template)
        .render(css=Markup(_css()), version=fbresearch.__version__, **context)
    )


#: What a page may contain: an allowlist (everything else, and every attribute not listed, is
#: removed by nh3, the Rust ammonia sanitiser). Images only as ``data:`` URIs; links only to
#: http(s), mailto and fragments; no ``style``, no event handlers, no forms, no SVG.
_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "li", "ol", "p", "pre", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "id"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
_CLEAN_CONTENT = {"script", "style", "iframe", "object", "embed", "svg", "math", "template"}


def _allowed_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep an image source only as a data: image, a link only to http(s), mailto or #."""
    folded = re.sub(r"[\x00-\x20]", "", value).lower()
    if attribute == "src":
        return value if folded.startswith("data:image/") and tag == "img" else None
    if attribute == "href":
        return value if folded.startswith(("http://", "https://", "mailto:", "#")) else None
    return value


def sanitize_html(markup: str) -> str:
    """Reduce HTML to an allowlist of tags and attributes; redact personal data in its text.

    nh3 (ammonia) parses the markup as a browser would and keeps only :data:`_ALLOWED_TAGS`
    with :data:`_ALLOWED_ATTRIBUTES` (content of scripts, styles, frames and SVG dropped with
    them); images survive only as ``data:image/`` URIs, links only to http(s), mailto or a
    fragment. Then every text node is redacted (never the markup, so a data URI is untouched).

    Examples
    --------
    >>> sanitize_html('<p onclick="x()">hi<script>alert(1)</script><img src="http://x/y.png"></p>')
    '<p>hi<img></p>'
    """
    import nh3
    from bs4 import BeautifulSoup, NavigableString

    clean = nh3.clean(
        markup,
        tags=_ALLOWED_TAGS,
        clean_content_tags=_CLEAN_CONTENT,
        attributes=_ALLOWED_ATTRIBUTES,
        attribute_filter=_allowed_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    soup = BeautifulSoup(clean, "html.parser")
    changed = False
    for node in soup.find_all(string=True):
        if isinstance(node, NavigableString):
            text = str(node)
            redacted = _redact(text)
            if redacted != text:
                node.replace_with(redacted)
                changed = True
    return str(soup) if changed else clean


def _error_output(ename: str, evalue: str):  # noqa: ANN202 - nbformat output
    import nbformat

    message = (
        f'<div class="fb-error"><strong>This step failed.</strong> '
        f"{escape(ename)}: {escape(_redact(evalue))}</div>"
    )
    return nbformat.v4.new_output("display_data", data={"text/html": message})


def clean_notebook(nb: Any) -> Any:
    """A copy of an executed notebook fit for readers.

    Drops papermill's error banners, stderr streams (warnings), javascript and other active
    outputs and matplotlib's ``<Figure size ...>``/``<Axes ...>`` text reprs; turns tracebacks
    into a one-line escaped message; sanitizes HTML outputs and redacts personal data in every
    text output. Code cells stay (hidden later), so the executed record keeps its source.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell("x")
    >>> cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="warning")]
    >>> nb.cells = [cell]
    >>> clean_notebook(nb).cells[0].outputs
    []
    """
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if "papermill-error-cell-tag" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                kind = out.get("output_type")
                if kind == "stream":
                    if out.get("name") == "stderr":
                        continue
                    out["text"] = _redact(out.get("text", ""))
                    outputs.append(out)
                elif kind == "error":
                    outputs.append(_error_output(out.get("ename", "Error"), out.get("evalue", "")))
                elif kind in ("display_data", "execute_result"):
                    data = {k: v for k, v in out.get("data", {}).items() if k in _KEEP_MIME}
                    if not data:
                        continue
                    plain = data.get("text/plain")
                    if set(data) == {"text/plain"} and _MPL_REPR.match(
                        "".join(plain) if isinstance(plain, list) else plain
                    ):
                        continue
                    for key in ("text/plain", "text/markdown"):
                        if key in data:
                            data[key] = _redact(
                                "".join(data[key]) if isinstance(data[key], list) else data[key]
                            )
                    if "text/html" in data:
                        value = data["text/html"]
                        data["text/html"] = sanitize_html(
                            "".join(value) if isinstance(value, list) else value
                        )
                    out["data"] = data
                    out["metadata"] = {}
                    outputs.append(out)
            cell["outputs"] = outputs
        cells.append(cell)
    nb.cells = cells
    return nb


def _body_html(nb: Any) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",  # body only: no require.js, no MathJax, no CDN
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    return body


def _toc_and_body(body: str) -> tuple[str, list[tuple[int, str, str]], str | None]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    # code cells without outputs leave empty boxes behind
    for div in soup.select("div.code_cell"):
        if div.select_one("div.output_area") is None:
            div.decompose()
    title = None
    first_h1 = soup.find("h1")
    if first_h1 is not None:
        for a in first_h1.select("a.anchor-link"):
            a.decompose()
        title = first_h1.get_text(" ", strip=True)
        first_h1.decompose()  # the page shell shows the title
    toc: list[tuple[int, str, str]] = []
    used: set[str] = set()
    for number, heading in enumerate(soup.find_all(["h2", "h3"])):
        anchor = heading.get("id") or f"section-{number + 1}"
        while anchor in used:
            anchor += "-"
        used.add(anchor)
        heading["id"] = anchor
        text = heading.get_text(" ", strip=True).rstrip("¶").strip()
        toc.append((int(heading.name[1]), anchor, text))
    return str(soup), toc, title


def _nest(toc: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    """Level-3 headings become children of the level-2 heading before them."""
    nested: list[dict[str, Any]] = []
    for level, anchor, text in toc:
        if level == 3 and nested:
            nested[-1]["children"].append({"anchor": anchor, "text": text})
        else:
            nested.append({"anchor": anchor, "text": text, "children": []})
    return nested


def notebook_page(
    nb: Any,
    *,
    name: str,
    report_title: str,
    period_label: str,
    footer: Mapping[str, Any],
    error: Mapping[str, Any] | None = None,
    crumbs: Sequence[tuple[str, str]] | None = None,
) -> str:
    """The stakeholder HTML page of one executed notebook (a cleaned copy is rendered).

    ``crumbs`` (label, link) replace the default "All reports › <period>" (unit pages sit
    two folders deeper).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("# Overview\\nText")]
    >>> page = notebook_page(nb, name="overview", report_title="R", period_label="October 2026",
    ...                      footer={})
    >>> "<title>Overview · October 2026 · R</title>" in page
    True
    """
    from markupsafe import Markup

    body, toc, title = _toc_and_body(_body_html(clean_notebook(nb)))
    heading = title or name.replace("_", " ").capitalize()
    return render(
        "notebook.html.j2",
        heading=heading,
        page_title=f"{heading} · {period_label} · {report_title}",
        subtitle=f"{report_title} · {period_label}",
        crumbs=list(crumbs or [("All reports", "../index.html"), (period_label, "index.html")]),
        toc=_nest(toc) if len(toc) >= 2 else [],
        body=Markup(body),
        error=error,
        footer=footer,
    )


def kpi_view(kpi: Mapping[str, Any]) -> dict[str, str]:
    """Display strings for one headline KPI dict (see ``report.index.headline_kpis``).

    Examples
    --------
    >>> view = kpi_view({"name": "NPS", "estimate": 31.24, "ci_low": 27.5, "ci_high": 34.9,
    ...                  "n": 1200, "unit": "points"})
    >>> view["value"], view["ci"], view["n"], view["level"]
    ('31.2', '27.5 to 34.9', '1,200', '95%')
    >>> kpi_view({"name": "NPS", "estimate": 0.0, "ci_low": -8.6, "ci_high": 8.6, "n": 241,
    ...           "responses": 345, "unit": "points"})["count"]
    '241 answers (of 345 responses)'
    """
    percent = kpi.get("unit") == "share"
    value = format_value(kpi["estimate"], percent=percent, digits=1)
    ci = format_ci(kpi["estimate"], kpi["ci_low"], kpi["ci_high"], percent=percent, digits=1)
    ci = ci[ci.find("(") + 1 : -1] if "(" in ci else "–"
    change, short, cls = "", "", "fb-flat"
    diff = kpi.get("change")
    if diff is not None and kpi.get("previous_period"):
        shown = format_value(abs(diff) * (100 if percent else 1), digits=1)
        unit = " pts" if percent or kpi.get("unit") == "points" else ""
        arrow = "▲" if diff > 0 else "▼" if diff < 0 else "●"
        sig = "significant" if kpi.get("change_significant") else "not significant"
        change = f"{arrow} {shown}{unit} vs {kpi['previous_period']} ({sig})"
        month = datetime.strptime(kpi["previous_period"], "%Y-%m").strftime("%b")
        short = f"{arrow} {shown}{unit} vs {month}"
        if not kpi.get("change_significant"):
            short += " (n.s.)"
        # higher is better for all three KPIs (CES is on the 1-7 "7 = very easy" scale)
        cls = ("fb-up" if diff > 0 else "fb-down") if kpi.get("change_significant") else "fb-flat"
    return {
        "name": str(kpi["name"]),
        "value": value,
        "ci": ci,
        "n": format_value(int(kpi["n"])),
        "count": _count_text(kpi),
        "change": change,
        "short_change": short,
        "change_class": cls,
        "targets": [_target_view(t, percent) for t in kpi.get("targets") or []],
        **_levels(kpi.get("confidence")),
    }


def _count_text(kpi: Mapping[str, Any]) -> str:
    """What a KPI card counts, in the pages' words: the score's *answers* (its n) of the month's
    *responses* (every response, scored or not, as the overview and the footer count them)."""
    answers = f"{format_value(int(kpi['n']))} answers"
    responses = kpi.get("responses")
    if responses is None or int(responses) == int(kpi["n"]):
        return answers if responses is None else f"{format_value(int(responses))} responses"
    return f"{answers} (of {format_value(int(responses))} responses)"


def _target_view(target: Mapping[str, Any], percent: bool) -> dict[str, str]:
    """A KPI card's target line: "Target 76.7% by Oct 2027: too early to say".

    Examples
    --------
    >>> _target_view({"target": 0.767, "by": "2027-10", "status": "on track",
    ...               "sentence": "CSAT target ..."}, True)["short"]
    'Target 76.7% by Oct 2027: on track'
    """
    value = format_value(target["target"], percent=percent, digits=1)
    by = datetime.strptime(target["by"], "%Y-%m").strftime("%b %Y")
    status = str(target["status"])
    cls = {"on track": "fb-up", "met": "fb-up", "behind": "fb-down", "missed": "fb-down"}
    return {
        "short": f"Target {value} by {by}: {status}",
        "sentence": str(target.get("sentence", "")),
        "class": cls.get(status, "fb-flat"),
    }


def _levels(confidence: float | None) -> dict[str, str]:
    """The interval level and the matching significance level as labels (``95%``, ``5%``)."""
    conf = 0.95 if confidence is None else float(confidence)
    return {"level": confidence_label(conf), "alpha": confidence_label(1 - conf)}


def period_page(
    *,
    report_title: str,
    period_label: str,
    kpis: Sequence[Mapping[str, Any]],
    findings: Iterable[Mapping[str, Any]],
    notebooks: Sequence[Mapping[str, Any]],
    footer: Mapping[str, Any],
    failed: str = "",
    summary_note: str = "",
    outlook: Mapping[str, Any] | None = None,
    heading: str | None = None,
    crumbs: Sequence[tuple[str, str]] | None = None,
    comparison: Mapping[str, Any] | None = None,
    units: Mapping[str, Any] | None = None,
) -> str:
    """The period's ``index.html``: headline KPIs, outlook, executive summary, links, statuses.

    ``outlook`` is what the value page wrote for the index (``report.index.read_outlook``):
    each KPI's next-month forecast with its interval and any early warning; None: no block.

    ``summary_note`` is the summary's one sentence on changes (e.g. "No significant change in
    October 2026: ..."), shown above its findings. A unit's index page passes its ``heading``,
    ``crumbs`` and ``comparison`` (unit vs rest: ``title``, ``summary``, ``note``, ``columns``,
    ``rows``); the period's passes ``units`` (:func:`fbresearch.report.units.units_view`).

    Examples
    --------
    >>> page = period_page(report_title="R", period_label="October 2026", kpis=[],
    ...                    findings=[], notebooks=[], footer={})
    >>> "No KPI could be computed" in page
    True
    """
    titles = {nb["name"]: nb["title"] for nb in notebooks}
    items = []
    for f in findings:
        est = f.get("estimate")
        number = ""
        # sentences carry their number and CI; a sentence without any number gets it appended
        if (
            est
            and est.get("estimate") is not None
            and not any(c.isdigit() for c in f.get("sentence", ""))
        ):
            number = format_ci(
                est["estimate"],
                est.get("ci_low"),
                est.get("ci_high"),
                percent=est.get("unit") == "share",
            )
        analysis = f.get("analysis") or ""
        items.append(
            {
                "sentence": f["sentence"],
                "number": number,
                "href": f"{analysis}.html" if analysis in titles else "#pages",
                "analysis_title": titles.get(analysis, analysis or "analysis"),
            }
        )
    rows = [
        {
            "href": None if nb["status"] == "skipped" else f"{nb['name']}.html",
            "title": nb["title"],
            "status": nb["status"],
            "status_text": _STATUS_TEXT.get(nb["status"], "FAILED"),
            "left_out": group_left_out(nb.get("left_out") or []),
            "findings": nb.get("findings", 0),
            "seconds": f"{nb['seconds']:.1f} s",
        }
        for nb in notebooks
    ]
    return render(
        "period.html.j2",
        heading=heading or f"{report_title}: {period_label}",
        crumbs=list(crumbs or [("All reports", "../index.html")]),
        comparison=comparison,
        units=units,
        kpis=[kpi_view(k) for k in kpis],
        **_levels(kpis[0].get("confidence") if kpis else None),
        findings=items,
        summary_note=summary_note,
        notebooks=rows,
        footer=footer,
        failed=failed,
        outlook=_outlook_view(outlook, titles),
    )


def _outlook_view(outlook: Mapping[str, Any] | None, titles: Mapping[str, str]) -> Any:
    """The outlook block's texts (None: no block); every text is already formatted."""
    if not outlook:
        return None
    page = outlook.get("page", "value")
    text = ("name", "month_label", "forecast_text", "interval_text", "warning_text")
    coverage = outlook.get("coverage")
    known = isinstance(coverage, int | float) and math.isfinite(coverage)
    return {
        "kpis": [
            {**k, **{key: _redact(str(k.get(key) or "")) for key in text}} for k in outlook["kpis"]
        ],
        "level": confidence_label(float(outlook.get("level", 0.9))),
        "coverage": format_number(coverage, 0, percent=True) if known else "",
        "checked": int(outlook.get("checked") or 0),
        "href": f"{page}.html" if page in titles else "#pages",
        "title": titles.get(page, "the value page"),
    }


#: What the period page says for each page status ("ok": a run recorded before page plans).
_STATUS_TEXT = {
    "ok": "complete",
    "complete": "complete",
    "partial": "partial",
    "skipped": "skipped",
    "failed": "FAILED",
}


def reports_page(
    *,
    report_title: str,
    periods: Sequence[Mapping[str, Any]],
    footer: Mapping[str, Any],
    targets: Sequence[Mapping[str, Any]] = (),
) -> str:
    """``reports/index.html``: every period, newest first, with its headline KPIs and movement,
    and each KPI target's latest verdict (``targets``: the KPI's ``name``, ``unit``, the report
    month's ``label`` and the target as the period's index holds it; see
    :func:`fbresearch.report.index.latest_targets`).

    Examples
    --------
    >>> "No reports yet" in reports_page(report_title="R", periods=[], footer={})
    True
    """
    names: list[str] = []
    views = []
    newest = next((p["kpis"][0] for p in periods if p.get("kpis")), {})
    for p in periods:
        kpis = {}
        for k in p.get("kpis", []):
            view = kpi_view(k)
            kpis[view["name"]] = view
            if view["name"] not in names:
                names.append(view["name"])
        views.append(
            {
                "href": f"{p['period']}/index.html",
                "label": p["label"],
                "status": p["status"],
                "status_text": "complete" if p["status"] == "ok" else "FAILED",
                "kpis": kpis,
                "notebooks": [
                    {
                        "href": None
                        if nb.get("status") == "skipped"
                        else f"{p['period']}/{nb['name']}.html",
                        "title": nb["name"].replace("_", " ").capitalize(),
                        "long_title": nb["title"],
                    }
                    for nb in p.get("notebooks", [])
                ],
            }
        )
    return render(
        "reports.html.j2",
        heading=report_title,
        subtitle="All monthly reports",
        periods=views,
        kpi_names=names,
        targets=[
            {**_target_view(t, t.get("unit") == "share"), "label": t["label"]} for t in targets
        ],
        **_levels(newest.get("confidence")),
        footer=footer,
    )
