"""The sections of the topics notebook: each fits, words and hands its items to ``show``.

The notebook only calls these methods with its display function (``fb.show``), so the analysis
layer never imports the presentation layer and the notebook holds no logic. A section whose
input is missing or whose analysis fails says why in one sentence instead of a table.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"text": ["late courier slow"] * 30 + ["refund charge invoice"] * 30,
...                       "submitted_at": pd.Timestamp("2026-10-05")})
>>> month = frame["submitted_at"].dt.to_period("M")
>>> page = TopicsPage.fit(frame, month, month.iloc[0], "October 2026", num_topics=2)
>>> page.summary(print)
2 topics in English texts; ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from fbresearch.analyses.topics.fit import fit_topics
from fbresearch.analyses.topics.narrative import (
    format_emerging,
    format_pain_points,
    topic_findings,
)
from fbresearch.analyses.topics.results import TopicModel
from fbresearch.analyses.topics.words import NoWordsError
from fbresearch.errors import FbResearchError
from fbresearch.format import confidence_label
from fbresearch.results import Finding
from fbresearch.text.sentiment import sentiment, tone_labels

__all__ = ["TopicsPage"]

Show = Callable[..., Any]


@dataclass
class TopicsPage:
    """The topics page of one report period: the fitted model (or why there is none) and its
    sections.

    Attributes
    ----------
    frame : DataFrame
        The responses behind the page (the report window).
    month : Series
        Each response's month (aligned to ``frame``).
    period : Period
        The report month.
    window : str
        The window in words ("November 2025 to October 2026"), for captions.
    model : TopicModel or None
        None when the topics could not be fitted; ``message`` says why.
    message : str
        The model's summary, or why there are no topics.
    """

    frame: pd.DataFrame
    month: pd.Series
    period: Any
    window: str
    model: TopicModel | None
    message: str
    examples: int = 3
    #: the score behind the pain points: any of nps, csat, satisfied, ces
    pain_metric: str = "nps"
    confidence: float = 0.95
    seed: int = 0
    #: every text was empty after cleaning (:class:`NoWordsError`): no section can run
    no_words: bool = False
    _errors: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def fit(
        cls,
        frame: pd.DataFrame,
        month: pd.Series,
        period: Any,
        window: str,
        *,
        examples: int = 3,
        pain_metric: str = "nps",
        confidence: float = 0.95,
        seed: int = 0,
        user_dict: Any = None,
        extra_stopwords: Any = None,
        **fit_options: Any,
    ) -> TopicsPage:
        """Fit the topics of ``frame["text"]`` (see :func:`fit_topics` for ``fit_options``).

        Empty ``user_dict`` or ``extra_stopwords`` lists mean none. A failed fit is kept as
        the page's ``message`` (the sections then show nothing).
        """
        try:
            model = fit_topics(
                frame.get("text", []),
                seed=seed,
                user_dict=user_dict or None,
                extra_stopwords=extra_stopwords or None,
                **fit_options,
            )
            message = model.summary()
            no_words = False
        except NoWordsError as err:
            model, no_words = None, True
            message = f"Topics are not shown: {err}"
        except FbResearchError as err:
            model, no_words = None, False
            message = f"Topics could not be found in the comments from {window}: {err}"
        return cls(
            frame,
            month,
            period,
            window,
            model,
            message,
            examples,
            pain_metric,
            confidence,
            seed,
            no_words,
        )

    # ---------------------------------------------------------------- computed once

    @cached_property
    def rising(self) -> pd.DataFrame | None:
        """Rising topics of the report month (None, with the reason kept, when not possible)."""
        if self.model is None:
            return None
        try:
            return self.model.emerging(self.month, period=self.period, confidence=self.confidence)
        except FbResearchError as err:
            self._errors["rising"] = f"Rising topics are not shown: {err}"
            return None

    @cached_property
    def pain(self) -> pd.DataFrame | None:
        """Pain points by ``pain_metric`` (None, with the reason kept, when not possible)."""
        if self.model is None:
            return None
        try:
            return self.model.pain_points(
                self.frame.get(self.pain_metric),
                metric=self.pain_metric,
                confidence=self.confidence,
            )
        except FbResearchError as err:
            self._errors["pain"] = f"Pain points are not shown: {err}"
            return None

    # ---------------------------------------------------------------- sections

    def summary(self, show: Show) -> None:
        """The model's summary, or why there are no topics."""
        show(self.message)

    def overview(self, show: Show) -> None:
        """One table per language (label, top words, share, examples) and the shares chart."""
        if self.model is None:
            return
        for language, name in [("zh", "Chinese"), ("en", "English")]:
            if (self.model.table["language"] == language).any():
                show(
                    self.model.overview(language, k=self.examples),
                    caption=f"{name} topics, {self.window}: label, top words, share of comments "
                    "and typical comments.",
                )
        show(self.model.plot(), caption="Each topic's share of its language's comments.")

    def prevalence(self, show: Show) -> None:
        """Each larger topic's share per month with its confidence band."""
        if self.model is None:
            return
        show(
            self.model.plot_prevalence(self.month, confidence=self.confidence),
            caption=f"Share of comments per topic and month, {self.window}, with "
            f"{confidence_label(self.confidence)} confidence bands.",
        )

    def emerging(self, show: Show) -> None:
        """This month's shares against the three months before, largest increase first."""
        if self.model is None:
            return
        if self.rising is None:
            show(self._errors["rising"])
            return
        show(
            format_emerging(self.rising, self.confidence),
            caption=f"Topic shares in {self.period:%B %Y} against the three months before, "
            "largest increase first.",
        )

    def pain_points(self, show: Show) -> None:
        """Score of each topic's comments, lowest first, as a table and a chart."""
        if self.model is None:
            return
        if self.pain is None:
            show(self._errors["pain"])
            return
        show(
            format_pain_points(self.pain, self.confidence),
            caption=f"Score of each topic's comments, {self.window}, lowest first, with "
            f"{confidence_label(self.confidence)} confidence intervals.",
        )
        show(
            self.model.plot_pain_points(self.pain),
            caption=f"Score per topic with its {confidence_label(self.confidence)} confidence "
            "interval; the dashed line is the score of all scored comments.",
        )

    def tone(self, show: Show) -> None:
        """Tone of the comments, learnt from whatever score the data has (NPS, CSAT, stars,
        a label), else read with the lexicon."""
        frame = self.frame
        texts = frame.get("text", pd.Series(dtype="string"))
        try:
            if self.no_words:
                # nothing to learn a tone from (a classifier would fail on an empty vocabulary)
                raise NoWordsError(len(texts))
            labels, source = tone_labels(frame)
            result = sentiment(texts, labels=labels, seed=self.seed, source=source)
            show(result.summary())
            if "channel" in frame and frame["channel"].notna().any():
                show(
                    result.by_group(frame["channel"], confidence=self.confidence),
                    caption="Share of negative comments by channel, with "
                    f"{confidence_label(self.confidence)} confidence intervals (unscored "
                    "channels: predicted tone).",
                )
        except FbResearchError as err:
            show(f"The tone of comments is not shown: {err}")

    def selection(self, show: Show) -> None:
        """Coherence and stability for each number of topics tried."""
        if self.model is not None and len(self.model.selection):
            show(
                self.model.plot_selection(),
                caption="Coherence and stability for each number of topics; circled: the "
                "number chosen.",
            )

    def findings(self) -> list[Finding]:
        """Headline findings: top topics, rising topics and the worst pain point."""
        if self.model is None:
            return []
        return topic_findings(self.model, self.rising, self.pain)
