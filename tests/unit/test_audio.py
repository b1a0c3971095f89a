"""livetranslate.media audio: quality, files in every format, streaming, pacing, devices, output."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from numpy.typing import NDArray

from livetranslate import media
from livetranslate.exceptions import AudioError, ConfigurationError, MediaError
from tests.conftest import MS
from tests.media_factory import make_m4a, sample_pcm, tones

# ------------------------------------------------------------------------- resampling quality

RATE_PAIRS = [
    (48000, 16000),
    (44100, 16000),
    (22050, 16000),
    (96000, 16000),
    (24000, 16000),
    (11025, 16000),
    (8000, 16000),
    (16000, 8000),
    (48000, 8000),
]


def snr_db(reference: NDArray[Any], actual: NDArray[Any]) -> float:
    """Signal-to-noise ratio of ``actual`` against ``reference``, away from the edges."""
    edge = len(reference) // 10
    ref, act = reference[edge:-edge], actual[edge:-edge]
    return float(10 * np.log10(np.sum(ref**2) / np.sum((ref - act) ** 2)))


@pytest.mark.parametrize(("src", "dst"), RATE_PAIRS, ids=lambda r: str(r))
def test_resampling_snr_against_the_exact_signal(src: int, dst: int) -> None:
    """The reference is exact: the same sines evaluated at the output's sample times.

    Speech-band tones (up to 3.1 kHz) must come through at 100 dB SNR or better; a tone at 80%
    of the output's Nyquist frequency (the edge of the passband) at 60 dB or better.
    """
    seconds = 2
    speech = [220.0, 1000.0, 3100.0] if dst > 6400 else [220.0, 1000.0, 2900.0]
    x = tones(src, src * seconds, speech).astype(np.float32)
    y = media.resample(x, src, dst)
    assert abs(len(y) - src * seconds * dst / src) <= 1
    assert snr_db(tones(dst, len(y), speech), y.astype(np.float64)) >= 100.0

    edge = [0.8 * min(src, dst) / 2]
    x = tones(src, src * seconds, edge).astype(np.float32)
    y = media.resample(x, src, dst)
    assert snr_db(tones(dst, len(y), edge), y.astype(np.float64)) >= 60.0


@pytest.mark.parametrize("alias_hz", [9000.0, 12000.0, 20000.0])
def test_anti_aliasing_removes_what_the_output_cannot_hold(alias_hz: float) -> None:
    x = tones(48000, 96000, [alias_hz], amplitude=0.5).astype(np.float32)
    rms_in = 0.5 / np.sqrt(2)
    y = media.resample(x, 48000, 16000)[1000:-1000]
    attenuation = 20 * np.log10(np.sqrt(np.mean(y.astype(np.float64) ** 2)) / rms_in)
    assert attenuation <= -100.0
    naive = x[::3][1000:-1000]  # control: plain decimation folds the tone into the band
    assert 20 * np.log10(np.sqrt(np.mean(naive.astype(np.float64) ** 2)) / rms_in) > -3.0


def test_end_to_end_pcm16_snr_is_near_the_int16_floor() -> None:
    """48 kHz stereo float in, 16 kHz mono int16 out: limited by 16-bit quantisation only."""
    freqs = [300.0, 1200.0, 2500.0]
    mono = tones(48000, 96000, freqs, amplitude=0.25)
    stereo = np.stack([mono * 0.9, mono * 1.1], axis=1).astype(np.float32)
    out = media.convert_audio(stereo, sample_rate=48000)
    assert out.dtype == np.int16
    assert snr_db(tones(16000, len(out), freqs, amplitude=0.25) * 32768, out.astype(float)) >= 85


# ------------------------------------------------------------------------------- conversion


def test_mono_int16_at_the_target_rate_passes_through_bit_for_bit() -> None:
    pcm = sample_pcm()
    assert np.array_equal(media.convert_audio(pcm, sample_rate=16000), pcm)
    assert np.array_equal(media.convert_audio(pcm.astype(">i2"), sample_rate=16000), pcm)
    assert np.array_equal(media.convert_audio(pcm.tobytes(), sample_rate=16000), pcm)
    assert np.array_equal(media.convert_audio(pcm.reshape(-1, 1), sample_rate=16000), pcm)


@pytest.mark.parametrize(
    ("dtype", "scale", "offset"),
    [
        (np.int8, 128, 0),
        (np.uint8, 128, 128),
        (np.int16, 32768, 0),
        (np.int32, 2**31, 0),
        (np.uint16, 32768, 32768),
        (np.float16, 1, 0),
        (np.float32, 1, 0),
        (np.float64, 1, 0),
    ],
)
def test_any_dtype_converts_to_the_same_pcm(dtype: Any, scale: int, offset: int) -> None:
    x = tones(16000, 1600, [440.0], amplitude=0.5)
    array = np.rint(x * (scale - 1) + offset).astype(dtype) if scale > 1 else x.astype(dtype)
    out = media.convert_audio(array, sample_rate=16000).astype(int)
    expected = np.rint(x * 32768).astype(int)
    assert np.max(np.abs(out - expected)) <= (32768 // scale) + 16  # the dtype's own precision


def test_channels_are_averaged() -> None:
    left = np.full(160, 1000, dtype=np.int16)
    right = np.full(160, -200, dtype=np.int16)
    out = media.convert_audio(np.stack([left, right], axis=1), sample_rate=16000)
    assert out.tolist() == [400] * 160
    six = np.tile(np.arange(6, dtype=np.int16) * 100, (80, 1))  # 5.1 surround
    assert media.convert_audio(six, sample_rate=16000).tolist() == [250] * 80


@pytest.mark.parametrize(
    ("audio", "match"),
    [
        (np.array([0.1, np.nan], dtype=np.float32), "NaN"),
        (np.array([0.1, -np.inf]), "NaN or infinite"),
        (np.array([1000.0, -2000.0], dtype=np.float32), "divide by 32768"),
        (np.zeros(4, dtype=np.complex64), "dtype complex64"),
        (np.zeros(4, dtype=bool), "dtype bool"),
        (np.zeros((2, 48000), dtype=np.int16), r"array\.T"),
        (np.zeros((4, 2, 2), dtype=np.int16), "shape"),
        (b"\x00\x01\x02", "whole 2-byte samples"),
        ([1, 2, 3], "not list"),
    ],
)
def test_bad_audio_is_rejected_with_a_fix(audio: Any, match: str) -> None:
    with pytest.raises(AudioError, match=match):
        media.convert_audio(audio, sample_rate=48000)


def test_floats_slightly_over_full_scale_are_clipped() -> None:
    out = media.convert_audio(np.array([1.5, -1.9, 1.0], dtype=np.float32), sample_rate=16000)
    assert out.tolist() == [32767, -32768, 32767]


@pytest.mark.parametrize("rate", [0, 999, 800_000, 16000.0, True, "16000"])
def test_bad_rates(rate: Any) -> None:
    with pytest.raises(ConfigurationError, match="sample_rate"):
        media.convert_audio(np.zeros(4, np.int16), sample_rate=rate)
    with pytest.raises(ConfigurationError):
        media.AudioConverter(rate)


@pytest.mark.parametrize(("src", "dst"), [(48000, 16000), (44100, 16000), (8000, 16000)])
def test_streaming_conversion_equals_one_shot(src: int, dst: int) -> None:
    rng = np.random.default_rng(src)
    x = (tones(src, src * 2, [180.0, 950.0, 3000.0]) + rng.normal(0, 0.01, src * 2)).astype(
        np.float32
    )
    stereo = np.stack([x, x * 0.5], axis=1)
    one_shot = media.convert_audio(stereo, sample_rate=src, target_rate=dst)
    converter = media.AudioConverter(src, target_rate=dst)
    cuts = np.sort(rng.integers(0, len(x), 40))
    pieces = [converter.convert(part) for part in np.split(stereo, cuts)]
    pieces.append(converter.flush())
    streamed = np.frombuffer(b"".join(pieces), dtype="<i2")
    assert len(streamed) == len(one_shot)
    assert np.max(np.abs(streamed.astype(int) - one_shot.astype(int))) <= 1


def test_converter_rejoins_split_samples_and_flags_a_trailing_half() -> None:
    pcm = (np.arange(4800, dtype=np.int16) - 2400).tobytes()
    converter = media.AudioConverter(48000)
    out = b"".join(converter.convert(pcm[i : i + 333]) for i in range(0, len(pcm), 333))
    out += converter.flush()
    assert out == media.convert_audio(pcm, sample_rate=48000).tobytes()
    converter.convert(b"\x01\x02\x03")
    with pytest.raises(AudioError, match="half a sample"):
        converter.flush()
    assert converter.flush() == b""  # reset after the error
    same = media.AudioConverter(16000)
    assert same.convert(pcm[:7]) + same.convert(pcm[7:]) == pcm  # pass-through, split-safe


# -------------------------------------------------------------------------------- files

# (format, subtype, suffix, rates): every format the issue names, at the rates each allows
FORMATS = [
    ("WAV", "PCM_16", "wav", [8000, 16000, 22050, 44100, 48000]),
    ("WAV", "FLOAT", "wav", [16000, 48000]),
    ("FLAC", "PCM_24", "flac", [8000, 16000, 44100, 48000]),
    ("OGG", "VORBIS", "ogg", [16000, 22050, 44100, 48000]),
    ("OGG", "OPUS", "opus", [8000, 16000, 48000]),
    ("MP3", "MPEG_LAYER_III", "mp3", [8000, 16000, 22050, 44100, 48000]),
]
CASES = [
    (fmt, subtype, suffix, rate, channels)
    for fmt, subtype, suffix, rates in FORMATS
    for rate in rates
    for channels in (1, 2)
]


@pytest.mark.parametrize(
    ("fmt", "subtype", "suffix", "rate", "channels"),
    CASES,
    ids=[f"{c[2]}-{c[1]}-{c[3]}-{c[4]}ch" for c in CASES],
)
def test_every_format_and_rate_round_trips_to_the_expected_duration(
    tmp_path: Path, fmt: str, subtype: str, suffix: str, rate: int, channels: int
) -> None:
    frames = int(rate * 0.75) + 7
    x = tones(rate, frames, [440.0], amplitude=0.3).astype(np.float32)
    data = np.stack([x] * channels, axis=1) if channels == 2 else x
    path = tmp_path / f"in.{suffix}"
    soundfile.write(path, data, rate, format=fmt, subtype=subtype)

    info = media.probe_audio(path)
    assert (info.sample_rate, info.channels, info.frames) == (rate, channels, frames)
    assert info.name == path.name
    out = media.load_audio(path)
    assert out.dtype == np.int16
    assert abs(len(out) - frames * 16000 / rate) <= 1
    if fmt in ("WAV", "FLAC"):  # lossless: the content is the one-shot conversion of the data
        expected = media.convert_audio(soundfile.read(path, dtype="float32")[0], sample_rate=rate)
        assert np.max(np.abs(out.astype(int) - expected.astype(int))) <= 1
    else:  # lossy: still the same tone, at about the same level
        rms = np.sqrt(np.mean(out[len(out) // 4 : -len(out) // 4].astype(float) ** 2))
        assert 0.25 < rms / (0.3 * 32768 / np.sqrt(2)) < 1.5


def test_load_audio_keeps_16k_mono_bit_exact_and_8k_works(tmp_path: Path) -> None:
    pcm = sample_pcm()
    path = tmp_path / "speech.wav"
    soundfile.write(path, pcm, 16000, subtype="PCM_16")
    assert np.array_equal(media.load_audio(path), pcm)
    narrow = media.load_audio(path, target_rate=8000)
    assert abs(len(narrow) - len(pcm) / 2) <= 1


def test_iter_audio_blocks_join_to_load_audio(tmp_path: Path) -> None:
    x = tones(44100, 44100 * 3, [300.0, 2000.0]).astype(np.float32)
    path = tmp_path / "long.flac"
    soundfile.write(path, np.stack([x, -x * 0.5], axis=1), 44100, subtype="PCM_16")
    blocks = list(media.iter_audio(path, block_seconds=0.37))
    assert len(blocks) > 5
    assert b"".join(blocks) == media.load_audio(path).tobytes()


def _first(iterator: Iterator[bytes]) -> bytes:
    return next(iterator)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda p: None, AudioError, "No such audio file"),
        (lambda p: p.mkdir(), AudioError, "is a folder"),
        (lambda p: soundfile.write(p, np.zeros(0, np.int16), 16000), AudioError, "no audio"),
        (
            lambda p: soundfile.write(p, np.array([0.1, np.nan] * 800), 16000, subtype="FLOAT"),
            AudioError,
            "NaN",
        ),
        (
            lambda p: soundfile.write(p, np.array([0.1, 3.0] * 800), 16000, subtype="DOUBLE"),
            AudioError,
            "divide by 32768",
        ),
        (lambda p: p.write_bytes(b"RIFF\x00\x00junk" * 20), MediaError, "Cannot decode in.wav"),
    ],
    ids=["missing", "folder", "empty", "nan", "unnormalised", "garbage"],
)
def test_bad_files_fail_before_the_first_block(
    tmp_path: Path, make: Any, error: type[Exception], match: str
) -> None:
    path = tmp_path / "in.wav"
    make(path)
    with pytest.raises(error, match=match):
        _first(media.iter_audio(path))
    with pytest.raises(error, match=match):
        media.load_audio(path)


def test_aac_m4a_goes_through_ffmpeg(tmp_path: Path) -> None:
    pytest.importorskip("av")
    x = tones(44100, 44100 * 2, [500.0], amplitude=0.3).astype(np.float32)
    path = make_m4a(tmp_path / "voice.m4a", np.stack([x, x], axis=1))
    info = media.probe_audio(path)
    assert (info.sample_rate, info.channels, info.codec) == (44100, 2, "aac")
    assert abs(info.frames - 88200) <= 1
    out = media.load_audio(path)
    assert abs(len(out) - 32000) <= 1


def test_missing_video_extra_names_the_pip_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "voice.m4a"
    path.write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(100))
    monkeypatch.setitem(sys.modules, "av", None)  # import av now raises ImportError
    with pytest.raises(MediaError, match=r"pip install 'livetranslate\[video\]'"):
        media.load_audio(path)


# ------------------------------------------------------------------------ chunking, pacing


def test_chunk_pcm() -> None:
    pcm = bytes(range(256)) * 30  # 7680 bytes
    chunks = list(media.chunk_pcm(pcm))
    assert [len(c) for c in chunks] == [3200, 3200, 1280]
    assert b"".join(chunks) == pcm
    assert media.chunk_bytes(8000, 100) == 1600
    with pytest.raises(AudioError, match="whole 2-byte"):
        list(media.chunk_pcm(b"\x00"))
    with pytest.raises(ConfigurationError, match="chunk_ms"):
        media.chunk_bytes(16000, 0)


async def test_pace_releases_each_chunk_at_its_deadline() -> None:
    loop = asyncio.get_running_loop()
    pcm = bytes(16000 * 2 // 10)  # 100 ms at 16 kHz, sent as 10 ms chunks
    times: list[float] = []
    out = []
    async for chunk in media.pace([pcm[:777], pcm[777:]], sample_rate=16000, chunk_ms=10):
        times.append(loop.time())
        out.append(chunk)
    assert b"".join(out) == pcm
    assert [len(c) for c in out] == [320] * 10
    for k, at in enumerate(times):  # never early; tolerance for the clock's resolution
        assert at >= times[0] + k * 0.010 - 2 * MS


async def test_pace_fills_gaps_with_silence_only_when_asked() -> None:
    speech = (np.arange(1, 481, dtype=np.int16)).tobytes()  # 30 ms of non-zero samples
    resume = asyncio.Event()

    async def source() -> AsyncIterator[bytes]:
        yield speech[:480]  # 15 ms: one full 10 ms chunk and half of the next
        await resume.wait()  # the source stalls until the consumer has seen the gap filled
        yield speech[480:]

    out: list[bytes] = []
    async for chunk in media.pace(source(), sample_rate=16000, chunk_ms=10, fill_silence=True):
        out.append(chunk)
        if len(out) == 3:
            resume.set()
    joined = b"".join(out)
    assert out[0] == speech[:320]
    assert out[1] == speech[320:480] + bytes(160)  # buffered audio, padded: nothing waits
    assert out[2] == bytes(320)  # a pure-silence chunk while the source is stalled
    samples = np.frombuffer(joined, dtype="<i2")
    assert samples[samples != 0].tobytes() == speech  # every sample, in order, once
    assert all(len(c) == 320 for c in out[:-1])


async def test_pace_reports_a_trailing_half_sample() -> None:
    with pytest.raises(AudioError, match="half a sample"):
        async for _ in media.pace([b"\x00\x00\x00"], sample_rate=16000, chunk_ms=10):
            pass


# ---------------------------------------------------------------------------------- output


def test_audio_collector_and_wav_files(tmp_path: Path) -> None:
    speech = media.AudioCollector()
    one = np.full(2400, 1000, dtype=np.int16).tobytes()  # 100 ms at 24 kHz
    speech.add(one)
    speech.add(one, gap=0.05)
    speech.add(one, at=1.0)
    speech.add(one, at=0.0)  # earlier than the end: appended, never overwritten
    speech.add(b"")
    assert len(speech) == 2400 * 4 + 1200 + (24000 - 2400 * 2 - 1200)
    assert speech.seconds == pytest.approx(len(speech) / 24000)
    array = speech.to_array()
    assert array[2400:3600].tolist() == [0] * 1200
    path = tmp_path / "out.wav"
    speech.write_wav(path)
    data, rate = soundfile.read(path, dtype="int16")
    assert rate == 24000
    assert np.array_equal(data, array)
    assert speech.to_bytes() == array.tobytes()
    with pytest.raises(AudioError, match="whole 2-byte"):
        speech.add(b"\x00")
    with pytest.raises(ConfigurationError, match="at must be"):
        speech.add(one, at=-1.0)
    with pytest.raises(AudioError, match="Cannot write"):
        media.write_wav(tmp_path / "missing" / "x.wav", one)
    wav = media.encode_wav(np.zeros((480, 2), dtype=np.float32), sample_rate=48000)
    assert soundfile.info(__import__("io").BytesIO(wav)).samplerate == 48000


# ------------------------------------------------------------------------------- uploads


def test_prepare_upload_passes_service_formats_and_converts_the_rest(tmp_path: Path) -> None:
    x = tones(48000, 48000, [440.0]).astype(np.float32)
    stereo = np.stack([x, x], axis=1)
    mp3 = tmp_path / "a.mp3"
    soundfile.write(mp3, stereo, 48000, format="MP3")
    up = media.prepare_upload(mp3)
    assert (up.format, up.converted, up.data) == ("mp3", False, mp3.read_bytes())
    assert up.duration_seconds == pytest.approx(1.0)
    wav48 = tmp_path / "b.wav"
    soundfile.write(wav48, stereo, 48000, subtype="PCM_16")
    assert media.prepare_upload(wav48).data == wav48.read_bytes()  # 48 kHz stereo: accepted
    wav96 = tmp_path / "c.wav"
    soundfile.write(wav96, np.repeat(stereo, 2, axis=0), 96000, subtype="FLOAT")
    up = media.prepare_upload(wav96)
    assert (up.format, up.converted) == ("wav", True)
    info = soundfile.info(__import__("io").BytesIO(up.data))
    assert (info.samplerate, info.channels, info.frames) == (16000, 1, 16000)
    arr = media.prepare_upload(stereo, sample_rate=48000)
    assert soundfile.info(__import__("io").BytesIO(arr.data)).samplerate == 48000
    with pytest.raises(AudioError, match="sample_rate=48000"):
        media.prepare_upload(stereo)
    with pytest.raises(AudioError, match="empty"):
        media.prepare_upload(np.zeros(0, np.int16), sample_rate=16000)


# -------------------------------------------------------------------------- microphone


class FakeStream:
    def __init__(self, callback: Any, **options: Any) -> None:
        self.callback = callback
        self.options = options
        self.started = self.stopped = self.closed = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def close(self) -> None:
        self.closed = True


class FakeSoundDevice:
    """The seam: what Microphone and Speaker use of sounddevice."""

    def __init__(self, rate: int = 48000) -> None:
        self.rate = rate
        self.streams: list[FakeStream] = []

    def query_devices(self, device: int | str | None, kind: str) -> dict[str, object]:
        return {"name": "fake", "default_samplerate": float(self.rate)}

    def InputStream(self, **options: Any) -> FakeStream:
        stream = FakeStream(**options)
        self.streams.append(stream)
        return stream

    def OutputStream(self, **options: Any) -> FakeStream:
        return self.InputStream(**options)


async def test_microphone_converts_48k_stereo_and_ends_after_stop() -> None:
    backend = FakeSoundDevice(48000)
    x = tones(48000, 48000, [440.0, 1700.0], amplitude=0.3).astype(np.float32)
    stereo = np.stack([x, x], axis=1)
    async with media.Microphone(channels=2, backend=backend) as mic:
        stream = backend.streams[0]
        assert stream.started
        assert stream.options["samplerate"] == 48000
        assert stream.options["channels"] == 2
        assert stream.options["blocksize"] == 4800

        def feed() -> None:  # PortAudio's thread
            for start in range(0, len(stereo), 4800):
                stream.callback(stereo[start : start + 4800], 4800, None, None)

        await asyncio.to_thread(feed)
        received = [await anext(aiter(mic))]
        mic.stop()  # the iterator still yields everything recorded before the stop
        received += [chunk async for chunk in mic]
        assert stream.stopped
        assert stream.closed
    pcm = b"".join(received)
    assert all(len(c) == 3200 for c in received[:-1])
    assert pcm == media.convert_audio(stereo, sample_rate=48000).tobytes()  # nothing lost


async def test_microphone_reports_a_consumer_that_falls_behind() -> None:
    backend = FakeSoundDevice(16000)
    async with media.Microphone(backend=backend, max_buffered_seconds=0.5) as mic:
        block = np.zeros((1600, 1), dtype=np.float32)
        for _ in range(7):
            backend.streams[0].callback(block, 1600, None, None)
        await asyncio.sleep(0)  # call_soon_threadsafe delivers on the next loop turn
        with pytest.raises(AudioError, match=r"fell more than 0\.5 s behind"):
            async for _ in mic:
                pass


async def test_speaker_plays_queued_audio_then_silence() -> None:
    backend = FakeSoundDevice()
    async with media.Speaker(backend=backend) as speaker:
        stream = backend.streams[0]
        assert (stream.options["samplerate"], stream.options["dtype"]) == (24000, "int16")
        speaker.play(np.arange(1, 301, dtype=np.int16).tobytes())
        out = np.ones((200, 1), dtype=np.int16)
        stream.callback(out, 200, None, None)
        assert out[:, 0].tolist() == list(range(1, 201))
        stream.callback(out, 200, None, None)
        assert out[:, 0].tolist() == list(range(201, 301)) + [0] * 100
        async with asyncio.timeout(1):
            await speaker.drain()
        assert speaker.played_seconds == pytest.approx(300 / 24000)
        with pytest.raises(AudioError):
            speaker.play(b"\x00")
    assert stream.closed


async def test_missing_mic_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(MediaError, match=r"pip install 'livetranslate\[mic\]'"):
        async with media.Microphone():
            pass
    with pytest.raises(MediaError, match=r"pip install 'livetranslate\[mic\]'"):
        async with media.Speaker():
            pass


async def test_device_errors_become_media_errors() -> None:
    class Broken(FakeSoundDevice):
        def InputStream(self, **options: Any) -> FakeStream:
            raise OSError("Invalid sample rate")

    with pytest.raises(MediaError, match=r"Cannot open the microphone.*Invalid sample rate"):
        async with media.Microphone(backend=Broken()):
            pass
    with pytest.raises(MediaError, match="Open the microphone first"):
        async for _ in media.Microphone(backend=FakeSoundDevice()):
            pass
