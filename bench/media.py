"""Audio conversion speed, in multiples of real time, next to the bare library calls.

A 10-minute 48 kHz stereo WAV is converted to 16 kHz mono PCM16 (what the realtime models take):
from the file, from memory, and chunk by chunk as a live stream. Each row is paired with the
floor: the same work done by calling soundfile/soxr directly. scipy's polyphase resampler, the
usual alternative, is timed and its quality measured when scipy is installed.

Run: python bench/media.py  (best of 3 runs per row; about 15 s)
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import soundfile
import soxr

from livetranslate import media

SECONDS = 600
RATE = 48000
RUNS = 3


def best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def make_file(folder: Path) -> tuple[Path, np.ndarray]:
    rng = np.random.default_rng(0)
    t = np.arange(SECONDS * RATE) / RATE
    mono = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(t.size)
    stereo = np.stack([mono, mono * 0.8], axis=1).astype(np.float32)
    path = folder / "ten_minutes_48k_stereo.wav"
    soundfile.write(path, stereo, RATE, subtype="PCM_16")
    return path, soundfile.read(path, dtype="float32")[0]


def bare_file(path: Path) -> np.ndarray:
    data = soundfile.read(path, dtype="float32")[0]
    return bare_array(data)


def to_int16(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.clip(np.rint(x * 32768), -32768, 32767).astype("<i2")
    return out


def bare_array(stereo: np.ndarray) -> np.ndarray:
    mono = (stereo[:, 0] + stereo[:, 1]) * np.float32(0.5)
    return to_int16(soxr.resample(mono, RATE, 16000, quality="HQ"))


def bare_stream(stereo: np.ndarray) -> None:
    stream = soxr.ResampleStream(RATE, 16000, 1, dtype="float32", quality="HQ")
    for start in range(0, len(stereo), 4800):
        block = stereo[start : start + 4800]
        to_int16(stream.resample_chunk((block[:, 0] + block[:, 1]) * np.float32(0.5)))
    stream.resample_chunk(np.zeros(0, np.float32), last=True)


def sdk_stream(stereo: np.ndarray) -> None:
    converter = media.AudioConverter(RATE)
    for start in range(0, len(stereo), 4800):  # 100 ms chunks, as from a 48 kHz device
        converter.convert(stereo[start : start + 4800])
    converter.flush()


def snr(src: int, dst: int, resample: Callable[[np.ndarray, int, int], np.ndarray]) -> float:
    freqs = [220.0, 1000.0, 3100.0]

    def tones(rate: int, n: int) -> np.ndarray:
        t = np.arange(n) / rate
        out = np.zeros(n)
        for i, f in enumerate(freqs):
            out += 0.2 * np.sin(2 * np.pi * f * t + i)
        return out

    y = resample(tones(src, 2 * src).astype(np.float32), src, dst).astype(np.float64)
    ref, edge = tones(dst, len(y)), len(y) // 10
    err = ref[edge:-edge] - y[edge:-edge]
    return float(10 * np.log10(np.sum(ref[edge:-edge] ** 2) / np.sum(err**2)))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path, stereo = make_file(Path(folder))
        mono = (stereo[:, 0] + stereo[:, 1]) * np.float32(0.5)
        rows = [
            ("file -> 16 kHz PCM16", "media.load_audio", lambda: media.load_audio(path),
             "soundfile.read + soxr.resample", lambda: bare_file(path)),
            ("array -> 16 kHz PCM16", "media.convert_audio",
             lambda: media.convert_audio(stereo, sample_rate=RATE),
             "downmix + soxr.resample + int16", lambda: bare_array(stereo)),
            ("100 ms chunks (live)", "media.AudioConverter", lambda: sdk_stream(stereo),
             "soxr.ResampleStream + int16", lambda: bare_stream(stereo)),
        ]  # fmt: skip
        print(f"{SECONDS // 60}-minute {RATE // 1000} kHz stereo -> 16 kHz mono PCM16 "
              f"(x real time; best of {RUNS})\n")  # fmt: skip
        print(f"| {'task':<22} | {'livetranslate':<22} | {'x RT':>6} | "
              f"{'bare library':<31} | {'x RT':>6} | ratio |")  # fmt: skip
        print(f"|{'-' * 24}|{'-' * 24}|{'-' * 8}|{'-' * 33}|{'-' * 8}|-------|")
        for task, sdk_name, sdk, bare_name, bare in rows:
            sdk_s, bare_s = best(sdk), best(bare)
            print(f"| {task:<22} | {sdk_name:<22} | {SECONDS / sdk_s:>6.0f} | {bare_name:<31} | "
                  f"{SECONDS / bare_s:>6.0f} | {sdk_s / bare_s:>5.2f} |")  # fmt: skip
        try:
            from scipy import signal  # type: ignore[import-untyped]  # optional comparison
        except ImportError:
            print("\n(scipy not installed: no comparison with resample_poly)")
            return

        def poly(x: np.ndarray, src: int, dst: int) -> np.ndarray:
            g = np.gcd(src, dst)
            return np.asarray(signal.resample_poly(x, dst // g, src // g))

        def sox(x: np.ndarray, src: int, dst: int) -> np.ndarray:
            return np.asarray(soxr.resample(x, src, dst, quality="HQ"))

        print("\nresampler choice: speed on the same array, and SNR (dB) of 220/1000/3100 Hz "
              "tones against the exact signal")  # fmt: skip
        print("| resampler | x RT 48k->16k | x RT 44.1k->16k | SNR 48k->16k | SNR 44.1k->16k |")
        print("|---|---|---|---|---|")
        mono44 = soxr.resample(mono, RATE, 44100)
        resamplers: list[tuple[str, Callable[[np.ndarray, int, int], np.ndarray]]] = [
            ("soxr HQ", sox),
            ("scipy resample_poly", poly),
        ]
        for name, fn in resamplers:
            fast = SECONDS / best(partial(fn, mono, RATE, 16000))
            slow = SECONDS / best(partial(fn, mono44, 44100, 16000))
            print(f"| {name} | {fast:.0f} | {slow:.0f} | {snr(48000, 16000, fn):.0f} | "
                  f"{snr(44100, 16000, fn):.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
