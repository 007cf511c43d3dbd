"""Chart geometry for the server-drawn charts (the deadline report page and the staff dashboard).

Pure functions from figures to SVG user units (the trend) or to percentages (the bar charts, HTML rows
that reflow to a phone's width); the templates write them inside `{% localize off %}` so every number
in an attribute is written with a decimal point whatever the page's language.
"""

from __future__ import annotations

# The trend's plot: twelve weeks 50 units apart, wide enough for their 12 px labels ("14/09", "11/12",
# 35 units), narrow enough for the whole chart to fit a card on a 1024 px screen (about 690 px inside).
TREND_WIDTH = 600
CHART_HEIGHT = 180
# Font sizes in user units. The pages draw their charts at their intrinsic size (one unit, one CSS
# pixel) and never smaller (a chart wider than its card scrolls in its frame), so these are the sizes
# read on screen; anything under 12 is too small to read.
FONT_SIZE = 13
SMALL_FONT_SIZE = 12
# Room around the trend's plot for the axis labels (left: "100%" at 12 px is 35 units wide) and, below
# it, two rows of labels: each week's date, then its requests closed on time / closed. None on the
# right: the last week's labels are centred half a week inside the plot.
TREND_MARGIN_LEFT = 46
TREND_MARGIN_TOP = 10
TREND_MARGIN_BOTTOM = 44
TREND_WEEK_LABEL_Y = 18  # baselines under the plot; 16 units apart, so the rows' 14-unit-high text
TREND_COUNT_LABEL_Y = 34  # boxes do not touch


def _view(x: float, y: float, width: float, height: float) -> dict:
    """The SVG's viewBox and the intrinsic size that draws it at one CSS pixel per unit."""
    return {"view_box": f"{x} {y} {width} {height}", "view_width": width, "view_height": height}


def trend_chart(weeks: list[dict], *, width: int = TREND_WIDTH, height: int = CHART_HEIGHT) -> dict:
    """Points of the on-time-rate line, in SVG user units (0 % at the bottom)."""
    step = width / max(len(weeks), 1)
    points = []
    for i, week in enumerate(weeks):
        rate = week["on_time_rate"]
        x = round(step * i + step / 2, 1)
        y = None if rate is None else round(height - rate * height, 1)
        points.append({**week, "x": x, "y": y, "percent": None if rate is None else round(rate * 100)})
    line = " ".join(f"{p['x']},{p['y']}" for p in points if p["y"] is not None)
    return {
        "points": points,
        "line": line,
        "width": width,
        "height": height,
        "font_size": FONT_SIZE,
        "small_font_size": SMALL_FONT_SIZE,
        "week_label_y": height + TREND_WEEK_LABEL_Y,
        "count_label_y": height + TREND_COUNT_LABEL_Y,
        **_view(
            -TREND_MARGIN_LEFT,
            -TREND_MARGIN_TOP,
            width + TREND_MARGIN_LEFT,
            height + TREND_MARGIN_TOP + TREND_MARGIN_BOTTOM,
        ),
    }


def _percent(part: float, whole: float) -> float:
    return round(part * 100 / whole, 1)


def bar_chart(rows: list[dict], *, value: str, parts: tuple[str, ...] = ()) -> dict:
    """Horizontal bars, one per row, as long as `row[value]` in percent of the longest (which fills its
    track, the count being written beside the track, not in it); each key in `parts` gets a
    `<key>_percent` on the same scale, drawn over the bar (for example the overdue part of a backlog)."""
    widest = max((row[value] for row in rows), default=0) or 1
    bars = []
    for row in rows:
        bar = {**row, "value": row[value], "percent": _percent(row[value], widest)}
        bar.update({f"{part}_percent": _percent(row[part], widest) for part in parts})
        bars.append(bar)
    return {"bars": bars}


def backlog_chart(rows: list[dict]) -> dict:
    """Horizontal bars of open requests by type, the overdue part drawn over them."""
    chart = bar_chart(rows, value="open", parts=("overdue",))
    for bar in chart["bars"]:
        bar["open_percent"] = bar["percent"]
    return chart
