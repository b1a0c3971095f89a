"""File translation over the OpenAI-compatible endpoint: `FileTranslator`.

Recorded audio or video in, translated text (and optionally speech) out, streamed:

```python
async with FileTranslator() as ft:
    result = await ft.translate("talk.mp3", target_language="en", modalities=("text", "audio"))
    print(result.text, result.usage, result.cost.total)
    result.save_audio("talk.en.wav")

    async for event in ft.stream("talk.mp3", target_language="de"):
        if isinstance(event, TranslationTextDelta):
            print(event.text, end="", flush=True)

    summary = await ft.translate_many(paths, target_language="en", results_path="out.jsonl")
```

The request is built and the stream folded by the sans-I/O
[`livetranslate.protocol.files`][]; the transport is ``openai.AsyncOpenAI``, imported on first
use. Retries (429, 5xx, network errors, timeouts) happen only before the first chunk arrives; a
stream that breaks later raises [`StreamInterrupted`][livetranslate.exceptions.StreamInterrupted]
saying how much had arrived. The events are re-exported here from the protocol module.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import wave
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
from numpy.typing import NDArray

from livetranslate import registry
from livetranslate._batch import (
    BatchItemResult,
    BatchProgress,
    BatchSummary,
    Source,
    is_transient,
    run_batch,
)
from livetranslate._file_input import check_base_url, check_int, check_seconds, load_media
from livetranslate._realtime_setup import resolve_api_key
from livetranslate._secret import Secret
from livetranslate.exceptions import (
    AudioError,
    ConfigurationError,
    ConnectError,
    RateLimitError,
    ServerError,
    StreamInterrupted,
    TransportTimeout,
    UsageError,
)
from livetranslate.pricing import CostEstimate
from livetranslate.protocol.backoff import Backoff
from livetranslate.protocol.files import (
    MediaInput,
    TranslationAccumulator,
    TranslationAudioDelta,
    TranslationEvent,
    TranslationOptions,
    TranslationOutput,
    TranslationTextDelta,
    TranslationUsage,
    build_request,
    resolve_options,
)
from livetranslate.protocol.http import DEFAULT_BACKOFF, retry_delay
from livetranslate.types import Modality
from livetranslate.usage import Usage

if TYPE_CHECKING:
    from livetranslate._openai import ChatClient

__all__ = [
    "MAX_INLINE_BYTES",
    "BatchItemResult",
    "BatchProgress",
    "BatchSummary",
    "FileTranslator",
    "TranslationAudioDelta",
    "TranslationEvent",
    "TranslationResult",
    "TranslationTextDelta",
    "TranslationUsage",
]

logger = logging.getLogger("livetranslate.files")

MAX_INLINE_BYTES = 10 * 1024 * 1024
"""Default cap on a local file sent inline (10 MiB before base64).

The file model's limit is not published (UNCONFIRMED). The only documented DashScope figure is a
15 MB cap on audio files; base64 adds a third, so 10 MiB stays under it after encoding. Larger
files should be uploaded and passed by URL. Override with ``FileTranslator(max_file_bytes=...)``.
"""

_RETRYABLE = (RateLimitError, ServerError, ConnectError, TransportTimeout, StreamInterrupted)


@dataclass(frozen=True, slots=True, repr=False)
class TranslationResult:
    """One translated file.

    Attributes:
        text: The translation.
        audio: The translated speech as int16 samples (mono, ``sample_rate`` Hz), or None for
            text-only output.
        sample_rate: The speech's sample rate (24000).
        usage: Tokens by kind, as the service reported them.
        cost: The price of ``usage`` for the model and region (see ``cost.confirmed``).
        model: The model that translated it.
        target_language: The target language code.
        source: A short description of the input (file name or URL without query).
        finish_reason: ``"stop"``, or ``"length"`` when the output was cut at 4096 tokens.
        response_id: The service's ``chatcmpl-...`` id.
    """

    text: str
    audio: NDArray[np.int16] | None
    sample_rate: int
    usage: Usage
    cost: CostEstimate
    model: str
    target_language: str
    source: str
    finish_reason: str | None = None
    response_id: str | None = None

    def __repr__(self) -> str:
        speech = f"{self.audio_seconds:.2f} s speech" if self.audio is not None else "no speech"
        return (
            f"<TranslationResult {self.source!r} -> {self.target_language}: "
            f"{len(self.text)} chars, {speech}, {self.usage.total_tokens} tokens>"
        )

    @property
    def audio_seconds(self) -> float:
        """Length of the translated speech in seconds (0 without speech)."""
        return 0.0 if self.audio is None else len(self.audio) / self.sample_rate

    def save_audio(self, path: str | os.PathLike[str]) -> Path:
        """Write the translated speech to a file: 16-bit PCM WAV, or any soundfile format.

        Args:
            path: Where to write; the extension picks the format (``.wav``, ``.flac``, ...).

        Returns:
            The path written.

        Raises:
            AudioError: There is no speech (text-only output) or the format is not writable.
        """
        if self.audio is None:
            raise AudioError(
                "This result has no speech; translate with modalities=('text', 'audio')."
            )
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix.lower() in (".wav", ".wave", ""):
            with wave.open(str(target), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(self.sample_rate)
                out.writeframes(self.audio.astype("<i2").tobytes())
            return target
        import soundfile

        try:
            soundfile.write(str(target), self.audio, self.sample_rate)
        except (RuntimeError, ValueError, TypeError) as exc:
            raise AudioError(f"Cannot write {target.name}: {exc}.") from exc
        return target


class _Run:
    """What one request left behind: its accumulator and how many attempts it took."""

    __slots__ = ("acc", "attempts")

    def __init__(self) -> None:
        self.acc: TranslationAccumulator | None = None
        self.attempts = 0


# ------------------------------------------------------------------------ the translator


class FileTranslator:
    """Translates recorded audio and video files with ``qwen3-livetranslate-flash``.

    A long-lived client: open it once (``async with FileTranslator() as ft``) and translate any
    number of files, concurrently if you like; it owns one ``openai.AsyncOpenAI`` (created on
    first use) and its connection pool. Using it without ``async with`` works too; call
    [`close`][livetranslate.files.FileTranslator.close] at the end. After close, every call
    raises [`UsageError`][livetranslate.exceptions.UsageError].

    Inputs (``src``): an http(s) URL (passed through for the service to download), a local
    path (sent inline as a data URL; audio ``wav mp3 flac aac ogg opus m4a wma amr`` or video
    ``mp4 mov m4v webm mkv avi flv``, recognised by magic bytes then extension), ``bytes``
    (pass ``format=`` if they are not recognisable), or a numpy array of samples (pass
    ``sample_rate=``; sent as 16-bit WAV at that rate).

    Args:
        api_key: The API key; defaults to the ``DASHSCOPE_API_KEY`` environment variable.
        region: ``"intl"`` (Singapore) or ``"cn"`` (Beijing); keys work only in their region.
        workspace: A Model Studio workspace id, for the workspace host.
        base_url: An OpenAI-compatible base URL (``http(s)://.../compatible-mode/v1``), e.g. an
            emulator's; overrides ``region`` and ``workspace`` for the host.
        model: The file model id or a dated snapshot.
        max_retries: Retries of a request that failed before its first chunk (429, 5xx,
            network errors, timeouts).
        timeout: Seconds allowed to connect, and between received bytes.
        retry_backoff: Delays between retries when the server gives no ``Retry-After``.
        max_file_bytes: Largest local file sent inline (see `MAX_INLINE_BYTES`); None for no cap.
        http_client: An ``httpx`` client for the openai SDK to use (borrowed, not closed).

    Raises:
        ConfigurationError: No API key, an unknown or realtime model or region, a bad
            ``base_url``, or a bad number.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        region: str = "intl",
        workspace: str | None = None,
        base_url: str | None = None,
        model: str = registry.DEFAULT_FILE_MODEL,
        max_retries: int = 2,
        timeout: float = 120.0,
        retry_backoff: Backoff = DEFAULT_BACKOFF,
        max_file_bytes: int | None = MAX_INLINE_BYTES,
        http_client: object | None = None,
    ) -> None:
        info = registry.get_model(model)
        if info.kind != "file":
            raise ConfigurationError(
                f"{info.id} is a realtime model; FileTranslator needs a file model such as "
                f"{registry.DEFAULT_FILE_MODEL!r} (use RealtimeSession for realtime models)."
            )
        self._region = registry.get_region(region).name
        base_url = check_base_url(base_url, region=region, workspace=workspace)
        check_int("max_retries", max_retries, 0)
        if max_file_bytes is not None:
            check_int("max_file_bytes", max_file_bytes, 1)
        check_seconds("timeout", timeout)
        self._key: Secret = resolve_api_key(api_key)
        self._model = model.strip()
        self._base_url = base_url.rstrip("/")
        self._workspace = workspace
        self._max_retries = max_retries
        self._timeout = float(timeout)
        self._backoff = retry_backoff
        self._max_bytes = max_file_bytes
        self._http_client = http_client
        self._client: ChatClient | None = None
        self._state: Literal["unopened", "open", "closed"] = "unopened"
        self._sleep: Callable[[float], Any] = asyncio.sleep
        self._rand: Callable[[], float] = random.random

    def __repr__(self) -> str:
        return (
            f"<FileTranslator model={self._model!r} base_url={self._base_url!r} "
            f"key={self._key.masked} {self._state}>"
        )

    @property
    def model(self) -> str:
        """The model id requests are sent for."""
        return self._model

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL requests go to."""
        return self._base_url

    # --------------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> Self:
        if self._state == "closed":
            raise UsageError("This FileTranslator is closed; create a new one.")
        self._state = "open"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool (unless it was borrowed). Idempotent."""
        self._state = "closed"
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    def _chat(self) -> ChatClient:
        if self._state == "closed":
            raise UsageError("This FileTranslator is closed; create a new one.")
        if self._client is None:
            from livetranslate._openai import ChatClient  # openai loads on first use

            self._client = ChatClient(
                key=self._key,
                base_url=self._base_url,
                timeout=self._timeout,
                model=self._model,
                region=self._region,
                workspace=self._workspace,
                http_client=self._http_client,
            )
        return self._client

    # ------------------------------------------------------------------------ requests

    def _options(
        self,
        target_language: str,
        source_language: str | None,
        modalities: Sequence[Modality],
        voice: str | None,
    ) -> TranslationOptions:
        if self._state == "closed":
            raise UsageError("This FileTranslator is closed; create a new one.")
        return resolve_options(
            model=self._model,
            target_language=target_language,
            source_language=source_language,
            modalities=modalities,
            voice=voice,
        )

    async def _prepare(
        self, src: Source, options: TranslationOptions, fmt: str | None, rate: int | None
    ) -> tuple[MediaInput, dict[str, Any]]:
        media = await load_media(
            src, format=fmt, sample_rate=rate, model=self._model, limit=self._max_bytes
        )
        return media, build_request(media, options)

    async def _events(
        self, media: MediaInput, body: dict[str, Any], run: _Run, retries: int
    ) -> AsyncIterator[TranslationEvent]:
        """Send one request (retrying before the first chunk) and yield its events."""
        client = self._chat()
        while True:
            run.attempts += 1
            acc = run.acc = TranslationAccumulator(model=self._model, region=self._region)
            logger.debug("request %s (%s, attempt %d)", media.label, media.kind, run.attempts)
            try:
                stream = await client.open(body)
                try:
                    async for data in stream:
                        for event in acc.receive_chunk(data):
                            yield event
                finally:
                    await stream.close()
                acc.result()  # raises StreamInterrupted when the usage chunk never came
                return
            except StreamInterrupted as exc:
                cut = acc.interrupted(str(exc))
                if acc.chunks_received or run.attempts > retries:
                    raise cut from (exc.__cause__ or exc)
                failure: Exception = cut
            except _RETRYABLE as exc:
                if run.attempts > retries or not is_transient(exc):
                    raise
                failure = exc
            headers = failure.headers if isinstance(failure, RateLimitError | ServerError) else None
            delay = retry_delay(run.attempts - 1, headers, backoff=self._backoff, rand=self._rand)
            logger.debug(
                "retrying %s in %.3f s after %s", media.label, delay, type(failure).__name__
            )
            await self._sleep(delay)

    def _result(
        self, out: TranslationOutput, options: TranslationOptions, label: str
    ) -> TranslationResult:
        audio = None
        if options.speech:
            audio = np.frombuffer(out.audio, dtype="<i2").astype(np.int16)
        return TranslationResult(
            text=out.text,
            audio=audio,
            sample_rate=out.sample_rate,
            usage=out.usage,
            cost=out.cost,
            model=self._model,
            target_language=options.target_language,
            source=label,
            finish_reason=out.finish_reason,
            response_id=out.response_id,
        )

    async def _translate(
        self,
        src: Source,
        options: TranslationOptions,
        *,
        format: str | None,
        sample_rate: int | None,
        retries: int,
    ) -> TranslationResult:
        media, body = await self._prepare(src, options, format, sample_rate)
        run = _Run()
        async for _ in self._events(media, body, run, retries):
            pass
        assert run.acc is not None
        return self._result(run.acc.result(), options, media.label)

    async def translate(
        self,
        src: Source,
        *,
        target_language: str = "en",
        source_language: str | None = None,
        modalities: Sequence[Modality] = ("text",),
        voice: str | None = None,
        format: str | None = None,
        sample_rate: int | None = None,
    ) -> TranslationResult:
        """Translate one file and return the whole result.

        Args:
            src: A URL, a local path, bytes or a numpy array (see the class docstring).
            target_language: The language to translate into (one of the model's 18).
            source_language: The spoken language, or None to let the service detect it.
            modalities: ``("text",)``, or ``("text", "audio")`` for translated speech too.
            voice: The voice for translated speech; None picks one that speaks the target.
            format: The input's format when it cannot be recognised (``"mp3"``, ``"mp4"``, ...).
            sample_rate: The sample rate of a numpy array input, in Hz.

        Returns:
            Text, speech (when asked for), usage and cost.

        Raises:
            ConfigurationError: Bad options (checked before anything is read or sent).
            AudioError: A missing, empty, too large or unsupported input.
            APIStatusError: The service refused the request (a subclass per status).
            StreamInterrupted: The stream broke after it had started.
            TransportTimeout: The service did not answer in time, even after retries.
            ConnectError: The service could not be reached, even after retries.
            UsageError: The translator is closed.
        """
        options = self._options(target_language, source_language, modalities, voice)
        return await self._translate(
            src, options, format=format, sample_rate=sample_rate, retries=self._max_retries
        )

    async def stream(
        self,
        src: Source,
        *,
        target_language: str = "en",
        source_language: str | None = None,
        modalities: Sequence[Modality] = ("text",),
        voice: str | None = None,
        format: str | None = None,
        sample_rate: int | None = None,
    ) -> AsyncIterator[TranslationEvent]:
        """Translate one file, yielding text and audio deltas as they arrive, then the usage.

        An async generator: if you stop early, close it (``contextlib.aclosing``) to release
        the connection at once.

        Args:
            src: A URL, a local path, bytes or a numpy array (see the class docstring).
            target_language: The language to translate into.
            source_language: The spoken language, or None to detect it.
            modalities: ``("text",)`` or ``("text", "audio")``.
            voice: The voice for translated speech; None picks one that speaks the target.
            format: The input's format when it cannot be recognised.
            sample_rate: The sample rate of a numpy array input, in Hz.

        Returns:
            The events: `TranslationTextDelta`, `TranslationAudioDelta` (PCM16 24 kHz bytes),
            and finally one `TranslationUsage`.

        Raises:
            ConfigurationError: Bad options.
            AudioError: A missing, empty, too large or unsupported input.
            APIStatusError: The service refused the request.
            StreamInterrupted: The stream broke after it had started.
            TransportTimeout: No answer in time, even after retries.
            ConnectError: The service could not be reached, even after retries.
            UsageError: The translator is closed.
        """
        options = self._options(target_language, source_language, modalities, voice)
        media, body = await self._prepare(src, options, format, sample_rate)
        async for event in self._events(media, body, _Run(), self._max_retries):
            yield event

    async def translate_many(
        self,
        sources: Iterable[Source] | Mapping[str, Source],
        *,
        target_language: str = "en",
        source_language: str | None = None,
        modalities: Sequence[Modality] = ("text",),
        voice: str | None = None,
        concurrency: int = 8,
        results_path: str | os.PathLike[str] | None = None,
        audio_dir: str | os.PathLike[str] | None = None,
        requests_per_minute: int | None = 100,
        format: str | None = None,
        sample_rate: int | None = None,
        on_progress: Callable[[BatchProgress], object] | None = None,
    ) -> BatchSummary:
        """Translate many files with bounded concurrency; resumable through a results file.

        ``concurrency`` workers pull items from ``sources`` as they go (the iterable is read
        lazily, never all at once). Each item is retried with backoff on transient failures
        (429 honouring ``retry-after``, 5xx, network errors, timeouts, a cut stream) up to
        ``max_retries`` times; a 429 also pauses every worker. A failing item never stops the
        batch; an account-level error (401, 403, 404) does, since every later item would fail
        the same way: the items not attempted are counted in ``not_attempted``.

        With ``results_path``, one JSON line per finished item is appended as soon as it
        finishes (``id``, ``source``, ``status``, ``text``, ``audio_path``, ``usage``, ``cost``,
        ``error``, ...), and a rerun with the same file skips the items already done for the
        same target and modalities. Item ids are the mapping keys, else the URL or path as
        given, else a SHA-256 prefix of the bytes. The API key is never written.

        Args:
            sources: Inputs (URLs, paths, bytes, arrays), or a mapping of id to input.
            target_language: The language to translate into.
            source_language: The spoken language, or None to detect it.
            modalities: ``("text",)`` or ``("text", "audio")``.
            voice: The voice for translated speech.
            concurrency: Requests in flight at once.
            results_path: The JSON Lines results file to append to and resume from.
            audio_dir: Where translated speech goes (``<name>-<hash>.<target>.wav``); defaults to
                ``<results_path without suffix>.audio/``. Needed for speech output.
            requests_per_minute: Request starts allowed per minute (the service's default is
                100); None for no limit.
            format: The inputs' format when it cannot be recognised.
            sample_rate: The sample rate of numpy array inputs, in Hz.
            on_progress: Called after each item with the running counts.

        Returns:
            What was done, skipped, failed (and why), and the usage and cost of this run.

        Raises:
            ConfigurationError: Bad options, or speech output with nowhere to put the audio.
            UsageError: The translator is closed.
        """
        options = self._options(target_language, source_language, modalities, voice)
        check_int("concurrency", concurrency, 1)
        if requests_per_minute is not None:
            check_int("requests_per_minute", requests_per_minute, 1)
        results = Path(results_path) if results_path is not None else None
        audio = Path(audio_dir) if audio_dir is not None else None
        if audio is None and results is not None:
            audio = results.with_suffix(".audio")
        if options.speech and audio is None:
            raise ConfigurationError(
                "A batch with speech output needs somewhere to write it: pass audio_dir= or "
                "results_path=."
            )

        async def translate_one(src: Source) -> TranslationResult:
            return await self._translate(
                src, options, format=format, sample_rate=sample_rate, retries=0
            )

        return await run_batch(
            translate_one,
            sources,
            options=options,
            model=self._model,
            region=self._region,
            concurrency=concurrency,
            results_path=results,
            audio_dir=audio,
            requests_per_minute=requests_per_minute,
            max_retries=self._max_retries,
            backoff=self._backoff,
            on_progress=on_progress,
            sleep=lambda s: self._sleep(s),
            rand=lambda: self._rand(),
        )
