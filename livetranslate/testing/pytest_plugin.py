"""pytest plugin: the ``livetranslate_emulator`` fixture (registered as a ``pytest11`` entry point).

Importing this module is cheap: the emulator (and uvicorn) load only when a test asks for the
fixture. The fixture is synchronous, so it works in sync tests and in async ones under any async
plugin (or none): the emulator runs on an event loop of its own in a daemon thread.

```python
async def test_my_app(livetranslate_emulator):
    url = livetranslate_emulator.realtime_url  # ws://127.0.0.1:<port>/api-ws/v1/realtime
    ...
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # pragma: no cover - typing only
    from livetranslate.testing import Emulator

__all__ = ["livetranslate_emulator"]


@pytest.fixture
def livetranslate_emulator() -> Iterator[Emulator]:
    """A started [`Emulator`][livetranslate.testing.Emulator]: no latency, any key, no script.

    Every speech segment k is reported as ``"[emulated speech k]"`` and translated as
    ``"[emulated <target> translation k]"``. Build your own ``Emulator`` for a script or other
    options. Stopped after the test.
    """
    from livetranslate.testing import Emulator

    emulator = Emulator(latency=0).start_in_thread()
    try:
        yield emulator
    finally:
        emulator.stop()
