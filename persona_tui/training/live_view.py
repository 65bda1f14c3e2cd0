"""The monitor view as rich renderables, shared by `persona-tui watch` and the Train tab."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from persona_tui.training.job_view import JobView
from persona_tui.training.plot import render_loss_plot

SIMULATED = "SIMULATED · "
EVENTS_SHOWN = 6


def header_text(view: JobView) -> Text:
    job = view.job
    prefix = SIMULATED if job.sandbox else ""
    text = Text(f"{prefix}{job.job_id or '(creating)'} · {job.model} · ", style="bold")
    text.append(job.status, style=status_style(job.status))
    text.append(f" · {view.progress_text}")
    if view.price_so_far is not None:
        text.append(f" · ${view.price_so_far:,.2f}" + (" simulated" if job.sandbox else ""))
    return text


def status_style(status: str) -> str:
    if status == "completed":
        return "bold green"
    if status in ("error", "failed", "user_error"):
        return "bold red"
    if status in ("cancelled", "cancel_requested"):
        return "yellow"
    return "bold cyan"


def render_job(view: JobView, *, width: int = 80, height: int = 12, log_scale: bool = False,
               braille: bool = True, note: str | None = None) -> Group:
    parts: list = [header_text(view)]
    parts += render_loss_plot(view.train, view.validation, width=width, height=height,
                              log_scale=log_scale, braille=braille)
    if view.hint:
        parts.append(Text(view.hint, style="bold yellow"))
    if view.job.output_name:
        parts.append(Text(f"output model: {view.job.output_name}", style="green"))
    if view.checkpoints:
        steps = ", ".join(str(checkpoint.get("step")) for checkpoint in view.checkpoints)
        parts.append(Text(f"checkpoints at steps: {steps}"))
    if note:
        parts.append(Text(note, style="yellow"))
    for event in view.events[-EVENTS_SHOWN:]:
        style = "red" if event.level == "error" else "dim"
        parts.append(Text(f"{event.created_at[11:19]} {event.message}", style=style))
    return Group(*parts)
