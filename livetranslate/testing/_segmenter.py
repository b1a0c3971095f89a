"""Streaming, energy-based speech segmentation of PCM16 audio, in audio time (private).

The emulator's stand-in for the service's VAD. Audio is cut into fixed frames (20 ms by default);
a frame is *voiced* when its RMS level is above a threshold (in dBFS). Speech starts once
``min_speech_ms`` of consecutive voiced frames have been seen (reported from the first of them) and
ends after ``silence_ms`` without a voiced frame (reported at the end of the last voiced frame).

Everything is measured in audio time (samples received), never wall time, so the same bytes always
give the same segments, however they are chunked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Segmenter", "SpeechEnded", "SpeechProgress", "SpeechStarted", "threshold_to_dbfs"]

DEFAULT_THRESHOLD_DBFS = -40.0


def threshold_to_dbfs(threshold: float) -> float:
    """Map a ``turn_detection.threshold`` in [-1, 1] to an energy threshold in dBFS.

    The service's default 0.2 maps to -40 dBFS; each 0.1 step moves the threshold by 2 dB, so a
    higher threshold needs louder speech (as the docs advise for noisy rooms).
    """
    return DEFAULT_THRESHOLD_DBFS + 20.0 * (threshold - 0.2)


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """Speech was confirmed; ``start_ms`` is where the first voiced frame began."""

    start_ms: int
    at_ms: int


@dataclass(frozen=True, slots=True)
class SpeechProgress:
    """One more voiced frame inside a segment; ``at_ms`` is the end of that frame."""

    start_ms: int
    at_ms: int


@dataclass(frozen=True, slots=True)
class SpeechEnded:
    """Speech ended at ``end_ms`` (end of the last voiced frame), detected at ``at_ms``."""

    start_ms: int
    end_ms: int
    at_ms: int


SegmenterEvent = SpeechStarted | SpeechProgress | SpeechEnded


class Segmenter:
    """Find speech segments in a stream of mono PCM16 little-endian audio.

    Args:
        sample_rate: Samples per second of the input.
        frame_ms: Analysis frame length.
        threshold_dbfs: A frame is voiced when its RMS level is above this.
        min_speech_ms: Voiced audio needed (consecutive frames) before speech is reported.
        silence_ms: Silence that ends a segment.
    """

    def __init__(
        self,
        sample_rate: int = 16000,
        *,
        frame_ms: int = 20,
        threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
        min_speech_ms: int = 100,
        silence_ms: int = 1000,
    ) -> None:
        self.frame_ms = frame_ms
        self.threshold_dbfs = threshold_dbfs
        self.min_speech_ms = min_speech_ms
        self.silence_ms = silence_ms
        self._rate = sample_rate
        self._pending = b""
        self._pos_ms = 0.0  # audio time at the end of the last analysed frame
        self._received_ms = 0.0  # audio time of everything received (pending bytes included)
        self._candidate_start: float | None = None
        self._candidate_frames = 0
        self._start: float | None = None
        self._last_voiced_end = 0.0

    @property
    def sample_rate(self) -> int:
        """Input sample rate; changing it drops a pending partial frame."""
        return self._rate

    @sample_rate.setter
    def sample_rate(self, value: int) -> None:
        if value != self._rate:
            self._pending = b""
            self._pos_ms = self._received_ms
            self._rate = value

    @property
    def position_ms(self) -> float:
        """Audio time of everything received so far."""
        return self._received_ms

    @property
    def in_speech(self) -> bool:
        """Whether a segment is open."""
        return self._start is not None

    @property
    def speech_start_ms(self) -> int | None:
        """Start of the open segment, if any."""
        return None if self._start is None else _ms(self._start)

    @property
    def last_voiced_end_ms(self) -> int:
        """End of the last voiced frame seen."""
        return _ms(self._last_voiced_end)

    def _frame_bytes(self) -> int:
        return max(2, self._rate * self.frame_ms // 1000 * 2)

    def feed(self, pcm: bytes) -> list[SegmenterEvent]:
        """Analyse more audio; return what happened in it, in audio order."""
        if not pcm:
            return []
        self._received_ms += len(pcm) / 2 / self._rate * 1000.0
        data = self._pending + pcm
        size = self._frame_bytes()
        whole = len(data) - len(data) % size
        self._pending = data[whole:]
        if not whole:
            return []
        samples = np.frombuffer(data[:whole], dtype="<i2").astype(np.float64)
        frames = samples.reshape(-1, size // 2)
        levels = _dbfs(frames)
        out: list[SegmenterEvent] = []
        for level in levels.tolist():
            self._frame(float(level), size // 2, out)
        return out

    def flush(self) -> list[SegmenterEvent]:
        """End of input: analyse a trailing partial frame and close an open segment."""
        out: list[SegmenterEvent] = []
        if self._pending:
            samples = np.frombuffer(self._pending, dtype="<i2").astype(np.float64)
            self._pending = b""
            self._frame(float(_dbfs(samples.reshape(1, -1))[0]), samples.size, out)
        out.extend(self.close())
        return out

    def close(self) -> list[SegmenterEvent]:
        """Close an open segment now (at the end of its last voiced frame); drop a candidate."""
        self._candidate_start = None
        self._candidate_frames = 0
        if self._start is None:
            return []
        start, self._start = self._start, None
        return [SpeechEnded(_ms(start), _ms(self._last_voiced_end), _ms(self._pos_ms))]

    def reset(self) -> None:
        """Forget any candidate or open segment and a pending partial frame; keep the clock."""
        self._pending = b""
        self._pos_ms = self._received_ms
        self._candidate_start = None
        self._candidate_frames = 0
        self._start = None

    def skip(self, nbytes: int) -> None:
        """Let ``nbytes`` of audio pass without analysis (manual mode): only the clock moves."""
        self.reset()
        self._received_ms += nbytes / 2 / self._rate * 1000.0
        self._pos_ms = self._received_ms

    def _frame(self, level: float, nsamples: int, out: list[SegmenterEvent]) -> None:
        begin = self._pos_ms
        self._pos_ms += nsamples / self._rate * 1000.0
        voiced = level > self.threshold_dbfs
        if self._start is not None:
            if voiced:
                self._last_voiced_end = self._pos_ms
                out.append(SpeechProgress(_ms(self._start), _ms(self._pos_ms)))
            elif self._pos_ms - self._last_voiced_end >= self.silence_ms - 1e-6:
                start, self._start = self._start, None
                out.append(SpeechEnded(_ms(start), _ms(self._last_voiced_end), _ms(self._pos_ms)))
            return
        if not voiced:
            self._candidate_start = None
            self._candidate_frames = 0
            return
        if self._candidate_start is None:
            self._candidate_start = begin
        self._candidate_frames += 1
        self._last_voiced_end = self._pos_ms
        if self._pos_ms - self._candidate_start >= self.min_speech_ms - 1e-6:
            self._start = self._candidate_start
            self._candidate_start = None
            self._candidate_frames = 0
            out.append(SpeechStarted(_ms(self._start), _ms(self._pos_ms)))


def _dbfs(frames: NDArray[np.float64]) -> NDArray[np.float64]:
    rms: NDArray[np.float64] = np.sqrt(np.mean(frames * frames, axis=1))
    levels: NDArray[np.float64] = 20.0 * np.log10(np.maximum(rms, 1e-9) / 32768.0)
    return levels


def _ms(value: float) -> int:
    return math.floor(value + 0.5)
