"""Tests of fbresearch.text.tokenize: language detection, tokenizing, phrases, redaction, sentiment."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.text.tokenize import (
    detect_language,
    phrases,
    redact,
    sentiment,
    stopwords,
    tokenize,
)

# --------------------------------------------------------------------------- languages


def test_detect_language_by_script_share():
    # hand-labelled examples: pure, mixed both ways, markup, emoji, digits, missing
    texts = [
        "送餐很快",
        "Fast delivery",
        "iPhone 屏幕太暗了",
        "Great 服务, fast delivery overall",
        "<b>味道不错</b>",
        "😀👍",
        "12345",
        None,
        "",
        "<p>Nice</p> https://例子.cn",
    ]
    expected = ["zh", "en", "zh", "en", "zh", "other", "other", "other", "other", "en"]
    assert detect_language(texts).tolist() == expected


def test_detect_language_keeps_series_index():
    s = pd.Series(["好", "good"], index=[10, 20])
    out = detect_language(s)
    assert out.index.tolist() == [10, 20] and out.tolist() == ["zh", "en"]


def test_single_string_is_a_clear_error():
    with pytest.raises(FeedbackDataError, match="wrap it in a list"):
        detect_language("送餐很快")


# --------------------------------------------------------------------------- tokenizing


def test_tokenize_strips_markup_emoji_numbers_and_stopwords():
    texts = [
        "<div class='x'>The courier was <b>LATE</b> again!!! 😡 3 times &amp; rude</div>",
        "送餐速度太慢了😡，等了2个小时，饭菜都凉了！！！",
        "",
        None,
        "😀😀",
        "the and of very really",
    ]
    out = tokenize(texts)
    assert out[0] == ["courier", "late", "times", "rude"]
    assert "送餐" in out[1] and "饭菜" in out[1]
    assert not any(ch.isdigit() or ch in "，！😡" for tok in out[1] for ch in tok)
    assert out[2:] == [[], [], [], []]


def test_tokenize_user_dict_and_extra_stopwords():
    text = ["我在拼好饭点的外卖，蜜雪冰城的奶茶"]
    plain = tokenize(text, "zh")[0]
    assert "蜜雪冰城" not in plain  # jieba alone splits the brand
    with_dict = tokenize(text, "zh", user_dict=["拼好饭", "蜜雪冰城"], extra_stopwords=["奶茶"])[0]
    assert "蜜雪冰城" in with_dict and "拼好饭" in with_dict and "奶茶" not in with_dict
    # the user words stay out of the default tokenizer
    assert tokenize(text, "zh")[0] == plain


def test_tokenize_mixed_language_keeps_latin_words_in_chinese_texts():
    assert tokenize(["APP闪退，登录不了"], "zh")[0][:2] == ["app", "闪退"]


def test_tokenize_long_text_is_cut_not_crashing():
    text = "送餐太慢 " * 10_000  # 50,000 characters
    out = tokenize([text])
    assert 0 < len(out[0]) <= 5000


def test_tokenize_pos_filter_keeps_nouns():
    out = tokenize(["骑手态度很好，饭菜很好吃"], "zh", pos=["n"])[0]
    assert "骑手" in out and "态度" in out and "好吃" not in out


def test_tokenize_repeated_texts_give_the_same_tokens_as_one_by_one():
    # truth: tokenizing each text on its own; repeats share one list (tokenized once)
    texts = [
        "送餐速度太慢了",
        "The courier was late",
        "送餐速度太慢了",
        "",
        None,
        "The courier was late",
    ]
    together = tokenize(texts)
    alone = [tokenize([t])[0] for t in texts]
    assert together == alone
    assert together[0] is together[2] and together[1] is together[5]


def test_tokenize_bad_language_argument():
    with pytest.raises(AnalysisError, match="language"):
        tokenize(["x"], language="fr")
    with pytest.raises(AnalysisError, match="one per text"):
        tokenize(["x", "y"], language=["en"])


def test_stopword_lists_hold_review_filler():
    assert {"really", "thing", "the"} <= stopwords("en")
    assert {"东西", "感觉", "下次", "的"} <= stopwords("zh")
    # words that carry topics are not stopwords
    assert not {"delivery", "refund", "customer", "time"} & stopwords("en")
    assert not {"送餐", "退款", "客服"} & stopwords("zh")


def test_phrases_join_frequent_pairs():
    docs = [
        ["customer", "service", "slow"],
        ["customer", "service", "rude"],
        ["slow", "app"],
        ["app", "crash"],
        ["driver", "slow"],
        ["rude", "driver"],
    ] * 10
    out = phrases(docs, min_count=3)
    assert out[0] == ["customer_service", "slow"] and out[2] == ["slow", "app"]
    assert phrases([[], []]) == [[], []]


def test_import_is_light_and_jieba_is_quiet():
    code = (
        "import sys, fbresearch.text.tokenize as t\n"
        "print(any(m in sys.modules for m in ('jieba', 'gensim', 'sklearn')))\n"
        "t.tokenize(['送餐很快'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert "prefix dict" not in done.stderr and "Loading model" not in done.stderr


# --------------------------------------------------------------------------- redaction

PII = {
    "[email]": ["li.wei@example.com", "zhang_san+shop@mail.qq.com"],
    "[phone]": [
        "13812345678",
        "138 1234 5678",
        "+86 139-1234-5678",
        "0086 13812345678",
        "010-12345678",
        "(415) 555-0100",
        "+44 20 7946 0958",
    ],
    # GB 11643 checksum examples (the X and a digit check character) and a legacy 15-digit ID
    "[id]": ["11010519491231002X", "420102196108053934", "110105491231002"],
    # Luhn-valid test numbers: Visa 16, Mastercard with dashes, Amex 15, with spaces
    "[card]": ["4111111111111111", "5500-0000-0000-0004", "378282246310005", "4111 1111 1111 1111"],
    "[url]": ["https://shop.example.com/track?order=123&token=abc", "www.example.cn/o?id=7"],
}


@pytest.mark.parametrize(
    ("label", "value"), [(lab, v) for lab, values in PII.items() for v in values]
)
def test_redact_each_kind(label, value):
    out = redact(f"联系我：{value}，谢谢 / contact {value} thanks")
    assert value not in out
    assert out.count(label) == 2


def test_redact_leaves_non_personal_numbers():
    # fail the checks: wrong ID checksum, Luhn-invalid card, dates, order numbers, prices
    text = (
        "ID 110105194912310021, card 4111111111111112, on 2026-10-31 at 10:30, "
        "order #20261031, paid 128.50 yuan, 3 items"
    )
    assert redact(text) == text


def test_redact_series_list_and_missing():
    s = pd.Series(["mail a@b.cn", None, "fine"], index=[5, 6, 7])
    out = redact(s)
    assert out.index.tolist() == [5, 6, 7]
    assert out[5] == "mail [email]" and pd.isna(out[6]) and out[7] == "fine"
    assert redact(["call 13812345678"]) == ["call [phone]"]
    assert redact(None) is None


def test_redact_removes_every_planted_pii_from_the_sample(sample):
    # truth: the sample's planted personal-data strings (truth["pii"])
    texts = sample.feedback["text"]
    planted = sample.truth["pii"]
    assert planted, "the sample should plant personal data"
    carrier = texts[texts.apply(lambda t: any(p in t for p in planted))]
    assert len(carrier) >= len(planted) * 0.9
    cleaned = "\n".join(redact(carrier).tolist())
    assert not [p for p in planted if p in cleaned]


# --------------------------------------------------------------------------- sentiment


def test_lexicon_sentiment_with_negation_and_intensifiers():
    # hand-labelled examples, including negated praise and negated complaints
    texts = [
        "送餐很快，味道很好",
        "饭菜不新鲜，太难吃了",
        "不好吃",
        "味道不差",
        "The app is not good",
        "not bad at all, fast delivery",
        "Terrible support, very rude",
        "ok",
    ]
    r = sentiment(texts)
    assert r.method == "lexicon"
    assert r.table["sentiment"].tolist() == [
        "positive",
        "negative",
        "negative",
        "positive",
        "negative",
        "positive",
        "negative",
        "neutral",
    ]
    assert r.table["score"].between(-1, 1).all()


def test_trained_sentiment_learns_planted_labels():
    # truth: labels planted by construction (complaint words -> 0, praise words -> 1), with
    # words the lexicon does not know, so only the trained model can learn them
    rng = np.random.default_rng(0)
    bad, good = ["glorp", "zorbly", "meh-ish"], ["splendiferous", "yumsy", "zingy"]
    filler = ["order", "today", "app", "meal", "driver"]
    labels = rng.integers(0, 2, 300)
    texts = [
        " ".join(rng.choice(good if y else bad, 2).tolist() + rng.choice(filler, 3).tolist())
        for y in labels
    ]
    scored = pd.Series(labels.astype(float))
    scored[250:] = np.nan  # unscored texts get predictions too
    r = sentiment(texts, labels=scored)
    assert r.method == "trained"
    assert r.accuracy.n == 250 and r.accuracy.ci_low > 0.9
    predicted = (r.table["score"] > 0).astype(int).to_numpy()
    assert (predicted[250:] == labels[250:]).mean() > 0.9


def test_sentiment_bad_labels():
    with pytest.raises(FeedbackDataError, match="labels"):
        sentiment(["a", "b"], labels=["great", "awful"])
    with pytest.raises(AnalysisError, match="at least 20"):
        sentiment(["good", "bad"], labels=[1, 0], method="trained")


@pytest.mark.realdata
def test_sentiment_accuracy_on_labelled_real_reviews(shared_data):
    # truth: human sentiment labels of real food-delivery reviews (waimai_10k)
    data = pd.read_csv(shared_data / "waimai_10k.csv").dropna().sample(3000, random_state=0)
    lexicon = sentiment(data["review"], labels=data["label"], method="lexicon")
    trained = sentiment(data["review"], labels=data["label"], method="trained")
    assert lexicon.accuracy.ci_low > 0.75  # measured 0.82 on all 11,987 reviews
    assert trained.accuracy.ci_low > 0.82  # measured 0.89 (5-fold cross-validated)
