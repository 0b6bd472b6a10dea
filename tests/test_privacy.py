"""Tests of fbresearch.privacy: redaction of personal data, hand-worked cases."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.privacy import PLACEHOLDERS, redact

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hand-worked: each input and the exact text that must come back
        ("邮箱 wang.fang@163.com 谢谢", "邮箱 [email] 谢谢"),
        ("手机13912345678", "手机[phone]"),  # Chinese mobile glued to Chinese text
        ("打 +8615012345678 找我", "打 [phone] 找我"),
        ("tel 186-0000-1111.", "tel [phone]."),
        ("号码 19912345678，快", "号码 [phone]，快"),
        ("座机 021-87654321", "座机 [phone]"),
        # 11010519491231002X: weights 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2 give sum % 11 == 2 -> X
        ("身份证 11010519491231002X 已验证", "身份证 [id] 已验证"),
        ("身份证 110105 19491231 002x", "身份证 [id]"),
        ("see https://a.cn/x?tel=13812345678.", "see [url]."),
        # not personal: 11 digits not starting 1[3-9], a short order number, a date, a price
        ("order 12012345678", "order 12012345678"),
        ("单号 202610310001 金额 58.00", "单号 202610310001 金额 58.00"),
        ("", ""),
    ],
)
def test_redact_hand_worked_cases(text, expected):
    assert redact(text) == expected


def test_redact_placeholders_are_the_documented_labels():
    assert set(PLACEHOLDERS) == {
        "[email]",
        "[phone]",
        "[id]",
        "[card]",
        "[url]",
        "[wechat]",
        "[qq]",
        "[address]",
        "[name]",
    }
    assert pd.isna(redact(float("nan")))  # NaN comes back as NaN


def test_privacy_is_a_base_module():
    import ast
    from pathlib import Path

    import fbresearch.privacy as privacy

    tree = ast.parse(Path(privacy.__file__).read_text(encoding="utf-8"))
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ]
    assert not [m for m in imported if m.startswith("fbresearch") and m != "fbresearch.errors"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the misses reported in issue 16, each with the exact text that must come back
        ("tel13912345670", "tel[phone]"),
        ("电话１３８００１３８０００", "电话[phone]"),
        ("点 shop.example.cn/reset?token=9f8e7d 重置", "点 [url] 重置"),
        ("加 wxid_abc123def 聊", "加 [wechat] 聊"),
        ("座机02162345678", "座机[phone]"),
        ("打0755-8888 6666", "打[phone]"),
        ("HK +852 9123 4567 / 9123 4567", "HK [phone] / [phone]"),
        ("台北 (02) 2345-6789、0912-345-678", "台北 [phone]、[phone]"),
        ("card4012888888881881", "card[card]"),
        ("身份证１１０１０５１９４９１２３１００２Ｘ", "身份证[id]"),
        ("see ftp://files.example.org/x", "see [url]"),
        ("mail john@localhost", "mail [email]"),
        ("我住北京市朝阳区建国路88号3单元502，快点送", "我住[address]，快点送"),
        ("I live at 221 Baker Street, London", "I live at [address], London"),
        ("我叫王小明，电话打不通", "我叫[name]，电话打不通"),
        ("Mr. Smith was rude", "Mr. [name] was rude"),
        ("QQ号：123456789", "QQ号：[qq]"),
        # not personal: an order number with dashes, a tracking number, a price, a bare domain
        ("order 123-4567-8901", "order 123-4567-8901"),
        ("运单号 SF123456789012", "运单号 SF123456789012"),
        ("付了1299.00元，taobao.com 上买的", "付了1299.00元，taobao.com 上买的"),
    ],
)
def test_redact_issue_cases(text, expected):
    assert redact(text) == expected


def test_redaction_recall_and_kept_numbers_on_the_planted_corpus(capsys):
    from privacy_corpus import measure

    figures = measure(redact)
    with capsys.disabled():
        print(
            f"\nredaction: recall {figures['recall']:.3f} on {figures['personal']} personal strings "
            f"of {figures['kinds']} kinds; {figures['kept']:.3f} of {figures['non_personal']} "
            "non-personal numbers kept"
        )
    assert figures["personal"] >= 500 and figures["kinds"] >= 15
    assert figures["non_personal"] >= 500
    assert figures["recall"] >= 0.99, figures["missed"][:10]
    assert figures["kept"] >= 0.98, figures["broken"][:10]


def test_error_messages_that_quote_cells_are_redacted(tmp_path):
    # an invalid cell holding a phone number and an e-mail: the message names row and column,
    # never the personal data (errors go to stderr and from there into cron logs)
    from fbresearch import load_feedback
    from fbresearch.errors import FeedbackDataError

    path = tmp_path / "f.csv"
    rows = ["submitted_at,nps"] + [f"2026-10-0{i},9" for i in range(1, 8)]
    rows += ["2026-10-08,call 13912345678", "2026-10-09,li.wei@example.com"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(FeedbackDataError) as info:
        load_feedback(path)
    message = str(info.value)
    assert "nps" in message and "row" in message
    assert "13912345678" not in message and "li.wei@example.com" not in message
    assert "[phone]" in message or "[email]" in message
