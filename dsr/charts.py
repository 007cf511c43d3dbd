"""Chart geometry for the server-drawn charts (the deadline report page and the staff dashboard).

Pure functions from figures to SVG user units (the trend) or to percentages (the bar charts, HTML rows
that reflow to a phone's width); the templates write them inside `{% localize off %}` so every number
in an attribute is written with a decimal point whatever the page's language.
"""

from __future__ import annotations

# The trend's plot in SVG user units: twelve weeks 50 units apart, 0 % at the bottom. The plot is
# stretched to its card's width (only sideways: a unit of height stays a CSS pixel) and its line keeps
# its width; the points, the week labels and the axis labels are laid out around it in HTML, one column
# a week, so their text stays at the page's small print on a phone as on a laptop (on_time_trend.html).
TREND_WIDTH = 600
CHART_HEIGHT = 180


def trend_chart(weeks: list[dict], *, width: int = TREND_WIDTH, height: int = CHART_HEIGHT) -> dict:
    """Points of the on-time-rate line, in SVG user units (0 % at the bottom): each week's in the middle
    of its column, so the line passes over the week's point and label."""
    step = width / max(len(weeks), 1)
    points = []
    for i, week in enumerate(weeks):
        rate = week["on_time_rate"]
        x = round(step * i + step / 2, 1)
        y = None if rate is None else round(height - rate * height, 1)
        points.append({**week, "x": x, "y": y, "percent": None if rate is None else round(rate * 100)})
    line = " ".join(f"{p['x']},{p['y']}" for p in points if p["y"] is not None)
    return {"points": points, "line": line, "width": width, "height": height}


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
