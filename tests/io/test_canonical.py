"""Canonical files: Parquet round trip, quality.json, file_sha256 (fbresearch.io.canonical)."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
from loader_cases import write

from fbresearch.io.canonical import file_sha256, read_quality, write_canonical
from fbresearch.io.load import load_feedback


def test_parquet_round_trip_is_lossless(tmp_path):
    raw = pd.DataFrame(
        {
            "response_id": ["r1", "r2", "r3", "r3"],
            "submitted_at": ["2026-10-01 10:00", "2026-10-02", "2026-10-03", "2026-10-03"],
            "channel": ["app", "web", "app", "app"],
            "nps": [9, None, 3, 3],
            "rating_speed": [5, 4, None, None],
            "text": ["好", "", "ok", "ok"],
            "region": ["East", "West", None, None],
        },
        index=[5, 6, 7, 8],
    )
    fb = load_feedback(raw)
    paths = write_canonical(fb, tmp_path)
    back = pd.read_parquet(paths["feedback"])
    # row 6 has no answer (dropped), row 8 repeats row 7 (dropped)
    assert fb.frame.index.tolist() == [5, 7]
    pd.testing.assert_frame_equal(back, fb.frame)  # values, dtypes and index
    quality = read_quality(paths["quality"])
    pd.testing.assert_frame_equal(quality, fb.quality, check_dtype=False)
    assert quality.attrs["n_read"] == 4 and quality.attrs["n_kept"] == 2
    assert json.loads(paths["quality"].read_text(encoding="utf-8"))["summary"] == fb.summary()


def test_file_sha256(tmp_path):
    path = write(tmp_path, "x.bin", "fbresearch" * 100_000)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
