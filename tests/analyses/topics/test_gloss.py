"""English glosses of Chinese topic labels: the sense customers mean, and nothing guessed."""

import pytest

from fbresearch.analyses.topics.fit import _label
from fbresearch.analyses.topics.gloss import english_gloss, glossary


@pytest.mark.parametrize(
    ("word", "gloss"),
    [  # senses checked by hand in delivery and hotel reviews, where a dictionary's first
        # sense is wrong (骑手 "horse rider", 小哥 "young man", 超时 "overtime")
        ("骑手", "rider"), ("小哥", "courier"), ("超时", "late"), ("前台", "front desk"),
        ("性价比", "value for money"), ("退款", "refund"), ("口感", "texture"),
    ],
)  # fmt: skip
def test_glosses_give_the_feedback_sense(word, gloss):
    assert glossary()[word] == gloss


def test_unknown_words_stay_untranslated_and_a_label_of_none_gets_no_gloss():
    assert english_gloss(["退款", "某某"]) == "refund / 某某"
    assert english_gloss(["某某", "甲乙"]) is None
    assert _label(["某某", "甲乙", "丙丁"], "zh", set()) == "某某 / 甲乙 / 丙丁"


def test_phrases_are_glossed_whole_or_word_by_word():
    assert english_gloss(["价格_公道"]) == "fair price"  # listed whole
    assert english_gloss(["配送_速度"]) == "delivery speed"  # its two words


def test_a_chinese_label_carries_its_gloss_and_english_labels_do_not():
    assert _label(["骑手", "送餐", "送达"], "zh", set()) == "骑手 / 送餐 / 送达 (rider / meal delivery / delivered)"
    assert _label(["late", "driver", "cold"], "en", set()) == "late / driver / cold"


def test_every_gloss_is_short_and_every_word_listed_once():
    path_words = [line.split("\t")[0] for line in _lines()]
    assert len(path_words) == len(set(path_words))
    assert all(0 < len(g.split()) <= 3 for g in glossary().values())


def _lines():
    from importlib import resources

    text = (resources.files("fbresearch") / "resources" / "gloss_zh_en.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
