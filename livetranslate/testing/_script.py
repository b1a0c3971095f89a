"""Scripts: what the emulator "hears" and "translates" (private; re-exported by the package).

The emulator finds speech in the audio it receives by energy alone; it does not recognise words.
The words come from a [`Script`][livetranslate.testing.Script]: the k-th speech segment of a
connection is reported as the k-th utterance's source text and translated into that utterance's
translation for the session's target language.
"""

from __future__ import annotations

import json
import wave
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["ANY_TARGET", "Script", "Utterance"]

ANY_TARGET = "*"
"""Key of a translation that is used for every target language."""

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Utterance:
    """One scripted sentence.

    Attributes:
        source: What the speaker says (the source transcript the emulator reports).
        translations: Target language code to translation; the key ``"*"`` matches any target.
        start_ms: Where the sentence starts in the script's audio, if known (metadata, and the
            pacing hint for how fast the emulator reveals text).
        end_ms: Where it ends in the script's audio, if known.
        language: Source language of this sentence, overriding the script's.
        emotion: Emotion reported by 3.5's transcription events (default ``"neutral"``).
        speaker: Speaker label reported by 3.8's ``speech_started.speaker_id`` (default 1).
    """

    source: str
    translations: Mapping[str, str] = field(default_factory=dict)
    start_ms: int | None = None
    end_ms: int | None = None
    language: str | None = None
    emotion: str = "neutral"
    speaker: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "translations", MappingProxyType(dict(self.translations)))

    def translation(self, target: str) -> str | None:
        """Return the translation for ``target`` (or the any-target one), else ``None``."""
        return self.translations.get(target, self.translations.get(ANY_TARGET))

    @property
    def duration_ms(self) -> int | None:
        """Length of the sentence in the script's audio, when both bounds are known."""
        if self.start_ms is None or self.end_ms is None or self.end_ms <= self.start_ms:
            return None
        return self.end_ms - self.start_ms


@dataclass(frozen=True, slots=True)
class Script:
    """The sentences an emulated connection hears, in order.

    Build one with [`from_file`][livetranslate.testing.Script.from_file],
    [`from_pairs`][livetranslate.testing.Script.from_pairs] or
    [`sample`][livetranslate.testing.Script.sample].

    Attributes:
        utterances: The sentences; segment k of a connection uses ``utterances[k]``.
        source_language: Language of the sentences (reported when the session sets none).
        audio_path: The recording that goes with the script, if any.
        sample_rate: Sample rate of that recording.
    """

    utterances: tuple[Utterance, ...] = ()
    source_language: str | None = None
    audio_path: Path | None = None
    sample_rate: int | None = None

    @classmethod
    def from_pairs(
        cls,
        pairs: Iterable[tuple[str, str]],
        *,
        source_language: str | None = None,
        target_language: str | None = None,
    ) -> Script:
        """Build a script from ``(source, translation)`` pairs.

        Args:
            pairs: Sentences and their translations, in speaking order.
            source_language: Language of the sources.
            target_language: The target the translations are in; ``None`` uses them for any target.
        """
        key = target_language or ANY_TARGET
        utterances = tuple(Utterance(src, {key: dst}) for src, dst in pairs)
        return cls(utterances, source_language=source_language)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base_dir: Path | None = None) -> Script:
        """Build a script from the JSON object format read by `from_file`.

        Raises:
            ValueError: The object is not a valid script.
        """
        raw = data.get("utterances")
        if not isinstance(raw, list):
            raise ValueError("A script needs an 'utterances' list.")
        utterances = []
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping) or not isinstance(item.get("source"), str):
                raise ValueError(f"Utterance {i} needs a 'source' string.")
            translations = item.get("translations", {})
            if not isinstance(translations, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in translations.items()
            ):
                raise ValueError(f"Utterance {i}: 'translations' must map codes to strings.")
            utterances.append(
                Utterance(
                    item["source"],
                    translations,
                    start_ms=_opt_int(item.get("start_ms")),
                    end_ms=_opt_int(item.get("end_ms")),
                    language=item.get("language"),
                    emotion=str(item.get("emotion", "neutral")),
                    speaker=int(item.get("speaker", 1)),
                )
            )
        audio = data.get("audio")
        audio_path = None
        if isinstance(audio, str) and base_dir is not None:
            audio_path = base_dir / audio
        rate = data.get("sample_rate")
        return cls(
            tuple(utterances),
            source_language=data.get("source_language"),
            audio_path=audio_path,
            sample_rate=rate if isinstance(rate, int) else None,
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Script:
        """Load a script from a JSON file (the format of the bundled ``sample_zh.json``).

        The file holds ``{"source_language": "zh", "audio": "x.wav", "sample_rate": 16000,
        "utterances": [{"source": ..., "translations": {"en": ...}, "start_ms": ...,
        "end_ms": ...}]}``; everything but ``utterances[].source`` is optional. ``audio`` is
        relative to the file.

        Raises:
            OSError: The file cannot be read.
            ValueError: It is not a valid script.
        """
        path = Path(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, Mapping):
            raise ValueError(f"{path.name}: a script file holds one JSON object.")
        return cls.from_dict(data, base_dir=path.resolve().parent)

    @classmethod
    def sample(cls) -> Script:
        """The bundled sample: three Mandarin sentences with English translations and a WAV."""
        return cls.from_file(_DATA / "sample_zh.json")

    def read_audio(self) -> bytes:
        """Return the script's recording as raw mono PCM16 (the WAV header removed).

        Raises:
            ValueError: The script has no recording, or it is not mono 16-bit PCM.
        """
        if self.audio_path is None:
            raise ValueError("This script has no audio recording.")
        with wave.open(str(self.audio_path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise ValueError(f"{self.audio_path.name} is not mono 16-bit PCM.")
            return wav.readframes(wav.getnframes())

    def utterance(self, index: int) -> Utterance | None:
        """Return utterance ``index`` (0-based), or ``None`` past the end."""
        return self.utterances[index] if 0 <= index < len(self.utterances) else None


def _opt_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
