"""Issue 5's promise for the file API: an MP3 or a 48 kHz stereo WAV goes through as it is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from livetranslate import FileTranslator
from livetranslate.testing import Emulator
from tests.media_factory import sample_at


@pytest.mark.parametrize(
    ("suffix", "fmt", "rate", "channels"),
    [(".mp3", "MP3", 44100, 2), (".wav", "WAV", 48000, 2), (".flac", "FLAC", 22050, 1)],
)
async def test_common_files_need_no_conversion(
    tmp_path: Path, suffix: str, fmt: str, rate: int, channels: int
) -> None:
    path = tmp_path / f"talk{suffix}"
    soundfile.write(path, sample_at(rate, channels)[: rate * 2], rate, format=fmt)
    async with Emulator(latency=0) as emu:
        async with FileTranslator(api_key="sk-test", base_url=emu.base_url) as ft:
            result = await ft.translate(path, target_language="en", modalities=("text", "audio"))
        (request,) = emu.http.requests
    assert request.input_format == suffix[1:]
    assert request.data == path.read_bytes()  # sent exactly as the user holds it
    assert result.text
    assert result.audio is not None
    assert result.audio.dtype == np.int16
    assert result.sample_rate == 24000
    assert result.usage.input_audio_tokens > 0
