"""The validated models a rule set was compiled from, kept for the readers that need them, pickled apart."""
from __future__ import annotations

import pickle
import threading


class Sources:
    """Every pack, rule, listed event and profile model a rule set was compiled from, in one list.

    The rule examples, the docs, the live events and the admin pages read them; a check reads only what
    was compiled from them. In the pack cache they are one pickle inside the rule set's, unpickled (and
    pydantic's model classes built) when one is first asked for: a check never pays for them.
    """

    def __init__(self) -> None:
        self._models: list = []
        self._stored: bytes | None = None
        self._lock = threading.Lock()

    def add(self, model) -> Stored:
        self._models.append(model)
        return Stored(self, len(self._models) - 1)

    def get(self, index: int):
        self.unpack()
        return self._models[index]

    def unpack(self) -> None:
        """Unpickle the models read back from the cache, if they are not yet."""
        if self._stored is not None:
            with self._lock:  # two threads asking at once unpickle them once
                if self._stored is not None:
                    self._models = pickle.loads(self._stored)
                    self._stored = None

    def __getstate__(self) -> dict:
        stored = self._stored if self._stored is not None else pickle.dumps(self._models, protocol=pickle.HIGHEST_PROTOCOL)
        return {"stored": stored}

    def __setstate__(self, state: dict) -> None:
        self._models = []
        self._stored = state["stored"]
        self._lock = threading.Lock()


class Stored:
    """One model of a Sources."""

    __slots__ = ("sources", "index")

    def __init__(self, sources: Sources, index: int) -> None:
        self.sources, self.index = sources, index

    def __getstate__(self) -> tuple:
        return self.sources, self.index

    def __setstate__(self, state: tuple) -> None:
        self.sources, self.index = state

    def get(self):
        return self.sources.get(self.index)
