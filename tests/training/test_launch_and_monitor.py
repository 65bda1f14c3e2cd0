"""Launch and monitor whole jobs with the real SDK against the sandbox, faults included."""

import pytest

from persona_tui.sandbox.clock import advance_clock
from persona_tui.sandbox.files import force_invalid_next_file
from persona_tui.sandbox.fine_tunes import fine_tunes_state
from persona_tui.training import job_store
from persona_tui.training.client import make_client
from persona_tui.training.job_view import load_job_view
from persona_tui.training.launch import LaunchError, launch
from persona_tui.training.monitor import JobMonitor
from persona_tui.training.settings import TrainingSettings
from persona_tui.training.uploads import DatasetRejectedError
from persona_tui.workspace import Workspace

# Each sample line of the `dataset` fixture is six sandbox tokens (see conftest.py).
TOKENS_PER_LINE = 6

# 40 train lines at batch size 8 are 5 steps an epoch, so 3 epochs are 15 steps, and 5
# evaluations fall on steps 3, 6, 9, 12 and 15.
SETTINGS = dict(model="Qwen/Qwen3.5-9B", n_epochs=3, batch_size=8, n_evals=5, lora_rank=8, suffix="alice")
# Pending 10 s and queued 20 s of simulated time, then 10 s a step, then 20 s uploading.
RUNNING_AT = 30
STEP = 10


def launch_job(workspace, dataset, **overrides):
    client = make_client(workspace, max_retries=0)
    settings = TrainingSettings(**{**SETTINGS, **overrides})
    uploads = []
    notes = []
    result = launch(workspace, client, dataset[0], dataset[1], settings,
                    progress=lambda name, sent, total: uploads.append((name, sent, total)),
                    on_note=notes.append, poll_seconds=0, retry_base_seconds=0)
    return client, result, uploads, notes


def test_launch_uploads_and_creates_one_job(sandbox_workspace, sandbox, dataset):
    client, result, uploads, notes = launch_job(sandbox_workspace, dataset)

    train_size = dataset[0].stat().st_size
    assert ("train.jsonl", train_size, train_size) in uploads
    assert result.adopted is False
    assert result.job.status == "pending"
    assert result.job.job_id.startswith("ft-")
    # (3 epochs x 40 lines + 5 evals x 8 lines) x 6 tokens at $0.48 per million.
    expected_price = (3 * 40 + 5 * 8) * TOKENS_PER_LINE * 0.48 / 1_000_000
    assert result.price.total_price == pytest.approx(expected_price)
    assert len(fine_tunes_state(sandbox.state)["jobs"]) == 1
    assert len(job_store.list_jobs(sandbox_workspace)) == 1
    assert any("Created fine-tuning job" in note for note in notes)


def test_monitor_follows_whole_job(sandbox_workspace, sandbox, dataset):
    client, result, _uploads, _notes = launch_job(sandbox_workspace, dataset)
    monitor = JobMonitor(sandbox_workspace, client, result.job.job_id)

    advance_clock(sandbox.state, RUNNING_AT + 7 * STEP)
    first = monitor.poll_once()
    assert first.status == "running"
    assert first.new_metrics == 7 + 2          # train steps 1-7, evals at 3 and 6

    advance_clock(sandbox.state, 8 * STEP + 20)
    last = monitor.poll_once()
    assert last.status == "completed"
    assert last.terminal is True
    assert last.new_metrics == 8 + 3           # train steps 8-15, evals at 9, 12, 15

    job = job_store.job_by_id(sandbox_workspace, result.job.job_id)
    view = load_job_view(sandbox_workspace, job)
    assert [step for step, _ in view.train] == list(range(1, 16))
    assert [step for step, _ in view.validation] == [3, 6, 9, 12, 15]
    assert job.output_name == f"sandbox-user/Qwen3.5-9B-alice-{result.job.job_id[3:11]}"
    assert view.price_so_far == pytest.approx((3 * 40 + 5 * 8) * TOKENS_PER_LINE * 0.48 / 1_000_000)
    assert view.checkpoints[-1]["step"] == 15
    assert "Job finished" in [event.message for event in view.events]


def test_early_stopping_ends_job_early(sandbox_workspace, sandbox, dataset):
    # Validation losses at steps 3, 6, 9, 12: 1.478, 1.176, 1.170, 1.269; with patience 1
    # the first miss (step 12) stops training, and the best is step 9.
    client, result, _uploads, _notes = launch_job(
        sandbox_workspace, dataset, early_stopping=True, early_stopping_patience=1)
    monitor = JobMonitor(sandbox_workspace, client, result.job.job_id)
    advance_clock(sandbox.state, 1000)
    final = monitor.poll_once()

    assert final.status == "completed"
    view = load_job_view(sandbox_workspace, job_store.job_by_id(sandbox_workspace, result.job.job_id))
    assert view.steps_completed == 12
    assert view.train[-1][0] == 12
    assert view.job.detail["early_stopping_best_step"] == 9
    assert "early stopping ended training at step 12" in view.hint
    # An early-stopped job pays for the steps it completed: 12 of 15.
    full_price = (3 * 40 + 5 * 8) * TOKENS_PER_LINE * 0.48 / 1_000_000
    assert view.price_so_far == pytest.approx(full_price * 12 / 15, rel=1e-3)


def test_failed_create_makes_no_duplicate(sandbox_workspace, sandbox, dataset):
    sandbox.inject("POST", r"/v1/fine-tunes", "server_error")
    _client, result, _uploads, notes = launch_job(sandbox_workspace, dataset)

    assert len(sandbox.requests_to("POST", r"/v1/fine-tunes")) == 2
    assert len(sandbox.requests_to("GET", r"/v1/fine-tunes")) == 1
    assert len(fine_tunes_state(sandbox.state)["jobs"]) == 1
    assert len(job_store.list_jobs(sandbox_workspace)) == 1
    assert result.adopted is False
    assert any("Together answered 500" in note for note in notes)


def test_create_reply_lost_adopts_job(sandbox_workspace, sandbox, dataset):
    fine_tunes_state(sandbox.state)["fail_after_create"] = 1
    _client, result, _uploads, notes = launch_job(sandbox_workspace, dataset)

    jobs = fine_tunes_state(sandbox.state)["jobs"]
    assert len(sandbox.requests_to("POST", r"/v1/fine-tunes")) == 1
    assert len(jobs) == 1
    assert result.adopted is True
    assert result.job.job_id == next(iter(jobs))
    assert len(job_store.list_jobs(sandbox_workspace)) == 1
    assert any("no second job was made" in note for note in notes)


def test_rate_limited_create_retries(sandbox_workspace, sandbox, dataset):
    sandbox.inject("POST", r"/v1/fine-tunes", "rate_limit", retry_after_ms=10)
    _client, result, _uploads, notes = launch_job(sandbox_workspace, dataset)

    assert len(fine_tunes_state(sandbox.state)["jobs"]) == 1
    assert result.job.job_id.startswith("ft-")
    assert any("rate-limited" in note for note in notes)


def test_rejected_create_marks_row_failed(sandbox_workspace, sandbox, dataset):
    # Batch size 64 is above the sandbox's maximum of 32 for Qwen3.5-9B.
    with pytest.raises(LaunchError) as raised:
        launch_job(sandbox_workspace, dataset, batch_size=64)

    assert "creating the job failed" in str(raised.value).lower()
    rows = job_store.list_jobs(sandbox_workspace)
    assert [row.status for row in rows] == ["failed"]
    assert fine_tunes_state(sandbox.state)["jobs"] == {}


def test_invalid_format_stops_before_create(sandbox_workspace, sandbox, tmp_path):
    train = tmp_path / "bad.jsonl"
    train.write_text(
        '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n'
        '{"messages": [{"role": "assistant", "content": "first"}]}\n',
        encoding="utf-8",
    )
    client = make_client(sandbox_workspace, max_retries=0)
    with pytest.raises(DatasetRejectedError) as raised:
        launch(sandbox_workspace, client, train, None, TrainingSettings(**SETTINGS), poll_seconds=0)

    assert "INVALID_FORMAT" in str(raised.value)
    assert "Line 2" in str(raised.value)
    assert raised.value.report["error_type"] == "INVALID_FORMAT"
    assert job_store.list_jobs(sandbox_workspace) == []
    assert sandbox.requests_to("POST", r"/v1/fine-tunes") == []


def test_forced_invalid_format_reported(sandbox_workspace, sandbox, dataset):
    force_invalid_next_file(sandbox.state, "Line 7: `messages[1]` must contain a `role` field")
    with pytest.raises(DatasetRejectedError) as raised:
        launch_job(sandbox_workspace, dataset)
    assert "Line 7: `messages[1]` must contain a `role` field" in str(raised.value)


def test_monitor_survives_faults(sandbox_workspace, sandbox, dataset):
    client, result, _uploads, _notes = launch_job(sandbox_workspace, dataset)
    job_id = result.job.job_id
    monitor = JobMonitor(sandbox_workspace, client, job_id, retry_base_seconds=0.5)
    advance_clock(sandbox.state, RUNNING_AT + 4 * STEP)

    sandbox.inject("GET", rf"/v1/fine-tunes/{job_id}", "rate_limit", retry_after_ms=250)
    limited = monitor.poll_once()
    assert limited.note == "Together rate-limited the request (429); retrying in 0 s"
    assert limited.retry_in == pytest.approx(0.25)

    sandbox.inject("GET", rf"/v1/fine-tunes/{job_id}/metrics", "drop")
    dropped = monitor.poll_once()
    assert dropped.note.startswith("the connection to Together was dropped")
    # The second failure in a row backs off twice as long as the first would.
    assert dropped.retry_in == pytest.approx(1.0)

    sandbox.inject("GET", rf"/v1/fine-tunes/{job_id}/events", "server_error")
    failed = monitor.poll_once()
    assert failed.note.startswith("Together answered 500")

    recovered = monitor.poll_once()
    assert recovered.note is None
    assert recovered.status == "running"
    assert recovered.new_metrics == 4 + 1      # steps 1-4 and the eval at step 3
    assert monitor.failures == 0


def test_job_ending_in_error(sandbox_workspace, sandbox, dataset):
    fine_tunes_state(sandbox.state)["fail_next_job_at_step"] = 4
    client, result, _uploads, _notes = launch_job(sandbox_workspace, dataset)
    monitor = JobMonitor(sandbox_workspace, client, result.job.job_id)
    advance_clock(sandbox.state, 1000)
    final = monitor.poll_once()

    assert final.status == "error"
    assert final.terminal is True
    view = load_job_view(sandbox_workspace, job_store.job_by_id(sandbox_workspace, result.job.job_id))
    assert view.steps_completed == 4
    assert view.price_so_far == 0.0
    assert any(event.level == "error" and "refunded" in event.message for event in view.events)


def test_cancel_stops_job(sandbox_workspace, sandbox, dataset):
    from persona_tui.training.monitor import cancel_job

    client, result, _uploads, _notes = launch_job(sandbox_workspace, dataset)
    advance_clock(sandbox.state, RUNNING_AT + 5 * STEP)
    assert cancel_job(client, sandbox_workspace, result.job.job_id) == "cancel_requested"
    advance_clock(sandbox.state, 100)
    final = JobMonitor(sandbox_workspace, client, result.job.job_id).poll_once()

    assert final.status == "cancelled"
    view = load_job_view(sandbox_workspace, job_store.job_by_id(sandbox_workspace, result.job.job_id))
    assert view.steps_completed == 5


def test_monitor_resumes_after_restart(sandbox_workspace, sandbox, dataset):
    client, result, _uploads, _notes = launch_job(sandbox_workspace, dataset)
    job_id = result.job.job_id
    advance_clock(sandbox.state, RUNNING_AT + 6 * STEP)
    JobMonitor(sandbox_workspace, client, job_id).poll_once()
    root = sandbox_workspace.root
    sandbox_workspace.close()

    advance_clock(sandbox.state, 1000)
    with Workspace.open(root) as reopened:
        active = job_store.active_jobs(reopened)
        assert [job.job_id for job in active] == [job_id]
        resumed = JobMonitor(reopened, make_client(reopened, max_retries=0), job_id).poll_once()
        assert resumed.status == "completed"
        assert resumed.new_metrics == 9 + 3    # steps 7-15 and evals at 9, 12, 15
        points = job_store.load_metrics(reopened, job_id)
        assert len(points) == 15 + 5
        assert job_store.active_jobs(reopened) == []
