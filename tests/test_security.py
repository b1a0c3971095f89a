"""Security: the key never leaks, TLS is verified, and hostile input is bounded and rejected."""

from __future__ import annotations

import asyncio
import base64
import datetime
import ipaddress
import json
import logging
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

import livetranslate
from livetranslate import RealtimeSession, ReconnectPolicy
from livetranslate._realtime_io import MAX_MESSAGE
from livetranslate.exceptions import (
    AuthenticationError,
    ConnectError,
    LiveTranslateError,
    RemoteProtocolError,
)
from livetranslate.protocol.backoff import Backoff
from livetranslate.testing import Emulator, Fault, FaultPlan, Script

KEY = "sk-secret-3f9a8b7c6d5e4f3a"
SPEECH = Script.sample().read_audio()
FAST = ReconnectPolicy(backoff=Backoff(initial=0.01, maximum=0.02))


def _everything(obj: Any) -> str:
    return f"{obj!r} {obj!s} {getattr(obj, '__dict__', '')!r}"


async def test_the_key_never_appears_in_reprs_logs_errors_or_emulator_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    plan = FaultPlan(
        {0: Fault.drop(after_audio_ms=4000), 1: Fault.close(1011, "boom", after_audio_ms=2000)},
        refuse=1,
        refuse_after=2,
    )
    shown: list[str] = []
    errors: list[BaseException] = []
    async with Emulator(api_key=KEY, latency=0, faults=plan, record_audio=True) as emu:
        session = RealtimeSession(base_url=emu.realtime_url, api_key=KEY, reconnect=FAST)
        shown.append(_everything(session))
        async with session:
            events = []

            async def read() -> None:
                events.extend([e async for e in session])

            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(read())
                await session.send_audio(SPEECH[: 32000 * 10])
                await session.finish()
            shown += [_everything(session), *map(_everything, events)]
        assert session.reconnects == 2
        emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=1000)}, refuse=9, refuse_status=401)
        # a revoked key while reconnecting: fatal, and the error does not show the key
        try:
            async with RealtimeSession(base_url=emu.realtime_url, api_key=KEY, reconnect=FAST) as s:
                await s.send_audio(SPEECH[: 32000 * 3])
                async for _ in s:
                    pass
        except AuthenticationError as exc:
            errors.append(exc)
        try:
            async with RealtimeSession(base_url=emu.realtime_url, api_key="sk-wrong-5ecret5ecret"):
                pass
        except LiveTranslateError as exc:
            errors.append(exc)
        shown += [_everything(record) for record in emu.sessions]
        shown += [repr(emu), repr(emu.fault_log), repr(emu.app.settings)]
    assert len(errors) == 2
    assert "Authorization: Bearer ***" in caplog.text  # websockets' handshake log, masked
    texts = [caplog.text, *shown]
    for error in errors:
        texts += [str(error), repr(error.args), repr(getattr(error, "body", None))]
        texts += [repr(getattr(error, "headers", None))]
    for secret in (KEY, "sk-wrong-5ecret5ecret", "5ecret5ecret", KEY[3:]):
        for text in texts:
            assert secret not in text


async def test_temporary_keys_never_show() -> None:
    async with Emulator(api_key=KEY) as emu:
        key = await livetranslate.create_temporary_key(api_key=KEY, base_url=emu.origin)
        token = key.token.reveal()
        for text in (repr(key), str(key), repr(key.token), repr(emu.app.settings)):
            assert token not in text
            assert KEY not in text


# ------------------------------------------------------------------------------------------ TLS


def _self_signed(tmp: Path) -> ssl.SSLContext:
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(private, hashes.SHA256())
    )
    (tmp / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "key.pem").write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    return context


async def test_tls_certificates_are_verified_by_default(tmp_path: Path) -> None:
    handshakes: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        handshakes.append(ws.request.path if ws.request is not None else "")

    async with serve(handler, "127.0.0.1", 0, ssl=_self_signed(tmp_path)) as server:
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(ConnectError, match=r"(?i)certificate") as info:
            async with RealtimeSession(
                base_url=f"wss://127.0.0.1:{port}/api-ws/v1/realtime", api_key=KEY
            ):
                pass
    assert isinstance(info.value.__cause__, ssl.SSLCertVerificationError)
    assert handshakes == []  # never reached the server's handler
    assert KEY not in str(info.value)


# ------------------------------------------------------------------------------ hostile input


async def _serve_after_handshake(frames: list[str]) -> AsyncIterator[str]:
    async def handler(ws: ServerConnection) -> None:
        try:
            await ws.send(json.dumps({"type": "session.created", "session": {"id": "s"}}))
            await ws.recv()
            await ws.send(json.dumps({"type": "session.updated", "session": {"id": "s"}}))
            for frame in frames:
                await ws.send(frame)
            await ws.wait_closed()
        except ConnectionClosed:
            pass

    async with serve(handler, "127.0.0.1", 0, max_size=None, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/api-ws/v1/realtime"


async def _read_all(session: RealtimeSession) -> None:
    async with asyncio.timeout(10):
        async for _ in session:
            pass


async def _first_error(frames: list[str]) -> RemoteProtocolError:
    async for url in _serve_after_handshake(frames):
        async with RealtimeSession(base_url=url, api_key=KEY, reconnect=False) as session:
            with pytest.raises(RemoteProtocolError) as info:
                await _read_all(session)
            return info.value
    raise AssertionError("unreachable")


async def test_an_oversized_message_is_a_clear_error_not_a_memory_spike() -> None:
    assert MAX_MESSAGE == 16 * 2**20
    audio = base64.b64encode(bytes(MAX_MESSAGE)).decode()
    frame = json.dumps({"type": "response.audio.delta", "delta": audio})
    error = await _first_error([frame])
    assert "16 MiB" in str(error)
    assert "max_size" in str(error)


@pytest.mark.parametrize(
    ("frame", "says"),
    [
        (
            '{"type":"response.audio.delta","response_id":"r","item_id":"i","delta":"@@@@"}',
            "base64",
        ),
        ("[" * 100_000 + "]" * 100_000, "JSON"),
        ('{"type": "response.done", "response": 7}', "response.done"),
        ("not json at all", "JSON"),
    ],
    ids=["base64", "nesting", "fields", "json"],
)
async def test_malformed_input_is_a_clear_error(frame: str, says: str) -> None:
    if "delta" in frame:  # audio is decoded when its response is assembled
        frame = (
            json.dumps(
                {
                    "type": "response.created",
                    "response": {"id": "r", "status": "in_progress", "output": []},
                }
            )
            + "\n"
            + frame
        )
    frames = frame.split("\n")
    error = await _first_error(frames)
    assert says in str(error)
    assert len(str(error)) < 300  # one sentence, never the payload
