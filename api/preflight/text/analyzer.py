"""Turns a submitted text into a Post: languages, sentences, tokens, entities."""
from __future__ import annotations

from datetime import date
from functools import cached_property

from preflight.text.post import Post, build_tokens
from preflight.text.nlp import Pipelines
from preflight.text.normalize import CharFolder, analyse_text
from preflight.vocab import LANGUAGES


class Analyzer:
    """The language tools one engine shares between compiling packs and checking posts; each loads on first use."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        self.languages = languages
        self.pipelines = Pipelines()
        self.folder = CharFolder()

    @cached_property
    def detector(self):
        """Language detection: a post checked with its language given and of one sentence never needs it."""
        from preflight.text.language import LanguageDetector

        return LanguageDetector(self.languages)

    @cached_property
    def splitter(self):
        """Word frequencies for hashtags, per language on first use."""
        from preflight.text.hashtags import HashtagSplitter

        return HashtagSplitter(self.languages)

    def warm(self) -> None:
        """Load every language's tools now: the server does before its workers fork, so that they share them."""
        from concurrent.futures import ThreadPoolExecutor

        # Decompressing the detector's model releases the interpreter lock: it runs in a thread of its own,
        # beside the hashtag words (read back from the cache directory) and the pipelines built here.
        with ThreadPoolExecutor(2) as pool:
            detector = pool.submit(self.detector.resolve, "Warm up. Warm up.", "auto", "en")
            words = pool.submit(self._warm_words)
            self.pipelines.warm(self.languages)
            detector.result()
            words.result()

    def _warm_words(self) -> None:
        for language in self.languages:
            self.splitter.split("warmup", language)

    def words(self, term: str, language: str) -> list[str]:
        """The token texts of a term, analysed exactly as a post would be."""
        analysed = analyse_text(term, self.folder, lambda body: self.splitter.split(body, language))
        doc = self.pipelines.tokenize(analysed.text, language)
        return [t.text for t in doc if not t.text.isspace()]

    def analyse(
        self,
        text: str,
        language: str,
        default: str,
        platform: str | None,
        context: str,
        today: date,
        mixed: bool = True,
    ) -> Post:
        """Prepare a post; `language` may be "auto", detected then with `default` as fallback."""
        if mixed:
            language, sentences = self.detector.resolve(text, language, default)
        else:
            if language == "auto":
                language = self.detector.detect(text)[0] or default
            sentences = [(0, len(text), language)]
        analysed = analyse_text(text, self.folder, lambda body: self.splitter.split(body, language))
        doc = self.pipelines.tokenize(analysed.text, language)
        tokens = build_tokens(analysed, doc, sentences)
        post = Post(analysed, tokens, sentences, language, platform, context, today)
        post.doc_cache[language] = doc
        return post
