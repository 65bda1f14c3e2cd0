"""Worker threads share the workspace's one connection, as the app's workers do."""

import threading

from persona_tui.sources.importer import import_paths


def test_concurrent_imports_both_land(workspace, samples_dir):
    guild = samples_dir / "dce-example-guild"
    paths = [[guild / "general.json", guild / "chill-talk.json"], [guild / "thread-thomas.json"]]
    reports = [None, None]

    def run(index):
        reports[index] = import_paths(workspace, paths[index])

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [result.status for result in reports[0].sources] == ["imported", "imported"]
    assert [result.status for result in reports[1].sources] == ["imported"]
    # general.json has 1 message, chill-talk.json 6 and thread-thomas.json 5, all distinct.
    assert workspace.db.execute("SELECT count(*) FROM messages").fetchone()[0] == 12
    assert workspace.db.execute("SELECT count(*) FROM sources").fetchone()[0] == 3
