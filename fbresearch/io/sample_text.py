"""The built-in sample's verbatims: topics, tone, urgent phrasings, personal data, fake reviews.

Sentences come from the phrase bank ``fbresearch/resources/sample_phrases.yaml``; which topic
a text is about and whether it complains follow the response's ratings and latent satisfaction
(see :func:`fbresearch.io.sample.sample_data`).

Examples
--------
>>> _luhn_check("7992739871")
'3'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fbresearch.io.sample_model import (
    _EMPTY_SHARE,
    _PII_SHARE,
    _TOPIC_BASE,
    _URGENT_SHARE,
    FAKE_DAY,
    RATINGS,
    _times,
)

# helpers of the loader / the sample only (their names start with _)
__all__: list[str] = []


def _pii_strings(rng: np.random.Generator, kinds: np.ndarray) -> list[str]:
    names = [
        "zhang.wei",
        "li.na",
        "wang.fang",
        "liu.yang",
        "chen.jing",
        "john.smith",
        "emily.chen",
        "mike.wong",
        "sarah.lee",
        "david.zhao",
    ]
    domains = ["example.com", "qq.com", "163.com", "gmail.com", "outlook.com"]
    areas = ["110101", "310104", "440305", "330106", "510107", "420102"]
    out = []
    for kind in kinds:
        if kind == "email":
            out.append(f"{rng.choice(names)}{rng.integers(1, 999)}@{rng.choice(domains)}")
        elif kind == "phone":
            prefix = rng.choice(["138", "139", "158", "186", "135", "177", "150"])
            out.append(prefix + "".join(map(str, rng.integers(0, 10, 8))))
        elif kind == "id_card":
            birth = pd.Timestamp("1960-01-01") + pd.Timedelta(days=int(rng.integers(0, 16000)))
            body = f"{rng.choice(areas)}{birth:%Y%m%d}{rng.integers(0, 1000):03d}"
            out.append(body + _id_check(body))
        elif kind == "card":
            head = rng.choice(["62", "4"])
            body = head + "".join(map(str, rng.integers(0, 10, 15 - len(head))))
            number = body + _luhn_check(body)
            if rng.random() < 0.3:
                number = " ".join(number[i : i + 4] for i in range(0, 16, 4))
            out.append(number)
        else:
            token = "".join(rng.choice(list("abcdef0123456789"), 12))
            out.append(
                f"https://www.shop-example.com/order/track?order_id={rng.integers(10**7, 10**8)}"
                f"&token={token}"
            )
    return out


def _id_check(body17: str) -> str:
    """Check character of an 18-digit Chinese resident ID (GB 11643-1999)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body17, weights, strict=True))
    return "10X98765432"[total % 11]


def _luhn_check(body: str) -> str:
    """Luhn check digit for ``body`` (the number without its last digit)."""
    total = 0
    for i, d in enumerate(reversed(body)):
        v = int(d) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def _pick(
    rng: np.random.Generator,
    bank: np.ndarray,
    offset: np.ndarray,
    size: np.ndarray,
    cell: np.ndarray,
) -> np.ndarray:
    """One phrase per row from the bank cell ``cell`` (offset/size index the flat bank)."""
    return bank[offset[cell] + np.floor(rng.random(len(cell)) * size[cell]).astype(np.int64)]


def _flat_bank(cells: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = np.array([len(c) for c in cells], dtype=np.int64)
    offset = np.concatenate([[0], np.cumsum(size)[:-1]])
    bank = np.array([p for c in cells for p in c] + [""], dtype=object)
    return bank, offset, size


def _verbatims(
    rng: np.random.Generator,
    phrases: dict[str, Any],
    topic_names: list[str],
    latent: np.ndarray,
    ratings: np.ndarray,
    language: np.ndarray,
    n_real: int,
) -> dict[str, Any]:
    """One text per real response: ``topic`` (index), ``complaint``, ``urgent``, ``text``, ``pii``.

    A long function on purpose: the draws must stay in this order for a seed to keep giving
    the same sample byte for byte, and each step reads the arrays made just before it.
    """
    tone_sd = np.std(latent) if n_real > 1 else 1.0
    z = (latent - latent.mean()) / tone_sd
    base = np.array([_TOPIC_BASE[t] for t in topic_names])
    rating_of = [phrases["topics"][t].get("rating") for t in topic_names]
    logw = np.tile(np.log(base), (n_real, 1))
    topic_rating = np.full((n_real, len(topic_names)), np.nan)
    for j, col in enumerate(rating_of):
        if col:
            r = ratings[:, RATINGS.index(col)]
            logw[:, j] += 0.9 * (3.5 - r)
            topic_rating[:, j] = r
    logw[:, topic_names.index("refund")] += -0.8 * z
    topic = np.argmax(logw + rng.gumbel(size=logw.shape), axis=1)  # Gumbel-max: categorical draw
    # complaint probability: from the topic's own rating, or from latent satisfaction
    tr = topic_rating[np.arange(n_real), topic]
    logit = np.where(
        np.isnan(tr),
        -1.3 * z + np.where(topic == topic_names.index("refund"), 1.5, 0),
        1.5 * (3 - np.nan_to_num(tr)),
    )
    complaint = rng.random(n_real) < 1 / (1 + np.exp(-logit))
    is_en = language == "en"
    lang_i = (~is_en).astype(np.int64)  # 0 en, 1 zh

    tcells = [
        phrases["topics"][t][lang][tone]
        for t in topic_names
        for lang in ("en", "zh")
        for tone in ("praise", "complaint")
    ]
    bank, off, size = _flat_bank(tcells)
    cell = (topic * 2 + lang_i) * 2 + complaint
    first_idx = off[cell] + np.floor(rng.random(n_real) * size[cell]).astype(np.int64)
    s1 = bank[first_idx]
    sep = np.where(is_en, " ", "").astype(object)
    # 1-3 distinct sentences from the main topic (30/50/20%); in 10% of texts the last
    # sentence is about another topic; a generic filler closes a fifth of the shorter texts
    n_main = 1 + (rng.random(n_real) < 0.7) + (rng.random(n_real) < 2 / 7)
    pos1 = first_idx - off[cell]
    d2 = 1 + np.floor(rng.random(n_real) * (size[cell] - 1)).astype(np.int64)
    d3 = 1 + np.floor(rng.random(n_real) * (size[cell] - 2)).astype(np.int64)
    d3 = d3 + (d3 >= d2)
    s2 = np.where(n_main >= 2, bank[off[cell] + (pos1 + d2) % size[cell]], "")
    s3 = np.where(n_main == 3, bank[off[cell] + (pos1 + d3) % size[cell]], "")
    other_topic = (topic + 1 + rng.integers(0, len(topic_names) - 1, n_real)) % len(topic_names)
    otr = topic_rating[np.arange(n_real), other_topic]
    o_complaint = np.where(
        np.isnan(otr),
        complaint,
        rng.random(n_real) < 1 / (1 + np.exp(-1.5 * (3 - np.nan_to_num(otr)))),
    )
    secondary = _pick(rng, bank, off, size, (other_topic * 2 + lang_i) * 2 + o_complaint)
    sec = (rng.random(n_real) < 0.10) & (n_main >= 2)
    s2 = np.where(sec & (n_main == 2), secondary, s2)
    s3 = np.where(sec & (n_main == 3), secondary, s3)
    fcells = [
        phrases["filler"][lang][tone] for lang in ("en", "zh") for tone in ("praise", "complaint")
    ]
    fbank, foff, fsize = _flat_bank(fcells)
    use_filler = (rng.random(n_real) < 0.2) & (n_main <= 2)
    filler = np.where(use_filler, _pick(rng, fbank, foff, fsize, lang_i * 2 + complaint), "")

    empty = rng.random(n_real) < _EMPTY_SHARE
    # urgent phrasings, mostly in complaints (about 3% of all texts)
    p_urgent = _URGENT_SHARE / max(complaint[~empty].mean(), 1e-9)
    urgent = (~empty) & complaint & (rng.random(n_real) < p_urgent)
    q = topic_names.index("quality")
    ucells = [phrases["urgent"][lang][kind] for lang in ("en", "zh") for kind in ("any", "safety")]
    ubank, uoff, usize = _flat_bank(ucells)
    safety = (topic == q) & (rng.random(n_real) < 0.5)
    urgent_text = np.where(urgent, _pick(rng, ubank, uoff, usize, lang_i * 2 + safety), "")
    filler = np.where(urgent, "", filler)

    def join(parts: list[np.ndarray]) -> np.ndarray:
        out = parts[0].copy()
        for p in parts[1:]:
            out = np.where(p != "", out + sep + p, out)
        return out

    text = join([s1, s2, s3, filler, urgent_text])
    # personal data in about 1% of texts
    pii_rows = np.flatnonzero((~empty) & (rng.random(n_real) < _PII_SHARE))
    kinds = np.array(["email", "phone", "id_card", "card", "url"])[
        rng.integers(0, 5, len(pii_rows))
    ]
    pii = _pii_strings(rng, kinds)
    for row, kind, value in zip(pii_rows, kinds, pii, strict=True):
        templates = phrases["pii"][language[row]][kind]
        sentence = templates[int(rng.integers(0, len(templates)))].format(pii=value)
        text[row] = text[row] + sep[row] + sentence
    text = np.where(empty, "", text)
    return {"topic": topic, "complaint": complaint, "urgent": urgent, "text": text, "pii": pii}


def _fake_reviews(
    rng: np.random.Generator, phrases: dict[str, Any], n_fake: int
) -> tuple[list[str], np.ndarray]:
    """The fake-review batch: one template lightly varied, all on one day."""
    fake = phrases["fake"]
    slots = {k: np.array(v, dtype=object) for k, v in fake["slots"].items()}
    fake_text = [
        fake["template"].format(**{k: v[rng.integers(0, len(v))] for k, v in slots.items()})
        for _ in range(n_fake)
    ]
    fake_when = np.sort(_times(FAKE_DAY, rng.integers(9 * 3600, 15 * 3600, n_fake)))
    return fake_text, fake_when
