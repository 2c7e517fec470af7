"""A task for the worker tests that blocks until told to go on (to kill a worker mid-task)."""

import time
from pathlib import Path

from django_tasks import task


@task()
def blocking_task(folder: str) -> None:
    folder = Path(folder)
    runs = len(list(folder.glob("started-*")))
    (folder / f"started-{runs + 1}").write_text("")
    deadline = time.monotonic() + 120
    while not (folder / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    (folder / "done").write_text(str(runs + 1))
