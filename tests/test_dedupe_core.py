"""find_duplicates: tiers, keeper rule, chains, big clusters, order independence, the seed dump."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.document import Document
from dedupe import Cluster, DedupeConfig, DedupeResult, core, find_duplicates
from dedupe.core import U32, U64, DocumentFeatures, document_features
from dedupe.story_score import PAIR_SIGNALS, StoryModel

SEED = Path(__file__).resolve().parents[1] / "corpus" / "raw" / "000_afa5ccce8ab925d8.txt"

HARBOUR = (
    "The harbour authority said on Tuesday that the northern pier would stay closed for repairs "
    "until the end of the month, after divers found cracks in two of its concrete supports. "
    "Fishing boats that normally moor there have been moved to the southern basin, and the "
    "weekly ferry to the islands will leave from the old customs quay instead. Engineers expect "
    "the work to cost about 400,000 euros, which the port will pay from its maintenance reserve."
)
ORCHESTRA = (
    "The city orchestra announced a new season of free open-air concerts in the botanical "
    "garden, starting with a programme of Dvorak and Sibelius on the first Saturday of June. "
    "Seats are not reserved; the garden gates open two hours before each concert and picnics "
    "are welcome on the lawns, the orchestra's manager said in a statement on its website."
)
# The same event, told by two outlets in their own words (shared names, numbers, a quotation).
STORY_A = (
    "Flooding forced the evacuation of 1,200 residents from Marlow Creek on Sunday after the "
    "Tessel river burst its banks. Governor Alma Prieto declared a state of emergency for "
    'Hadley County. "We will rebuild every home," Prieto told reporters at the Marlow Creek '
    "fire station. Rescue crews used boats to reach farms cut off by the water."
)
STORY_B = (
    "Governor Alma Prieto declared an emergency in Hadley County as the Tessel river flooded "
    "Marlow Creek, where some 1,200 people had to leave their homes. Speaking at the town's fire "
    'station, Prieto promised: "We will rebuild every home." Boats were sent to farms isolated '
    "by the flooding."
)
# Same county, different event: must not join the flood story.
STORY_C = (
    "Hadley County commissioners approved a new library branch on Sunday, to be built near the "
    "fire station. The branch will open in 2026 and hold 40,000 books, the county librarian "
    "said. Residents had asked for a library since the old one closed a decade ago."
)


def doc(doc_id: str, text: str, line: int = 1, title: str = "", source: str = "t.txt") -> Document:
    return Document(id=doc_id, text=text, source=source, lines=(line, line), title=title)


def pool() -> list[Document]:
    return [
        doc("harbour", HARBOUR, 1),
        doc("harbour-copy", HARBOUR.upper().replace(", ", " "), 10),  # exact after folding
        doc("harbour-edit", HARBOUR.replace("Tuesday", "Monday"), 20),  # near
        doc("orchestra", ORCHESTRA, 30),
        doc("story-a", STORY_A, 40),
        doc("story-b", STORY_B, 50),
        doc("story-c", STORY_C, 60),
    ]


def summary(result: DedupeResult) -> tuple[object, ...]:
    dups = sorted((d.doc.id, d.duplicate_of, d.tier, d.similarity) for d in result.duplicates)
    clusters = sorted(
        (c.id, c.keeper, tuple(c.members), c.tier, tuple(sorted(c.similarities.items())))
        for c in result.clusters
    )
    return tuple(dups), tuple(clusters), tuple(sorted(d.id for d in result.kept))


def cluster_of(result: DedupeResult, member: str) -> Cluster | None:
    return next((c for c in result.clusters if member in c.members), None)


def test_tiers_on_hand_made_pool() -> None:
    result = find_duplicates(pool())
    tiers = {d.doc.id: (d.tier, d.duplicate_of) for d in result.duplicates}
    assert tiers["harbour-copy"] == ("exact", "harbour")
    assert tiers["harbour-edit"][0] == "near"
    assert "story-a" in tiers or "story-b" in tiers
    assert {d.tier for d in result.duplicates if d.doc.id.startswith("story")} == {"story"}
    assert [d.id for d in result.kept][:1] == ["harbour"]  # input order kept
    assert "orchestra" in [d.id for d in result.kept]
    assert "story-c" in [d.id for d in result.kept]
    assert cluster_of(result, "story-c") is None  # near-miss: same county, other event


def test_features_given_give_the_same_result_and_are_consumed() -> None:
    docs = pool()
    features: list[DocumentFeatures | None] = [document_features(d, 1) for d in docs]
    features[2] = None  # computed inside, like an article recurring-line removal changed
    given = find_duplicates(docs, DedupeConfig(), features)
    assert summary(given) == summary(find_duplicates(docs))
    assert features == []  # emptied: the hashes are not held twice


def test_keeper_is_longest_text_and_cluster_lists_it_first() -> None:
    result = find_duplicates(pool())
    cluster = cluster_of(result, "story-a")
    assert cluster is not None
    longest = max(("story-a", STORY_A), ("story-b", STORY_B), key=lambda p: len(p[1]))[0]
    assert cluster.keeper == longest == cluster.members[0]
    assert cluster.tier == "story"


def test_equal_length_tie_goes_to_earliest_source_line() -> None:
    a, b = doc("late", HARBOUR, line=90), doc("early", HARBOUR, line=5)
    result = find_duplicates([a, b])
    assert result.clusters[0].keeper == "early"
    assert [d.doc.id for d in result.duplicates] == ["late"]


def test_tier_switches() -> None:
    docs = pool()
    no_story = find_duplicates(docs, DedupeConfig(story=False))
    assert all(d.tier != "story" for d in no_story.duplicates)
    only_exact = find_duplicates(docs, DedupeConfig(near=False, story=False))
    assert {d.doc.id for d in only_exact.duplicates} == {"harbour-copy"}


def test_chain_member_stays_kept() -> None:
    # b copies most of a; c copies most of b; a and c share too little to be verified directly.
    words = [f"w{i}" for i in range(120)]
    a = " ".join(words[:100])
    b = " ".join(words[10:110])
    c = " ".join(words[20:120]) + " tail"
    docs = [doc("a", a, 1), doc("b", b, 2), doc("c", c, 3)]
    result = find_duplicates(docs, DedupeConfig(near_threshold=0.7, story=False))
    cluster = result.clusters[0]
    assert cluster.keeper == "c"  # longest
    assert set(cluster.members) == {"a", "b", "c"}
    dropped = {d.doc.id for d in result.duplicates}
    assert dropped == {"b"}  # a is only reachable through b: kept
    assert cluster.similarities["a"] < 0.7


def test_story_link_never_grows_a_group_past_max_cluster_size() -> None:
    retold = [doc("story-a", STORY_A, 1), doc("story-b", STORY_B, 2)]
    assert find_duplicates(retold).clusters  # joined by default
    capped = find_duplicates(retold, DedupeConfig(max_cluster_size=2))
    assert len(capped.clusters) == 1
    # near copies are not capped: a press release copied by many sites stays one cluster
    copies = [doc(f"h{i}", HARBOUR.replace("400,000", f"{400 + i},000"), i) for i in range(5)]
    result = find_duplicates(copies, DedupeConfig(max_cluster_size=2, story=False))
    assert len(result.clusters) == 1 and len(result.kept) == 1


def test_chain_a_b_c_keeps_the_end_not_verified_against_keeper() -> None:
    # A~B (story), B~C (story), A and C unrelated: C must survive whoever is keeper.
    a = doc("a", STORY_A, 1)
    b = doc("b", STORY_B + " " + HARBOUR, 2)
    c = doc("c", HARBOUR.replace("Tuesday", "Friday") + " " + ORCHESTRA, 3)
    result = find_duplicates([a, b, c])
    kept = {d.id for d in result.kept}
    for d in result.duplicates:
        assert d.similarity >= DedupeConfig().story_threshold
        assert {d.doc.id, d.duplicate_of} != {"a", "c"}
    assert "a" in kept or "c" in kept


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_perm": 8}, "between 16 and 4096"),
        ({"near_threshold": 0.0}, r"in \(0, 1\]"),
        ({"story_threshold": 80}, "not a percentage"),
        ({"max_cluster_size": 1}, "at least 2"),
        ({"seed": -1}, "between 0 and"),
        ({"link_guard": 3.0}, "between 0 and 2"),
        ({"story_top_k": 1}, "at least 2"),
        ({"story_max_bucket": 0}, "at least 2"),
        ({"story_min_shared": -1}, "0 or more"),
        ({"story_min_names": 1.5}, "between 0 and 1"),
        ({"story_max_depth": 0}, "between 1 and num_perm"),
    ],
)
def test_config_checks_arguments(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DedupeConfig(**kwargs)  # type: ignore[arg-type]


def test_empty_and_tiny_inputs() -> None:
    empty = find_duplicates([])
    assert (empty.kept, empty.duplicates, empty.clusters) == ([], [], [])
    result = find_duplicates([doc("a", ""), doc("b", "", 2), doc("c", "Hi.", 3)])
    assert [(d.doc.id, d.tier) for d in result.duplicates] == [("b", "exact")]


@settings(max_examples=25, deadline=None)
@given(st.permutations(pool()))
def test_output_does_not_depend_on_input_order(shuffled: list[Document]) -> None:
    assert summary(find_duplicates(shuffled)) == summary(find_duplicates(pool()))


VOCAB = ["river", "council", "bridge", "vote", "storm", "market", "school", "mayor", "rain", "fire"]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(VOCAB), min_size=0, max_size=12), min_size=1, max_size=8),
    st.randoms(use_true_random=False),
)
def test_order_independence_on_arbitrary_collections(texts: list[list[str]], rnd: object) -> None:
    docs = [doc(f"d{i}", " ".join(t), i) for i, t in enumerate(texts)]
    shuffled = list(docs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert summary(find_duplicates(shuffled)) == summary(find_duplicates(docs))


def split_seed(text: str) -> list[Document]:
    """Cut the seed dump at its known article starts (a stand-in for the splitter).

    Each article opens with a republisher headline, a blank line and the original headline, so the
    title is the third line of each span and the text is what follows it.
    """
    starts = [1, 49, 93, 155, 201, 296, 332, 366, 391, 449]
    lines = text.split("\n")
    docs = []
    for k, start in enumerate(starts):
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(lines)
        body = "\n".join(lines[start + 1 : end]).strip()
        docs.append(doc(f"a{k + 1}", body, start, title=lines[start + 1], source="seed"))
    return docs


@pytest.mark.skipif(not SEED.exists(), reason="seed dump not in this checkout")
def test_seed_only_the_retold_story_matches() -> None:
    docs = split_seed(SEED.read_text(encoding="utf-8"))
    result = find_duplicates(docs)
    assert [(sorted(c.members), c.tier) for c in result.clusters] == [(["a7", "a8"], "story")]
    assert len(result.duplicates) == 1


def random_words(rng: random.Random, vocab: list[str], count: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(count))


def test_story_candidates_stay_linear_on_unrelated_documents() -> None:
    rng = random.Random(7)
    vocab = [f"term{i}" for i in range(5000)]
    docs = [doc(f"u{i}", random_words(rng, vocab, 60), i) for i in range(2000)]
    result = find_duplicates(docs)
    n = len(docs)
    assert result.stats["candidates_story"] <= DedupeConfig().story_top_k * n
    assert result.stats["checks"] < n * n / 10 / 10  # far below n^2/10
    assert not result.duplicates


def test_shared_template_does_not_make_duplicates() -> None:
    rng = random.Random(11)
    vocab = [f"word{i}" for i in range(20000)]
    header = "Daily Courier Newsroom edition published every morning by the regional press group"
    footer = " ".join(
        [
            "All rights reserved. This material may not be published, broadcast, rewritten or",
            "redistributed without permission. Subscribe to our newsletter for the latest news",
            "from the region, and follow us on social media. Corrections and complaints can be",
            "sent to the readers' editor, who answers every message within two working days.",
        ]
    )
    docs = [
        doc(f"t{i}", f"{header}\n{random_words(rng, vocab, 150)}\n{footer}", i) for i in range(1000)
    ]
    result = find_duplicates(docs)
    assert not result.duplicates and not result.clusters


def test_exact_and_near_verbatim_copies_get_their_tiers() -> None:
    edited = HARBOUR.replace("about", "near")  # one word changed, shorter: not the keeper
    result = find_duplicates(
        [doc("o", HARBOUR, 1), doc("copy", HARBOUR.upper(), 2), doc("edit", edited, 3)]
    )
    tiers = {d.doc.id: d.tier for d in result.duplicates}
    assert tiers == {"copy": "exact", "edit": "near"}
    # near-miss: another story about the same harbour is not a near copy
    other = doc("other", ORCHESTRA.replace("botanical garden", "harbour"), 4)
    assert all(d.tier != "near" for d in find_duplicates([doc("o", HARBOUR), other]).duplicates)


# Short notices cut from one template: each reports a different company's event.
NOTICE = (
    "{firm} said its board declared a quarterly dividend of {cents} cents a share, up from "
    "{prior} cents, payable {month} {day} to shareholders of record {month} {record}."
)
FIRMS = (
    "Orrin Mills Inc",
    "Calder Freight Corp",
    "Pellam Foods Co",
    "Vantry Paper Ltd",
    "Husk Valley Bancorp",
    "Norland Tool Works",
    "Brisco Retail Group",
    "Tamsin Energy Corp",
)


def test_template_notices_of_different_firms_are_not_one_story() -> None:
    months = ("March", "April", "May", "June", "July", "August", "September", "October")
    notices = [
        doc(
            f"notice-{n}",
            NOTICE.format(firm=firm, cents=10 + n, prior=8 + n, month=months[n], day=n + 1,
                          record=n + 15),
            line=n * 5 + 1,
        )
        for n, firm in enumerate(FIRMS)
    ]  # fmt: skip
    unguarded = find_duplicates(notices, DedupeConfig(story_min_shared=0))
    assert unguarded.duplicates, "the notices should look alike to the cosine alone"
    result = find_duplicates(notices)
    assert result.duplicates == []
    assert len(result.kept) == len(FIRMS)


def test_a_retold_story_shares_enough_words_to_pass_the_gate() -> None:
    result = find_duplicates([doc("a", STORY_A, 1), doc("b", STORY_B, 10)])
    assert [(d.doc.id, d.tier) for d in result.duplicates] == [("b", "story")]
    strict = find_duplicates([doc("a", STORY_A, 1), doc("b", STORY_B, 10)],
                             DedupeConfig(story_min_shared=40))  # fmt: skip
    assert strict.duplicates == []


def _same_topic_other_event() -> str:
    """STORY_A's words about another flood: other people, places and numbers."""
    text = STORY_A
    swaps = [
        ("Marlow Creek", "Benton Falls"),
        ("Tessel", "Arlo"),
        ("Alma Prieto", "Ruth Okafor"),
        ("Prieto", "Okafor"),
        ("Hadley", "Wexford"),
        ("1,200", "800"),
    ]
    for old, new in swaps:
        text = text.replace(old, new)
    return text


def test_two_events_of_one_topic_naming_different_people_and_places_are_not_one_story() -> None:
    pair = [doc("a", STORY_A, 1), doc("b", _same_topic_other_event(), 10)]
    unchecked = find_duplicates(pair, DedupeConfig(story_min_names=0))
    assert [d.tier for d in unchecked.duplicates] == ["story"]  # the words alone agree
    assert find_duplicates(pair).duplicates == []
    # a retelling names the same people and places: it still passes
    retold = find_duplicates([doc("a", STORY_A, 1), doc("b", STORY_B, 10)])
    assert [(d.doc.id, d.tier) for d in retold.duplicates] == [("b", "story")]


@pytest.mark.parametrize(
    ("a", "b", "least_share", "agree"),
    [
        ([1, 2, 3], [4, 5, 6], 0.15, False),
        ([1, 2, 3, 4], [4, 5, 6, 7, 8, 9], 0.15, True),  # 1 of the shorter 4
        ([1, 2, 3, 4, 5, 6, 7], [7, 8, 9, 10, 11, 12, 13], 0.15, False),  # 1 of 7 < 0.15
        ([1, 2], [3, 4, 5], 0.15, True),  # too few names to judge
        ([1, 2, 3], [4, 5, 6], 0.0, True),  # switched off
    ],
)
def test_names_agree(a: list[int], b: list[int], least_share: float, agree: bool) -> None:
    shared = core._shared_counts([np.array(a, dtype=np.uint32)], [np.array(b, dtype=np.uint32)])
    fewer = np.array([min(len(a), len(b))])
    assert core.names_agree(shared, fewer, least_share).tolist() == [agree]


SORTED_U32 = st.lists(st.integers(0, 2**32 - 1), max_size=30, unique=True).map(
    lambda values: np.array(sorted(values), dtype=np.uint32)
)


@given(st.lists(st.tuples(SORTED_U32, SORTED_U32), max_size=12))
def test_shared_by_pair_equals_each_pairs_intersection(pairs: list[tuple[U32, U32]]) -> None:
    """The batched intersection behind `_Checker.check_pairs` finds, pair by pair, exactly the
    values `_common` finds, in order."""
    left, right = [a for a, _ in pairs], [b for _, b in pairs]
    pair, values = core.shared_by_pair(left, right)
    assert values.dtype == np.uint32
    assert (np.diff(pair) >= 0).all()
    for p, (a, b) in enumerate(pairs):
        assert values[pair == p].tolist() == a[core._common(a, b)[0]].tolist()


def _reference_check(f: core._Features, config: DedupeConfig, i: int, j: int) -> tuple:
    """One pair checked as `_Checker` did pair by pair before batching (the scalar formulas)."""
    if config.exact and f.exact[i] == f.exact[j]:
        return "exact", 1.0
    near = 0.0
    small, large = sorted((f.shingles[i].size, f.shingles[j].size))
    cannot_reach = large > 0 and small / large < config.near_threshold
    if config.near and not (config.story and cannot_reach):
        near = core.jaccard(f.shingles[i], f.shingles[j])
    if config.near and near >= config.near_threshold:
        return "near", near
    if config.story:
        story, shared = core.cosine_and_shared(
            f.story_terms[i], f.story_weights(i), f.story_terms[j], f.story_weights(j)
        )
        names_a, names_b = f.story_names[i], f.story_names[j]
        fewer = min(names_a.size, names_b.size)
        agree = (
            fewer < core.NAMES_LEAST
            or config.story_min_names <= 0
            or core._common(names_a, names_b)[0].size >= config.story_min_names * fewer
        )
        passed = story >= config.story_threshold and shared >= config.story_min_shared and agree
        return ("story" if passed else None), story
    return None, near


@pytest.mark.parametrize(
    "config",
    [
        DedupeConfig(story_min_shared=3, story_model="off", story_rescue=0),
        DedupeConfig(story_min_shared=3, near=False, story_model="off", story_rescue=0),
        DedupeConfig(story=False),
        DedupeConfig(exact=False, story_min_names=0.0, story_model="off", story_rescue=0),
    ],
    ids=["all tiers", "near off", "story off", "exact off, names off"],
)
def test_check_pairs_equals_the_pairwise_formulas(config: DedupeConfig) -> None:
    """Every tier's batched check against the pair-by-pair formulas, under each config (the
    cosine tier's second path apart: `test_the_cosine_tiers_second_path`)."""
    checker, features, left, right = _checked_pairs(config)
    tiers, similarities = checker.check_pairs(left, right)
    for i, j, tier, similarity in zip(left, right, tiers, similarities, strict=True):
        want_tier, want_similarity = _reference_check(features, config, int(i), int(j))
        assert core.TIER_NAMES[tier] == want_tier, (i, j)
        assert similarity == pytest.approx(want_similarity, abs=1e-12)
    found = {core.TIER_NAMES[t] for t in tiers}
    assert None in found and ("exact" in found) is config.exact
    assert ("near" in found) is config.near and ("story" in found) is config.story


@pytest.mark.parametrize("intercept", [12.0, -12.0], ids=["model passes all", "model passes none"])
def test_the_cosine_tiers_second_path(intercept: float) -> None:
    """A pair under the story threshold passes when the calibrated score passes it, its cosine
    is at least STORY_RESCUE_FLOOR and it passes the shared-words and names checks; the score
    reads the signals measured with its own word rarity, as the calibrated tier measures them."""
    config = DedupeConfig(story_min_shared=3, story_model="off")
    checker, features, left, right = _checked_pairs(config)
    n = len(PAIR_SIGNALS)
    checker.rescue_model = StoryModel(np.zeros(n), np.ones(n), np.zeros(n), intercept)
    tiers, _ = checker.check_pairs(left, right)
    off = replace(config, story_threshold=core.STORY_RESCUE_FLOOR)
    rescued = 0
    for i, j, tier in zip(left.tolist(), right.tolist(), tiers, strict=True):
        want, _ = _reference_check(features, config, i, j)
        if intercept > 0 and want is None:
            want, _ = _reference_check(features, off, i, j)
            rescued += want == "story"
        assert core.TIER_NAMES[tier] == want, (i, j)
    assert (rescued > 0) is (intercept > 0)
    # the signals are the calibrated tier's own
    shipped = core._features(
        (core.document_features(d, config.seed) for d in _PAIR_DOCS),
        config=replace(config, story_model="shipped"),
    )
    calibrated = core._Checker(
        shipped, replace(config, story_model="shipped"), np.empty(0, np.int64)
    )
    assert features.rescue_idf is not None and features.rescue_norms is not None
    np.testing.assert_allclose(
        checker.story_signals(left, right, features.rescue_idf, features.rescue_norms),
        calibrated.story_signals(left, right),
    )


@pytest.mark.parametrize("weight", [1.0, 0.0, -4.0])
@pytest.mark.parametrize("cut", [0.05, 0.5, 0.95])
def test_verify_leaves_unscored_only_pairs_that_cannot_pass(weight: float, cut: float) -> None:
    """`check_pairs(..., hits_only=True)` (what `verify` asks) gives every pair the tier the
    full check gives, and every matched pair its similarity, though it measures the names'
    share and the 5-gram Jaccard only for pairs that could pass with both at their most
    favourable values (the model weighing them up, not at all, or down); at a cut of a half or
    more it leaves some unmeasured."""
    config = DedupeConfig(
        story_model="shipped", story_min_shared=0, story_min_names=0.0, story_probability=cut
    )
    checker, _, left, right = _checked_pairs(config)
    n = len(PAIR_SIGNALS)
    coef = np.full(n, 0.8)
    coef[core.NAMES] = coef[core.JACCARD] = weight
    checker.model = StoryModel(np.zeros(n), np.full(n, 0.5), coef, -3.0)
    tiers, similarities = checker.check_pairs(left, right)
    fast_tiers, fast_similarities = checker.check_pairs(left, right, hits_only=True)
    np.testing.assert_array_equal(fast_tiers, tiers)
    matched = tiers > 0
    np.testing.assert_array_equal(fast_similarities[matched], similarities[matched])
    assert (tiers == core.STORY).any() and not (tiers == core.STORY).all()
    open_ = np.flatnonzero(tiers != core.EXACT)
    signals = checker.story_signals(left[open_], right[open_], words_only=True)
    scored = checker._may_pass(left[open_], right[open_], signals).size
    assert 0 < scored <= open_.size and (scored < open_.size or cut < 0.5)


def _pair_docs() -> list[Document]:
    rng = np.random.default_rng(3)
    vocabulary = [f"w{k}" for k in range(400)]
    docs = []
    for k in range(60):
        words = rng.choice(vocabulary, size=int(rng.integers(20, 120)))
        names = " ".join(f"and {v.upper()}" for v in rng.choice(vocabulary[:30], size=4))
        docs.append(Document(f"d{k}", " ".join(words) + f" said {names}.", "x", (k, k)))
    docs += [replace(docs[0], id="copy"), replace(docs[1], id="near", text=docs[1].text + " ok")]
    docs.append(Document("empty", "", "x", (99, 99)))  # no shingles, terms or names
    return docs


_PAIR_DOCS = _pair_docs()


def _checked_pairs(
    config: DedupeConfig, docs: Sequence[Document] = _PAIR_DOCS
) -> tuple[core._Checker, core._Features, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """A checker over `docs` (features as a run with `config` builds them), and every pair of
    them."""
    features = core._features((core.document_features(d, config.seed) for d in docs), config=config)
    left, right = np.triu_indices(len(docs), 1)
    checker = core._Checker(features, config, np.empty(0, dtype=np.int64))
    return checker, features, left.astype(np.int64), right.astype(np.int64)


def _random_features(count: int = 40) -> tuple[core._Features, list[Document]]:
    rng = np.random.default_rng(5)
    vocabulary = [f"w{k}" for k in range(300)]
    docs = []
    for k in range(count):
        words = rng.choice(vocabulary, size=int(rng.integers(20, 120)))
        docs.append(Document(f"d{k}", " ".join(words) + ".", "x", (k, k)))
    docs += [replace(docs[0], id="copy"), Document("empty", "", "x", (99, 99))]
    return core._features(core.document_features(d, 1) for d in docs), docs


def test_check_many_equals_one_check_a_pair_and_counts_each_new_pair_once() -> None:
    """A batch answers each pair, in either order, as `check_pairs` does alone; it counts and
    remembers pairs that were not candidates once each, and recomputes candidates uncounted."""
    features, docs = _random_features()
    n = len(docs)
    candidates = np.array([0 * n + 1, 2 * n + 5, 0 * n + n - 2], dtype=np.int64)
    checker = core._Checker(features, DedupeConfig(), np.sort(candidates))
    pairs = [(1, 0), (0, 1), (5, 2), (3, 4), (4, 3), (7, 9), (n - 2, 0), (n - 1, 3), (3, 4)]
    got = checker.check_many(pairs)
    for (i, j), check in zip(pairs, got, strict=True):
        tiers, similarities = checker.check_pairs(np.array([min(i, j)]), np.array([max(i, j)]))
        assert (check.tier, check.similarity) == (
            core.TIER_NAMES[tiers[0]],
            float(similarities[0]),
        )
    assert got[6].tier == "exact"  # the copy of document 0
    assert checker.checks == 3  # (3, 4), (7, 9) and (3, n - 1): candidates are not counted
    assert set(checker.cache) == {(3, 4), (7, 9), (3, n - 1)}
    assert checker.check_many([(4, 3)]) == [got[3]] and checker.checks == 3
    assert checker.check_many([]) == [] and checker(9, 7) == got[5]


def test_check_many_remembers_a_bounded_number_of_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `CHECKS_REMEMBERED` non-candidate checks the oldest is forgotten, and a forgotten
    pair asked again gets the same answer, computed (and counted) again."""
    monkeypatch.setattr(core, "CHECKS_REMEMBERED", 3)
    features, _ = _random_features()
    checker = core._Checker(features, DedupeConfig(), np.empty(0, dtype=np.int64))
    pairs = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    first = checker.check_many(pairs)
    assert list(checker.cache) == [(4, 5), (6, 7), (8, 9)] and checker.checks == 5
    assert checker.check_many([(1, 0)]) == first[:1] and checker.checks == 6
    assert list(checker.cache) == [(6, 7), (8, 9), (0, 1)]


@given(st.lists(st.integers(0, 41), min_size=1, max_size=12, unique=True))
def test_summed_story_vector_equals_the_sum_of_each_members_weights(group: list[int]) -> None:
    """A group's summed story vector is, bit for bit, the members' `story_weights` added in
    member order (what the link guard compared before the weights were taken at once)."""
    features, _ = _FEATURES
    checker = core._Checker(features, DedupeConfig(), np.empty(0, np.int64))
    members = sorted(group)
    keys, weights = checker._sum(members)
    flat = np.concatenate([features.story_terms[i] for i in members])
    want_keys, at = np.unique(flat, return_inverse=True)
    want = np.bincount(at, np.concatenate([features.story_weights(i) for i in members]))
    assert keys.tolist() == want_keys.tolist()
    assert weights.tobytes() == want.astype(np.float64).tobytes()


_FEATURES = _random_features()

SORTED_U64 = st.lists(st.integers(0, 60), max_size=12, unique=True).map(
    lambda values: np.array(sorted(values), dtype=np.uint64)
)


@given(st.lists(SORTED_U64, max_size=10), SORTED_U64, st.integers(1, 30))
def test_vocab_indices_equal_each_arrays_common_values(
    arrays: list[U64], vocab: U64, batch: int
) -> None:
    """Looked up a batch of arrays at once, every array gets the indices `_common` gives it
    alone: the values `vocab` holds, in order, whatever the batch's size in values (an array
    longer than a batch is a batch of its own); empty arrays too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(core, "VOCAB_ENTRIES", batch)
        got = core.vocab_indices(arrays, vocab)
    assert len(got) == len(arrays)
    for values, indices in zip(arrays, got, strict=True):
        assert indices.dtype == np.uint32
        assert indices.tolist() == core._common(values, vocab)[1].tolist()


def test_check_pairs_checks_a_size_ratio_equal_to_the_threshold() -> None:
    """Sizes 243 and 300 at threshold 0.81: 243/300 is not below 0.81 (though 0.81 * 300
    rounds above 243), so the subset's Jaccard, exactly 0.81, is computed and matches."""
    none = np.empty(0, dtype=np.uint64)
    parts = [
        (1, np.arange(300, dtype=np.uint32), none, none),
        (2, np.arange(243, dtype=np.uint32), none, none),
    ]
    features = core._features(parts)
    checker = core._Checker(features, DedupeConfig(near_threshold=0.81), np.empty(0, np.int64))
    tiers, similarities = checker.check_pairs(np.array([0]), np.array([1]))
    assert (core.TIER_NAMES[tiers[0]], similarities[0]) == ("near", 0.81)


@pytest.mark.parametrize("size", [10, core.MERGE_LEAST, 3 * core.MERGE_LEAST])
def test_common_equals_intersect1d_by_search_and_by_merge(size: int) -> None:
    rng = np.random.default_rng(size)
    a = np.unique(rng.integers(0, 4 * size, size + size // 2, dtype=np.uint64))
    b = np.unique(rng.integers(0, 4 * size, 2 * size, dtype=np.uint64))
    _, want_a, want_b = np.intersect1d(a, b, assume_unique=True, return_indices=True)
    for x, y, want_x, want_y in ((a, b, want_a, want_b), (b, a, want_b, want_a)):
        got_x, got_y = core._common(x, y)
        assert got_x.tolist() == want_x.tolist() and got_y.tolist() == want_y.tolist()


def test_signable_words_are_those_in_at_most_max_bucket_documents() -> None:
    df = np.array([1, 49, 50, 51, 5000], dtype=np.int64)
    signable = core.signable_words(df, 10_000, DedupeConfig(story_max_bucket=50))
    assert signable.tolist() == [True, True, True, False, False]


def test_the_signable_cap_grows_with_the_collection_as_a_share() -> None:
    # a word's share of the documents says how common it is at any size; a count does not
    df = np.array([1, 50, 51, 300, 301, 5000], dtype=np.int64)
    config = DedupeConfig(story_max_bucket=50, story_signable_share=0.001)
    assert core.signable_words(df, 10_000, config).tolist() == [1, 1, 0, 0, 0, 0]
    assert core.signable_words(df, 300_000, config).tolist() == [1, 1, 1, 1, 0, 0]


def test_common_words_fill_no_story_bucket_and_a_retelling_is_still_found() -> None:
    # every article carries the same furniture words: in 62 documents, over a cap of 10, they
    # would fill one story bucket per band they were picked in; left out of the signatures,
    # they fill none, and the retold flood story is still a candidate and a duplicate
    rng = random.Random(5)
    vocab = [f"filler{i}" for i in range(4000)]
    common = (
        "Regional Courier newsroom morning edition weather traffic markets sport letters "
        "subscribers classifieds obituaries puzzles horoscopes television listings archive"
    )
    docs = [doc(f"u{i}", f"{common}. {random_words(rng, vocab, 40)}", i) for i in range(60)]
    docs += [
        doc("story-a", f"{common}. {STORY_A}", 100),
        doc("story-b", f"{common}. {STORY_B}", 101),
    ]
    config = DedupeConfig(story_max_bucket=10)
    result = find_duplicates(docs, config)
    assert result.stats["story_buckets_skipped"] == 0
    assert result.stats["candidates_story"] <= config.story_top_k * len(docs)
    assert [(d.doc.id, d.duplicate_of, d.tier) for d in result.duplicates] == [
        ("story-b", "story-a", "story")
    ]


def test_pair_signals_never_load_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """`pair_signals` measures what a model will be fitted on: no shipped model is read, not
    even for the cosine tier's second path (a refit must work when the shipped file is stale)."""

    def stale(*_: object) -> StoryModel:
        raise ValueError("the shipped model scores other signals")

    monkeypatch.setattr(StoryModel, "load", stale)
    docs = _PAIR_DOCS[:5]
    signals = core.pair_signals(docs, [(docs[0].id, docs[1].id)], DedupeConfig())
    assert signals.shape == (1, len(PAIR_SIGNALS))


def test_two_lone_texts_join_on_the_cosine_tiers_guard_or_a_high_probability() -> None:
    """With the calibrated score on, a story link between two texts that have no other witness
    (each group one text and its copies) joins them when their cosine under the run's own word
    weights reaches the cosine tier's guard, `link_guard` x `story_threshold` (the same cosine
    as a run with the cosine tier measures), or the witness's bar with a probability of at
    least `LONE_PROBABILITY` and `LONE_FIGURES` numbers other than years in common."""
    config = DedupeConfig(story_min_shared=3, story_model="shipped")
    checker, _, left, right = _checked_pairs(config)
    cosine_run, _, _, _ = _checked_pairs(replace(config, story_model="off", story_rescue=0))
    cosines, _ = cosine_run._story_cosines(left, right)
    probabilities = checker.story_scores(left, right)[0]
    bar = config.link_guard * config.story_threshold
    witness = core.STORY_WITNESS * config.story_threshold
    lone = [i for i, d in enumerate(_PAIR_DOCS) if d.id not in ("copy", "near")]
    wanted = set(lone)
    joined = {True: 0, False: 0}
    between: list[tuple[int, int]] = []  # past the witness, under the bar, probable enough
    values = (left.tolist(), right.tolist(), cosines.tolist(), probabilities.tolist())
    for i, j, value, probability in zip(*values, strict=True):
        if i in wanted and j in wanted:
            answer = checker.story_joins([i], [j])
            joined[answer] += 1
            if witness <= value < bar and probability >= core.LONE_PROBABILITY:
                between.append((i, j))
            else:
                assert answer is (value >= bar), (i, j, value, probability)
    assert joined[True] and joined[False]
    # these texts share no figure: the pairs between the bars stay apart; with one they join
    assert between
    assert not any(checker.story_joins([i], [j]) for i, j in between)
    checker._figures_shared = lambda left, right: np.full(  # type: ignore[method-assign]
        left.size, core.LONE_FIGURES
    )
    assert all(checker.story_joins([i], [j]) for i, j in between)
    # a text and its copy are one witness: the pair's guard still decides
    copy = next(i for i, d in enumerate(_PAIR_DOCS) if d.id == "copy")
    first = next(i for i, d in enumerate(_PAIR_DOCS) if d.id == "d0")  # the copy's original
    for other in lone[2:8]:
        assert checker.story_joins([first, copy], [other]) is checker.story_joins([first], [other])


# Quarterly results tables of three companies, one of them re-reported with its figures in
# another layout, and a prose report that mentions figures.
_RESULTS = {
    "harbor": "Qtr ended Sept 30\nShr profit 41 cts vs 37 cts\nNet 2,318,000 vs 1,904,000\n"
    "Revs 48.6 mln vs 44.2 mln\nAvg shrs 5,654,000 vs 5,146,000",
    "harbor again": "Harbor Freight Lines quarter to Sept 30: net 2,318,000 vs 1,904,000, "
    "shr 41 cts vs 37 cts, revs 48.6 mln vs 44.2 mln, avg shrs 5,654,000 vs 5,146,000",
    "alder": "Qtr ended Sept 30\nShr profit 12 cts vs 41 cts\nNet 716,000 vs 2,455,000\n"
    "Revs 19.3 mln vs 22.8 mln\nAvg shrs 5,967,000 vs 5,988,000",
    "birch": "Qtr ended Sept 30\nShr loss 8 cts vs profit 15 cts\nNet loss 402,000 vs profit "
    "761,000\nRevs 30.1 mln vs 29.5 mln\nAvg shrs 5,025,000 vs 5,073,000",
    "dated": "Storm hit in 1987",
    "prose": "The ferry operator said on Tuesday that 41 passengers and 12 crew were taken "
    "off the stranded vessel near the harbour mouth after its engines failed in heavy seas, "
    "and that the coastguard expected to tow it clear by the evening tide.",
}


def _results_checker() -> tuple[core._Checker, dict[str, int]]:
    docs = [Document(name, text, "x", (k, k)) for k, (name, text) in enumerate(_RESULTS.items())]
    config = DedupeConfig()
    features = core._features((document_features(d, config.seed) for d in docs), config=config)
    checker = core._Checker(features, config, np.empty(0, dtype=np.int64))
    return checker, {d.id: k for k, d in enumerate(docs)}


def test_tables_of_figures_are_told_from_prose() -> None:
    """A text whose content words are mostly figures is a table (`NUMBER_TABLE`), counted by its
    figures; prose that cites a few figures is not, nor a short line with one."""
    checker, at = _results_checker()
    assert checker.tables is not None
    tables = {name: int(checker.tables[k]) for name, k in at.items()}
    assert tables["prose"] == 0
    assert tables["dated"] == 0  # a quarter figures, but one figure is no table (TABLE_LEAST)
    assert all(tables[name] >= 8 for name in ("harbor", "harbor again", "alder", "birch"))


def test_two_tables_are_one_story_only_when_they_share_their_figures() -> None:
    """Results tables of other companies share their labels but few figures, and never agree;
    one company's results in two layouts share them all, and a pair with prose is not asked."""
    checker, at = _results_checker()
    pairs = [
        ("harbor", "harbor again"),
        ("harbor", "alder"),
        ("alder", "birch"),
        ("harbor", "prose"),
        ("alder", "prose"),
    ]
    left = np.array([at[a] for a, _ in pairs], dtype=np.int64)
    right = np.array([at[b] for _, b in pairs], dtype=np.int64)
    assert checker._tables_agree(left, right).tolist() == [True, False, False, True, True]


def test_norms_a_few_words_at_a_time_are_the_same_floats(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_norms` over slices of the run's words gives each document the length it gets over all
    of them at once (each document's sum is taken in the same order)."""
    rng = np.random.default_rng(3)
    terms = [
        np.sort(rng.choice(500, size=int(k), replace=False)).astype(np.uint32)
        for k in rng.integers(0, 40, size=60)
    ]
    idf = rng.random(500) * 5
    owner = np.repeat(np.arange(len(terms)), [t.size for t in terms])
    flat = np.concatenate(terms).astype(np.int64)
    whole = np.sqrt(np.bincount(owner, weights=idf[flat] ** 2, minlength=len(terms)))
    monkeypatch.setattr(core, "VOCAB_ENTRIES", 7)
    assert core._norms(terms, idf).tolist() == whole.tolist()
    assert core._norms([], idf).size == 0


def test_figures_shared_leave_years_out() -> None:
    """The lone pairs' figures are numbers other than years: reports of other events of one
    week share the year, not the event's own counts."""
    docs = [
        Document("a", "In 2024 the council counted 412 votes for 38 new homes.", "x", (1, 1)),
        Document("b", "The 2024 vote: 412 for, and 38 homes will be built there.", "x", (2, 2)),
        Document("c", "In 2024 a storm closed the harbour for a week after rain.", "x", (3, 3)),
    ]
    checker, _, left, right = _checked_pairs(DedupeConfig(), docs)
    assert checker._figures_shared(left, right).tolist() == [2, 0, 0]
