"""Media in and out: any audio file or array, video files, cameras, microphones, speakers.

- **Audio in** (``livetranslate.media.audio``): [`load_audio`][livetranslate.media.load_audio],
  [`iter_audio`][livetranslate.media.iter_audio] and
  [`convert_audio`][livetranslate.media.convert_audio] turn any file libsndfile reads (WAV, FLAC,
  OGG/Opus, MP3, ...) or any array (rate, dtype, channels) into mono PCM16 at the model's rate;
  [`AudioConverter`][livetranslate.media.AudioConverter] does it for a live stream, keeping the
  resampler's state. [`chunk_pcm`][livetranslate.media.chunk_pcm] and
  [`pace`][livetranslate.media.pace] cut and time it.
- **Audio out**: [`AudioCollector`][livetranslate.media.AudioCollector] gathers translated speech
  (24 kHz) into an array or a WAV file; [`prepare_upload`][livetranslate.media.prepare_upload]
  readies audio for the file API.
- **Video** (``livetranslate.media.video``, needs ``pip install 'livetranslate[video]'``):
  [`VideoSource`][livetranslate.media.VideoSource], [`Camera`][livetranslate.media.Camera],
  [`probe_video`][livetranslate.media.probe_video],
  [`encode_jpeg`][livetranslate.media.encode_jpeg].
- **Devices** (``livetranslate.media.devices``, needs ``pip install 'livetranslate[mic]'``):
  [`Microphone`][livetranslate.media.Microphone], [`Speaker`][livetranslate.media.Speaker].

This package imports numpy, soundfile and soxr; PyAV and sounddevice load only when used.
``import livetranslate`` does not import it.
"""

from livetranslate.media._output import AudioCollector, encode_wav, write_wav
from livetranslate.media._pacing import chunk_bytes, chunk_pcm, pace
from livetranslate.media._upload import UploadAudio, prepare_upload
from livetranslate.media.audio import (
    FLOAT_CLIP_LIMIT,
    INPUT_SAMPLE_RATE,
    OUTPUT_SAMPLE_RATE,
    AudioConverter,
    AudioInfo,
    convert_audio,
    iter_audio,
    load_audio,
    probe_audio,
    resample,
)
from livetranslate.media.devices import Microphone, Speaker
from livetranslate.media.video import (
    MAX_IMAGE_BYTES,
    Camera,
    Frame,
    VideoInfo,
    VideoSource,
    encode_jpeg,
    probe_video,
)

__all__ = [
    "FLOAT_CLIP_LIMIT",
    "INPUT_SAMPLE_RATE",
    "MAX_IMAGE_BYTES",
    "OUTPUT_SAMPLE_RATE",
    "AudioCollector",
    "AudioConverter",
    "AudioInfo",
    "Camera",
    "Frame",
    "Microphone",
    "Speaker",
    "UploadAudio",
    "VideoInfo",
    "VideoSource",
    "chunk_bytes",
    "chunk_pcm",
    "convert_audio",
    "encode_jpeg",
    "encode_wav",
    "iter_audio",
    "load_audio",
    "pace",
    "prepare_upload",
    "probe_audio",
    "probe_video",
    "resample",
    "write_wav",
]
