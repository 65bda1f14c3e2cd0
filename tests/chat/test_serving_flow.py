"""Deploying a finished job on a sandbox endpoint, chatting to it, stopping, deleting, downloading."""

import time
from datetime import datetime, timedelta

import pytest
import together

from persona_tui.chat.client import ChatModelError, Sampling, stream_chat
from persona_tui.chat.targets import list_targets
from persona_tui.training import serving

JOB_ID = "ft-0a1b2c3d"
OUTPUT_NAME = "sandbox-user/Meta-Llama-3.1-8B-Instruct-Reference-alice-0a1b2c3d"
HELLO = [{"role": "user", "content": "you up"}]


@pytest.fixture
def client(sandbox):
    return together.Together(api_key="test", base_url=sandbox.base_url, max_retries=0)


@pytest.fixture
def finished_job(workspace):
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO jobs(intent_key, job_id, status, model, settings, output_name, created_at, updated_at) "
            "VALUES ('intent-1', ?, 'completed', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', '{}', ?, "
            "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            (JOB_ID, OUTPUT_NAME),
        )
    return JOB_ID


def test_hardware_prices_per_hour(client):
    options = serving.list_hardware(client, OUTPUT_NAME)
    # Sandbox prices in cents per minute: 2.5, 4.27, 6.65 -> times 60 / 100 dollars per hour.
    assert [(option.id, option.dollars_per_hour) for option in options] == [
        ("1x_nvidia_l40s_48gb", 1.5), ("1x_nvidia_a100_80gb_sxm", 2.56), ("1x_nvidia_h100_80gb_sxm", 3.99),
    ]
    assert all(option.available for option in options)


def test_deploy_wait_chat_stop_delete(workspace, client, sandbox, finished_job):
    # 100 simulated seconds per real second: PENDING lasts 200 ms, long enough to chat.
    sandbox.state.speed = 100
    status, target = serving.deploy_job(workspace, client, finished_job, hardware="1x_nvidia_h100_80gb_sxm",
                                        inactive_timeout_minutes=30)
    assert status.state == "PENDING"
    assert status.model == OUTPUT_NAME
    assert (target.kind, target.model, target.endpoint_id) == ("together_endpoint", status.name, status.id)
    assert target.settings["dollars_per_hour"] == 3.99

    # Before it is STARTED, chat gets the endpoint-not-running message.
    with pytest.raises(ChatModelError) as caught:
        list(stream_chat(target, HELLO, sampling=Sampling(), api_key="test", base_url=sandbox.base_url))
    assert caught.value.kind == "not_ready"

    seen = []
    ready = serving.wait_until_ready(client, status.id, poll_seconds=0.01, timeout_seconds=5,
                                     on_state=lambda s: seen.append(s.state))
    assert ready.state == "STARTED"
    assert seen[-1] == "STARTED" and set(seen) <= {"PENDING", "STARTING", "STARTED"}

    reply = "".join(stream_chat(target, HELLO, sampling=Sampling(), api_key="test", base_url=sandbox.base_url))
    # "you up" has 2 words: reaction 2 is "haha yeah"; the model is the endpoint name.
    assert reply == f"you??\nhaha yeah\n({status.name.rsplit('/', 1)[-1]})"

    assert serving.endpoint_warning(workspace) is not None
    serving.stop_endpoint(workspace, client, status.id)
    assert serving.endpoint_warning(workspace) is None
    with pytest.raises(ChatModelError) as caught:
        list(stream_chat(target, HELLO, sampling=Sampling(), api_key="test", base_url=sandbox.base_url))
    assert caught.value.kind == "not_ready"

    serving.delete_endpoint(workspace, client, status.id)
    assert list_targets(workspace) == []
    with pytest.raises(together.NotFoundError):
        serving.get_endpoint(client, status.id)


def test_unknown_hardware_is_rejected(workspace, client, finished_job):
    with pytest.raises(serving.ServingError, match="1x_nvidia_l40s_48gb"):
        serving.deploy_job(workspace, client, finished_job, hardware="8x_imaginary_gpu")


def test_auto_stop_after_inactivity(workspace, client, sandbox, finished_job):
    # 100 simulated seconds per real second: STARTED after 0.6 s, stopped 0.6 s later.
    sandbox.state.speed = 100
    status, _ = serving.deploy_job(workspace, client, finished_job, hardware="1x_nvidia_l40s_48gb",
                                   inactive_timeout_minutes=1)
    serving.wait_until_ready(client, status.id, poll_seconds=0.01, timeout_seconds=5)
    states = []
    for _ in range(300):
        states.append(serving.get_endpoint(client, status.id).state)
        if states[-1] == "STOPPED":
            break
        time.sleep(0.01)
    assert states[-1] == "STOPPED"
    assert serving.refresh_endpoint_states(workspace, client)[0].state == "STOPPED"
    assert serving.running_endpoints(workspace) == []


def test_endpoint_warning_text(workspace, client, finished_job):
    status, target = serving.deploy_job(workspace, client, finished_job, hardware="1x_nvidia_h100_80gb_sxm")
    started = datetime.fromisoformat(target.settings["started_at"])
    warning = serving.endpoint_warning(workspace, now=started + timedelta(minutes=90))
    # 1.5 h at $3.99/h is $5.985; binary floats round that to $5.99 or $5.98, so only $5.9 is checked.
    assert warning.startswith(f"Endpoint billing: tuned-{JOB_ID} up 1 h 30 min at $3.99/h (about $5.9")


def test_job_that_is_not_done_cannot_deploy(workspace, client):
    with pytest.raises(together.NotFoundError):
        # The sandbox of this branch has no fine-tunes route: Together's 404 passes through.
        serving.deploy_job(workspace, client, "ft-unknown", hardware="1x_nvidia_h100_80gb_sxm")


def test_download_resumes_after_a_drop(workspace, client, sandbox):
    sandbox.state.data["downloads"] = {"size": 100_000, "drop_after": 40_000}
    unit = f"{JOB_ID}:adapter\n".encode()
    expected = (unit * (100_000 // len(unit) + 1))[:100_000]

    with pytest.raises(serving.ServingError, match="resume"):
        serving.download_weights(workspace, client, JOB_ID, checkpoint="adapter")
    partial = workspace.root / "models" / f"{JOB_ID}-adapter.tar.zst.part"
    assert partial.stat().st_size == 40_000

    seen = []
    path = serving.download_weights(workspace, client, JOB_ID, checkpoint="adapter",
                                    progress=lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == expected
    assert not partial.exists()
    assert seen[-1] == (100_000, 100_000)
    assert seen[0][0] > 40_000
