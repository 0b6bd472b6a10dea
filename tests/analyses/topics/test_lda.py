"""fbresearch.analyses.topics.lda: the shared-pair c_v against gensim's own c_v pipeline."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel

from fbresearch.analyses.topics.lda import coherence_per_topic


def _gensim_c_v(topics: list[list[str]], texts: list[list[str]], dictionary) -> list[float]:
    cm = CoherenceModel(
        topics=topics, texts=texts, dictionary=dictionary, coherence="c_v", processes=1
    )
    return [float(c) if np.isfinite(c) else 0.0 for c in cm.get_coherence_per_topic()]


@pytest.fixture(scope="module")
def corpus():
    rng = np.random.default_rng(5)
    groups = [["late", "driver", "slow", "wait", "cold"], ["refund", "charge", "money", "bank"],
              ["app", "crash", "login", "update", "bug"], ["tasty", "fresh", "great"]]  # fmt: skip
    texts = []
    for _ in range(300):
        g = groups[rng.integers(len(groups))]
        other = groups[rng.integers(len(groups))]
        words = list(rng.choice(g, rng.integers(2, 9))) + list(rng.choice(other, 2))
        texts.append([str(w) for w in words] + ["x"] * int(rng.integers(0, 150)))  # long windows
    texts.append(["rare", "late"])  # a word in one window only
    return texts, Dictionary(texts + [["absent"]])  # "absent" is in no text


def test_c_v_equals_gensim_for_every_model(corpus):
    texts, d = corpus
    rng = np.random.default_rng(0)
    vocab = [w for w in d.token2id if w != "absent"]
    models = [
        [list(rng.choice(vocab, size, replace=False)) for _ in range(k)]
        for k, size in [(3, 10), (5, 10), (2, 4), (4, 10)]
    ]
    ours = coherence_per_topic(models, texts, d, "c_v")
    for topics, values in zip(models, ours, strict=True):
        np.testing.assert_allclose(values, _gensim_c_v(topics, texts, d), rtol=0, atol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # gensim's own 0/0 for that topic
def test_c_v_of_a_topic_with_a_word_in_no_window_is_zero_as_in_gensim(corpus):
    texts, d = corpus
    topics = [["absent", "late", "driver"], ["late", "driver", "slow"], ["rare", "refund", "app"]]
    ours = coherence_per_topic([topics], texts, d, "c_v")[0]
    assert ours[0] == 0.0
    np.testing.assert_allclose(ours, _gensim_c_v(topics, texts, d), rtol=0, atol=1e-12)
    assert ours[1] > 0.5 > ours[2]  # words of one group cohere; words of three groups less


def test_other_measures_still_go_through_gensim(corpus):
    texts, d = corpus
    topics = [["late", "driver", "slow"], ["refund", "charge", "money"]]
    cm = CoherenceModel(topics=topics, texts=texts, dictionary=d, coherence="c_npmi", processes=1)
    assert coherence_per_topic([topics], texts, d, "c_npmi")[0] == pytest.approx(
        cm.get_coherence_per_topic(), abs=1e-12
    )


@pytest.mark.parametrize("k, max_iter", [(2, 7), (4, 50), (9, 200)])
def test_nmf_equals_scikit_learn_kl_multiplicative_updates(k, max_iter):
    """The hand-rolled updates are scikit-learn's (same start, steps, floor and stopping rule):
    the factors agree to rounding, with a stop inside the run (200 iterations) and without."""
    import scipy.sparse as sp
    from sklearn.decomposition import NMF

    from fbresearch.analyses.topics.lda import nmf

    rng = np.random.default_rng(k)
    topics = rng.dirichlet(np.full(60, 0.1), size=k)
    mix = rng.dirichlet(np.full(k, 0.3), size=400)
    dense = rng.poisson(8 * mix @ topics).astype(float)
    dense[3] = 0  # an empty text
    counts = sp.csr_matrix(dense)
    ours_w, ours_h = nmf(counts, k, seed=0, max_iter=max_iter)
    model = NMF(k, init="nndsvda", beta_loss="kullback-leibler", solver="mu",
                max_iter=max_iter, random_state=0)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at 7 and 50 iterations
        theirs_w = model.fit_transform(counts)
    assert (model.n_iter_ < max_iter) == (max_iter == 200)  # the stopping rule is exercised
    assert np.abs(ours_h - model.components_).max() <= 1e-10 * model.components_.max()
    assert np.abs(ours_w - theirs_w).max() <= 1e-10 * theirs_w.max()
