"""Text work on Dask partitions against hand-worked examples, planted effects and the pandas path.

Truths: hand-worked tokens and tones; a planted copied complaint (five customers, one word
changed each) that must form one near-duplicate group and nothing else; two planted topics
whose texts must fall in different topics; and the one-machine code on the whole frame, which
every partitioning must reproduce exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.engines import DaskEngine
from fbresearch.engines.dask_minhash import near_duplicates
from fbresearch.engines.dask_text import text_sentiment, text_tokens
from fbresearch.engines.dask_topics import (
    TopicScorer,
    fit_sample_topics,
    seeded_sample,
    topic_mixtures,
)
from fbresearch.errors import AnalysisError

pytest.importorskip("distributed")

COPIED = (
    "I ordered the large family box on Monday and it arrived three days late with the lid "
    "broken and half of the vegetables crushed, nobody from support answered my two emails"
)


def _scan(client, frame, partitions):
    return DaskEngine(scheduler=client, partitions=partitions).scan(frame)


def test_tokens_and_tone_by_hand_over_partitions(dask_client):
    df = pd.DataFrame(
        {"text": ["The courier was LATE", "送餐速度太慢了", "", None, "送餐很快，味道很好"]}
    )
    scan = _scan(dask_client, df, 3)
    assert text_tokens(scan).tolist() == [
        ["courier", "late"], ["送餐", "速度", "太慢"], [], [], ["送餐", "很快", "味道"],
    ]  # fmt: skip
    tone = text_sentiment(scan)
    assert (
        tone["sentiment"].tolist()[1] == "negative" and tone["sentiment"].tolist()[4] == "positive"
    )
    assert tone["language"].tolist() == ["en", "zh", "other", "other", "zh"]
    # more partitions than rows: empty partitions give empty pieces, not an error
    two = _scan(dask_client, df.iloc[:2], 4)
    assert two.npartitions == 4
    pd.testing.assert_frame_equal(text_sentiment(two), text_sentiment(df.iloc[:2]))
    with pytest.raises(AnalysisError, match="'verbatim'"):
        text_tokens(scan, "verbatim")


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    """40 distinct short reviews and, spread among them, five copies of one complaint with
    one word changed in each."""
    rng = np.random.default_rng(5)
    words = "fast slow kind rude fresh cold price app refund driver box late early".split()
    texts = [" ".join(rng.choice(words, 6)) + f" order {i}" for i in range(40)]
    for k, word in enumerate(["Monday", "Tuesday", "Friday", "Sunday", "Monday"]):
        texts.insert(3 + 8 * k, COPIED.replace("Monday", word))
    return pd.DataFrame({"text": texts})


def test_planted_near_duplicates_found_whatever_the_partitioning(planted, dask_client):
    copies = np.flatnonzero(planted["text"].str.startswith("I ordered").to_numpy())
    whole = near_duplicates(planted)
    assert len(set(whole[copies])) == 1  # the five copies: one group
    others = np.delete(whole, copies)
    assert len(set(others)) == len(others) and not set(others) & set(whole[copies])
    for partitions in (1, 3, 7):
        np.testing.assert_array_equal(
            near_duplicates(_scan(dask_client, planted, partitions)), whole
        )


def test_seeded_sample_does_not_depend_on_partitions_or_row_order(planted, dask_client):
    sample = seeded_sample(planted, size=10, seed=3)
    assert len(sample) == 10 and sample.str.len().gt(0).all()
    shuffled = planted.sample(frac=1, random_state=1)
    for partitions in (1, 7):
        pd.testing.assert_series_equal(
            seeded_sample(_scan(dask_client, shuffled, partitions), size=10, seed=3), sample
        )
    assert seeded_sample(planted, size=10, seed=4).tolist() != sample.tolist()
    # 4 texts x 50 copies: by text alone, copies come together (all 50 of one text, then 10
    # of the next); with each row's id they are drawn one by one: all 4 texts, ~15 each
    stock = pd.DataFrame({"text": ["fast", "slow", "cold", "late"] * 50, "rid": range(200)})
    assert seeded_sample(stock, size=60).value_counts().tolist() == [50, 10]
    by_id = seeded_sample(stock, size=60, id_column="rid")
    assert by_id.nunique() == 4 and by_id.value_counts().max() < 30
    shuffled = _scan(dask_client, stock.sample(frac=1, random_state=2), 7)
    pd.testing.assert_series_equal(seeded_sample(shuffled, size=60, id_column="rid"), by_id)


def test_planted_topics_and_equal_mixtures(dask_client):
    delivery = [f"courier late delivery driver slow parcel {w}" for w in ("van", "road") * 20]
    billing = [f"refund charge invoice billing payment card {w}" for w in ("bank", "fee") * 20]
    df = pd.DataFrame({"text": delivery + billing + ["", "😀😀"]})
    model = fit_sample_topics(df, size=60, num_topics=2, language="en", seed=2)
    scorer = TopicScorer.from_model(model)
    whole = topic_mixtures(df, scorer)
    assert np.allclose(whole.sum(axis=1), 1)
    top = whole.iloc[:80].idxmax(axis=1)
    assert top.iloc[:40].nunique() == 1 and top.iloc[40:].nunique() == 1
    assert top.iloc[0] != top.iloc[40]  # the two planted topics are told apart
    assert whole.iloc[:80].max(axis=1).min() > 0.8
    # an empty text: the language's mean mixture; emoji only: the mean over all topics
    np.testing.assert_array_equal(whole.iloc[80].to_numpy(), scorer.fallback["en"])
    np.testing.assert_array_equal(whole.iloc[81].to_numpy(), scorer.other)
    # fit_topics' own rule for such texts: the mean mixture of the texts it was fitted on
    fitted = model.doc_topics[model.usable.to_numpy()].to_numpy().mean(axis=0)
    np.testing.assert_allclose(scorer.fallback["en"], fitted, rtol=0, atol=1e-15)
    for partitions in (1, 7):
        got = topic_mixtures(_scan(dask_client, df, partitions), scorer)
        pd.testing.assert_frame_equal(got, whole, check_exact=True)
