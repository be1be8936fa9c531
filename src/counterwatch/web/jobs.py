"""The server's extraction worker: started on the first queued job, one per application. A process of
its own (its model and its CPU time never slow the requests), or a thread when the register is an
in-memory SQLite database no other process can open."""

from __future__ import annotations

import multiprocessing as mp
import threading
from pathlib import Path

from fastapi import FastAPI, UploadFile
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.fetch import check_url, private_allowed
from counterwatch.ingest.readers import read_pasted, readable, refuse_early
from counterwatch.limits import LIMITS
from counterwatch.pipeline.worker import work
from counterwatch.store import jobs


class Worker:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.running: mp.process.BaseProcess | threading.Thread | None = None
        self.stop: threading.Event | None = None

    def ensure(self) -> None:
        """Start the worker unless it is alive (a crashed one is started again)."""
        with self.lock:
            if self.running is not None and self.running.is_alive():
                return
            url = self.engine.url
            if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
                self.stop = threading.Event()
                self.running = threading.Thread(target=work, args=(self.engine, self.stop), daemon=True,
                                                name="counterwatch-jobs")
            else:  # spawn: a fork of the server would copy its threads and event loop
                ctx = mp.get_context("spawn")
                self.stop = ctx.Event()
                self.running = ctx.Process(target=work, args=(url.render_as_string(hide_password=False), self.stop),
                                           daemon=True, name="counterwatch-jobs")
            self.running.start()

    def close(self, timeout: float = 5.0) -> None:
        if self.running is None:
            return
        self.stop.set()
        self.running.join(timeout)
        if isinstance(self.running, mp.process.BaseProcess) and self.running.is_alive():
            self.running.terminate()


def worker(app: FastAPI) -> Worker:
    if getattr(app.state, "worker", None) is None:
        app.state.worker = Worker(app.state.engine)
    return app.state.worker


async def queue_input(app: FastAPI, actor: str, url: str, text: str, title: str, file: UploadFile | None) -> int:
    """Queue what the "Add a source" form or POST /api/sources gave (a file, else a URL, else text) and
    start the worker; InputError when nothing usable was given or the file is over the upload limit.
    Writing the job (megabytes of payload) and starting the worker run in the thread pool, off the event
    loop every other request waits on."""
    engine = app.state.engine
    if file is not None and file.filename:
        name = Path(file.filename).name
        readable(name)  # refused at once, by the readers' own test, not in the worker
        data = await file.read(LIMITS.upload_bytes + 1)
        if len(data) > LIMITS.upload_bytes:
            raise InputError(name, f"upload too large (over {LIMITS.upload_bytes / 2**20:.0f} MiB)")
        await run_in_threadpool(refuse_early, data, name)  # decoding megabytes stays off the event loop
        job = await run_in_threadpool(jobs.submit, engine, actor, "file", name, payload=data)
    elif url.strip():
        check_url(url.strip(), allow_private=private_allowed())  # refused at once, not in the worker
        job = await run_in_threadpool(jobs.submit, engine, actor, "url", url.strip())
    elif text.strip():
        await run_in_threadpool(read_pasted, text, title.strip() or None)  # too long: refused at once, as a file is
        job = await run_in_threadpool(jobs.submit, engine, actor, "text", title.strip() or "text",
                                      payload=text.encode("utf-8"), title=title.strip())
    else:
        raise InputError("form", "give a URL, paste text or choose a file")
    await run_in_threadpool(worker(app).ensure)
    return job
