"""Shared literal types and aliases used across the public API."""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = [
    "CloneFrequency",
    "Modality",
    "ModelKind",
    "RegionName",
    "TurnDetectionMode",
]

Modality: TypeAlias = Literal["text", "audio"]
"""An output modality. Text is always produced; audio adds translated speech."""

CloneFrequency: TypeAlias = Literal["never", "once", "always"]
"""How often the service clones the speaker's voice (``never`` = use a pre-created clone id)."""

TurnDetectionMode: TypeAlias = Literal["server_vad", "speaker_detection", "manual"]
"""How speech is segmented: the service's VAD, 3.8's VAD with diarization, or manual commits."""

RegionName: TypeAlias = Literal["intl", "cn"]
"""A service region: ``intl`` (Singapore, ap-southeast-1) or ``cn`` (Beijing, cn-beijing)."""

ModelKind: TypeAlias = Literal["realtime", "file"]
"""Whether a model is served over the realtime WebSocket or the chat-completions endpoint."""
