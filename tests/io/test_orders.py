"""Orders and invitation counts (fbresearch.io.orders)."""

from __future__ import annotations

import pytest
from loader_cases import check_error, write

from fbresearch import FeedbackDataError
from fbresearch.io.orders import load_invitations, load_orders


def test_load_orders_maps_parses_and_marks_returns(tmp_path):
    text = 'Customer,Date,Total\n0042,2026-01-05,"1,200.50"\n0042,2026-02-01,-30\n'
    orders = load_orders(
        write(tmp_path, "orders.csv", text),
        columns={"customer_id": "Customer", "order_date": "Date", "amount": "Total"},
    )
    assert orders["customer_id"].tolist() == ["0042", "0042"]
    assert orders["amount"].tolist() == [1200.5, -30.0]
    assert orders["is_return"].tolist() == [False, True]
    assert str(orders["order_date"].dtype) == "datetime64[ns]"


def test_load_orders_errors(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_orders(write(tmp_path, "o.csv", "customer_id,date,amount\nc1,2026-01-01,5\n"))
    check_error(excinfo, file="o.csv", column="order_date", says=("Did you mean 'date'",))
    path = write(tmp_path, "o2.csv", "customer_id,order_date,amount\nc1,2026-01-01,five\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_orders(path)
    check_error(excinfo, file="o2.csv", column="amount", rows=[1])


def test_load_invitations(tmp_path):
    text = "channel,month,invited\nEmail,2026-10,1200\nweb,2026/9,300\n"
    inv = load_invitations(write(tmp_path, "inv.csv", text))
    assert inv.to_dict("records") == [
        {"channel": "web", "month": "2026-09", "invited": 300},
        {"channel": "email", "month": "2026-10", "invited": 1200},
    ]
    bad = write(tmp_path, "inv_bad.csv", "channel,month,invited\nemail,2026-10,-5\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_invitations(bad)
    check_error(excinfo, file="inv_bad.csv", column="invited", rows=[1])
