"""A planted corpus for redaction: personal strings of many kinds and non-personal numbers.

Each personal string is made the way real people write it (formats from the issue tracker and
from Chinese, Hong Kong, Taiwan and international usage), put in a sentence, and the sentence
comes back from :func:`fbresearch.privacy.redact` with or without the string. Non-personal
numbers (order and tracking numbers, prices, dates, quantities, times, flights, models) must come
back unchanged. Used by tests/test_privacy.py and tests/benchmarks/bench_privacy.py.
"""

from __future__ import annotations

import numpy as np

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_REGIONS = ("110105", "310104", "440305", "330106", "510107", "420102", "320102", "210102")
_FULL = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def _d(rng: np.random.Generator, n: int, first: str = "0123456789") -> str:
    return rng.choice(list(first)) + "".join(rng.choice(list("0123456789"), n - 1))


def _id18(rng: np.random.Generator) -> str:
    year, month, day = rng.integers(1950, 2005), rng.integers(1, 13), rng.integers(1, 29)
    body = f"{rng.choice(_REGIONS)}{year}{month:02d}{day:02d}{_d(rng, 3)}"
    check = "10X98765432"[int(np.array([int(c) for c in body]) @ _ID_WEIGHTS) % 11]
    return body + check


def _luhn(rng: np.random.Generator, prefix: str, length: int) -> str:
    body = prefix + _d(rng, length - len(prefix) - 1)
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def _mobile(rng: np.random.Generator) -> str:
    return rng.choice(["138", "139", "150", "158", "186", "177", "199", "136"]) + _d(rng, 8)


def _personal(rng: np.random.Generator) -> dict[str, str]:
    """One string of every kind."""
    m = _mobile(rng)
    name = rng.choice(["wang", "li.na", "zhang_wei", "chen", "john", "mary.k"])
    area, local = rng.choice(["010", "021", "020", "0571", "0755"]), _d(rng, 8, "2345678")
    surname = rng.choice(list("王李张刘陈杨黄赵吴周"))
    given = "".join(rng.choice(list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超"), rng.integers(1, 3)))
    street = rng.choice(["建国路", "南京西路", "中山大道", "解放街", "人民路", "长安街"])
    return {
        "email": f"{name}{rng.integers(1, 999)}@{rng.choice(['163.com', 'qq.com', 'gmail.com'])}",
        "email_localhost": f"{name}@localhost",
        "mobile": m,
        "mobile_spaced": f"{m[:3]} {m[3:7]} {m[7:]}",
        "mobile_dashed_intl": f"+86 {m[:3]}-{m[3:7]}-{m[7:]}",
        "mobile_glued": f"tel{m}",
        "mobile_fullwidth": m.translate(_FULL),
        "landline_dashed": f"{area}-{local}",
        "landline_plain": f"{area}{local}",
        "landline_spaced": f"0755-{local[:4]} {local[4:]}",
        "hong_kong": f"{rng.choice(['9', '6', '5'])}{_d(rng, 3)} {_d(rng, 4)}",
        "taiwan": f"09{_d(rng, 2)}-{_d(rng, 3)}-{_d(rng, 3)}",
        "international": f"+44 20 7946 {_d(rng, 4)}",
        "us": f"(415) 555-{_d(rng, 4)}",
        "id18": _id18(rng),
        "id18_fullwidth": _id18(rng).translate(_FULL),
        "card": _luhn(rng, rng.choice(["4", "51", "62"]), 16),
        "card_glued": "card" + _luhn(rng, "4", 16),
        "url": f"https://shop.example.com/track?order={_d(rng, 6)}&token={_d(rng, 8)}",
        "url_ftp": f"ftp://files.example.org/u/{name}",
        "url_schemeless": f"shop.example.cn/reset?token={_d(rng, 10)}",
        "wechat_wxid": f"wxid_{''.join(rng.choice(list('abcdefghjk23456789'), 10))}",
        "wechat_named": f"微信：{name.replace('.', '_')}{_d(rng, 4)}",
        "qq": f"QQ号 {_d(rng, 9, '123456789')}",
        "address_cn": f"北京市朝阳区{street}{rng.integers(1, 300)}号{rng.integers(1, 9)}单元"
        f"{rng.integers(101, 1802)}",
        "address_en": f"{rng.integers(1, 999)} {rng.choice(['Oak', 'Maple', 'High'])} Street",
        "name_cn": f"我叫{surname}{given}",
        "name_title_cn": f"{surname}先生",
        "name_en": f"my name is {rng.choice(['John', 'Mary', 'David'])} "
        f"{rng.choice(['Smith', 'Brown', 'Taylor'])}",
    }


#: the part of a personal string that must be gone after redaction (the name, not "我叫")
def _core(kind: str, value: str) -> str:
    if kind in ("name_cn",):
        return value[2:]
    if kind == "name_title_cn":
        return value[:-2]
    if kind == "name_en":
        return value[len("my name is ") :]
    if kind == "wechat_named":
        return value.split("：", 1)[1]
    if kind == "qq":
        return value.split(" ", 1)[1]
    return value


_TEMPLATES = (
    "快递一直没到，请联系我 {} 谢谢",
    "Please call me back: {}. Thanks!",
    "客服态度很差，我的信息：{}，尽快处理",
    "Delivery was late again ({}), not happy",
    "退款还没到账 {} 麻烦回复",
)


def personal_corpus(n_per_kind: int = 20, seed: int = 0) -> list[tuple[str, str, str]]:
    """``(kind, core string, sentence)`` for ``n_per_kind`` strings of each of 29 kinds."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_per_kind):
        for kind, value in _personal(rng).items():
            sentence = _TEMPLATES[(i + len(kind)) % len(_TEMPLATES)].format(value)
            out.append((kind, _core(kind, value), sentence))
    return out


def _non_personal(rng: np.random.Generator) -> dict[str, str]:
    return {
        "order_dashed": f"order {_d(rng, 3)}-{_d(rng, 4)}-{_d(rng, 4)}",
        "order_cn": f"订单号 {rng.integers(2024, 2027)}{_d(rng, 11)}",
        "order_hash": f"order #{_d(rng, 8)}",
        "tracking": f"运单号 SF{_d(rng, 12)}",
        "invoice": f"发票号码 {_d(rng, 8, '123456789')}",
        "price": f"{rng.integers(1, 5000)}.{_d(rng, 2)}元",
        "price_en": f"${rng.integers(1, 900)}.{_d(rng, 2)}",
        "date": f"{rng.integers(2020, 2027)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}",
        "date_cn": f"{rng.integers(2020, 2027)}年{rng.integers(1, 13)}月{rng.integers(1, 29)}日",
        "time": f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}",
        "quantity": f"{rng.integers(1, 50)}件",
        "minutes": f"等了{rng.integers(10, 180)}分钟",
        "percent": f"{rng.integers(1, 100)}%",
        "flight": f"CA{_d(rng, 4, '123456789')}",
        "model": f"iPhone {rng.integers(11, 17)} Pro",
        "room_count": f"{rng.integers(2, 30)} rooms",
        "year_range": f"{rng.integers(2000, 2020)}-{rng.integers(2020, 2027)}",
        "big_amount": f"{rng.integers(1, 99)},{_d(rng, 3)},{_d(rng, 3)} yuan",
        "date_compact": f"{rng.integers(2020, 2027)}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}",
        "sku": f"SKU {_d(rng, 10, '123456789')}",
        "room": f"住在{rng.integers(2, 30)}{rng.integers(1, 40):02d}房间",
        "discount": f"满{rng.integers(1, 9)}00减{rng.integers(1, 9)}0",
        "distance": f"{rng.integers(1, 30)}.{rng.integers(0, 10)}公里",
        "thousands": f"{rng.integers(1, 9)},{_d(rng, 3)} reviews",
        "version": f"v{rng.integers(1, 9)}.{rng.integers(0, 20)}.{rng.integers(0, 99)}",
        "bare_order": f"{rng.integers(2024, 2027)}{rng.integers(1, 13):02d}{_d(rng, 6)}",
    }


def non_personal_corpus(n_per_kind: int = 30, seed: int = 1) -> list[tuple[str, str, str]]:
    """``(kind, string, sentence)`` of non-personal numbers that redaction must keep."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_per_kind):
        for kind, value in _non_personal(rng).items():
            sentence = _TEMPLATES[(i + len(kind)) % len(_TEMPLATES)].format(value)
            out.append((kind, value, sentence))
    return out


def measure(redact) -> dict[str, object]:  # noqa: ANN001 - the function under test
    """Recall on personal strings, share of non-personal numbers kept, and the misses."""
    personal = personal_corpus()
    missed = [(k, s) for k, core, s in personal if core in redact(s)]
    other = non_personal_corpus()
    broken = [(k, s, redact(s)) for k, value, s in other if value not in redact(s)]
    return {
        "personal": len(personal),
        "kinds": len({k for k, _, _ in personal}),
        "recall": 1 - len(missed) / len(personal),
        "non_personal": len(other),
        "kept": 1 - len(broken) / len(other),
        "missed": missed,
        "broken": broken,
    }
