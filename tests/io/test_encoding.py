"""Detecting the text encoding of CSV exports (fbresearch.io.encoding), through load_feedback."""

from __future__ import annotations

import pytest
from loader_cases import check_error, write

from fbresearch import FeedbackDataError
from fbresearch.io.encoding import detect_encoding
from fbresearch.io.load import load_feedback

TRADITIONAL = (
    "submitted_at,region,nps,text\n2026-10-01,華東,9,服務很好，包裝完整\n"
    "2026-10-02,台北,3,送貨太慢了\n"
)
SIMPLIFIED = (
    "submitted_at,region,nps,text\n2026-10-01,华东,9,送货很快，包装完好\n"
    "2026-10-02,华南,2,客服态度差\n"
)


def test_big5_file_loads_with_the_right_characters(tmp_path):
    path = write(tmp_path, "big5.csv", TRADITIONAL, encoding="big5")
    assert path.read_bytes() == TRADITIONAL.encode("big5")
    fb = load_feedback(path)
    assert fb.encoding == "big5"
    assert fb.frame["region"].tolist() == ["華東", "台北"]
    assert fb.frame["text"].tolist() == ["服務很好，包裝完整", "送貨太慢了"]


def test_gb18030_file_loads_as_gb18030(tmp_path):
    fb = load_feedback(write(tmp_path, "gb.csv", SIMPLIFIED, encoding="gb18030"))
    assert fb.encoding == "gb18030"
    assert fb.frame["region"].tolist() == ["华东", "华南"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(tmp_path, encoding):
    fb = load_feedback(write(tmp_path, "u16.csv", TRADITIONAL, encoding=encoding))
    assert fb.encoding.startswith("utf-16")
    assert fb.frame["region"].tolist() == ["華東", "台北"]
    assert fb.frame["nps"].tolist() == [9, 3]


def test_utf8_with_bom_has_a_clean_first_header(tmp_path):
    fb = load_feedback(write(tmp_path, "bom.csv", SIMPLIFIED, encoding="utf-8-sig"))
    assert fb.encoding == "utf-8" and fb.frame.columns[0] == "submitted_at"
    assert detect_encoding(tmp_path / "bom.csv") == "utf-8-sig"


def test_undecidable_bytes_name_the_file_and_how_to_convert(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path)
    check_error(
        excinfo,
        file="binary.csv",
        says=(
            "text encoding cannot be recognised",
            "iconv -f BIG5 -t UTF-8 binary.csv > binary-utf8.csv",
            "set `encoding:` in params",
        ),
    )


def test_encoding_given_in_params_is_used_and_a_wrong_one_named(tmp_path):
    path = write(tmp_path, "big5.csv", TRADITIONAL, encoding="big5")
    assert load_feedback(path, encoding="big5").frame["region"].tolist() == ["華東", "台北"]
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path, encoding="utf-8")
    check_error(
        excinfo, file="big5.csv", says=("cannot be read as utf-8 text (given in params)", "iconv")
    )
