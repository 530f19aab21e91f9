"""Automatic assignment of reviewers: pure planning, no database.

Each proposal gets up to k reviewers from those eligible for it (team tracks, no conflict),
keeping what it already has; loads are balanced so that no reviewer could hand a review to
one with two or more fewer without breaking a constraint. That is the optimum of the sum of
squared loads: greedy placement first, then transfers along alternating paths.
"""

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Problem:
    k: int
    eligible: dict[int, set[int]]  # proposal → reviewers who may review it
    existing: set[tuple[int, int]] = field(default_factory=set)  # (proposal, reviewer)
    reviewers: Iterable[int] = ()  # every reviewer, including those eligible for nothing


def plan(problem: Problem) -> set[tuple[int, int]]:
    """The new (proposal, reviewer) pairs to add."""
    load: dict[int, int] = defaultdict(int)
    for reviewer in problem.reviewers:
        load[reviewer] += 0
    assigned: dict[int, set[int]] = defaultdict(set)
    for proposal, reviewer in problem.existing:
        assigned[proposal].add(reviewer)
        load[reviewer] += 1
    candidates = {
        proposal: sorted(reviewers - assigned[proposal])
        for proposal, reviewers in problem.eligible.items()
    }
    new: set[tuple[int, int]] = set()
    # Most constrained first, so that the flexible proposals fill in around them.
    for proposal in sorted(candidates, key=lambda p: (len(candidates[p]), p)):
        wanted = min(max(0, problem.k - len(assigned[proposal])), len(candidates[proposal]))
        chosen = sorted(candidates[proposal], key=lambda r: (load[r], r))[:wanted]
        for reviewer in chosen:
            new.add((proposal, reviewer))
            assigned[proposal].add(reviewer)
            load[reviewer] += 1
    _balance(problem, candidates, assigned, new, load)
    return new


def _balance(problem, candidates, assigned, new, load) -> None:
    """Move reviews from heavy to light reviewers while an alternating path allows it."""
    while True:
        path = None
        for level in sorted(set(load.values())):
            path = _transfer_path(candidates, assigned, new, load, level)
            if path:
                break
        if not path:
            return
        for taker, proposal, giver in path:
            new.discard((proposal, giver))
            assigned[proposal].discard(giver)
            new.add((proposal, taker))
            assigned[proposal].add(taker)
        load[path[0][0]] += 1
        load[path[-1][2]] -= 1


def _transfer_path(candidates, assigned, new, load, level):
    """A chain b takes p1 from x1, x1 takes p2 from x2, …, from a, with load[a] ≥ level + 2."""
    takes: dict[int, list[int]] = defaultdict(list)  # reviewer → proposals they could take
    for proposal, reviewers in candidates.items():
        for reviewer in reviewers:
            if reviewer not in assigned[proposal]:
                takes[reviewer].append(proposal)
    holders: dict[int, list[int]] = defaultdict(list)  # proposal → movable (new) reviewers
    for proposal, reviewer in new:
        holders[proposal].append(reviewer)
    sources = [r for r, n in load.items() if n == level]
    parent: dict[int, tuple[int, int] | None] = dict.fromkeys(sources)
    queue = deque(sources)
    while queue:
        taker = queue.popleft()
        for proposal in takes[taker]:
            for giver in holders[proposal]:
                if giver in parent:
                    continue
                parent[giver] = (taker, proposal)
                if load[giver] >= level + 2:
                    steps = []
                    node = giver
                    while parent[node] is not None:
                        previous, via = parent[node]
                        steps.append((previous, via, node))
                        node = previous
                    return list(reversed(steps))
                queue.append(giver)
    return None
