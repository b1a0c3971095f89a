"""The sans-I/O core (advanced): drive a realtime session from your own I/O.

[`RealtimeProtocol`][livetranslate.protocol.RealtimeProtocol] is the session state machine;
[`SegmentAssembler`][livetranslate.protocol.SegmentAssembler] and the text reducers turn server
events into paired [`Segment`][livetranslate.protocol.Segment]s;
[`ReconnectPolicy`][livetranslate.protocol.ReconnectPolicy] and
[`ReplayBuffer`][livetranslate.protocol.ReplayBuffer] decide how a session survives a lost
connection; the dialects map one
[`SessionConfig`][livetranslate.config.SessionConfig] onto each model generation's wire shape.
See the "sans-I/O protocol" guide.
"""

from __future__ import annotations

from livetranslate.protocol._states import (
    COMMANDS,
    LOCAL_TRANSITIONS,
    TRANSITIONS,
    SessionState,
    mermaid_diagram,
    next_states,
)
from livetranslate.protocol.dialects import Dialect, dialect_for
from livetranslate.protocol.realtime import MAX_IMAGE_BYTES, RealtimeProtocol
from livetranslate.protocol.reconnect import (
    ReconnectPolicy,
    ReplayBuffer,
    classify_close,
    classify_error,
)
from livetranslate.protocol.segments import (
    Segment,
    SegmentAssembler,
    TextSnapshot,
    apply_delta,
    apply_final,
    apply_text_stash,
)

# Plain sorted order (tests/test_exports.py), not ruff's isort-style order.
__all__ = [
    "COMMANDS",
    "LOCAL_TRANSITIONS",
    "MAX_IMAGE_BYTES",
    "TRANSITIONS",
    "Dialect",
    "RealtimeProtocol",
    "ReconnectPolicy",
    "ReplayBuffer",
    "Segment",
    "SegmentAssembler",
    "SessionState",
    "TextSnapshot",
    "apply_delta",
    "apply_final",
    "apply_text_stash",
    "classify_close",
    "classify_error",
    "dialect_for",
    "mermaid_diagram",
    "next_states",
]
