"""The loss plot: braille dots and plain characters at hand-computed positions."""

import pytest

from persona_tui.training.plot import LABEL_WIDTH, render_loss_plot, smooth


def plot_cells(lines, rows):
    """Return the plot area of each row, without the label and the axis bar."""
    return [line.plain[LABEL_WIDTH + 1:] for line in lines[:rows]]


def test_smoothing_is_debiased_average():
    # w = 0.5: m1 = 0.5*0 + 0.5*2 = 1, s1 = 1/(1-0.5) = 2; m2 = 0.5*1 + 0.5*4 = 2.5,
    # s2 = 2.5/(1-0.25) = 3.333...
    assert smooth([2.0, 4.0], 0.5) == pytest.approx([2.0, 10 / 3])


def test_braille_corners():
    # Two train points at opposite corners of a 4x2-cell area (8x8 dots): step 1 loss 2
    # at dot (0, 0) and step 2 loss 1 at dot (7, 7).
    lines = render_loss_plot([(1, 2.0), (2, 1.0)], [], width=LABEL_WIDTH + 1 + 4, height=2, smoothing=0.0)
    cells = plot_cells(lines, 2)
    # Top-left cell: dot (0, 0) is bit 0x01 plus the smoothed line's dot (1, 1), bit 0x10.
    assert cells[0][0] == chr(0x2800 + 0x01 + 0x10)
    # Bottom-right cell: dot (7, 7) is column 1 row 3 of its cell, bit 0x80, plus the line's
    # dot (6, 6), column 0 row 2, bit 0x04.
    assert cells[1][3] == chr(0x2800 + 0x80 + 0x04)


def test_plain_fallback_characters():
    # 3x3 cells, one character each: train at (0, 0) and (2, 2), validation at step 2 in
    # the middle of the loss range, so at column 1, row 1.
    lines = render_loss_plot([(1, 3.0), (3, 1.0)], [(2, 2.0)], width=LABEL_WIDTH + 1 + 3, height=3,
                             braille=False, smoothing=0.0)
    cells = plot_cells(lines, 3)
    assert cells[0][0] == "*"
    assert cells[1][1] == "o"
    assert cells[2][2] == "*"
    assert "o validation loss" in lines[-1].plain


def test_log_scale_places_geometric_middle():
    # On a log scale 10 lies halfway between 1 and 100.
    lines = render_loss_plot([(1, 100.0), (2, 10.0), (3, 1.0)], [], width=LABEL_WIDTH + 1 + 3, height=3,
                             braille=False, log_scale=True, smoothing=0.0)
    cells = plot_cells(lines, 3)
    assert cells[1][1] == "*"
    assert lines[0].plain.strip().startswith("100")
    assert "(log scale)" in lines[-1].plain


def test_empty_plot_says_so():
    lines = render_loss_plot([], [])
    assert len(lines) == 1
    assert "no loss values yet" in lines[0].plain
