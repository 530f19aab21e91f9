"""The benchmark's output: a table per size, bench/results/<N>.json, and a comparison."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PAGE_KEYS = ("name", "path", "paginated", "queries", "p50_ms", "p95_ms", "ratio_to_floor")
# The budgets: every page's queries the same at both sizes and at most 25; a paginated
# page also within 2× its own time at the smaller size and within 10× the floor.
MAX_QUERIES, MAX_GROWTH, MAX_RATIO = 25, 2, 10


def write_results(size: int, pages: list[dict], load: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    rows = [{key: page.get(key) for key in PAGE_KEYS} for page in pages]
    (RESULTS / f"{size}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    if load:
        (RESULTS / f"{size}-load.json").write_text(
            json.dumps(load, indent=2, ensure_ascii=False) + "\n"
        )


def print_table(size: int, pages: list[dict], load: dict) -> None:
    print(f"\n{size} proposals")
    print(f"{'page':<30} {'queries':>7} {'p50 ms':>9} {'p95 ms':>9} {'× floor':>8}")
    for page in pages:
        print(
            f"{page['name']:<30} {page['queries']!s:>7} {page['p50_ms']:>9.1f} "
            f"{page['p95_ms']:>9.1f} {page['ratio_to_floor']:>8.1f}"
        )
    for name, figures in load.items():
        print(f"{name}: {json.dumps(figures, ensure_ascii=False)}")


def verdict(small: dict, large: dict) -> str:
    """ "ok", or which budgets a page is over (the issue's rules, see MAX_*)."""
    over = []
    if small["queries"] != large["queries"] or (large["queries"] or 0) > MAX_QUERIES:
        over.append("queries")
    if large.get("paginated"):
        if small["p50_ms"] and large["p50_ms"] / small["p50_ms"] > MAX_GROWTH:
            over.append("growth")
        if large["ratio_to_floor"] > MAX_RATIO:
            over.append(f"> {MAX_RATIO}× floor")
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
    print(f"\n{'page':<32} {'queries':>13} {'p50 ms':>19} {'growth':>7} {'× floor':>8}  budget")
    for name, row in runs[small].items():
        other = runs[large].get(name)
        if other is None:
            continue
        growth = other["p50_ms"] / row["p50_ms"] if row["p50_ms"] else 0
        label = f"{name} (p)" if other.get("paginated") else name
        print(
            f"{label:<32} {row['queries']!s:>6} {other['queries']!s:>6} "
            f"{row['p50_ms']:>9.1f} {other['p50_ms']:>9.1f} {growth:>6.2f}× "
            f"{other['ratio_to_floor']:>7.1f}  {verdict(row, other)}"
        )
