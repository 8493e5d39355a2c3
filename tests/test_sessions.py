"""The job registry: heavy work started once per session and key, whatever the reruns."""

from __future__ import annotations

import threading

import pytest

from ui.jobs import Jobs


def blocked_work(release: threading.Event, calls: list[str], result: str):
    def work() -> str:
        calls.append(result)
        release.wait(timeout=30)
        return result

    return work


def test_a_rerun_during_the_work_gets_the_same_job() -> None:
    jobs, release, calls = Jobs(threading.BoundedSemaphore(2)), threading.Event(), []
    first = jobs.start("s1", "check abc", blocked_work(release, calls, "done"))
    # The second run of the script (a click while the first one waits) asks again.
    second = jobs.start("s1", "check abc", blocked_work(release, calls, "again"))
    assert second is first
    assert not first.wait(0)  # still working: the click did not finish or restart it
    release.set()
    assert first.wait(30)
    assert first.outcome() == "done"
    assert calls == ["done"]  # the work ran once


def test_other_keys_and_sessions_get_their_own_jobs() -> None:
    jobs, release, calls = Jobs(threading.BoundedSemaphore(4)), threading.Event(), []
    release.set()
    a = jobs.start("s1", "k", blocked_work(release, calls, "a"))
    b = jobs.start("s2", "k", blocked_work(release, calls, "b"))
    c = jobs.start("s1", "other", blocked_work(release, calls, "c"))
    assert len({id(a), id(b), id(c)}) == 3
    assert [j.wait(30) and j.outcome() for j in (a, b, c)] == ["a", "b", "c"]
    assert jobs.sessions() == {"s1", "s2"}


def test_forgotten_job_runs_again_and_released_session_holds_nothing() -> None:
    jobs, release, calls = Jobs(threading.BoundedSemaphore(1)), threading.Event(), []
    release.set()
    first = jobs.start("s1", "k", blocked_work(release, calls, "one"))
    assert first.wait(30)
    jobs.forget("s1", "k")  # collected
    assert jobs.sessions() == set()
    again = jobs.start("s1", "k", blocked_work(release, calls, "two"))
    assert again is not first and again.wait(30) and again.outcome() == "two"
    jobs.release("s1")
    assert jobs.sessions() == set()


def test_an_error_in_the_work_is_raised_where_the_result_is_collected() -> None:
    def work():
        raise ValueError("unreadable")

    job = Jobs(threading.BoundedSemaphore(1)).start("s1", "k", work)
    assert job.wait(30)
    with pytest.raises(ValueError, match="unreadable"):
        job.outcome()


def test_at_most_limit_jobs_work_at_once() -> None:
    jobs, release, calls = Jobs(threading.BoundedSemaphore(1)), threading.Event(), []
    first = jobs.start("s1", "k", blocked_work(release, calls, "first"))
    second = jobs.start("s2", "k", blocked_work(release, calls, "second"))
    while not calls:  # the first one holds the only slot
        first.wait(0.01)
    assert not second.wait(0.2) and calls == ["first"]  # the second waits for the slot
    release.set()
    assert second.wait(30) and calls == ["first", "second"]


def answer(send, value):  # a process's work (module level: a spawned process imports it)
    send.send((True, value * 2))


def fail(send):
    send.send((False, ValueError("broken")))


def hang(send):
    threading.Event().wait()


def test_a_process_answers_or_raises_and_ends_with_its_session() -> None:
    from ui.lifetime import _children, end_processes, in_process

    assert in_process("s1", answer, 21) == 42
    with pytest.raises(ValueError, match="broken"):
        in_process("s1", fail)
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            in_process("s2", hang)
        except RuntimeError as error:
            outcome.append(error)

    waiting = threading.Thread(target=wait)
    waiting.start()
    for _ in range(600):  # until the process has started (a spawn takes a moment)
        if _children.get("s2"):
            break
        threading.Event().wait(0.1)
    end_processes("s2")  # the session was released
    waiting.join(30)
    assert [str(e) for e in outcome] == ["the process ended before answering"]
    assert not _children.get("s2") and not _children.get("s1")


def test_the_copy_of_an_upload_each_rerun_gets_shares_its_bytes() -> None:
    """Streamlit deep-copies the uploader's files on every rerun: the copy must share the
    bytes (not copy hundreds of MB per click) and still be a file of its own."""
    import copy

    from streamlit.proto.Common_pb2 import FileURLs
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    import ui.session  # noqa: F401  (sets how an upload is copied)

    data = b"lead_id,lead_source\nL1,Email\n"
    upload = UploadedFile(UploadedFileRec("f1", "leads.csv", "text/csv", data), FileURLs())
    [copied] = copy.deepcopy([upload])
    assert copied is not upload
    assert copied.getvalue() is data  # the same bytes object, not a copy
    assert (copied.file_id, copied.name, copied.type, copied.size) == (
        "f1",
        "leads.csv",
        "text/csv",
        len(data),
    )
    assert copied.read(7) == b"lead_id"
    assert upload.tell() == 0  # reading the copy does not move the widget's file


def test_a_released_session_lets_go_of_its_download_callables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A download built on click holds what its callable reads (a page's whole view): once
    the session is released, nothing holds it; another session's download still works."""
    import gc
    import types
    import weakref

    import streamlit.runtime.media_file_manager as media
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from ui import lifetime

    manager = media.MediaFileManager(MemoryMediaFileStorage("/media"))
    runtime = types.SimpleNamespace(
        media_file_mgr=manager,
        uploaded_file_mgr=types.SimpleNamespace(remove_session_files=lambda session: None),
        clear_user_info_for_session=lambda session: None,
    )
    monkeypatch.setattr(lifetime.Runtime, "instance", lambda: runtime)

    class View:  # stands for the page's view of an upload
        rows = b"lead_id\nL1\n"

    held = View()
    watch = weakref.ref(held)
    monkeypatch.setattr(media, "_get_session_id", lambda: "closed")
    manager.add_deferred(lambda view=held: view.rows, "text/csv", "1.(2).3")
    monkeypatch.setattr(media, "_get_session_id", lambda: "open")
    other = manager.add_deferred(lambda: b"lead_id\nL2\n", "text/csv", "1.(2).3")
    del held

    lifetime.release("closed")
    gc.collect()
    assert watch() is None
    assert manager.execute_deferred(other)  # the open session's download is still there


def test_a_released_session_frees_its_data_without_waiting_for_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A session's tables sit in reference cycles; Python's cycle collector, which runs on
    counts of objects, could leave gigabytes for a long time. Released, they go at once."""
    import gc
    import types
    import weakref

    from ui import lifetime

    nothing = types.SimpleNamespace(
        remove_session_files=lambda session: None,
        clear_session_refs=lambda session: None,
        remove_orphaned_files=lambda: None,
    )
    runtime = types.SimpleNamespace(
        media_file_mgr=nothing,
        uploaded_file_mgr=nothing,
        clear_user_info_for_session=lambda session: None,
    )
    monkeypatch.setattr(lifetime.Runtime, "instance", lambda: runtime)

    class Tables:  # stands for a session's checked dataset, in a cycle as the real one is
        pass

    tables = Tables()
    tables.itself = tables
    watch = weakref.ref(tables)
    lifetime._data["closed"] = {"dataset": tables}
    del tables
    gc.disable()  # no collection but the one release makes
    try:
        lifetime.release("closed")
        assert watch() is None
    finally:
        gc.enable()


def test_a_released_session_is_closed_in_streamlit_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """Streamlit keeps a closed tab's session two minutes in case the tab comes back, and
    with it the uploader's files: every uploaded byte (1M leads: 363 MB per session). Once
    the sweeper has released a session, Streamlit's copy goes too: a tab coming back then
    starts a new session, while a tab not yet released resumes its own."""
    import asyncio

    from streamlit.runtime import Runtime
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.runtime import RuntimeConfig

    from ui import lifetime

    monkeypatch.setattr(Runtime, "_instance", None)  # this test's runtime, gone after it
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    def on_loop(call):  # Streamlit's session calls belong on its event loop
        async def run():
            return call()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(30)

    class Client:
        def write_forward_msg(self, msg) -> None:
            pass

    script = tmp_path / "app.py"
    script.write_text("")
    config = RuntimeConfig(
        str(script), MemoryMediaFileStorage("/media"), MemoryUploadedFileManager("/upload")
    )
    runtime = on_loop(lambda: Runtime(config))
    asyncio.run_coroutine_threadsafe(runtime.start(), loop)
    try:
        released, kept = [on_loop(lambda: runtime.connect_session(Client(), {})) for _ in "ab"]
        for session in (released, kept):  # both tabs closed: Streamlit stores both sessions
            on_loop(lambda session=session: runtime.disconnect_session(session))
        lifetime.release(released)  # from the sweeper's thread, not the event loop

        def come_back(session: str) -> str:
            return on_loop(lambda: runtime.connect_session(Client(), {}, session))

        assert come_back(kept) == kept
        assert come_back(released) != released
    finally:
        runtime.stop()

        async def stopped() -> None:
            await runtime.stopped

        asyncio.run_coroutine_threadsafe(stopped(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)


def test_a_contract_of_ones_own_is_read_once_per_text(monkeypatch) -> None:
    """A user's contract is in force on every ask and parsed only when its text changes:
    each run asks four times, and parsing each time cost every click 56 ms."""
    import truce.contract as contract_module
    from ui import session

    state: dict = {}
    held: dict = {}
    monkeypatch.setattr(session.st, "session_state", state)
    monkeypatch.setattr(session, "session_data", lambda: held)
    parsed: list[str] = []
    parse = contract_module._parse
    monkeypatch.setattr(
        contract_module, "_parse", lambda text, base: parsed.append(text) or parse(text, base)
    )
    bundled = contract_module.DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8")
    assert session.session_contract().sla_hours == 24  # none of one's own: the bundled one

    twelve = bundled.replace("follow_up_sla_hours: 24", "follow_up_sla_hours: 12")
    assert session.use_contract(twelve) is None
    assert [session.session_contract().sla_hours for _ in range(4)] == [12] * 4
    assert parsed.count(twelve) == 1  # checked once when given, never again

    assert session.use_contract("tables: [") is not None  # refused: the one in force stays
    assert session.session_contract().sla_hours == 12

    six = bundled.replace("follow_up_sla_hours: 24", "follow_up_sla_hours: 6")
    state["contract_text"] = six  # as a new session's link sets it, without use_contract
    assert [session.session_contract().sla_hours for _ in range(4)] == [6] * 4
    assert parsed.count(six) == 1
