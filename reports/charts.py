"""Server-rendered SVG charts: geometry computed here, drawn by ``reports/_chart_*.html``.

Why not pygal (with its JavaScript off)? Each pygal chart embeds its own stylesheet and
configuration (over 10 KB before any data), and the dashboard shows several charts under a
50 KB page budget; our charts are a handful of ``<rect>``/``<path>`` elements (≈1 KB) styled by
the site stylesheet. Accessibility: each SVG has ``role="img"``, a ``<title>`` and a ``<desc>``
and sits next to the table that holds its data; bars carry their value as text and curves
differ by dash pattern, so charts read in black and white.
"""

from dataclasses import dataclass, field

DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2"]


@dataclass
class Chart:
    title: str
    desc: str
    width: int
    height: int
    bars: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    legend: list = field(default_factory=list)
    slug: str = "chart"


def bar_chart(title, desc, items, *, slug="bars", width=480, bar=18, gap=6, label_width=150, fmt="{:,.0f}"):
    """Horizontal bars for ``items`` — ``(label, value)`` pairs — scaled to the largest value."""
    items = [(str(label), float(value or 0)) for label, value in items]
    top = max((value for _, value in items), default=0) or 1
    span = width - label_width - 60
    chart = Chart(title=title, desc=desc, width=width, height=len(items) * (bar + gap) + gap, slug=slug)
    for index, (label, value) in enumerate(items):
        y = gap + index * (bar + gap)
        chart.bars.append(
            {
                "label": label,
                "x": label_width,
                "y": y,
                "w": round(value / top * span, 1),
                "h": bar,
                "text_x": label_width + round(value / top * span, 1) + 4,
                "text_y": y + bar * 0.75,
                "value": fmt.format(value).replace(",", "\u202f"),
            }
        )
    return chart


def survival_chart(title, desc, curves, *, slug="survival", width=480, height=220, years=10):
    """Kaplan–Meier step curves (``lifespans.Survival``) over ``years``, y from 0 to 100 %."""
    left, bottom, right, top = 40, 24, 10, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    chart = Chart(title=title, desc=desc, width=width, height=height, slug=slug)
    horizon = years * 365.25

    def point(days, share):
        return round(left + min(days, horizon) / horizon * plot_w, 1), round(top + (1 - share) * plot_h, 1)

    for index, curve in enumerate(curves[: len(DASHES)]):
        x, y = point(0, 1.0)
        path = [f"M{x} {y}"]
        for days, share in zip(curve.times, curve.survival, strict=True):
            if days > horizon:
                break
            x, _ = point(days, share)
            path.append(f"H{x}")
            _, y = point(days, share)
            path.append(f"V{y}")
        x, _ = point(horizon, 0)
        path.append(f"H{x}")
        chart.lines.append({"d": " ".join(path), "dash": DASHES[index], "label": curve.label})
    for year in range(0, years + 1, 2):
        x, y = point(year * 365.25, 0)
        chart.ticks.append({"x": x, "y": y + 16, "label": str(year)})
    chart.axis = {"x0": left, "y0": top + plot_h, "x1": left + plot_w, "y1": top}
    return chart
