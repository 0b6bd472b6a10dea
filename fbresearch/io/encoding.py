"""Which text encoding a CSV export is in: UTF-8 (with or without BOM), UTF-16, GB18030 or Big5.

A byte-order mark decides first; then a strict UTF-8 decode of the file's first MiB; then
charset-normalizer, asked only about the encodings exports come in (UTF-16 without a BOM,
GB18030/GBK for simplified Chinese, Big5 for traditional Chinese). When it cannot tell, or
gives two answers that fit equally well, the file is refused with a
:class:`~fbresearch.errors.FeedbackDataError` naming the file and saying how to convert it or
which ``encoding:`` to set in params: a wrong guess would turn every Chinese word into others.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "big5.csv"
>>> _ = path.write_bytes("submitted_at,region,nps\\n2026-10-01,華東,9\\n2026-10-02,台北,3\\n"
...                      .encode("big5"))
>>> detect_encoding(path)
'big5'
"""

from __future__ import annotations

import codecs
from pathlib import Path

from fbresearch.errors import FeedbackDataError

__all__ = ["ENCODINGS", "detect_encoding", "check_encoding"]

#: Encodings a params file may name in ``encoding:`` (besides ``auto``), as Python spells them.
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "big5")

_SNIFF_BYTES = 1 << 20
# charset-normalizer's names for the encodings we accept, and ours
_CANDIDATES = {
    "utf_16": "utf-16",
    "utf_16_le": "utf-16-le",
    "utf_16_be": "utf-16-be",
    "gb18030": "gb18030",
    "big5": "big5",
}
_FIX = (
    "convert the file to UTF-8, e.g. `iconv -f BIG5 -t UTF-8 {name} > {stem}-utf8.csv` "
    "(or -f GB18030 for simplified Chinese), or set `encoding:` in params "
    "(one of " + ", ".join(ENCODINGS) + ")."
)


def check_encoding(encoding: str | None, label: str = "params") -> str | None:
    """A known encoding name (Python's codec lookup), or None for ``auto``.

    Examples
    --------
    >>> check_encoding("auto") is None, check_encoding("Big5")
    (True, 'big5')
    """
    if encoding is None or str(encoding).strip().lower() in ("", "auto"):
        return None
    try:
        return codecs.lookup(str(encoding)).name.replace("_", "-")
    except LookupError as exc:
        raise FeedbackDataError(
            f"the encoding {encoding!r} is not a known text encoding",
            source=label,
            fix="set `encoding:` to auto or one of " + ", ".join(ENCODINGS) + ".",
        ) from exc


def _utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: str | Path) -> str:
    """The encoding to read a text file with (``utf-8-sig`` also reads plain UTF-8).

    Raises
    ------
    FeedbackDataError
        The encoding cannot be told, naming the file, the conversion command and the params key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> text = "submitted_at,text\\n2026-10-01,华东很好\\n"
    >>> _ = (folder / "u16.csv").write_bytes(text.encode("utf-16"))
    >>> _ = (folder / "gb.csv").write_bytes(text.encode("gb18030"))
    >>> detect_encoding(folder / "u16.csv"), detect_encoding(folder / "gb.csv")
    ('utf-16', 'gb18030')
    """
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _utf8(head):
        return "utf-8-sig"
    from charset_normalizer import from_bytes

    matches = [
        m for m in from_bytes(head, cp_isolation=list(_CANDIDATES)) if m.encoding in _CANDIDATES
    ]
    name, stem = path.name, path.stem
    if not matches:
        raise FeedbackDataError(
            "the file's text encoding cannot be recognised (it is not UTF-8, UTF-16, "
            "GB18030/GBK or Big5 text)",
            source=name,
            fix=_FIX.format(name=name, stem=stem),
        )
    matches.sort(key=lambda m: (m.chaos, -m.coherence))
    best = matches[0]
    rivals = [
        m.encoding
        for m in matches[1:]
        if (m.chaos, m.coherence) == (best.chaos, best.coherence)
        and _CANDIDATES[m.encoding] != _CANDIDATES[best.encoding]
    ]
    if rivals:
        both = " or ".join(_CANDIDATES[e] for e in [best.encoding, *rivals])
        raise FeedbackDataError(
            f"the file's text encoding cannot be told apart: it reads equally well as {both}",
            source=name,
            fix=_FIX.format(name=name, stem=stem),
        )
    return _CANDIDATES[best.encoding]
