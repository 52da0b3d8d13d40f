"""From verified pairs to clusters: guarded linkage, a keeper per cluster, drops checked against it.

Joining every verified pair (single linkage, union-find) lets a story told by three outlets end up
in one cluster even if only two of its three pairs were verified. It is also how unrelated
documents creep into one cluster: one wrong link A~B between two stories on the same topic merges
both whole stories, and on the BASIL dev set that made pairwise F1 swing from 0.94 to 0.85 within
0.04 of the story threshold. So a same-story link joins two groups only when the two groups are
alike over all their cross pairs, which one stray link cannot fake: their mean story score at
least `link_guard` times the threshold (average linkage, Sokal & Michener 1958), or, for a lone
article, two of its pairs with the group's members passing, never one. Exact and near links
(copies) always join.

Chains still exist inside a group (A~B, B~C, A and C differ), so a document is dropped only when
it is verified against the group's keeper directly; a member that is only reachable through others
stays kept (and is still listed as a member).

The keeper is the member with the longest text; ties go to the earliest in the caller's
`rank` order (earliest source line), so the result does not depend on the order of the input list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

TIERS: tuple[str, ...] = ("exact", "near", "story")  # strongest first
# The link guard: whether a story link may join two groups, given their members.
JoinTest = Callable[[Sequence[int], Sequence[int]], bool]


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of comparing two documents: the strongest tier that matched, if any."""

    tier: str | None  # "exact" | "near" | "story", or None when no tier matched
    similarity: float


@dataclass(slots=True)
class Group:
    """A cluster in index form (positions in the canonical order of the input)."""

    keeper: int
    members: list[int]  # keeper first, then by rank
    tier: str
    similarities: dict[int, float] = field(default_factory=dict)
    dropped: dict[int, Check] = field(default_factory=dict)


class UnionFind:
    """Disjoint sets over 0..n-1 with path halving and union by size.

    >>> uf = UnionFind(4)
    >>> uf.union(0, 1); uf.union(2, 3); uf.union(1, 3)
    >>> uf.find(0) == uf.find(2)
    True
    """

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def components(items: Iterable[int], edges: Iterable[tuple[int, int]], n: int) -> list[list[int]]:
    """Connected components of size >= 2 among `items`, each sorted, listed by smallest member."""
    wanted = set(items)
    uf = UnionFind(n)
    for a, b in edges:
        if a in wanted and b in wanted:
            uf.union(a, b)
    groups: dict[int, list[int]] = {}
    for item in sorted(wanted):
        groups.setdefault(uf.find(item), []).append(item)
    return sorted((g for g in groups.values() if len(g) >= 2), key=lambda g: g[0])


def strongest(tiers: Iterable[str | None]) -> str | None:
    """The strongest tier among `tiers` ("exact" > "near" > "story").

    >>> strongest(["story", None, "near"])
    'near'
    """
    present = {t for t in tiers if t is not None}
    return next((t for t in TIERS if t in present), None)


def build_groups(
    n: int,
    edges: dict[tuple[int, int], Check],
    check_many: Callable[[Sequence[tuple[int, int]]], list[Check]],
    story_joins: JoinTest,
    length: Sequence[int],
    max_cluster_size: int,
) -> tuple[list[Group], dict[str, int]]:
    """Clusters from verified `edges` (i < j, index = rank), each drop checked against its keeper.

    Edges are taken strongest first (tier, then similarity, then rank): an exact or near edge
    always joins its two groups; a story edge joins them only when the two groups are alike
    over their cross pairs (`story_joins`, the link guard) and the joined group stays within
    `max_cluster_size`. `check_many(pairs)` compares
    documents directly, a batch of pairs at once (for member-vs-keeper pairs that were not
    verified edges). Groups come out ordered by
    keeper rank, with counts of refused joins.
    """
    uf = UnionFind(n)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    tiers: dict[int, set[str]] = {}
    stats = {"story_joins_refused_by_guard": 0, "story_joins_refused_by_size": 0}
    rank = {t: k for k, t in enumerate(TIERS)}
    ordered = sorted(
        edges.items(), key=lambda e: (rank[e[1].tier or "story"], -e[1].similarity, e[0])
    )
    for (a, b), found in ordered:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            tiers.setdefault(ra, set()).add(found.tier or "story")
            continue
        if found.tier == "story":
            if len(members[ra]) + len(members[rb]) > max_cluster_size:
                stats["story_joins_refused_by_size"] += 1
                continue
            if not story_joins(members[ra], members[rb]):
                stats["story_joins_refused_by_guard"] += 1
                continue
        uf.union(ra, rb)
        root = uf.find(ra)
        other = rb if root == ra else ra
        members[root] = sorted(members[root] + members.pop(other))
        tiers[root] = tiers.pop(ra, set()) | tiers.pop(rb, set()) | {found.tier or "story"}
    kept: list[tuple[int, list[int], int]] = []  # root, members, keeper
    for root in sorted(members):
        component = members[root]
        if len(component) >= 2:
            kept.append((root, component, min(component, key=lambda i: (-length[i], i))))
    # every member against its keeper, one batch for the pairs that are not verified edges
    unverified = [
        (i, keeper)
        for _, component, keeper in kept
        for i in component
        if i != keeper and (min(i, keeper), max(i, keeper)) not in edges
    ]
    checked = dict(zip(unverified, check_many(unverified), strict=True))
    groups: list[Group] = []
    for root, component, keeper in kept:
        others = [i for i in component if i != keeper]
        direct = {
            i: edges.get((min(i, keeper), max(i, keeper))) or checked[i, keeper] for i in others
        }
        groups.append(
            Group(
                keeper=keeper,
                members=[keeper, *others],
                tier=strongest(tiers.get(root, set())) or "story",
                similarities={i: direct[i].similarity for i in others},
                dropped={i: direct[i] for i in others if direct[i].tier is not None},
            )
        )
    return sorted(groups, key=lambda g: g.keeper), stats
