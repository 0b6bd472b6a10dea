"""Tests of fbresearch.analyses.drivers.narrative: findings, reader tables, captions."""

from __future__ import annotations

from fbresearch.analyses.drivers import importance_performance, key_drivers

from .planted import ip_frame


def test_findings_and_reader_tables():
    # With no "fix first" driver the headline is the most important driver (planted: a and b
    # carry 1.5 each; forcing the performance threshold to 0 puts every driver in "keep up").
    frame = ip_frame(800, seed=20)
    result = importance_performance(
        frame, "nps", "rating_*", thresholds={"performance": 0.0}, bootstrap=20
    )
    findings = result.findings()
    assert len(findings) == 1 and findings[0].estimate.unit == "share"
    assert findings[0].sentence.split()[0] in ("A", "B")
    shown = result.display_table()
    assert list(shown.columns[:3]) == ["Priority", "Attribute", "Quadrant"]
    assert shown["Share of explained variation"].str.match(r"\d+% \(\d+% to \d+%\)").all()
    assert "the threshold" in result.sentences()[0]
    regression = key_drivers(frame, "nps", "rating_*", importance="lmg")
    assert regression.display_table()["Per rating point (points)"].str.contains(" to ").all()
