"""Pure HTTP policy: error mapping, Retry-After, retry decisions, backoff and the RPM window."""

from __future__ import annotations

import json

import pytest

from livetranslate._secret import Secret
from livetranslate.exceptions import (
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from livetranslate.protocol.backoff import Backoff, RequestWindow
from livetranslate.protocol.http import (
    DEFAULT_BACKOFF,
    MAX_RETRY_AFTER,
    error_from_response,
    retry_after,
    retry_delay,
    should_retry,
)

KEY = "sk-abcdef0123456789abcdef"


def openai_body(code: str, message: str, request_id: str = "req-1") -> bytes:
    return json.dumps(
        {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": code,
            },
            "request_id": request_id,
        }
    ).encode()


@pytest.mark.parametrize(
    ("status", "cls", "needle"),
    [
        (401, AuthenticationError, "rejected the API key"),
        (403, PermissionDeniedError, "Access denied"),
        (404, NotFoundError, "does not serve"),
        (429, RateLimitError, "Rate limited"),
        (500, ServerError, "HTTP 500"),
        (503, ServerError, "HTTP 503"),
        (400, APIStatusError, "refused to answer the request (HTTP 400)"),
        (418, APIStatusError, "HTTP 418"),
    ],
)
def test_error_from_response_maps_status(
    status: int, cls: type[APIStatusError], needle: str
) -> None:
    err = error_from_response(
        status,
        {"x-request-id": "hdr-1", "Authorization": f"Bearer {KEY}"},
        openai_body("some_code", "The service message."),
        model="qwen3-livetranslate-flash",
        region="intl",
    )
    assert type(err) is cls
    assert needle in str(err)
    assert 'The service said: "The service message."' in str(err)
    assert (err.status_code, err.code, err.request_id) == (status, "some_code", "req-1")
    assert "Authorization" not in err.headers
    assert isinstance(err.body, dict)


def test_error_from_response_reads_the_dashscope_shape_and_header_request_id() -> None:
    body = json.dumps({"code": "InvalidApiKey", "message": "Invalid API-key provided."})
    err = error_from_response(401, {"X-Request-Id": "hdr-2"}, body, region="cn")
    assert isinstance(err, AuthenticationError)
    assert (err.code, err.request_id) == ("InvalidApiKey", "hdr-2")
    assert "region 'cn'" in str(err)


def test_arrearage_is_permission_denied_and_keys_are_redacted() -> None:
    body = openai_body("Arrearage", f"Access denied for {KEY}.")
    err = error_from_response(400, {}, body, key=Secret(KEY))
    assert isinstance(err, PermissionDeniedError)
    assert KEY not in str(err)
    assert KEY not in json.dumps(err.body)
    assert "sk-***" in str(err)


def test_error_bodies_that_are_text_empty_or_odd() -> None:
    text = error_from_response(502, {}, b"<html>Bad gateway</html>")
    assert isinstance(text, ServerError)
    assert text.body == "<html>Bad gateway</html>"
    assert text.code is None
    assert error_from_response(500, {}, b"").body is None
    assert error_from_response(500, {}, b"[1, 2]").body == [1, 2]
    long = error_from_response(500, {}, openai_body("x", "m" * 500))
    assert "..." in str(long)
    assert len(str(long)) < 500
    nested = error_from_response(500, {}, json.dumps({"error": {"code": {"a": 1}}}))
    assert nested.code is None


def test_rate_limit_error_carries_retry_after() -> None:
    err = error_from_response(429, {"Retry-After": "2.5"}, openai_body("limit_requests", "slow"))
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 2.5
    assert "Retry after 2.5 s" in str(err)
    bare = error_from_response(429, {}, b"")
    assert isinstance(bare, RateLimitError)
    assert bare.retry_after is None


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"Retry-After": "0.25"}) == 0.25
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after-ms": "junk", "retry-after": "9"}) == 9.0
    assert retry_after({"retry-after": "-1"}) is None
    assert retry_after({"retry-after": "nan"}) is None
    assert retry_after({}) is None
    date = "Wed, 21 Oct 2015 07:28:10 GMT"  # 1445412490
    assert retry_after({"retry-after": date}) is None  # no clock given
    assert retry_after({"retry-after": date}, now=1445412480.0) == 10.0
    assert retry_after({"retry-after": date}, now=1445412500.0) == 0.0
    assert retry_after({"retry-after": "soon"}, now=0.0) is None


@pytest.mark.parametrize(
    ("status", "headers", "code", "expected"),
    [
        (429, {}, None, True),
        (500, {}, None, True),
        (502, {}, None, True),
        (503, {}, None, True),
        (504, {}, None, True),
        (408, {}, None, True),
        (409, {}, None, True),
        (400, {}, None, False),
        (401, {}, None, False),
        (403, {}, None, False),
        (404, {}, None, False),
        (501, {}, None, False),
        (429, {}, "insufficient_quota", False),
        (429, {}, "Arrearage", False),
        (500, {"x-should-retry": "false"}, None, False),
        (400, {"X-Should-Retry": "true"}, None, True),
    ],
)
def test_should_retry(
    status: int, headers: dict[str, str], code: str | None, expected: bool
) -> None:
    assert should_retry(status, headers, code=code) is expected


def test_retry_delay_prefers_the_server_then_backs_off() -> None:
    half = lambda: 0.5  # noqa: E731 - no jitter at 0.5
    assert retry_delay(0, {"retry-after": "1.5"}, rand=half) == 1.5
    assert retry_delay(3, {"retry-after": "0"}, rand=half) == 0.0
    too_long = {"retry-after": str(MAX_RETRY_AFTER + 1)}
    assert retry_delay(0, too_long, rand=half) == DEFAULT_BACKOFF.initial
    assert retry_delay(2, None, rand=half) == DEFAULT_BACKOFF.initial * 4
    assert retry_delay(1, {}, backoff=Backoff(initial=1, jitter=0), rand=half) == 2.0


def test_backoff_grows_caps_and_jitters_within_bounds() -> None:
    b = Backoff(initial=0.5, multiplier=2, maximum=4, jitter=0.25)
    assert [b.delay(n, lambda: 0.5) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert b.delay(0, lambda: 0.0) == 0.375
    assert b.delay(0, lambda: 0.999999) == pytest.approx(0.625, abs=1e-5)
    assert b.delay(5, lambda: 0.999999) == 4.0  # capped after jitter too
    assert b.delay(-3, lambda: 0.5) == 0.5
    assert b.delay(10_000, lambda: 0.5) == 4.0
    gen = b.delays(lambda: 0.5)
    assert [next(gen) for _ in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert Backoff(initial=0, maximum=0).delay(3) == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [{"initial": -1}, {"maximum": -1}, {"multiplier": 0.5}, {"jitter": 1.5}, {"jitter": -0.1}],
)
def test_backoff_rejects_bad_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="Backoff"):
        Backoff(**kwargs)


def test_request_window_allows_limit_per_period() -> None:
    window = RequestWindow(3, period=60)
    assert [window.reserve(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert window.reserve(0.0) == 60.0  # the 4th waits for the 1st to leave the window
    assert window.reserve(10.0) == 50.0  # booked at 60 too (the 2nd started at 0)
    assert window.reserve(30.0) == 30.0
    assert window.reserve(30.0) == 90.0  # 60, 60, 60 are booked: next slot at 120
    fresh = RequestWindow(2, period=1.0)
    assert fresh.reserve(0.0) == 0.0
    assert fresh.reserve(0.5) == 0.0
    assert fresh.reserve(0.6) == pytest.approx(0.4)
    assert fresh.reserve(5.0) == 0.0  # old starts are forgotten


@pytest.mark.parametrize(("limit", "period"), [(0, 60.0), (True, 60.0), (1.5, 60.0), (3, 0.0)])
def test_request_window_rejects_bad_settings(limit: object, period: float) -> None:
    with pytest.raises(ValueError, match="RequestWindow"):
        RequestWindow(limit, period)  # type: ignore[arg-type]
