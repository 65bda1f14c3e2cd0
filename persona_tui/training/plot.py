"""A terminal loss plot: train loss raw and smoothed, validation loss as points, by step.

The renderer returns lines of rich `Text`, so `persona-tui watch` prints them in a rich
Live view and the Train tab shows them in a Static, with no Textual here. Braille
characters give each cell a 2x4 grid of dots. Terminals without braille get a plain
fallback with one character per cell ('.' raw, '*' smoothed, 'o' validation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text

BRAILLE_BASE = 0x2800
# Dot bit of each (column, row) inside a braille cell, from the Unicode braille pattern layout.
BRAILLE_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))

RAW_STYLE = "dim cyan"
SMOOTHED_STYLE = "bold cyan"
VALIDATION_STYLE = "bold magenta"
AXIS_STYLE = "dim"
LABEL_WIDTH = 8

# Layers in drawing order; a later layer wins the cell's style.
RAW, SMOOTHED, VALIDATION = 1, 2, 3
PLAIN_CHARACTERS = {RAW: ".", SMOOTHED: "*", VALIDATION: "o"}
STYLES = {RAW: RAW_STYLE, SMOOTHED: SMOOTHED_STYLE, VALIDATION: VALIDATION_STYLE}


def smooth(values: Sequence[float], weight: float = 0.6) -> list[float]:
    """Return the debiased exponential moving average of `values` (TensorBoard's smoothing):
    s_n = (w·m_{n-1} + (1-w)·v_n) / (1 - w^n) with m the undebiased average."""
    smoothed = []
    average = 0.0
    for count, value in enumerate(values, start=1):
        average = weight * average + (1 - weight) * value
        smoothed.append(average / (1 - weight**count))
    return smoothed


def line_pixels(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    """Return the pixels of a straight line from start to end, both included."""
    (x0, y0), (x1, y1) = start, end
    count = max(abs(x1 - x0), abs(y1 - y0), 1)
    return [(round(x0 + (x1 - x0) * i / count), round(y0 + (y1 - y0) * i / count)) for i in range(count + 1)]


def format_loss(value: float) -> str:
    return f"{value:.3g}" if value < 1000 else f"{value:.2e}"


def render_loss_plot(train: Sequence[tuple[int, float]], validation: Sequence[tuple[int, float]], *,
                     width: int = 72, height: int = 14, log_scale: bool = False, braille: bool = True,
                     smoothing: float = 0.6) -> list[Text]:
    """Draw the curves into `height` plot rows plus an axis and a legend line, `width` cells wide."""
    if not train and not validation:
        return [Text("no loss values yet; the curve appears when training starts", style=AXIS_STYLE)]

    columns = max(2, width - LABEL_WIDTH - 1)
    rows = max(2, height)
    x_scale, y_scale = (2, 4) if braille else (1, 1)
    pixel_width, pixel_height = columns * x_scale, rows * y_scale

    def transform(value: float) -> float:
        return math.log10(max(value, 1e-6)) if log_scale else value

    all_points = list(train) + list(validation)
    steps = [step for step, _ in all_points]
    values = [transform(loss) for _, loss in all_points]
    x_min, x_max = min(steps), max(steps)
    y_min, y_max = min(values), max(values)
    if x_max == x_min:
        x_max = x_min + 1
    if y_max == y_min:
        y_min, y_max = y_min - 0.5, y_max + 0.5

    def pixel(step: float, loss: float) -> tuple[int, int]:
        x = round((step - x_min) / (x_max - x_min) * (pixel_width - 1))
        y = round((y_max - transform(loss)) / (y_max - y_min) * (pixel_height - 1))
        return x, y

    # cells[row][column] = (dot bits, highest layer drawn there)
    cells = [[[0, 0] for _ in range(columns)] for _ in range(rows)]

    def plot(x: int, y: int, layer: int) -> None:
        column, row = x // x_scale, y // y_scale
        cell = cells[row][column]
        if braille:
            cell[0] |= BRAILLE_BITS[x % 2][y % 4]
        cell[1] = max(cell[1], layer)

    for step, loss in train:
        plot(*pixel(step, loss), RAW)
    if len(train) > 1:
        smoothed = smooth([loss for _, loss in train], smoothing)
        points = [pixel(step, value) for (step, _), value in zip(train, smoothed)]
        for start, end in zip(points, points[1:]):
            for x, y in line_pixels(start, end):
                plot(x, y, SMOOTHED)
    for step, loss in validation:
        plot(*pixel(step, loss), VALIDATION)

    lines = []
    labels = {0: y_max, rows // 2: (y_max + y_min) / 2, rows - 1: y_min}
    for row_index, row in enumerate(cells):
        label = ""
        if row_index in labels:
            value = labels[row_index]
            label = format_loss(10**value if log_scale else value)
        line = Text(label.rjust(LABEL_WIDTH - 1) + " ", style=AXIS_STYLE)
        line.append("│", style=AXIS_STYLE)
        for bits, layer in row:
            if layer == 0:
                line.append(" ")
            elif layer == VALIDATION:
                line.append("●" if braille else "o", style=VALIDATION_STYLE)
            elif braille:
                line.append(chr(BRAILLE_BASE + bits), style=STYLES[layer])
            else:
                line.append(PLAIN_CHARACTERS[layer], style=STYLES[layer])
        lines.append(line)

    axis = Text(" " * LABEL_WIDTH + "└" + "─" * columns, style=AXIS_STYLE)
    first, last = str(x_min), f"step {x_max}"
    steps_line = Text(" " * (LABEL_WIDTH + 1) + first + " " * max(1, columns - len(first) - len(last)) + last, style=AXIS_STYLE)
    legend = Text(" " * (LABEL_WIDTH + 1))
    legend.append("train loss (raw)" if braille else ". train loss (raw)", style=RAW_STYLE)
    legend.append("  ")
    legend.append("smoothed" if braille else "* smoothed", style=SMOOTHED_STYLE)
    legend.append("  ")
    legend.append("● validation loss" if braille else "o validation loss", style=VALIDATION_STYLE)
    if log_scale:
        legend.append("  (log scale)", style=AXIS_STYLE)
    return lines + [axis, steps_line, legend]
