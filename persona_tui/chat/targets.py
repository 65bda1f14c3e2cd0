"""Model targets: what the Chat tab and the bot send a conversation to.

Three kinds, stored in the workspace's `model_targets` table:

- 'together': a Together serverless base model, used for the prompted comparison;
- 'together_endpoint': a Together dedicated endpoint serving a tuned model (its `model`
  is the endpoint's name, which is what chat requests must use, and `endpoint_id` is the
  id that deploy, stop and delete need);
- 'openai': any OpenAI-compatible server (a local vLLM, llama.cpp or Ollama serving a
  downloaded adapter), reached at `base_url` with the model name it serves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

TARGET_KINDS = ("together", "together_endpoint", "openai")


class TargetError(ValueError):
    """A target that cannot be saved or found; the message says what to change."""


@dataclass(slots=True)
class ModelTarget:
    name: str                          # what the user picks, unique in the workspace
    kind: str                          # one of TARGET_KINDS
    model: str                         # model name or endpoint name sent in chat requests
    base_url: str | None = None        # the server's root URL; None means Together's default
    endpoint_id: str | None = None     # 'endpoint-...' for kind 'together_endpoint'
    settings: dict[str, Any] = field(default_factory=dict)
    id: int | None = None              # row id once saved

    def describe(self) -> str:
        """Return a one-line description for pickers and listings."""
        where = {"together": "Together serverless", "together_endpoint": "Together endpoint",
                 "openai": f"OpenAI-compatible at {self.base_url}"}[self.kind]
        return f"{self.name}: {self.model} ({where})"


def validate_target(target: ModelTarget) -> None:
    """Raise TargetError when `target` is incomplete for its kind."""
    if not target.name.strip():
        raise TargetError("A model target needs a name.")
    if target.kind not in TARGET_KINDS:
        raise TargetError(f"Unknown target kind {target.kind!r}; use one of {', '.join(TARGET_KINDS)}.")
    if not target.model.strip():
        raise TargetError(f"Target {target.name!r} needs a model name.")
    if target.kind == "openai":
        if not target.base_url or not target.base_url.startswith(("http://", "https://")):
            raise TargetError(
                f"Target {target.name!r} is OpenAI-compatible and needs a base URL starting with "
                "http:// or https://, for example http://127.0.0.1:8000/v1."
            )
    if target.kind == "together_endpoint" and not target.endpoint_id:
        raise TargetError(f"Target {target.name!r} is a Together endpoint and needs its endpoint id.")


def row_to_target(row: Any) -> ModelTarget:
    return ModelTarget(
        id=row["id"], name=row["name"], kind=row["kind"], model=row["model"],
        base_url=row["base_url"], endpoint_id=row["endpoint_id"], settings=orjson.loads(row["settings"]),
    )


def list_targets(workspace: Workspace) -> list[ModelTarget]:
    rows = workspace.db.execute("SELECT * FROM model_targets ORDER BY name").fetchall()
    return [row_to_target(row) for row in rows]


def get_target(workspace: Workspace, name: str) -> ModelTarget:
    """Return the target called `name`; raise TargetError naming the known ones if absent."""
    row = workspace.db.execute("SELECT * FROM model_targets WHERE name = ?", (name,)).fetchone()
    if row is None:
        known = ", ".join(target.name for target in list_targets(workspace)) or "none yet"
        raise TargetError(f"No model target called {name!r} (known: {known}). Add one with `persona-tui targets add`.")
    return row_to_target(row)


def get_target_by_id(workspace: Workspace, target_id: int) -> ModelTarget | None:
    row = workspace.db.execute("SELECT * FROM model_targets WHERE id = ?", (target_id,)).fetchone()
    return row_to_target(row) if row is not None else None


def save_target(workspace: Workspace, target: ModelTarget) -> ModelTarget:
    """Insert `target`, or update the one with the same name; return it with its id."""
    validate_target(target)
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO model_targets(name, kind, model, base_url, endpoint_id, settings) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, "
            "model = excluded.model, base_url = excluded.base_url, endpoint_id = excluded.endpoint_id, "
            "settings = excluded.settings",
            (target.name, target.kind, target.model, target.base_url, target.endpoint_id,
             orjson.dumps(target.settings).decode()),
        )
        target_id = db.execute("SELECT id FROM model_targets WHERE name = ?", (target.name,)).fetchone()[0]
    log.info("saved model target %s (id %d, kind %s)", target.name, target_id, target.kind)
    return replace(target, id=target_id)


def delete_target(workspace: Workspace, name: str) -> None:
    """Delete the target called `name`; raise TargetError if there is none."""
    with workspace.transaction() as db:
        deleted = db.execute("DELETE FROM model_targets WHERE name = ?", (name,)).rowcount
    if not deleted:
        raise TargetError(f"No model target called {name!r}; nothing was removed.")
    log.info("deleted model target %s", name)
