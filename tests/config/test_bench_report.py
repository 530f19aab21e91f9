"""The benchmark's verdicts follow the issue's budgets (bench/report.py)."""

from bench.report import verdict


def row(queries=5, p50=10.0, ratio=5.0, paginated=False):
    return {"queries": queries, "p50_ms": p50, "ratio_to_floor": ratio, "paginated": paginated}


def test_every_page_keeps_its_query_count_and_at_most_25():
    assert verdict(row(), row(p50=40, ratio=40)) == "ok"  # not paginated: no time budget
    assert verdict(row(queries=5), row(queries=6)) == "OVER: queries"
    assert verdict(row(queries=26), row(queries=26)) == "OVER: queries"


def test_a_paginated_page_stays_within_twice_its_time_and_ten_times_the_floor():
    assert verdict(row(paginated=True), row(p50=19.9, ratio=9.9, paginated=True)) == "ok"
    assert verdict(row(paginated=True), row(p50=21, paginated=True)) == "OVER: growth"
    assert verdict(row(paginated=True), row(ratio=10.5, paginated=True)) == "OVER: > 10× floor"
    assert verdict(row(queries=4, paginated=True), row(p50=30, ratio=12, paginated=True)) == (
        "OVER: queries, growth, > 10× floor"
    )
