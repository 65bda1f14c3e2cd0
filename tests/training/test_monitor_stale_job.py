"""A poll that read the job before the job moved on, and its metrics after: the next poll
stores only the job's newer progress, and must still report a change so views redraw."""

from persona_tui.sandbox.clock import advance_clock
from persona_tui.training.client import make_client
from persona_tui.training.job_view import load_job_view
from persona_tui.training import job_store
from persona_tui.training.launch import launch
from persona_tui.training.monitor import JobMonitor
from persona_tui.training.settings import TrainingSettings

# 40 train lines at batch size 8 are 5 steps an epoch, 15 steps in 3 epochs. The sandbox job
# is pending and queued for 30 s of simulated time, then takes 10 s a step.
RUNNING_AT = 30
STEP = 10


class ClockMovesAfterRetrieve:
    """The real SDK's fine_tuning resource, except that the sandbox clock moves forward
    right after a job is retrieved, as when the job advances during a poll."""

    def __init__(self, fine_tuning, sandbox_state, seconds: float) -> None:
        self.fine_tuning = fine_tuning
        self.sandbox_state = sandbox_state
        self.seconds = seconds

    def retrieve(self, job_id):
        job = self.fine_tuning.retrieve(job_id)
        advance_clock(self.sandbox_state, self.seconds)
        return job

    def __getattr__(self, name):
        return getattr(self.fine_tuning, name)


class ClientWithSlowRetrieve:
    def __init__(self, client, sandbox_state, seconds: float) -> None:
        self.fine_tuning = ClockMovesAfterRetrieve(client.fine_tuning, sandbox_state, seconds)


def test_progress_alone_counts_as_change(sandbox_workspace, sandbox, dataset):
    client = make_client(sandbox_workspace, max_retries=0)
    settings = TrainingSettings(model="Qwen/Qwen3.5-9B", n_epochs=3, batch_size=8, n_evals=5)
    job_id = launch(sandbox_workspace, client, dataset[0], dataset[1], settings, poll_seconds=0).job.job_id

    advance_clock(sandbox.state, RUNNING_AT + 3 * STEP)
    assert JobMonitor(sandbox_workspace, client, job_id).poll_once().new_metrics > 0

    # The job is read at step 3, then the clock reaches step 12 before the metrics are read.
    racing = JobMonitor(sandbox_workspace, ClientWithSlowRetrieve(client, sandbox.state, 9 * STEP), job_id)
    racing.poll_once()
    view = load_job_view(sandbox_workspace, job_store.job_by_id(sandbox_workspace, job_id))
    assert view.steps_completed == 3
    assert view.train[-1][0] == 12

    # Nothing new in metrics or events, but the job's stored progress moves from 3 to 12.
    result = JobMonitor(sandbox_workspace, client, job_id).poll_once()
    assert result.new_metrics == 0
    assert result.changed
    view = load_job_view(sandbox_workspace, job_store.job_by_id(sandbox_workspace, job_id))
    assert view.steps_completed == 12
