"""The benchmark's output: a table per size, bench/results/<N>.json, and a comparison."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PAGE_KEYS = (
    "name",
    "path",
    "staff",
    "paginated",
    "bounded",
    "export",
    "queries",
    "p50_ms",
    "p95_ms",
    "ratio_to_lightest_staff",
    "missing",
)
# The budgets. Every page: the same queries at both sizes, at most 25. A page whose
# time should not grow with the event (`bounded`: the paginated lists and the dashboards):
# within 2× its own time at the smaller size. At the larger size (20,000 proposals by
# default), every page but the exports (whose budget is memory): at most 50 ms p50, and a
# staff page within 3× the staff panel's lightest page (the least p50 of the staff pages).
MAX_QUERIES, MAX_GROWTH, MAX_STAFF_RATIO, MAX_P50_MS = 25, 2, 3, 50


def add_ratios(pages: list[dict]) -> None:
    """Each staff page's p50 as a multiple of the lightest staff page's (others: None)."""
    lightest = min(
        (page["p50_ms"] for page in pages if page["staff"] and page["p50_ms"] is not None),
        default=None,
    )
    for page in pages:
        page["ratio_to_lightest_staff"] = (
            round(page["p50_ms"] / lightest, 2)
            if page["staff"] and lightest and page["p50_ms"] is not None
            else None
        )


def write_results(size: int, pages: list[dict], load: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    rows = [{key: page.get(key) for key in PAGE_KEYS} for page in pages]
    (RESULTS / f"{size}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    if load:
        (RESULTS / f"{size}-load.json").write_text(
            json.dumps(load, indent=2, ensure_ascii=False) + "\n"
        )


def _ratio(page: dict) -> str:
    ratio = page.get("ratio_to_lightest_staff")
    return "–" if ratio is None else f"{ratio:.2f}"


def print_table(size: int, pages: list[dict], load: dict) -> None:
    print(f"\n{size} proposals (× lightest staff: p50 over the lightest staff page's)")
    print(f"{'page':<30} {'queries':>7} {'p50 ms':>9} {'p95 ms':>9} {'× lightest staff':>16}")
    for page in pages:
        if page.get("missing"):
            print(f"{page['name']:<30} not measured: {page['path']} {page['missing']}")
            continue
        print(
            f"{page['name']:<30} {page['queries']!s:>7} {page['p50_ms']:>9.1f} "
            f"{page['p95_ms']:>9.1f} {_ratio(page):>16}"
        )
    for name, figures in load.items():
        print(f"{name}: {json.dumps(figures, ensure_ascii=False)}")


def _bounded(page: dict) -> bool:
    # A paginated list is bounded too (and results written before "bounded" existed say only
    # "paginated").
    return bool(page.get("bounded") or page.get("paginated"))


def verdict(small: dict, large: dict) -> str:
    """ "ok", or which budgets a page is over (the issue's rules, see MAX_*); a page one of
    the runs could not measure (an API endpoint not yet built answers 404) is not judged."""
    missing = small.get("missing") or large.get("missing")
    if missing:
        return f"not measured ({missing})"
    over = []
    if small["queries"] != large["queries"] or (large["queries"] or 0) > MAX_QUERIES:
        over.append("queries")
    growth = large["p50_ms"] / small["p50_ms"] if small["p50_ms"] else 0
    if _bounded(large) and growth > MAX_GROWTH:
        over.append("growth")
    if not large.get("export"):
        if large.get("staff") and (large["ratio_to_lightest_staff"] or 0) > MAX_STAFF_RATIO:
            over.append(f"> {MAX_STAFF_RATIO}× the lightest staff page")
        if large["p50_ms"] > MAX_P50_MS:
            over.append(f"> {MAX_P50_MS} ms")
    return "ok" if not over else "OVER: " + ", ".join(over)


def print_comparison(sizes: list[int]) -> None:
    """Both sizes side by side, with the budgets (verdict); paginated pages are marked "p"."""
    runs = {}
    for size in sizes:
        path = RESULTS / f"{size}.json"
        if path.exists():
            runs[size] = {row["name"]: row for row in json.loads(path.read_text())}
    if len(runs) < 2:
        return
    small, large = min(runs), max(runs)
    print(
        f"\n{'page':<32} {'queries':>13} {'p50 ms':>19} {'growth':>7} "
        f"{'× lightest staff':>16}  budget"
    )
    for name, row in runs[small].items():
        other = runs[large].get(name)
        if other is None:
            continue
        if row.get("missing") or other.get("missing"):
            print(f"{name:<32} {verdict(row, other)}")
            continue
        growth = other["p50_ms"] / row["p50_ms"] if row["p50_ms"] else 0
        label = f"{name} (p)" if other.get("paginated") else name
        label = f"{label} (b)" if _bounded(other) and not other.get("paginated") else label
        print(
            f"{label:<32} {row['queries']!s:>6} {other['queries']!s:>6} "
            f"{row['p50_ms']:>9.1f} {other['p50_ms']:>9.1f} {growth:>6.2f}× "
            f"{_ratio(other):>16}  {verdict(row, other)}"
        )
    print(
        f"Budgets at {large}: queries equal at both sizes and ≤ {MAX_QUERIES}; (p), (b) ≤ "
        f"{MAX_GROWTH}× its time at {small}; every page but the exports ≤ {MAX_P50_MS} ms p50; "
        f"a staff page ≤ {MAX_STAFF_RATIO}× the lightest staff page."
    )
