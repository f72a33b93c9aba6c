"""Names in a run of Han characters: which surnames there are, and the cheapest split of a run into persons.

`segment("杨官松郭文波")` gives `("杨官松", "郭文波")`: every piece opens with a known surname (single or
compound, from `newscrawl/data/surnames.txt`, the rarer the dearer) and is 2-4 characters long, 3 being
the norm. `newscrawl.extract.bylines` reads credits with it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

MAX_RUN = 16  # a longer run of Han characters is no list of names


@lru_cache(maxsize=1)
def surnames() -> tuple[dict[str, float], frozenset[str]]:
    """Single surnames with a cost (0 for the most common, up to 1.5 for rare ones) and compound surnames."""
    text = resources.files("newscrawl").joinpath("data/surnames.txt").read_text("utf-8")
    single: dict[str, float] = {}
    compound: set[str] = set()
    section = ""
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("["):
            section = line.strip("[]")
            continue
        for name in line.split():
            if section == "compound":
                compound.add(name)
            elif name not in single:
                rank = len(single)
                single[name] = 1.5 if section == "rare" else 0.0 if rank < 60 else 0.5 if rank < 150 else 1.0
    return single, frozenset(compound)


def _piece_cost(piece: str) -> float | None:
    """Cost of reading `piece` as one person's name, None if it cannot be one."""
    single, compound = surnames()
    if piece[:2] in compound and len(piece) in (3, 4):
        return 0.0
    if piece[0] not in single or not 2 <= len(piece) <= 4:
        return None
    # 3-character names are the norm; 2-character ones are common; 4 with a single surname are rare
    return single[piece[0]] + {2: 1.0, 3: 0.0, 4: 3.0}[len(piece)]


@lru_cache(maxsize=4096)
def segment(run: str) -> tuple[str, ...] | None:
    """The cheapest split of a run of Han characters into surname-initial names of 2-4 characters.

    Cost per piece: 0 for 3 characters or a compound surname, 1 for 2 characters, 3 for 4 characters
    with a single surname, plus 0-1.5 by how rare the surname is; ties go to fewer pieces, then to a
    longer first piece.
    """
    n = len(run)
    if n > MAX_RUN:
        return None
    # best[i]: (cost, piece count, negated piece lengths) of the best split of run[i:]
    best: list[tuple[float, int, tuple[int, ...]] | None] = [None] * (n + 1)
    best[n] = (0.0, 0, ())
    for i in range(n - 2, -1, -1):
        for length in (2, 3, 4):
            rest = best[i + length] if i + length <= n else None
            cost = _piece_cost(run[i : i + length]) if rest is not None else None
            if cost is None or rest is None:
                continue
            candidate = (cost + rest[0], rest[1] + 1, (-length, *rest[2]))
            current = best[i]
            if current is None or candidate < current:
                best[i] = candidate
    if best[0] is None:
        return None
    pieces, pos = [], 0
    for neg_length in best[0][2]:
        pieces.append(run[pos : pos - neg_length])
        pos -= neg_length
    return tuple(pieces)
