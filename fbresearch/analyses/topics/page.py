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

from fbresearch.analyses.topics import lineage
from fbresearch.analyses.topics.examples import suspicious_rows, topic_examples
from fbresearch.analyses.topics.fit import fit_topics
from fbresearch.analyses.topics.narrative import (
    examples_table,
    format_emerging,
    format_identity,
    format_pain_points,
    format_topic_drivers,
    format_topic_tone,
    score_label,
    topic_findings,
)
from fbresearch.analyses.topics.results import TopicModel
from fbresearch.analyses.topics.tone import topic_drivers, topic_tone
from fbresearch.analyses.topics.words import NoWordsError
from fbresearch.errors import FbResearchError
from fbresearch.format import confidence_label
from fbresearch.results import Finding
from fbresearch.text.sentiment import SentimentResult, sentiment, tone_labels

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
    #: earlier periods' saved models (oldest first) and each topic's status against the last
    history: list[dict[str, Any]] = field(default_factory=list, repr=False)
    status: pd.DataFrame | None = field(default=None, repr=False)
    #: where this period's model is saved (beside the findings; None: not saved)
    model_path: Any = None
    #: the identities were started afresh on purpose
    refit: bool = False

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
        findings_path: Any = None,
        refit: bool = False,
        **fit_options: Any,
    ) -> TopicsPage:
        """Fit the topics of ``frame["text"]`` (see :func:`fit_topics` for ``fit_options``).

        Empty ``user_dict`` or ``extra_stopwords`` lists mean none. A failed fit is kept as
        the page's ``message`` (the sections then show nothing). With ``findings_path`` (the
        runner's), the topics are aligned to the last published period's saved model
        (:mod:`~.lineage`) unless ``refit``, and :meth:`save_model` saves them beside it. Then,
        with ``num_topics`` None, each language keeps last period's number of topics (the K
        choice is made again only on ``refit``), so that a topic is not split or merged just
        because a month of data changed the choice.
        """
        history = [] if refit else lineage.load_history(findings_path, period)
        if history and fit_options.get("num_topics") is None:
            fit_options["num_topics"] = lineage.topic_counts(history[-1])
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
        status = None
        if model is not None:
            model, status = lineage.align(model, history[-1] if history else None)
        return cls(
            frame, month, period, window, model, message, examples, pain_metric, confidence,
            seed, no_words, history=history, status=status, refit=refit,
            model_path=lineage.record_path(findings_path),
        )  # fmt: skip

    # ---------------------------------------------------------------- computed once

    @cached_property
    def rising(self) -> pd.DataFrame | None:
        """Rising topics of the report month (None, with the reason kept, when not possible)."""
        if self.model is None:
            return None
        try:
            return self.model.emerging(self.month, period=self.period, confidence=self.confidence)
        except FbResearchError as err:
            self._errors["rising"] = f"Rising and falling topics are not shown: {err}"
            return None

    @cached_property
    def pain(self) -> pd.DataFrame | None:
        """Pain points by ``pain_metric`` (None, with the reason kept, when not possible)."""
        if self.model is None:
            return None
        try:
            pain = self.model.pain_points(
                self.frame.get(self.pain_metric),
                metric=self.pain_metric,
                confidence=self.confidence,
            )
            pain.attrs["window"] = self.window  # the period its sentence names
            return pain
        except FbResearchError as err:
            self._errors["pain"] = f"Pain points are not shown: {err}"
            return None

    @cached_property
    def example_texts(self) -> pd.DataFrame | None:
        """Each topic's examples: typical, not suspicious, not near-duplicates, short, redacted."""
        if self.model is None:
            return None
        flagged = suspicious_rows(self.frame, seed=self.seed + 1)
        return topic_examples(self.model, self.examples, suspicious=flagged)

    @cached_property
    def tone_result(self) -> SentimentResult | None:
        """Tone of every text (trained on whatever score the data has; None with the reason)."""
        texts = self.frame.get("text", pd.Series(dtype="string"))
        try:
            if self.no_words:
                # nothing to learn a tone from (a classifier would fail on an empty vocabulary)
                raise NoWordsError(len(texts))
            labels, source = tone_labels(self.frame)
            return sentiment(texts, labels=labels, seed=self.seed, source=source)
        except FbResearchError as err:
            self._errors["tone"] = f"The tone of comments is not shown: {err}"
            return None

    @cached_property
    def drivers(self) -> pd.DataFrame | None:
        """Topics as drivers of ``pain_metric`` (None, with the reason kept, when not possible)."""
        if self.model is None:
            return None
        try:
            return topic_drivers(
                self.model, self.frame.get(self.pain_metric), self.pain_metric,
                confidence=self.confidence,
            )  # fmt: skip
        except FbResearchError as err:
            self._errors["drivers"] = f"Topics as drivers are not shown: {err}"
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
                    self.model.overview(language),
                    caption=f"{name} topics, {self.window}: label, top words and share of "
                    "comments.",
                )
                show(
                    examples_table(self.model, self.example_texts, language),
                    caption=f"Typical {name} comments of each topic (at most {self.examples}; "
                    "personal data removed, cut to 200 characters; copies, near-copies and "
                    "comments screened as suspicious left out).",
                )
        show(self.model.plot(), caption="Each topic's share of its language's comments.")

    def identity(self, show: Show) -> None:
        """Whether each topic is last period's, new or vanished, and the lineage chart."""
        if self.model is None:
            return
        if not self.history:
            show(
                "The topic ids start with this report: "
                + ("the topics were found afresh on purpose, not matched to last month's."
                   if self.refit else "it is the first report with topics in this folder; from"
                   " the next one on, each topic keeps its id and a chart follows its share.")
            )  # fmt: skip
            return
        previous = self.history[-1]["period"]
        show(
            format_identity(self.status, previous),
            caption=f"Each topic against {previous}'s, matched by its words (Jensen-Shannon "
            f"distance below {lineage.MATCH}: the same topic, keeping its id and label).",
        )
        record = lineage.model_record(self.model, self.period, self.status, self.refit)
        show(
            self.model_lineage_plot(record),
            caption="Share of each topic in each report period, followed by its id.",
        )

    def model_lineage_plot(self, record: dict[str, Any]):  # noqa: ANN201 - a Figure
        """The lineage chart of the saved periods and this one."""
        from fbresearch.present.plots.topics import plot_topic_lineage

        return plot_topic_lineage(lineage.lineage_table(self.history, record))

    def topic_tone(self, show: Show) -> None:
        """Each topic's share of positive and negative comments and its score."""
        if self.model is None or self.tone_result is None:
            return
        scores = self.frame.get(self.pain_metric)
        table = topic_tone(
            self.model, self.tone_result.table["sentiment"], scores, self.pain_metric,
            self.confidence,
        )  # fmt: skip
        show(
            format_topic_tone(table, self.confidence),
            caption=f"Tone and {score_label(self.pain_metric)} of each topic's comments, "
            f"{self.window}, with {confidence_label(self.confidence)} confidence intervals.",
        )

    def topic_drivers(self, show: Show) -> None:
        """Which topics go with low scores, holding the other topics fixed."""
        if self.model is None:
            return
        if self.drivers is None:
            show(self._errors["drivers"])
            return
        show(
            format_topic_drivers(self.drivers, self.confidence),
            caption=f"Difference in {score_label(self.pain_metric)} between comments that "
            "mention a topic and those that do not, the other topics held fixed (linear "
            f"regression), {confidence_label(self.confidence)} confidence intervals; q-values "
            "allow for the number of topics compared (Benjamini-Hochberg).",
        )
        show(
            self.model.plot_drivers(self.drivers),
            caption=f"Each topic's difference with its {confidence_label(self.confidence)} "
            "confidence interval; 0: no difference.",
        )

    def save_model(self) -> Any:
        """Save this period's topics beside the findings (for next period's alignment)."""
        if self.model is None or self.model_path is None:
            return None
        record = lineage.model_record(self.model, self.period, self.status, self.refit)
        return lineage.save_record(record, self.model_path)

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
        frame, result = self.frame, self.tone_result
        if result is None:
            show(self._errors["tone"])
            return
        try:
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
        """Topics reproduced and coherence for each number of topics tried."""
        if self.model is not None and len(self.model.selection):
            show(
                self.model.plot_selection(),
                caption="How the number of topics was chosen: for each number tried, how many "
                "topics came back when the topics were found again on other random samples "
                "of the comments (left; the dashed line is all topics but one), and how "
                "clearly each topic's words go together (right). Circled: the largest number "
                "at which all topics but one came back.",
            )

    def findings(self) -> list[Finding]:
        """Headline findings: top topics, rising topics and the worst pain point."""
        if self.model is None:
            return []
        return topic_findings(self.model, self.rising, self.pain, self.drivers)
