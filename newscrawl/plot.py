"""The picture `newscrawl stats --plot` draws: articles per day, stacked by channel (matplotlib, Agg).

Chinese channel names need a CJK font: the first of CJK_FONTS that matplotlib finds is used; without one
the caller labels channels by their slugs (weifang/news), which any font shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

# Family names as matplotlib's font manager reports them, best first.
CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN",
    "Noto Serif CJK SC", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Arial Unicode MS",
)  # fmt: skip
FONT_PACKAGE = "fonts-noto-cjk"  # Debian/Ubuntu; fonts-wqy-microhei is a smaller one
INSTALL_HINT = "pip install 'newscrawl[plot]'"
MAX_SERIES = 10  # channels drawn one by one; the smaller ones beyond are summed as "other"


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed."""


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PlotUnavailable(f"--plot needs matplotlib: {INSTALL_HINT}") from None


def installed_fonts() -> list[str]:
    """Family names of the fonts matplotlib can use, including fonts installed after its font cache was built."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not any(entry.name in CJK_FONTS for entry in manager.ttflist):
        known = {entry.fname for entry in manager.ttflist}
        for path in font_manager.findSystemFonts():  # matplotlib's cache is not refreshed when a font package is installed
            if path not in known:
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # a font file FreeType cannot read is skipped, as matplotlib itself does
    return [entry.name for entry in manager.ttflist]


def cjk_font(available: Iterable[str] | None = None) -> str | None:
    """The best CJK font among `available` family names (default: the fonts matplotlib finds), or None."""
    names = set(installed_fonts() if available is None else available)
    return next((name for name in CJK_FONTS if name in names), None)


def no_font_warning() -> str:
    return (
        "warning: no CJK font found, Chinese labels would show as boxes, so channels are labelled by slug;"
        f" install one for Chinese names (Debian/Ubuntu: apt install {FONT_PACKAGE})"
    )


def period_of(days: Iterable[date]) -> str:
    """The bar width that keeps the bars visible: day up to three months of data, week up to two years, month beyond."""
    days = list(days)
    span = (max(days) - min(days)).days if days else 0
    return "day" if span <= 92 else "week" if span <= 731 else "month"


def period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


PERIOD_DAYS = {"day": 1, "week": 7, "month": 30}


def articles_over_time(series: Mapping[str, Mapping[date, int]], path: Path, font: str | None = None, note: str = "") -> str:
    """Write a stacked bar chart of articles per day (per week or month over a longer span, see period_of) to
    `path` (PNG, or SVG/PDF by the suffix): one colour per label of `series` ({label: {day: articles}}), the
    biggest first. Returns the period drawn."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    period = period_of(day for counts in series.values() for day in counts)
    binned: dict[str, dict[date, int]] = {}
    for label, counts in series.items():
        bins = binned.setdefault(label, {})
        for day, count in counts.items():
            start = period_start(day, period)
            bins[start] = bins.get(start, 0) + count
    totals = sorted(binned, key=lambda label: (-sum(binned[label].values()), label))
    shown = totals if len(totals) <= MAX_SERIES else totals[: MAX_SERIES - 1]
    layers = {label: binned[label] for label in shown}
    rest = [label for label in totals if label not in layers]
    if rest:
        other: dict[date, int] = {}
        for label in rest:
            for start, count in binned[label].items():
                other[start] = other.get(start, 0) + count
        layers[f"other ({len(rest)})"] = other
    starts = sorted({start for counts in layers.values() for start in counts})

    fonts = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": fonts}):
        figure = Figure(figsize=(11, 5.5), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        colours = matplotlib.colormaps["tab10"]
        bottom = [0] * len(starts)
        days: Any = starts  # matplotlib.dates converts dates; the stubs of bar() want numbers
        for index, (label, counts) in enumerate(layers.items()):
            heights = [counts.get(start, 0) for start in starts]
            axes.bar(days, heights, width=0.8 * PERIOD_DAYS[period], align="edge", bottom=bottom, label=label, color=colours(index % colours.N))
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        if starts:
            locator = AutoDateLocator()
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="channel")
        else:
            axes.text(0.5, 0.5, "no article with a publication time", ha="center", va="center", transform=axes.transAxes)
        axes.set_ylabel("articles")
        axes.set_xlabel(f"{period} published (Beijing time)")
        axes.set_title(f"articles per {period} and channel{note}")
        cast(MaxNLocator, axes.yaxis.get_major_locator()).set_params(integer=True)  # a linear axis: AutoLocator, a MaxNLocator
        axes.grid(axis="y", alpha=0.3)
        figure.savefig(path)
    return period
