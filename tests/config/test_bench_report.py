"""The benchmark's verdicts follow the issue's budgets (bench/report.py)."""

import json

import pytest

from bench import report
from bench.report import add_ratios, verdict


def row(queries=5, p50=10.0, ratio=None, paginated=False, staff=False, export=False):
    return {
        "queries": queries,
        "p50_ms": p50,
        "paginated": paginated,
        "staff": staff,
        "export": export,
        "ratio_to_lightest_staff": ratio,
    }


def test_every_page_keeps_its_query_count_and_at_most_25():
    assert verdict(row(), row(p50=40)) == "ok"
    assert verdict(row(queries=5), row(queries=6)) == "OVER: queries"
    assert verdict(row(queries=26), row(queries=26)) == "OVER: queries"


def test_a_paginated_page_stays_within_twice_its_time_at_the_smaller_size():
    assert verdict(row(paginated=True), row(p50=19.9, paginated=True)) == "ok"
    assert verdict(row(paginated=True), row(p50=21, paginated=True)) == "OVER: growth"
    assert verdict(row(), row(p50=21)) == "ok"  # not paginated: may grow


def test_a_dashboard_stays_within_twice_its_time_at_the_smaller_size():
    dashboard = {**row(), "bounded": True}
    assert verdict(dashboard, {**dashboard, "p50_ms": 19.9}) == "ok"
    assert verdict(dashboard, {**dashboard, "p50_ms": 21}) == "OVER: growth"


def test_a_staff_page_stays_within_three_times_the_lightest_staff_page():
    assert verdict(row(staff=True), row(ratio=3.0, staff=True)) == "ok"
    assert verdict(row(staff=True), row(ratio=3.1, staff=True)) == (
        "OVER: > 3× the lightest staff page"
    )
    # The old budget (10× /healthz/) is gone: a public page has no ratio to keep.
    assert verdict(row(), row(p50=30)) == "ok"


def test_every_page_but_the_exports_takes_at_most_50_ms_at_the_larger_size():
    assert verdict(row(), row(p50=50)) == "ok"
    assert verdict(row(), row(p50=50.5)) == "OVER: > 50 ms"
    assert verdict(row(p50=60), row(p50=45)) == "ok"  # the smaller size is not judged on time
    slow_export = row(p50=400, ratio=30, staff=True, export=True)
    assert verdict(row(staff=True, export=True), slow_export) == "ok"  # memory is its budget
    assert verdict(row(staff=True, paginated=True), row(p50=55, ratio=4, staff=True)) == (
        "OVER: > 3× the lightest staff page, > 50 ms"
    )


def test_the_lightest_staff_page_is_the_fastest_staff_page_measured():
    pages = [
        {"name": "public CfP page", "path": "/democon/", "p50_ms": 5.0},
        {"name": "password change", "path": "/admin/password_change/", "p50_ms": 12.0},
        {"name": "queue", "path": "/admin/reviews/reviewqueueitem/", "p50_ms": 20.0},
        {"name": "a proposal", "path": "/admin/reviews/rankedproposal/1/change/", "p50_ms": 9.0},
    ]
    for page in pages:
        page["staff"] = page["path"].startswith("/admin/")
    add_ratios(pages)
    ratios = {page["name"]: page["ratio_to_lightest_staff"] for page in pages}
    assert ratios == {
        "public CfP page": None,  # not a staff page: its budget is the 50 ms
        "password change": 1.33,
        "queue": 2.22,
        "a proposal": 1.0,
    }


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    return tmp_path


def measured(name, path, p50, queries=7, paginated=False, export=False):
    return {
        "name": name,
        "path": path,
        "staff": path.startswith("/admin/"),
        "paginated": paginated,
        "export": export,
        "queries": queries,
        "p50_ms": p50,
        "p95_ms": p50 * 1.2,
    }


def test_results_and_comparison_give_the_ratio_to_the_lightest_staff_page(results, capsys):
    def run(size, queue_ms, cfp_ms):
        pages = [
            measured("staff panel's lightest page", "/admin/password_change/", 12.0),
            measured("reviewer's queue", "/admin/reviews/queue/", queue_ms, paginated=True),
            measured("public CfP page", "/democon/", cfp_ms, queries=5),
            measured("CSV export", "/admin/cfp/event/1/export/", 300.0, export=True),
        ]
        add_ratios(pages)
        report.write_results(size, pages, {})
        return pages

    run(2000, queue_ms=18.0, cfp_ms=8.0)
    run(20000, queue_ms=40.0, cfp_ms=55.0)
    saved = json.loads((results / "20000.json").read_text())
    assert [sorted(page) for page in saved] == [sorted(report.PAGE_KEYS)] * 4
    assert [page["ratio_to_lightest_staff"] for page in saved] == [1.0, 3.33, None, 25.0]

    report.print_comparison([2000, 20000])
    lines = capsys.readouterr().out.splitlines()
    assert "× lightest staff" in lines[1]
    verdicts = {line.split("  ")[0].strip(): line.rsplit("  ", 1)[1] for line in lines[2:6]}
    assert verdicts == {
        "staff panel's lightest page": "ok",
        "reviewer's queue (p)": "OVER: growth, > 3× the lightest staff page",
        "public CfP page": "OVER: > 50 ms",
        "CSV export": "ok",
    }
