"""The single adapter around ``openai.AsyncOpenAI`` (private; imported lazily by ``files.py``).

This is the only module that imports openai. It sends the body built by
[`livetranslate.protocol.files`][] as is (``client.post`` with ``cast_to=object``, so the chunks
arrive as plain dicts and the SDK builds no models of its own), lets the SDK parse the SSE, and
turns every openai/httpx exception into the package's tree in one place,
[`map_errors`][livetranslate._openai.map_errors], chained with ``raise ... from``.

The SDK's own retries are off (``max_retries=0``): ``FileTranslator`` retries with the pure
policy of [`livetranslate.protocol.http`][], before the first chunk only.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast
from urllib.parse import urlsplit

import openai

from livetranslate._secret import Secret, redact
from livetranslate.exceptions import (
    ConnectError,
    LiveTranslateError,
    RemoteProtocolError,
    StreamInterrupted,
    TransportTimeout,
)
from livetranslate.protocol.http import error_from_response

__all__ = ["ChatClient", "ChatStream", "map_errors"]

_CHAT_PATH = "/chat/completions"


def _http_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """Return (request errors, timeout errors) of the HTTP libraries openai may be using."""
    errors: list[type[BaseException]] = []
    timeouts: list[type[BaseException]] = []
    for name in ("httpx2", "httpx"):
        module = sys.modules.get(name)
        if module is not None:
            errors.append(module.RequestError)
            timeouts.append(module.TimeoutException)
    return tuple(errors), tuple(timeouts)


def _cause(exc: BaseException) -> str:
    inner = exc.__cause__ or exc.__context__ or exc
    kind = type(inner)
    return f"{kind.__module__.split('.')[0]}.{kind.__name__}"


@contextlib.contextmanager
def map_errors(
    *, streaming: bool, host: str, model: str, region: str, key: Secret | None
) -> Iterator[None]:
    """Translate openai, httpx and OS exceptions into livetranslate exceptions (chained).

    Before the body (``streaming=False``): an HTTP error status becomes the matching
    `APIStatusError` subclass, a timeout `TransportTimeout`, anything else on the network
    `ConnectError`. While streaming: a broken or silent connection becomes `StreamInterrupted`
    (the caller adds how much had arrived); an ``error`` object inside the stream is mapped like
    an HTTP 500.

    Args:
        streaming: Whether the response body has started.
        host: The server's host, for messages.
        model: The model id, for messages.
        region: The region name, for messages.
        key: The API key, removed from any text that echoes it.
    """
    request_errors, timeout_errors = _http_errors()
    network_errors: tuple[type[BaseException], ...] = (*request_errors, OSError)
    try:
        yield
    except LiveTranslateError:
        raise
    except openai.APIStatusError as exc:
        response = exc.response
        try:
            body: bytes | str = response.content
        except Exception:  # the body was never read
            body = json.dumps(exc.body) if exc.body is not None else ""
        raise error_from_response(
            response.status_code,
            dict(response.headers),
            body,
            model=model,
            region=region,
            key=key,
            now=time.time(),
        ) from exc
    except openai.APITimeoutError as exc:
        if streaming:
            raise StreamInterrupted("no data arrived before the read timeout") from exc
        raise TransportTimeout(f"{host} did not answer before the timeout.") from exc
    except openai.APIConnectionError as exc:
        if streaming:
            raise StreamInterrupted(f"the connection broke ({_cause(exc)})") from exc
        text = redact(str(exc.__cause__ or exc), key)
        raise ConnectError(f"Could not reach {host}: {text}") from exc
    except openai.APIError as exc:  # an ``error`` object inside the stream
        payload = json.dumps({"error": exc.body}) if exc.body is not None else exc.message
        raise error_from_response(500, {}, payload, model=model, region=region, key=key) from exc
    except timeout_errors as exc:  # older openai versions let httpx errors out of the stream
        if streaming:
            raise StreamInterrupted("no data arrived before the read timeout") from exc
        raise TransportTimeout(f"{host} did not answer before the timeout.") from exc
    except network_errors as exc:
        if streaming:
            raise StreamInterrupted(f"the connection broke ({_cause(exc)})") from exc
        raise ConnectError(f"Could not reach {host}: {redact(str(exc), key)}") from exc


class ChatStream:
    """The chunks of one streamed response, as decoded JSON objects.

    Iterate it once; [`close`][livetranslate._openai.ChatStream.close] releases the connection
    (also done when the stream ends).
    """

    def __init__(self, stream: openai.AsyncStream[object], client: ChatClient) -> None:
        self._stream = stream
        self._client = client

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        """Yield each chunk's JSON object.

        Raises:
            StreamInterrupted: The connection broke or went silent.
            APIStatusError: The service put an error object into the stream.
            RemoteProtocolError: A chunk was not a JSON object.
        """
        iterator = self._stream.__aiter__()
        while True:
            with self._client.errors(streaming=True):
                try:
                    data = await iterator.__anext__()
                except StopAsyncIteration:
                    return
            if not isinstance(data, dict):
                raise RemoteProtocolError(
                    "Received a chat completion chunk that is not a JSON object.",
                    event_type="chat.completion.chunk",
                )
            yield data

    async def close(self) -> None:
        """Release the connection (idempotent)."""
        with contextlib.suppress(Exception):
            await self._stream.close()


class ChatClient:
    """An ``openai.AsyncOpenAI`` set up for the file model, with errors mapped.

    Args:
        key: The API key.
        base_url: The OpenAI-compatible base URL (``.../compatible-mode/v1``).
        timeout: Seconds allowed to connect and between received bytes.
        model: The model id, for error messages.
        region: The region name, for error messages.
        workspace: A workspace id, sent as ``X-DashScope-WorkSpace``.
        http_client: An httpx client to borrow (not closed here), or None to own one.
    """

    def __init__(
        self,
        *,
        key: Secret,
        base_url: str,
        timeout: float,
        model: str,
        region: str,
        workspace: str | None = None,
        http_client: object | None = None,
    ) -> None:
        self._key = key
        self._host = urlsplit(base_url).netloc or base_url
        self._model = model
        self._region = region
        self._owns_http = http_client is None
        headers = {"X-DashScope-WorkSpace": workspace} if workspace else None
        self._client = openai.AsyncOpenAI(
            api_key=key.reveal(),
            base_url=base_url,
            max_retries=0,
            timeout=timeout,
            default_headers=headers,
            http_client=cast(Any, http_client),
        )

    def __repr__(self) -> str:
        return f"<ChatClient host={self._host!r} key={self._key.masked}>"

    def errors(self, *, streaming: bool) -> contextlib.AbstractContextManager[None]:
        """Return the error-mapping context for this client (see `map_errors`)."""
        return map_errors(
            streaming=streaming,
            host=self._host,
            model=self._model,
            region=self._region,
            key=self._key,
        )

    async def open(self, body: dict[str, Any]) -> ChatStream:
        """Send the request; return once the response status and headers are in.

        Args:
            body: The request body (``stream`` must be true).

        Returns:
            The response stream.

        Raises:
            APIStatusError: The service answered with an error status.
            ConnectError: The server could not be reached.
            TransportTimeout: It did not answer in time.
        """
        with self.errors(streaming=False):
            stream = await self._client.post(
                _CHAT_PATH,
                body=body,
                cast_to=object,
                stream=True,
                stream_cls=openai.AsyncStream[object],
            )
        return ChatStream(stream, self)

    async def close(self) -> None:
        """Close the connection pool, unless it was borrowed."""
        if self._owns_http:
            await self._client.close()
