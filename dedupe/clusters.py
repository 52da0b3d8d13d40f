"""From verified pairs to clusters: union-find, a keeper per cluster, drops checked against it.

Union-find joins every verified pair, so a story told by three outlets ends up in one cluster even
if only two of its three pairs were verified. Chains are also how unrelated documents creep into
one cluster (A~B, B~C, but A and C differ), so a document is dropped only when it is verified
against the cluster's keeper directly; a member that is only reachable through others stays kept
(and is still listed as a member). A component larger than `max_cluster_size` is not trusted as a
whole: it is cut down to the keeper and the members verified against it, and the rest is
clustered again on its own.

The keeper is the member with the longest text; ties go to the earliest in the caller's
`rank` order (earliest source line), so the result does not depend on the order of the input list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

TIERS: tuple[str, ...] = ("exact", "near", "story")  # strongest first


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
    check: Callable[[int, int], Check],
    length: Sequence[int],
    max_cluster_size: int,
) -> list[Group]:
    """Clusters from verified `edges` (i < j, index = rank), each member checked against its keeper.

    `check(i, j)` compares two documents directly (used for member-vs-keeper pairs that were not
    LSH candidates). Groups come out ordered by their keeper's rank.
    """
    adjacent: dict[int, list[tuple[int, Check]]] = {}
    for (a, b), found in edges.items():
        adjacent.setdefault(a, []).append((b, found))
        adjacent.setdefault(b, []).append((a, found))
    groups: list[Group] = []
    pending = components(range(n), edges, n)
    while pending:
        component = pending.pop()
        keeper = min(component, key=lambda i: (-length[i], i))
        others = [i for i in component if i != keeper]
        direct = {
            i: edges.get((min(i, keeper), max(i, keeper))) or check(i, keeper) for i in others
        }
        verified = [i for i in others if direct[i].tier is not None]
        if len(component) <= max_cluster_size:
            members = [keeper, *others]
        else:
            members = [keeper, *verified]
            rest = [i for i in others if direct[i].tier is None]
            pending.extend(components(rest, edges, n))
        if len(members) < 2:
            continue
        inside = set(members)
        tier = strongest(
            [c.tier for a in members for b, c in adjacent.get(a, []) if b in inside]
            + [direct[i].tier for i in verified]
        )
        groups.append(
            Group(
                keeper=keeper,
                members=members,
                tier=tier or "story",
                similarities={i: direct[i].similarity for i in members if i != keeper},
                dropped={i: direct[i] for i in verified},
            )
        )
    return sorted(groups, key=lambda g: g.keeper)
