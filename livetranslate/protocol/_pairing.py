"""Who belongs with whom: source (ASR) items, translation responses, and the links between them.

Private to `livetranslate.protocol.segments`, which documents the rules. Pure bookkeeping; no
text handling and no output.
"""

from __future__ import annotations

from collections import OrderedDict

from livetranslate.protocol._text import TextSnapshot
from livetranslate.usage import Usage

_MAX_REMEMBERED = 512


class Source:
    """One utterance's source side: its ASR item, text and timing."""

    __slots__ = (
        "done",
        "emotion",
        "end_ms",
        "item_id",
        "language",
        "last",
        "response",
        "seq",
        "speaker",
        "start_ms",
        "text",
    )

    def __init__(self, seq: int, item_id: str | None) -> None:
        self.seq = seq
        self.item_id = item_id
        self.text = TextSnapshot()
        self.done = False
        self.language: str | None = None
        self.emotion: str | None = None
        self.speaker: int | None = None
        self.start_ms: int | None = None
        self.end_ms: int | None = None
        self.response: Response | None = None
        self.last: tuple[str, str] | None = None


class Response:
    """One utterance's translation side: its response, text, audio and usage."""

    __slots__ = (
        "audio",
        "done",
        "hint",
        "id",
        "item_id",
        "last",
        "linked",
        "seq",
        "source",
        "status",
        "text",
        "usage",
    )

    def __init__(self, seq: int, response_id: str) -> None:
        self.seq = seq
        self.id = response_id
        self.item_id: str | None = None
        self.text = TextSnapshot()
        self.audio: list[bytes] = []
        self.usage = Usage()
        self.status: str | None = None
        self.done = False
        self.hint = ""
        self.source: Source | None = None
        self.linked = False
        self.last: tuple[str, str] | None = None


Unit = tuple[Source | None, Response | None]
"""One utterance: its source, its response, or both (never neither)."""


class RecentIds:
    """A bounded, insertion-ordered set of ids (oldest forgotten first)."""

    def __init__(self) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, key: str) -> None:
        self._ids[key] = None
        if len(self._ids) > _MAX_REMEMBERED:
            self._ids.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._ids


class Pairing:
    """The live sources and responses, and which belongs to which.

    Finished ids are remembered (boundedly) so late events for them are ignored.
    """

    def __init__(self) -> None:
        self.sources: list[Source] = []
        self.responses: dict[str, Response] = {}
        self._seq = 0
        self._by_item: dict[str, Source] = {}
        self._by_translation_item: dict[str, Response] = {}
        self._pending_links: OrderedDict[str, str] = OrderedDict()
        self._links_seen = False
        self._finished_sources = RecentIds()
        self._finished_responses = RecentIds()
        self._finished_items = RecentIds()

    # ------------------------------------------------------------------ sources

    def speech(self, item_id: str | None) -> Source | None:
        """The source a ``speech_started``/``committed`` describes (new unless its id is known)."""
        if item_id in self._finished_sources:
            return None
        source = self._by_item.get(item_id) if item_id is not None else None
        return source if source is not None else self._new_source(item_id)

    def source(self, item_id: str) -> Source | None:
        """The live source for ``item_id``: known, else the oldest anonymous one, else new."""
        if item_id in self._finished_sources:
            return None
        source = self._by_item.get(item_id)
        if source is not None:
            return source
        source = next((s for s in self.sources if s.item_id is None), None)
        if source is None:
            return self._new_source(item_id)
        source.item_id = item_id
        self._by_item[item_id] = source
        return source

    def speech_stopped(self, item_id: str | None) -> Source | None:
        """The source a ``speech_stopped`` ends: by id, else the oldest one still speaking."""
        if item_id in self._finished_sources:
            return None
        source = self._by_item.get(item_id) if item_id is not None else None
        if source is None:
            source = next(
                (s for s in self.sources if s.start_ms is not None and s.end_ms is None), None
            )
            if source is not None and source.item_id is None and item_id is not None:
                source.item_id = item_id
                self._by_item[item_id] = source
        return source

    def _new_source(self, item_id: str | None) -> Source:
        self._seq += 1
        source = Source(self._seq, item_id)
        self.sources.append(source)
        if item_id is not None:
            self._by_item[item_id] = source
        self.match()
        return source

    # ------------------------------------------------------------------ responses

    def response(self, response_id: str, item_id: str | None = None) -> Response | None:
        """The live response ``response_id`` (new when unknown), noting its translation item."""
        if response_id in self._finished_responses:
            return None
        response = self.responses.get(response_id)
        if response is None:
            self._seq += 1
            response = self.responses[response_id] = Response(self._seq, response_id)
            self.match()
        if (
            item_id is not None
            and response.item_id is None
            and item_id not in self._by_translation_item
            and item_id not in self._finished_items
        ):
            response.item_id = item_id
            self._by_translation_item[item_id] = response
            previous = self._pending_links.pop(item_id, None)
            if previous is not None:
                self._link(response, previous)
        return response

    def translation_item(self, item_id: str, previous_item_id: str) -> Response | None:
        """Record that translation item ``item_id`` translates source ``previous_item_id``."""
        self._links_seen = True
        if item_id in self._finished_items:
            return None
        response = self._by_translation_item.get(item_id)
        if response is None:
            self._pending_links[item_id] = previous_item_id
            if len(self._pending_links) > _MAX_REMEMBERED:
                self._pending_links.popitem(last=False)
            return None
        self._link(response, previous_item_id)
        return response

    # ------------------------------------------------------------------ pairing

    def _link(self, response: Response, source_id: str) -> None:
        source = self.source(source_id)
        if source is None:
            return
        if source.response is not response:
            if response.source is not None:
                response.source.response = None
            if source.response is not None:
                source.response.source = None
                source.response.linked = False
            response.source, source.response = source, response
        response.linked = True
        self.match()

    def match(self, *, fallback: bool = False) -> None:
        """Pair unlinked responses with unpaired sources, in arrival order.

        Once links have been seen, only finished responses (or, with ``fallback``, all) are
        paired this way; the others wait for their link.
        """
        free = [s for s in self.sources if s.response is None]
        waiting = [
            r
            for r in self.responses.values()
            if r.source is None and not r.linked and (fallback or r.done or not self._links_seen)
        ]
        for source, response in zip(free, waiting, strict=False):
            source.response, response.source = response, source

    def units(self) -> list[Unit]:
        """Every live utterance, in order of its first event."""
        keyed: list[tuple[int, Unit]] = [
            (min(s.seq, s.response.seq) if s.response is not None else s.seq, (s, s.response))
            for s in self.sources
        ]
        keyed += [(r.seq, (None, r)) for r in self.responses.values() if r.source is None]
        keyed.sort(key=lambda entry: entry[0])
        return [unit for _, unit in keyed]

    def drop(self, source: Source | None, response: Response | None) -> None:
        """Forget a finished utterance (its ids are remembered as finished)."""
        if source is not None:
            self.sources.remove(source)
            if source.item_id is not None:
                del self._by_item[source.item_id]
                self._finished_sources.add(source.item_id)
        if response is not None:
            del self.responses[response.id]
            self._finished_responses.add(response.id)
            if response.item_id is not None:
                del self._by_translation_item[response.item_id]
                self._finished_items.add(response.item_id)
