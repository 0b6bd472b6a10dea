"""The command line: exit codes and messages without tracebacks (it only parses and calls)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from fbresearch.report.cli import EXIT_CODES, main
from fbresearch.report.lock import period_lock


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fbresearch", *args], capture_output=True, text=True, cwd=cwd
    )


def test_help_documents_exit_codes():
    done = run_cli("report", "--help")
    assert done.returncode == 0
    for code in (0, 1, 2, 3):
        assert f"  {code} " in done.stdout
    assert "--dry-run" in done.stdout and "--workers" in done.stdout


def test_bad_params_exit_2_without_traceback(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text("pages: []\nsede: 3\n")
    assert main(["report", "--params", str(path), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'sede'" in err and "Did you mean 'seed'" in err and "Traceback" not in err


def test_missing_params_file_and_bad_period_exit_2(tmp_path, capsys):
    assert main(["report", "--params", str(tmp_path / "none.yaml")]) == 2
    assert "params file not found" in capsys.readouterr().err
    path = tmp_path / "p.yaml"
    path.write_text("pages: []\n")
    assert main(["report", "--params", str(path), "--period", "2026/10", "--dry-run"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_locked_period_exit_3(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text("pages: []\nsample_size: 1000\n")
    out = tmp_path / "r"
    with period_lock(out, "2026-10"):
        assert main(["report", "--params", str(path), "--out", str(out)]) == 3
    assert "is writing period 2026-10" in capsys.readouterr().err


def test_sample_and_validate_round_trip(tmp_path, capsys):
    csv = tmp_path / "s.csv"
    assert main(["sample", "--out", str(csv), "--n", "300", "--seed", "1"]) == 0
    assert len(pd.read_csv(csv)) == 300
    assert main(["validate", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "responses read from s.csv" in out
    pq = tmp_path / "s.parquet"
    assert main(["sample", "--out", str(pq), "--n", "200"]) == 0
    assert len(pd.read_parquet(pq)) == 200
    assert main(["sample", "--out", str(tmp_path / "s.txt")]) == 2


def test_validate_hard_error_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("submitted_at,nps\nnot a date,9\nalso not,10\n")
    done = run_cli("validate", str(bad))
    assert done.returncode == 2
    assert (
        "bad.csv" in done.stderr
        and "submitted_at" in done.stderr
        and "Traceback" not in done.stderr
    )


def test_validate_uses_params_mapping(tmp_path, capsys):
    raw = tmp_path / "mine.csv"
    pd.DataFrame({"Date": ["2026-10-01", "2026-10-02"], "Q1": [9, 3]}).to_csv(raw, index=False)
    params = tmp_path / "p.yaml"
    params.write_text("columns: {submitted_at: Date, nps: Q1}\n")
    assert main(["validate", str(raw), "--params", str(params)]) == 0
    assert main(["validate", str(raw)]) == 2


def test_validate_reads_a_file_as_report_does_wave_codes_and_maps(tmp_path, capsys):
    # truth: a dateless survey wave with a "not rated" code and text labels; the newcomer's case:
    # validate used to ignore wave, missing_codes and value_maps and told them to add wave again
    raw = tmp_path / "wave.csv"
    pd.DataFrame({"Q1": [9, 99, 3], "Happy": ["yes", "no", "yes"]}).to_csv(raw, index=False)
    params = tmp_path / "p.yaml"
    params.write_text(
        'wave: "2026-10"\ncolumns: {nps: Q1, satisfied: Happy}\nmissing_codes: {nps: [99]}\n'
        "value_maps: {satisfied: {'yes': 1, 'no': 0}}\n"
    )
    assert main(["validate", str(raw), "--params", str(params)]) == 0
    out = capsys.readouterr().out
    assert "3 responses" in out.replace(",", "") or "3 rows" in out, out


def test_exit_codes_are_documented():
    assert set(EXIT_CODES) >= {0, 1, 2, 3, 4}


@pytest.mark.parametrize("args", [["report", "--workers", "0", "--dry-run"]])
def test_bad_workers_exit_2(args, tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text("pages: []\nsample_size: 500\n")
    assert main([*args, "--params", str(path)]) == 2
    assert "workers" in capsys.readouterr().err


def test_unexpected_errors_are_redacted_on_stderr(monkeypatch, capsys):
    import fbresearch.report.cli as cli

    def boom(args):
        raise RuntimeError("could not parse 'call 13912345678' in row 3")

    monkeypatch.setattr(cli, "_report", boom)
    assert main(["report"]) == 4
    err = capsys.readouterr().err
    assert "call [phone]" in err and "13912345678" not in err


def test_progress_lines_are_redacted_on_stdout(tmp_path, capsys):
    from fbresearch.io.sample import sample_data

    data = tmp_path / "export for li.na@example.com.csv"  # the source name is in every line
    sample_data(n_responses=300, seed=0).feedback.to_csv(data, index=False)
    params = tmp_path / "p.yaml"
    params.write_text("pages: [overview]\n", encoding="utf-8")
    code = main(["report", "--params", str(params), "--data", str(data), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and "Dry run" in out
    assert "export for [email]" in out and "li.na@" not in out


def test_warnings_of_a_run_reach_stderr_redacted(capsys, monkeypatch):
    # truth: a warning quoting a phone number and an e-mail (a library quoting a cell value)
    import warnings

    from fbresearch.report import cli

    def noisy(args):
        warnings.warn("odd value 13912345670 from ann@example.com", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cli, "_sample", noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        # Python's own printer (pytest records warnings in a list instead)
        warnings.showwarning = lambda m, c, f, n, file=None, line=None: sys.stderr.write(
            warnings.formatwarning(m, c, f, n, line)
        )
        assert cli.main(["sample", "--out", "unused.csv"]) == 0
    err = capsys.readouterr().err
    assert "odd value" in err and "13912345670" not in err and "ann@example.com" not in err
