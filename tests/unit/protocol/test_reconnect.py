"""Reconnect policy, failure classification, the replay buffer, and RealtimeProtocol.resume()."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from livetranslate.config import SessionConfig
from livetranslate.events import ErrorEvent, InputAudioBufferAppendEvent, SessionReconnected
from livetranslate.exceptions import (
    APIStatusError,
    AudioError,
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    LocalProtocolError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RemoteProtocolError,
    ServerError,
    SessionClosedError,
    SessionClosedOK,
    SessionError,
    TransportError,
    TransportTimeout,
    UsageError,
)
from livetranslate.protocol import RealtimeProtocol, SessionState
from livetranslate.protocol.backoff import Backoff
from livetranslate.protocol.reconnect import (
    COMMIT,
    ReconnectPolicy,
    ReplayBuffer,
    classify_close,
    classify_error,
)
from livetranslate.usage import Usage
from tests.unit.protocol import (
    M35,
    Event,
    asr_completed,
    created,
    error,
    feed,
    finished,
    ids,
    output_item_added,
    pcm,
    response_created,
    response_done,
    sent,
    speech_started,
    speech_stopped,
    state_of,
    transcript_done,
    updated,
    usage,
)

RATE = 16000
MS = RATE * 2 // 1000  # bytes per millisecond


def ms(n: int, value: int = 0) -> bytes:
    """``n`` milliseconds of PCM16 at 16 kHz."""
    return pcm(n * RATE // 1000, value)


# ------------------------------------------------------------------------------ classification


@pytest.mark.parametrize(
    ("code", "reason", "status", "verdict"),
    [
        (None, "", None, "retry"),
        (1006, "", None, "retry"),
        (1000, "", None, "retry"),  # a clean close before session.finished (the session cap)
        (1001, "going away", None, "retry"),
        (1011, "Internal error", None, "retry"),
        (1012, "", None, "retry"),
        (1013, "try again later", None, "retry"),
        (4000, "", None, "retry"),
        (1002, "", None, "fatal"),
        (1003, "", None, "fatal"),
        (1007, "", None, "fatal"),
        (1008, "", None, "fatal"),
        (1009, "", None, "fatal"),
        (1010, "", None, "fatal"),
        (1011, "Access denied", None, "fatal"),
        (1000, "Arrearage", None, "fatal"),
        (None, "InvalidApiKey", None, "fatal"),
        (None, "invalid_api_key", None, "fatal"),
        (None, "", 401, "fatal"),
        (None, "", 403, "fatal"),
        (None, "", 404, "fatal"),
        (None, "", 400, "fatal"),
        (None, "", 408, "retry"),
        (None, "", 429, "retry"),
        (None, "", 500, "retry"),
        (None, "", 503, "retry"),
        (None, "", 599, "retry"),
        (None, "AccessDenied.Unpurchased", 503, "fatal"),
        (None, "Throttling.RateQuota", 429, "retry"),
    ],
)
def test_classify_close(code: int | None, reason: str, status: int | None, verdict: str) -> None:
    assert classify_close(code, reason, status) == verdict


def _status(cls: type[APIStatusError], status: int, code: str | None = None) -> APIStatusError:
    if cls is RateLimitError:
        return RateLimitError("x", retry_after=1.0, status_code=status, code=code)
    return cls("x", status_code=status, code=code)


def _session_error(code: str | None) -> SessionError:
    return SessionError("x", code=code)


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (_status(AuthenticationError, 401), "fatal"),
        (_status(PermissionDeniedError, 403), "fatal"),
        (_status(NotFoundError, 404), "fatal"),
        (_status(RateLimitError, 429), "retry"),
        (_status(ServerError, 503), "retry"),
        (_status(ServerError, 500, "Arrearage"), "fatal"),
        (_status(APIStatusError, 400), "fatal"),
        (ConfigurationError("x"), "fatal"),
        (UsageError("x"), "fatal"),
        (LocalProtocolError("x"), "fatal"),
        (_session_error("invalid_value"), "fatal"),
        (_session_error(None), "fatal"),
        (_session_error("Throttling.RateQuota"), "retry"),
        (_session_error("InternalError"), "retry"),
        (_session_error("internal_error.accessdenied"), "fatal"),
        (SessionClosedError("x", code=1006), "retry"),
        (SessionClosedOK("x", code=1000), "retry"),
        (SessionClosedError("x", code=1008), "fatal"),
        (TransportTimeout("x"), "retry"),
        (ConnectError("x"), "retry"),
        (RemoteProtocolError("x"), "retry"),
        (TransportError("x"), "fatal"),
        (ValueError("x"), "fatal"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_classify_error(error: BaseException, verdict: str) -> None:
    assert classify_error(error) == verdict


# ------------------------------------------------------------------------------------ policy


def test_policy_defaults_rotate_well_before_the_cap() -> None:
    policy = ReconnectPolicy()
    assert policy.attempts >= 1
    assert policy.rotate_after_seconds is not None
    assert policy.rotate_after_seconds + policy.rotate_grace_seconds < 120 * 60
    assert policy.replay_seconds > 0


@pytest.mark.parametrize(
    "options",
    [
        {"attempts": 0},
        {"attempts": True},
        {"attempts": 1.5},
        {"replay_seconds": 0},
        {"replay_seconds": float("nan")},
        {"rotate_after_seconds": -1.0},
        {"rotate_grace_seconds": -1.0},
        {"backoff": "fast"},
    ],
)
def test_policy_rejects_bad_values(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="ReconnectPolicy"):
        ReconnectPolicy(**options)


def test_policy_delay_uses_the_backoff_and_honours_retry_after() -> None:
    policy = ReconnectPolicy(backoff=Backoff(initial=1.0, multiplier=2.0, maximum=8.0, jitter=0))
    assert [policy.delay(n, rand=lambda: 0.5) for n in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert policy.delay(0, retry_after=3.0) == 3.0
    assert policy.delay(3, retry_after=3.0) == 8.0  # never shorter than the backoff
    assert policy.delay(0, retry_after=600.0) == 1.0  # absurd waits fall back to the backoff
    jittery = ReconnectPolicy(backoff=Backoff(initial=1.0, jitter=0.5))
    assert jittery.delay(0, rand=lambda: 0.0) == 0.5
    assert jittery.delay(0, rand=lambda: 0.999) == pytest.approx(1.5, abs=0.01)


def test_rotation_waits_for_a_boundary_until_the_grace_runs_out() -> None:
    policy = ReconnectPolicy(rotate_after_seconds=100.0, rotate_grace_seconds=10.0)
    assert not policy.rotation_due(99.0, at_boundary=True)
    assert policy.rotation_due(100.0, at_boundary=True)
    assert not policy.rotation_due(105.0, at_boundary=False)
    assert policy.rotation_due(110.0, at_boundary=False)
    assert not ReconnectPolicy(rotate_after_seconds=None).rotation_due(1e9, at_boundary=True)


# ------------------------------------------------------------------------------ replay buffer


def test_buffer_positions_and_release() -> None:
    buffer = ReplayBuffer(sample_rate=RATE, max_seconds=10)
    buffer.append(ms(100, 1))
    buffer.append(b"")
    buffer.append(ms(100, 2))
    assert (buffer.start, buffer.end, buffer.size) == (0, 200 * MS, 200 * MS)
    assert (buffer.start_ms, buffer.end_ms, buffer.duration_ms) == (0, 200, 200)
    buffer.release(50)  # inside the first chunk
    assert buffer.start_ms == 50
    assert b"".join(p for p in buffer.pending() if isinstance(p, bytes)) == ms(50, 1) + ms(100, 2)
    buffer.release(20)  # earlier: nothing
    assert buffer.start_ms == 50
    buffer.release(10_000)  # later than the end: capped
    assert buffer.size == 0
    assert buffer.pending() == []
    assert buffer.releases == 2
    assert buffer.dropped_bytes == 0


def test_buffer_overflow_drops_oldest_whole_frames_and_counts_them() -> None:
    buffer = ReplayBuffer(sample_rate=RATE, max_seconds=1)
    for value in range(1, 16):  # 1.5 s in 100 ms chunks
        buffer.append(ms(100, value))
    assert buffer.size <= buffer.capacity
    assert buffer.start % (20 * MS) == 0  # aligned to 20 ms frames
    assert buffer.end_ms == 1500
    assert buffer.dropped_bytes == buffer.start
    assert buffer.take_dropped_ms() == pytest.approx(500)
    assert buffer.take_dropped_ms() == 0  # reported once
    kept = b"".join(p for p in buffer.pending() if isinstance(p, bytes))
    assert kept == b"".join(ms(100, v) for v in range(6, 16))


def test_buffer_pending_splits_pieces_and_places_commits() -> None:
    buffer = ReplayBuffer(sample_rate=RATE, max_seconds=10)
    buffer.append(ms(250, 1))
    buffer.commit()
    buffer.commit()  # a second commit at the same place is one mark
    buffer.append(ms(50, 2))
    buffer.commit()
    pieces = buffer.pending(piece_bytes=100 * MS)
    assert [len(p) if isinstance(p, bytes) else p for p in pieces] == [
        100 * MS,
        100 * MS,
        50 * MS,
        COMMIT,
        50 * MS,
        COMMIT,
    ]
    assert repr(COMMIT) == "COMMIT"
    buffer.release_commit()  # the first utterance is final
    assert buffer.start_ms == 250
    assert buffer.pending() == [ms(50, 2), COMMIT]
    buffer.release_utterance(None, manual=True)
    assert buffer.pending() == []
    buffer.release_commit()  # nothing left: nothing happens
    assert buffer.releases == 2


def test_buffer_release_utterance_keeps_audio_still_in_flight() -> None:
    buffer = ReplayBuffer(sample_rate=RATE, max_seconds=10)
    buffer.append(ms(1000))
    buffer.release_utterance(800, manual=False, open_start_ms=300)
    assert buffer.start_ms == 300
    buffer.release_utterance(None, manual=False)  # no timing: nothing released
    assert buffer.start_ms == 300
    buffer.release_utterance(800, manual=False)
    assert buffer.start_ms == 800
    buffer.clear()
    assert buffer.size == 0


def test_buffer_rejects_bad_sizes() -> None:
    with pytest.raises(ConfigurationError):
        ReplayBuffer(sample_rate=0, max_seconds=1)
    with pytest.raises(ConfigurationError):
        ReplayBuffer(sample_rate=RATE, max_seconds=0)


# ----------------------------------------------------------------------- protocol with replay


def make(**options: Any) -> RealtimeProtocol:
    config = SessionConfig(model=M35, **options).validated()
    buffer = ReplayBuffer(sample_rate=config.sample_rate, max_seconds=60)
    return RealtimeProtocol(config, id_factory=ids(), replay=buffer)


def appended(events: list[Event]) -> bytes:
    return b"".join(base64.b64decode(e["audio"]) for e in events if "audio" in e)


def types(events: list[Event]) -> list[str]:
    return [e["type"] for e in events]


def utterance(n: int, start: int, end: int) -> list[Event]:
    """One utterance's events on the wire, VAD mode, with transcription."""
    rid, item = f"resp_{n}", f"item_{n}"
    return [
        speech_started(start),
        response_created(rid),
        output_item_added(rid, item),
        speech_stopped(end),
        asr_completed("src_" + str(n), f"source {n}"),
        transcript_done(rid, item, f"translation {n}"),
        response_done(rid, usage_=usage()),
    ]


def connect(protocol: RealtimeProtocol, **session: Any) -> list[Event]:
    """session.created + session.updated; return what the protocol sent."""
    feed(protocol, created(**session), updated(**session))
    return sent(protocol)


def test_audio_before_ready_is_sent_from_the_buffer_in_100ms_appends() -> None:
    protocol = make()
    protocol.append_audio(ms(250, 3))
    assert sent(protocol) == []
    assert protocol.audio_ms_sent == 250  # counted when the app sends it
    out = connect(protocol)
    assert types(out) == ["session.update"] + ["input_audio_buffer.append"] * 3
    assert appended(out) == ms(250, 3)
    assert protocol.offset_ms == 0
    assert not protocol.resumed
    assert protocol.replayed_ms == 0
    protocol.append_audio(ms(100, 4))
    assert appended(sent(protocol)) == ms(100, 4)
    assert protocol.audio_bytes_sent == 350 * MS
    assert protocol.replay is not None
    assert protocol.replay.end_ms == 350


def test_final_segments_release_the_buffer_up_to_their_end() -> None:
    protocol = make()
    connect(protocol)
    protocol.append_audio(ms(3000))
    feed(protocol, *utterance(1, 500, 1200))
    replay = protocol.replay
    assert replay is not None
    assert replay.start_ms == 1200
    feed(protocol, speech_started(1800), response_created("resp_2"))  # in flight: kept
    assert replay.start_ms == 1200


def test_resume_replays_from_the_last_final_utterance_and_shifts_timestamps() -> None:
    old = make(keywords={"AI": "artificial intelligence"}, voice="Tina")
    connect(old)
    old.append_audio(ms(2000, 1))
    feed(old, *utterance(1, 500, 1200))
    feed(old, speech_started(1500), response_created("resp_2"))  # lost with the connection
    first = old.segments_received()
    finals = [s for s in first if s.final]
    assert [(s.index, s.start_ms, s.end_ms) for s in finals] == [(0, 500, 1200)]
    old.events_received()

    new = old.resume()
    assert old.state is SessionState.FAILED
    assert old.segments_received() == []  # the utterance in flight is not emitted
    assert new.state is SessionState.CONNECTING
    assert new.resumed
    assert new.usage == old.usage
    assert new.usage != Usage()
    assert new.segments_completed == 1
    new.append_audio(ms(100, 2))  # while reconnecting: into the buffer, after the slice
    assert sent(new) == []
    out = connect(new)
    assert types(out)[0] == "session.update"
    update = out[0]["session"]
    assert update["translation"]["corpus"]["phrases"] == {"AI": "artificial intelligence"}
    assert update["voice"] == "Tina"
    assert appended(out) == ms(800, 1) + ms(100, 2)  # one contiguous slice: 1200..2100 ms
    assert new.offset_ms == 1200
    assert new.replayed_ms == 900
    assert new.audio_ms_sent == 2100  # the app's audio, counted once

    feed(new, *utterance(1, 300, 1000))  # the service counts from the slice's start
    (segment,) = [s for s in new.segments_received() if s.final]
    assert (segment.index, segment.start_ms, segment.end_ms) == (1, 1500, 2200)
    assert segment.translated_text == "translation 1"
    assert new.replay is not None
    assert new.replay.start_ms == 2100


def test_resume_carries_a_pending_update_and_a_finish() -> None:
    old = make()
    connect(old)
    old.update_session(old.config.with_changes(target_language="ja"))
    old.finish()
    sent(old)
    new = old.resume()
    assert new.config.target_language == "ja"
    out = connect(new)
    assert out[0]["session"]["translation"]["language"] == "ja"
    assert types(out)[-1] == "session.finish"
    assert new.state is SessionState.CLOSING
    feed(new, finished())
    assert state_of(new) is SessionState.CLOSED


def test_resume_of_a_resumed_protocol_keeps_the_slice() -> None:
    old = make()
    connect(old)
    old.append_audio(ms(500))
    middle = old.resume()  # a connection that never got configured
    last = middle.resume()
    assert appended(connect(last)) == ms(500)
    assert last.offset_ms == 0


def test_manual_mode_replays_commits_and_releases_by_commit() -> None:
    old = make(turn_detection="manual")
    old.append_audio(ms(300, 1))
    old.commit_audio()  # held: replayed from the buffer
    out = connect(old)
    assert types(out) == ["session.update"] + ["input_audio_buffer.append"] * 3 + [
        "input_audio_buffer.commit"
    ]
    old.append_audio(ms(200, 2))
    old.commit_audio()
    assert types(sent(old)) == ["input_audio_buffer.append", "input_audio_buffer.commit"]
    feed(
        old,
        response_created("r1"),
        output_item_added("r1", "i1"),
        transcript_done("r1", "i1", "one"),
        response_done("r1"),
    )
    assert [s.final for s in old.segments_received()][-1]
    new = old.resume()
    out = connect(new)
    assert types(out)[1:] == ["input_audio_buffer.append"] * 2 + ["input_audio_buffer.commit"]
    assert appended(out) == ms(200, 2)


def test_clear_releases_everything_and_is_not_replayed() -> None:
    protocol = make(turn_detection="manual")
    protocol.append_audio(ms(300))
    protocol.clear_audio()  # before the session is configured: nothing to clear on the wire
    assert types(connect(protocol)) == ["session.update"]
    protocol.append_audio(ms(100))
    protocol.clear_audio()
    assert types(sent(protocol)) == ["input_audio_buffer.append", "input_audio_buffer.clear"]
    assert protocol.replay is not None
    assert protocol.replay.size == 0


def test_send_routes_raw_append_events_through_the_buffer() -> None:
    protocol = make()
    connect(protocol)
    protocol.send(InputAudioBufferAppendEvent.from_pcm(ms(100, 5)))
    assert appended(sent(protocol)) == ms(100, 5)
    assert protocol.replay is not None
    assert protocol.replay.end_ms == 100
    with pytest.raises(AudioError):
        protocol.send(InputAudioBufferAppendEvent(audio="***"))


def test_resume_refuses_without_a_buffer_or_after_the_end() -> None:
    plain = RealtimeProtocol(SessionConfig(model=M35).validated())
    with pytest.raises(LocalProtocolError, match="replay buffer"):
        plain.resume()
    closed = make()
    connect(closed)
    closed.finish()
    feed(closed, finished())
    with pytest.raises(LocalProtocolError, match="ended"):
        closed.resume()
    rejected = make()
    feed(rejected, created(), error())
    assert isinstance(rejected.configuration_error, ErrorEvent)
    with pytest.raises(LocalProtocolError, match="ended"):
        rejected.resume()


def test_release_processed_keeps_utterances_in_flight_and_manual_audio() -> None:
    protocol = make()
    connect(protocol)
    protocol.append_audio(ms(5000))
    feed(protocol, speech_started(3000), response_created("r1"))
    protocol.release_processed(4000)  # speech from 3000 ms is still being translated
    assert protocol.replay is not None
    assert protocol.replay.start_ms == 3000
    manual = make(turn_detection="manual")
    connect(manual)
    manual.append_audio(ms(1000))
    manual.release_processed(1000)  # uncommitted audio waits for its commit
    assert manual.replay is not None
    assert manual.replay.start_ms == 0
    plain = RealtimeProtocol(SessionConfig(model=M35).validated())
    plain.release_processed(1000)  # no buffer: nothing to do
    assert plain.replay is None


def test_reconnected_event_serialises() -> None:
    event = SessionReconnected(attempt=2, reconnects=1, gap_ms=150, replayed_ms=900, code=1006)
    data = event.to_dict()
    assert data["type"] == "livetranslate.reconnected"
    assert (data["attempt"], data["gap_ms"], data["cause"]) == (2, 150, "connection_lost")
    assert json.loads(event.to_json()) == data
    with pytest.raises(ValueError, match="extra"):
        SessionReconnected(attempt=1, reconnects=1, gap_ms=0, replayed_ms=0, bogus=1)  # type: ignore[call-arg]


def test_replay_buffer_must_match_the_sample_rate() -> None:
    config = SessionConfig(model=M35).validated()
    with pytest.raises(ConfigurationError, match="8000 Hz"):
        RealtimeProtocol(config, replay=ReplayBuffer(sample_rate=8000, max_seconds=1))
