"""Turns a submitted text into a Post: languages, sentences, tokens, entities."""
from __future__ import annotations

from datetime import date

from .analysis import Post, build_tokens
from .hashtags import HashtagSplitter
from .language import LanguageDetector
from .nlp import SUPPORTED_LANGUAGES, Pipelines
from .normalize import CharFolder, analyse_text


class Analyzer:
    """The language tools one engine shares between compiling packs and checking posts."""

    def __init__(self, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> None:
        self.languages = languages
        self.pipelines = Pipelines()
        self.detector = LanguageDetector(languages)
        self.splitter = HashtagSplitter(languages)
        self.folder = CharFolder()

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
