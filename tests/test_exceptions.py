from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module

import pytest

import livetranslate
from livetranslate import exceptions as lt_errors

FAKE_KEY = "sk-0123456789abcdef0123456789abcdef"


def _all_exception_classes() -> list[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for mod in pkgutil.walk_packages(livetranslate.__path__, "livetranslate."):
        if mod.name.endswith(("pytest_plugin", "__main__")):
            continue
        module = import_module(mod.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__.startswith("livetranslate"):
                found.add(obj)
    return sorted(found, key=lambda c: c.__qualname__)


def test_every_exception_in_the_package_derives_from_the_root() -> None:
    classes = _all_exception_classes()
    assert lt_errors.SessionError in classes
    for cls in classes:
        assert issubclass(cls, lt_errors.LiveTranslateError), cls


def test_every_exception_class_is_exported() -> None:
    for cls in _all_exception_classes():
        if cls.__module__ == "livetranslate.exceptions":
            assert cls.__name__ in lt_errors.__all__


def test_no_class_shadows_a_builtin() -> None:
    import builtins

    for name in lt_errors.__all__:
        assert not hasattr(builtins, name), name


def test_protocol_error_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        lt_errors.ProtocolError("x")
    assert isinstance(lt_errors.LocalProtocolError("x"), lt_errors.ProtocolError)


def test_builtin_categories() -> None:
    assert issubclass(lt_errors.ConfigurationError, ValueError)
    assert issubclass(lt_errors.AudioError, ValueError)
    assert issubclass(lt_errors.UsageError, RuntimeError)
    assert issubclass(lt_errors.TransportTimeout, TimeoutError)


def test_status_error_strips_credentials_from_headers() -> None:
    err = lt_errors.AuthenticationError(
        "Invalid API key; check that the key belongs to this region.",
        status_code=401,
        headers={"Authorization": f"Bearer {FAKE_KEY}", "x-request-id": "r1"},
        request_id="r1",
        code="InvalidApiKey",
    )
    assert FAKE_KEY not in str(err)
    assert FAKE_KEY not in repr(err.headers)
    assert err.headers == {"x-request-id": "r1"}
    assert err.status_code == 401


def test_rate_limit_error_carries_retry_after() -> None:
    err = lt_errors.RateLimitError("Too many requests.", status_code=429, retry_after=2.5)
    assert err.retry_after == 2.5
    assert isinstance(err, lt_errors.APIStatusError)


def test_session_error_message_has_code_and_param() -> None:
    err = lt_errors.SessionError(
        "Invalid modalities.", code="invalid_value", param="session.modalities"
    )
    assert str(err) == "Invalid modalities. (code=invalid_value, param=session.modalities)"
    assert err.message == "Invalid modalities."
    plain = lt_errors.SessionError("Boom.", code="x")
    assert str(plain) == "Boom. (code=x)"
    assert str(lt_errors.SessionError("Boom.")) == "Boom."


def test_closed_and_interrupted_attributes() -> None:
    closed = lt_errors.SessionClosedError("dropped", code=1006, reason="")
    assert (closed.code, closed.reason) == (1006, "")
    cut = lt_errors.StreamInterrupted("cut", events_received=3, text_received=10)
    assert (cut.events_received, cut.text_received, cut.audio_bytes_received) == (3, 10, 0)
    remote = lt_errors.RemoteProtocolError("bad", event_type="response.done")
    assert remote.event_type == "response.done"
    conf = lt_errors.ConfigurationError("bad", suggestions=("en",))
    assert conf.suggestions == ("en",)
