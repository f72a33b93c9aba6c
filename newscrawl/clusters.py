"""Story clusters: the copies of one story (exact reprints and edited ones) grouped, each with a canonical copy.

Two articles are linked when their texts (title and body) are alike: MinHash signatures (datasketch) of
character shingles of the text, normalised first (NFKC, letters and digits only) so that width and punctuation
changes do not count, share an LSH band and estimate a Jaccard similarity of at least SCHEME.threshold. A
cluster is a connected component of those links and its id is its lowest article id, so clusters do not depend
on the order articles arrived in: `apply` (each archive transaction) and `rebuild` give the same ids.

Tables (migration 0011): story_members (every article, its cluster and its signature) and story_bands (each
article's band hashes, the primary key: candidates are found by SQL, nothing of the archive is held in memory;
an article's rows are found again from its signature, so a change of SCHEME needs `newscrawl clusters rebuild`). The view
story_clusters(article_key, cluster_id, canonical_key, copies) names each cluster's canonical copy: the
earliest published (no time: after those with one; ties: lowest id).

Concurrent writers (PostgreSQL): `apply` runs under one transaction-level advisory lock, the archive writer's
last step before commit, so each batch's cluster work sees every batch committed before it and no merge is
missed; what that costs is that this step of the writers (about 1 ms per article, `newscrawl clusters measure
--timing`) and their commits run one at a time. SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import numpy as np
from datasketch import MinHash
from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from newscrawl import db
from newscrawl.indexes import Text, TextChange

NUM_PERM = 128
SEED = 1  # of the MinHash permutations: stored signatures are only comparable under the same seed and scheme
MINHASH_SCHEME = "affine32"  # datasketch's 32-bit hashing (its default since 2.0), named so an upgrade cannot change it
CHUNK = 500  # ids per IN (...) list, and articles per step of a rebuild
CLUSTER_LOCK = 7_246_911_338  # PostgreSQL advisory lock: one transaction at a time changes clusters
# PostgreSQL: a batch's band rows, and the rows holding its band hashes, with one array parameter each.
PG_INSERT_BANDS = text("INSERT INTO story_bands (band_hash, article_id) SELECT * FROM unnest(CAST(:hashes AS bigint[]), CAST(:ids AS integer[]))")
PG_HOLDERS = text("SELECT band_hash, article_id FROM story_bands WHERE band_hash = ANY(CAST(:hashes AS bigint[]))")


@dataclass(frozen=True)
class Scheme:
    """How texts are compared: shingle length in characters, and the least estimated Jaccard similarity."""

    shingle: int
    threshold: float
    num_perm: int = NUM_PERM

    @cached_property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band) whose S-curve best separates pairs above the threshold from those below."""
        return band_rows(self.threshold, self.num_perm)


# Chosen from `newscrawl clusters measure --shingles 5,6,7,8,9 --thresholds 0.35,0.4,0.45,0.5 --seeds 1,2,3,4,5,6,7,8`
# (mirror of 400 articles with variations; 679 true pairs): 7 characters at 0.4 (32 bands of 4) found every pair
# and no other; 0.35 let look-alike column stories in (precision 0.993), 0.45 lost edited copies (recall 0.996).
SCHEME = Scheme(shingle=7, threshold=0.4)


def band_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    """The (b, r) with b * r <= num_perm minimising missed pairs above `threshold` plus candidates below it."""
    below, above = np.linspace(0, threshold, 200), np.linspace(threshold, 1, 200)
    best, choice = float("inf"), (1, num_perm)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            false_positive = float(np.trapezoid(1 - (1 - below**r) ** b, below))
            false_negative = float(np.trapezoid((1 - above**r) ** b, above))
            if false_positive + false_negative < best:
                best, choice = false_positive + false_negative, (b, r)
    return choice


def normalise(text: str) -> str:
    """The text as compared: NFKC (full width is half width), letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if unicodedata.category(ch)[0] in "LN")


_PERMUTATIONS: dict[int, np.ndarray] = {}
# A story is told in its first 100,000 characters; a huge page (20 MB of text) must not cost gigabytes here.
MAX_COMPARED_CHARS = 100_000
SHINGLES_PER_UPDATE = 20_000  # 20 MB of hash values per datasketch call


def signature(item: Text, scheme: Scheme = SCHEME) -> np.ndarray | None:
    """The MinHash of the shingles of title and body, or None for a text too short to have one."""
    chars = (normalise(item.title) + "\n" + normalise(item.body))[:MAX_COMPARED_CHARS]
    k = scheme.shingle
    shingles = list({chars[i : i + k].encode() for i in range(len(chars) - k + 1) if "\n" not in chars[i : i + k]})
    if not shingles:
        return None
    if scheme.num_perm not in _PERMUTATIONS:
        _PERMUTATIONS[scheme.num_perm] = MinHash(num_perm=scheme.num_perm, seed=SEED, scheme=MINHASH_SCHEME).permutations
    minhash = MinHash(num_perm=scheme.num_perm, seed=SEED, permutations=_PERMUTATIONS[scheme.num_perm], scheme=MINHASH_SCHEME)
    for start in range(0, len(shingles), SHINGLES_PER_UPDATE):  # datasketch holds shingles x permutations at once
        minhash.update_batch(shingles[start : start + SHINGLES_PER_UPDATE])
    return minhash.hashvalues.astype(np.uint32)


def band_keys(sig: np.ndarray, scheme: Scheme = SCHEME) -> list[int]:
    """One signed 64-bit hash per LSH band (band number included, so equal rows of two bands differ)."""
    bands, rows = scheme.bands
    chunks = (band.to_bytes(2, "big") + sig[band * rows : (band + 1) * rows].tobytes() for band in range(bands))
    return [int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big", signed=True) for chunk in chunks]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.count_nonzero(a == b)) / len(a)


def components(signatures: Mapping[int, np.ndarray | None], scheme: Scheme = SCHEME) -> dict[int, int]:
    """{id: cluster id} of a set of articles held in memory: linked as `apply` links them, cluster id the lowest."""
    parent = {key: key for key in signatures}
    buckets: dict[int, list[int]] = defaultdict(list)
    for key, sig in signatures.items():
        if sig is not None:
            for band in band_keys(sig, scheme):
                buckets[band].append(key)
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if _find(parent, a) != _find(parent, b) and similarity(signatures[a], signatures[b]) >= scheme.threshold:  # type: ignore[arg-type]
                    _union(parent, a, b)
    return {key: _find(parent, key) for key in signatures}


def _find(parent: dict[int, int], key: int) -> int:
    while parent[key] != key:
        parent[key] = parent[parent[key]]
        key = parent[key]
    return key


def _union(parent: dict[int, int], a: int, b: int) -> None:
    a, b = _find(parent, a), _find(parent, b)
    parent[max(a, b)] = min(a, b)


# ---- the archive's clusters


def apply(session: Session, changes: Sequence[TextChange]) -> None:
    """Bring the clusters in step with the archive writer's text changes, in its transaction (newscrawl.indexes)."""
    final: dict[int, tuple[Text | None, Text | None]] = {}
    for change in changes:  # an article changed twice in one batch: from its first old text to its last new one
        old = final[change.article_id][0] if change.article_id in final else change.old
        final[change.article_id] = (old, change.new)
    moved = {key: pair for key, pair in final.items() if pair[0] != pair[1]}
    if not moved:
        return
    connection = session.connection()
    _lock(connection)
    leaving = {key for key, (old, _) in moved.items() if old is not None}
    arriving = {key: new for key, (_, new) in moved.items() if new is not None}
    update_clusters(connection, leaving, arriving)


def rebuild(engine: Engine) -> None:
    """Derive every article's cluster again from the rows, in one transaction."""
    with engine.begin() as connection:
        rebuild_on(connection)


def rebuild_on(connection: Connection, scheme: Scheme = SCHEME) -> int:
    """`rebuild` on an open connection (the migration's); returns the number of articles clustered."""
    _lock(connection)
    connection.execute(delete(db.StoryBand))
    connection.execute(delete(db.StoryMember))
    articles, last, count = db.ARTICLES, 0, 0
    while rows := connection.execute(
        select(articles.c.id, articles.c.title, articles.c.body).where(articles.c.id > last).order_by(articles.c.id).limit(CHUNK)
    ).all():  # fmt: skip
        update_clusters(connection, set(), {row.id: Text(row.title or "", row.body or "") for row in rows}, scheme)
        last, count = rows[-1].id, count + len(rows)
    return count


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": CLUSTER_LOCK})


def update_clusters(connection: Connection, leaving: set[int], arriving: Mapping[int, Text], scheme: Scheme = SCHEME) -> None:
    """Take the `leaving` articles out of their clusters (splitting what only they held together), then put the
    `arriving` ones (id -> text; an article may be in both, for a new text) in, merging the clusters they link."""
    table, bands = cast(Table, db.StoryMember.__table__), cast(Table, db.StoryBand.__table__)
    if leaving:
        affected: set[int] = set()
        for chunk in _chunks(sorted(leaving)):
            gone = []  # (band hash, article id): the band rows, found from the stored signature by their key
            query = select(table.c.article_id, table.c.cluster_id, table.c.signature).where(table.c.article_id.in_(chunk))
            for key, cluster_id, raw in connection.execute(query):
                affected.add(cluster_id)
                if (sig := _unpack(raw)) is not None:
                    gone += [{"band": band, "key": key} for band in set(band_keys(sig, scheme))]
            if gone:
                statement = delete(bands).where(bands.c.band_hash == bindparam("band"), bands.c.article_id == bindparam("key"))
                connection.execute(statement, gone)
            connection.execute(delete(table).where(table.c.article_id.in_(chunk)))
        for cluster_id in sorted(affected):
            _split(connection, cluster_id, scheme)
    if not arriving:
        return
    signatures = {key: signature(item, scheme) for key, item in arriving.items()}
    keys = {key: band_keys(sig, scheme) for key, sig in signatures.items() if sig is not None}
    connection.execute(insert(table), [
        {"article_id": key, "cluster_id": key, "signature": sig.tobytes() if sig is not None else None} for key, sig in signatures.items()
    ])  # fmt: skip
    pairs = sorted({(band, key) for key, found in keys.items() for band in found})
    holders: dict[int, set[int]] = defaultdict(set)
    if connection.dialect.name == "postgresql":  # arrays: one statement each, compiled once, whatever the batch size
        if pairs:
            connection.execute(PG_INSERT_BANDS, {"hashes": [band for band, _ in pairs], "ids": [key for _, key in pairs]})
        for band, key in connection.execute(PG_HOLDERS, {"hashes": sorted({band for band, _ in pairs})}):
            holders[band].add(key)
    else:
        if pairs:
            connection.execute(insert(bands), [{"band_hash": band, "article_id": key} for band, key in pairs])
        for chunk in _chunks(sorted({band for band, _ in pairs})):
            for band, key in connection.execute(select(bands.c.band_hash, bands.c.article_id).where(bands.c.band_hash.in_(chunk))):
                holders[band].add(key)
    candidates = {key: set().union(*(holders[band] for band in found)) - {key} for key, found in keys.items()}
    known: dict[int, tuple[int, np.ndarray | None]] = {}
    for chunk in _chunks(sorted(set().union(*candidates.values()) if candidates else set())):
        query = select(table.c.article_id, table.c.cluster_id, table.c.signature).where(table.c.article_id.in_(chunk))
        known.update((key, (cluster_id, _unpack(sig))) for key, cluster_id, sig in connection.execute(query))
    parent: dict[int, int] = {}
    for key, found in candidates.items():
        for other in found:
            if other not in known:
                continue  # a band row left by another SCHEME (a rebuild clears those)
            cluster_id, sig = known[other]
            if sig is not None and similarity(signatures[key], sig) >= scheme.threshold:  # type: ignore[arg-type]
                parent.setdefault(key, key)
                parent.setdefault(cluster_id, cluster_id)
                _union(parent, key, cluster_id)
    groups: dict[int, list[int]] = defaultdict(list)
    for cluster_id in parent:
        if (root := _find(parent, cluster_id)) != cluster_id:
            groups[root].append(cluster_id)
    for root, merged in sorted(groups.items()):  # to the lowest id: a cluster's id is its lowest article id
        connection.execute(update(table).where(table.c.cluster_id.in_(sorted(merged))).values(cluster_id=root))


def _split(connection: Connection, cluster_id: int, scheme: Scheme) -> None:
    """Number a cluster that lost members again: what is still linked stays together, under its lowest id."""
    table = cast(Table, db.StoryMember.__table__)
    members = {
        key: _unpack(sig) for key, sig in connection.execute(select(table.c.article_id, table.c.signature).where(table.c.cluster_id == cluster_id))
    }
    renumbered = [{"key": key, "cluster": new} for key, new in components(members, scheme).items() if new != cluster_id]
    if renumbered:
        statement = update(table).where(table.c.article_id == bindparam("key")).values(cluster_id=bindparam("cluster"))
        connection.execute(statement, renumbered)


def _unpack(raw: bytes | None) -> np.ndarray | None:
    return np.frombuffer(raw, dtype=np.uint32) if raw is not None else None


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
