"""Tests of fbresearch.text.tokenize: cleaning, stopwords, jieba, phrases, the light import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fbresearch.errors import AnalysisError
from fbresearch.text.tokenize import phrases, stopwords, tokenize


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


def test_apostrophes_are_kept_so_contractions_stay_whole_and_possessives_lose_s():
    kept = tokenize(["Delivery wasn't late", "it wasn’t the driver's fault"], "en",
                    remove_stopwords=False)  # fmt: skip
    assert kept == [["delivery", "wasn't", "late"], ["it", "wasn't", "the", "driver", "fault"]]
    # for topics contractions are stopwords and a possessive is its noun
    assert tokenize(["it wasn't the driver's fault"], "en") == [["driver", "fault"]]


def test_unicode_letters_stay_whole():
    out = tokenize(["The CAFÉ was naïve", "cafe\u0301 crème brûlée", "在café喝咖啡"],
                   ["en", "en", "zh"], remove_stopwords=False)  # fmt: skip
    assert out[0] == ["the", "café", "was", "naïve"]
    assert out[1] == ["café", "crème", "brûlée"]  # a combining accent is composed (NFC)
    assert "café" in out[2] and "caf" not in out[2]


def test_stopword_file_section_headings_are_comments_not_stopwords():
    from importlib import resources

    zh = stopwords("zh")
    assert not {"功能词", "评论填充词"} & zh
    assert {"的", "真的", "东西"} <= zh  # words of both sections are still loaded
    for language in ("zh", "en"):
        text = resources.files("fbresearch") / "resources" / f"stopwords_{language}.txt"
        for line in text.read_text(encoding="utf-8").splitlines():
            # every line is a comment or one word (a heading without '#' would be a "word")
            assert line.startswith("#") or (line.strip() and " " not in line.strip()), line
def test_a_chinese_run_is_cut_once_across_calls_and_settings(monkeypatch):
    # truth: jieba's own cut of each run; the second call (other settings) cuts nothing again
    import jieba

    from fbresearch.text import tokenize as tk

    texts = ["骑手迟到了一个小时，饭菜都凉了", "包装破损汤洒了"]
    tokenizer = tk._jieba(*tk._user_dict_key(None))  # the one tokenize uses
    runs = ["骑手迟到了一个小时", "饭菜都凉了", "包装破损汤洒了"]
    fresh = jieba.Tokenizer()
    fresh.initialize()
    expected = [w for r in runs for w in fresh.lcut(r)]
    tk._CUTS.clear()
    calls = []
    real = tokenizer.lcut
    monkeypatch.setattr(tokenizer, "lcut", lambda chunk: calls.append(chunk) or real(chunk))
    first = tokenize(texts, "zh")
    assert calls == runs
    again = tokenize(texts, "zh", remove_stopwords=False, min_length=1)
    assert calls == runs  # every run came from the cache
    assert [w for t in again for w in t] == expected
    assert first == [[w for w in t if len(w) >= 2 and w not in stopwords("zh")] for t in again]


def test_a_tokenizer_with_user_words_cuts_as_one_initialised_from_scratch():
    # truth: jieba's own initialise-then-add_word; the shared plain dictionary is left unchanged
    import jieba

    from fbresearch.text import tokenize as tk

    words = ("鲜果速递", "闪电退款")
    text = "鲜果速递的闪电退款服务很好，但是配送员态度差"
    fresh = jieba.Tokenizer()
    fresh.initialize()
    plain_cut = fresh.lcut(text)
    for w in words:
        fresh.add_word(w)
    ours = tk._jieba(tuple(sorted(words)), None)
    assert ours.lcut(text) == fresh.lcut(text) and "鲜果速递" in ours.lcut(text)
    assert ours.FREQ == fresh.FREQ and ours.total == fresh.total
    plain = tk._jieba((), None)
    assert plain.lcut(text) == plain_cut and "闪电退款" not in plain.FREQ
