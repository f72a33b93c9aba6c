"""Faults the mirror can inject: which paths get which, and the page rewrites some of them need.

A path's fault is a pure function of (seed, kind, path), so every request to one server gets the same answer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields

# Spec keys of `parse_faults` -> Faults field; `5xx` is not a valid identifier.
RATE_KEYS = {
    "5xx": "server_error",
    "slow": "slow",
    "truncate": "truncate",
    "charset": "charset",
    "redirect": "redirect",
    "loop": "loop",
    "huge": "huge",
    "malformed": "malformed",
}
VALUE_KEYS = ("robots", "slow_seconds", "huge_bytes")
# A path gets the first kind (in this order) whose hash falls under its rate; robots is decided by prefix first.
KIND_ORDER = ("5xx", "loop", "redirect", "truncate", "slow", "huge", "malformed", "charset")
LIST_KINDS = ("5xx", "slow")  # list pages after the first can fail or stall too
ARTICLE_KINDS = KIND_ORDER


@dataclass
class Faults:
    """Per-kind rates in [0, 1] (the share of article pages that get the fault) and fault parameters."""

    server_error: float = 0.0  # spec key `5xx`
    slow: float = 0.0
    truncate: float = 0.0
    charset: float = 0.0
    redirect: float = 0.0
    loop: float = 0.0
    huge: float = 0.0
    malformed: float = 0.0
    robots: tuple[str, ...] = ()  # path prefixes /robots.txt disallows
    slow_seconds: float = 5.0
    huge_bytes: int = 20 * 1024 * 1024

    def __post_init__(self) -> None:
        for key, name in RATE_KEYS.items():
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"fault rate {key}={rate} is not in [0, 1]")
        self.robots = tuple(self.robots)
        for prefix in self.robots:
            if not prefix.startswith("/"):
                raise ValueError(f"robots prefix {prefix!r} must start with /")
        if self.slow_seconds < 0 or self.huge_bytes < 0:
            raise ValueError("slow_seconds and huge_bytes must be >= 0")

    def rate(self, kind: str) -> float:
        return getattr(self, RATE_KEYS[kind])

    def spec(self) -> str:
        """The `parse_faults` string of these faults (non-default values only)."""
        parts = [f"{key}={self.rate(key):g}" for key in RATE_KEYS if self.rate(key)]
        parts += [f"robots={p}" for p in self.robots]
        defaults = {f.name: f.default for f in fields(self)}
        parts += [f"{k}={getattr(self, k)}" for k in VALUE_KEYS[1:] if getattr(self, k) != defaults[k]]
        return ",".join(parts)


def parse_faults(spec: str) -> Faults:
    """`"5xx=0.1,slow=0.05,robots=/weifang/qingzhou/"` -> Faults; `robots` may repeat; unknown keys raise."""
    values: dict[str, object] = {}
    robots: list[str] = []
    valid = ", ".join([*RATE_KEYS, *VALUE_KEYS])
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, value = (s.strip() for s in part.partition("="))
        if not sep or not value:
            raise ValueError(f"bad fault {part!r}: expected KEY=VALUE; valid keys: {valid}")
        try:
            if key in RATE_KEYS:
                values[RATE_KEYS[key]] = float(value)
            elif key == "robots":
                robots.append(value)
            elif key == "slow_seconds":
                values[key] = float(value)
            elif key == "huge_bytes":
                values[key] = int(value)
            else:
                raise ValueError(f"unknown fault {key!r}; valid keys: {valid}")
        except ValueError as error:
            if "valid keys" in str(error):
                raise
            raise ValueError(f"bad value in fault {part!r}: {error}") from None
    return Faults(**values, robots=tuple(robots))  # type: ignore[arg-type]


def fault_score(seed: int, kind: str, path: str) -> float:
    """A stable number in [0, 1) for (seed, kind, path)."""
    digest = hashlib.sha256(f"{seed}/{kind}/{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def pick_fault(faults: Faults, seed: int, path: str, kinds: tuple[str, ...]) -> str | None:
    if any(path.startswith(prefix) for prefix in faults.robots):
        return "robots"
    return next((k for k in kinds if fault_score(seed, k, path) < faults.rate(k)), None)


def robots_txt(faults: Faults | None) -> bytes:
    # Disallow lines come first: first-match parsers (urllib.robotparser) would stop at `Allow: /`.
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in (faults.robots if faults else ())), "Allow: /"]
    return ("\n".join(lines) + "\n").encode()


# ---- page rewrites: tags only, so the text of the page (and its order) stays the same

BODY_OPEN = re.compile(r"<body[^>]*>")


def pad_page(body: bytes, size: int) -> bytes:
    """The page with an HTML comment before its last `</body>` making it at least `size` bytes."""
    at = body.rfind(b"</body>")
    if at < 0:
        at = len(body)
    head, tail = b"<!-- ", b" -->\n"
    missing = size - len(body) - len(head) - len(tail)
    if missing <= 0:
        return body
    unit = b"mirror filler "
    filler = (unit * (missing // len(unit) + 1))[:missing]
    return body[:at] + head + filler + tail + body[at:]


def break_markup(html: str) -> str:
    """The page with broken markup around an unchanged text: a stray `</html></body>` and an unclosed
    `<div>`/`<table>` before the article, and paragraphs left without their `</p>`."""
    match = BODY_OPEN.search(html)
    if not match:
        return html
    stray = '\n</html></body>\n<div class="wrap"><table class="frame"><tr><td><div class="inner">\n'
    html = html[: match.end()] + stray + html[match.end() :]
    html = html.replace("</p>\n", "\n")  # unclosed <p> (desktop-a, mobile-new)
    if "</table>" in html:
        at = html.rfind("</table>")
        html = html[:at] + html[at + len("</table>") :]  # one `</table>` goes missing (desktop-b)
    return html
