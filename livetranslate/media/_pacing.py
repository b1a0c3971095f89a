"""Chunking and real-time pacing of PCM16 (re-exported by ``livetranslate.media``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from livetranslate.exceptions import AudioError, ConfigurationError

__all__ = ["chunk_bytes", "chunk_pcm", "pace"]


def chunk_bytes(sample_rate: int, chunk_ms: int) -> int:
    """Return the byte size of ``chunk_ms`` of PCM16 mono at ``sample_rate`` (whole samples).

    Args:
        sample_rate: Samples per second.
        chunk_ms: Milliseconds per chunk.

    Returns:
        The chunk size in bytes (at least one sample): 3200 for 100 ms at 16 kHz.

    Raises:
        ConfigurationError: A value is not a positive int.
    """
    values: tuple[tuple[str, object], ...] = (("sample_rate", sample_rate), ("chunk_ms", chunk_ms))
    for name, value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigurationError(f"{name} must be a positive int, got {value!r}.")
    return max(1, sample_rate * chunk_ms // 1000) * 2


def chunk_pcm(pcm: bytes, *, sample_rate: int = 16000, chunk_ms: int = 100) -> Iterator[bytes]:
    """Split PCM16 mono into ``chunk_ms`` pieces; the last one may be shorter.

    Joining the pieces gives back ``pcm`` exactly.

    Args:
        pcm: PCM16 little-endian mono bytes.
        sample_rate: Their rate in Hz.
        chunk_ms: Milliseconds per piece (100 is the service's advice).

    Yields:
        Pieces of ``chunk_bytes(sample_rate, chunk_ms)`` bytes.

    Raises:
        AudioError: ``pcm`` has an odd byte count.
        ConfigurationError: A value is not a positive int.
    """
    size = chunk_bytes(sample_rate, chunk_ms)
    if len(pcm) % 2:
        raise AudioError(f"PCM16 audio needs whole 2-byte samples, got {len(pcm)} bytes.")
    view = memoryview(pcm)
    for start in range(0, len(pcm), size):
        yield bytes(view[start : start + size])


async def _items(source: AsyncIterable[bytes] | Iterable[bytes]) -> AsyncIterator[bytes]:
    if isinstance(source, AsyncIterable):
        async for item in source:
            yield item
    else:
        for item in source:
            yield item


async def pace(
    chunks: AsyncIterable[bytes] | Iterable[bytes],
    *,
    sample_rate: int = 16000,
    chunk_ms: int = 100,
    fill_silence: bool = False,
) -> AsyncIterator[bytes]:
    """Re-chunk PCM16 and release each chunk when it is due in real time.

    Chunk *k* is released at ``start + k * chunk_ms`` on the event loop's monotonic clock
    (absolute deadlines: a slow consumer never causes drift), where ``start`` is when the first
    audio arrived. Pieces of any length (even split samples) are re-joined.

    With ``fill_silence=True``, a source that falls behind (a network feed or a synthesizer
    with gaps) does not stall the stream: at each deadline without a full chunk, the audio
    already buffered is released padded with silence to a whole chunk (or a chunk of pure
    silence). The service then keeps hearing a continuous stream, as it expects, and its voice
    activity detection sees the pause. Nothing is dropped: late audio follows the silence.

    Args:
        chunks: PCM16 mono pieces, sync or async.
        sample_rate: Their rate in Hz.
        chunk_ms: Milliseconds per released chunk.
        fill_silence: Fill gaps in the source with silence instead of waiting.

    Yields:
        PCM16 chunks of ``chunk_ms`` (the last one may be shorter), each at its deadline.

    Raises:
        AudioError: The source ended with half a sample.
        ConfigurationError: A value is not a positive int.
    """
    size = chunk_bytes(sample_rate, chunk_ms)
    loop = asyncio.get_running_loop()
    source = _items(chunks)
    buffer = bytearray()
    pending: asyncio.Task[bytes | None] | None = None
    start: float | None = None
    sent = 0
    done = False

    async def pull() -> bytes | None:
        return await anext(source, None)

    try:
        while True:
            while len(buffer) < size and not done:
                if pending is None:
                    pending = asyncio.ensure_future(pull())
                if fill_silence and start is not None:
                    deadline = start + sent / (2 * sample_rate)
                    ready, _ = await asyncio.wait(
                        {pending}, timeout=max(0.0, deadline - loop.time())
                    )
                    if not ready:
                        break  # the source missed the deadline
                piece = await pending
                pending = None
                if piece is None:
                    done = True
                else:
                    buffer += piece
            if len(buffer) >= size:
                chunk = bytes(buffer[:size])
                del buffer[:size]
            elif not done:  # a gap: what is buffered (whole samples), padded with silence
                take = len(buffer) - len(buffer) % 2
                chunk = bytes(buffer[:take]).ljust(size, b"\x00")
                del buffer[:take]
            elif buffer:
                if len(buffer) % 2:
                    raise AudioError("The audio ended with half a sample (an odd number of bytes).")
                chunk = bytes(buffer)
                buffer.clear()
            else:
                return
            if start is None:
                start = loop.time()
            delay = start + sent / (2 * sample_rate) - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            yield chunk
            sent += len(chunk)
    finally:
        if pending is not None:
            pending.cancel()
            await asyncio.wait({pending})
            if not pending.cancelled():
                pending.exception()  # retrieved: the source's own error is not ours to log
