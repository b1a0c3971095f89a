"""The [`Emulator`][livetranslate.testing.Emulator] itself (private; re-exported by the package)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Self

from livetranslate.testing._engine import EmulatedSession
from livetranslate.testing._faults import FaultLog, FaultPlan
from livetranslate.testing._http import ChatCompletions
from livetranslate.testing._responses import TextMode
from livetranslate.testing._script import Script
from livetranslate.testing._server import (
    REALTIME_PATH,
    EmulatorApp,
    Settings,
    UvicornRunner,
    key_digest,
)
from livetranslate.testing._tokens import TemporaryKeys

__all__ = ["Emulator"]


class Emulator:
    """A local stand-in for the LiveTranslate service: the realtime WebSocket and the file API.

    The file-translation endpoint (``POST {base_url}/chat/completions``) is served on the same
    port. ``emu.http.requests`` records each request it answered, and ``emu.http.inject(...)``
    plays faults for tests: an error status (429 with ``retry-after``, 500), a stream cut after
    some chunks, or a slow first byte.

    Use it as an async context manager (``async with Emulator() as emu``), or call
    [`start_in_thread`][livetranslate.testing.Emulator.start_in_thread] from sync code.

    Args:
        api_key: Accept only this key; None accepts any non-empty ``Bearer`` key. Other keys fail
            the handshake with HTTP 401, as the service does. The key is kept only as a digest.
        denied_keys: Keys that are accepted but get the socket closed with code 1007
            "Access denied" (the service's answer for a key without access to the model).
        script: The sentences each connection "hears"; None generates "[emulated ...]" text.
        latency: Seconds the translation lags behind the speech (the service claims about 2.8 s);
            for the file API, the wait before the first byte. Use 0 in tests: the events are
            then a pure function of the audio received.
        text_mode: What ``text`` holds in qwen3/3.5 ``*.text`` events: everything confirmed so
            far (``"cumulative"``, default) or only the newly confirmed fragment (``"fragment"``).
            The docs are ambiguous; test your client with both.
        record_audio: Keep the received audio in ``sessions[i].audio``.
        host: Interface to listen on.
        port: Port to listen on; 0 picks a free one (read it back from ``port``).
        finish_close_timeout: Seconds to wait for the client to close after ``session.finished``
            before the emulator closes the socket itself.
        faults: What goes wrong on the realtime endpoint (a
            [`FaultPlan`][livetranslate.testing.FaultPlan]); settable later as ``emu.faults``.
            ``emu.fault_log`` records what was injected.

    Temporary keys: ``POST /api/v1/tokens`` issues ``st-...`` keys (as the service does, for
    browsers and apps that must not hold the main key); the realtime endpoint accepts them until
    they expire.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        denied_keys: Iterable[str] = (),
        script: Script | None = None,
        latency: float = 2.8,
        text_mode: TextMode = "cumulative",
        record_audio: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        finish_close_timeout: float = 10.0,
        faults: FaultPlan | None = None,
    ) -> None:
        if text_mode not in ("cumulative", "fragment"):
            raise ValueError(f"text_mode must be 'cumulative' or 'fragment', got {text_mode!r}.")
        if latency < 0:
            raise ValueError(f"latency must be 0 or more seconds, got {latency!r}.")
        if api_key is not None and not api_key:
            raise ValueError("api_key must be a non-empty string, or None to accept any key.")
        self._settings = Settings(
            api_key_digest=None if api_key is None else key_digest(api_key),
            denied_digests=frozenset(key_digest(k) for k in denied_keys),
            script=script,
            latency_ms=latency * 1000.0,
            text_mode=text_mode,
            record_audio=record_audio,
            finish_close_timeout=finish_close_timeout,
        )
        self.app = EmulatorApp(self._settings)
        self.http = ChatCompletions(self.app)
        self.tokens = TemporaryKeys(self.app)
        self.faults = faults
        self._host = host
        self._requested_port = port
        self._runner: UvicornRunner | None = None
        self._port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        state = f"port={self._port}" if self._runner is not None else "stopped"
        return f"<Emulator {state} sessions={len(self.sessions)}>"

    # --------------------------------------------------------------------------- addresses

    @property
    def port(self) -> int:
        """The port the emulator listens on (0 until started)."""
        return self._port

    @property
    def realtime_url(self) -> str:
        """The realtime WebSocket URL without the query, e.g. ``ws://127.0.0.1:54321/api-ws/v1/realtime``.

        Append ``?model=<model id>`` to connect (the official SDK does this itself).
        """
        return f"ws://{self._host}:{self._port}{REALTIME_PATH}"

    @property
    def origin(self) -> str:
        """The HTTP origin, e.g. ``http://127.0.0.1:54321`` (for ``create_temporary_key``)."""
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, e.g. ``http://127.0.0.1:54321/compatible-mode/v1``."""
        return f"http://{self._host}:{self._port}/compatible-mode/v1"

    @property
    def sessions(self) -> list[EmulatedSession]:
        """One record per accepted WebSocket connection, in connection order."""
        return self._settings.sessions

    @property
    def faults(self) -> FaultPlan | None:
        """The fault plan of the realtime endpoint (read when a connection arrives), or None."""
        return self._settings.faults

    @faults.setter
    def faults(self, plan: FaultPlan | None) -> None:
        if plan is not None and not isinstance(plan, FaultPlan):
            raise TypeError(f"faults must be a FaultPlan or None, got {type(plan).__name__}.")
        self._settings.faults = plan

    @property
    def fault_log(self) -> FaultLog:
        """What the fault plans injected so far (handshakes refused, faults per connection)."""
        return self._settings.fault_log

    # ------------------------------------------------------------------------ in this loop

    async def start(self) -> None:
        """Start serving in the running event loop.

        Raises:
            RuntimeError: Already started.
            OSError: The port cannot be bound.
        """
        if self._runner is not None:
            raise RuntimeError("This Emulator is already running.")
        runner = UvicornRunner(self.app, self._host, self._requested_port)
        self._port = await runner.start()
        self._runner = runner

    async def aclose(self) -> None:
        """Stop serving; open connections are closed with code 1012. Idempotent."""
        runner, self._runner = self._runner, None
        if runner is not None:
            self._settings.stopping = True  # ends silent connections at once
            await runner.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def wait_closed(self, session: int = -1) -> EmulatedSession:
        """Wait until connection ``session`` (an index into ``sessions``) has ended; return it.

        Works whether the emulator runs in this loop or in its own thread. Bound the wait with
        ``asyncio.timeout``.
        """
        record = self.sessions[session]
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def resolve() -> None:
            if not done.done():
                done.set_result(None)

        def wake() -> None:
            with contextlib.suppress(RuntimeError):  # the waiting loop is already closed
                loop.call_soon_threadsafe(resolve)

        record._add_close_callback(wake)
        await done
        return record

    # --------------------------------------------------------------------- in a thread

    def start_in_thread(self) -> Self:
        """Start serving on an event loop of its own in a daemon thread (for sync code).

        Returns:
            The emulator, started. Call [`stop`][livetranslate.testing.Emulator.stop] when done.

        Raises:
            RuntimeError: Already started.
            OSError: The port cannot be bound.
        """
        if self._runner is not None or self._thread is not None:
            raise RuntimeError("This Emulator is already running.")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.aclose())
            loop.close()

        thread = threading.Thread(target=run, name="livetranslate-emulator", daemon=True)
        thread.start()
        ready.wait()
        if failure:
            thread.join()
            raise failure[0]
        self._loop, self._thread = loop, thread
        return self

    def stop(self) -> None:
        """Stop an emulator started with ``start_in_thread`` and join its thread. Idempotent."""
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
