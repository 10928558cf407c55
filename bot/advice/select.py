"""Choosing the advice answer for a parent's message, with what the conversation already knows.

The rules, in order:
1. Topic: the intent's topic when given; for an unclear follow-up, the topic the message names,
   else the topic of the previous answer.
2. Item: the first item the message clearly asks about (questions before statements, then in
   the order written); the others are offered as buttons. With nothing clear, a follow-up to
   the previous answer ("what dose?", "and if I have diabetes?", "it's my first baby") gets
   that answer again, told for what was just said; then a weaker keyword; then the overview.
3. Personal: folic acid becomes the higher-dose answer, naming the factor kindly, once the person
   has told us a higher-dose factor. Birth-setting safety, figures and home-birth questions are
   answered for a first baby or not once that is known, and with "talk to your midwife" first
   when a factor on the obstetric unit list is known.

Pure: the conversation's memory is the `AdviceContext` passed in and handed back.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.advice.topics import (
    TOPICS,
    Item,
    TopicMatches,
    factor_answers,
    factors_in,
    first_baby_in,
    matches,
    parity_answers,
    read,
    topics,
)

BIRTH_SETTING = "birth_setting"
MAX_BUTTONS = 4


@dataclass(frozen=True)
class AdviceContext:
    """What the conversation knows for the next advice question."""

    topic: str | None = None  # the topic of the previous answer (for follow-ups)
    last_key: str | None = None  # the previous item key
    factors: frozenset[str] = frozenset()  # personal factors said earlier in the conversation
    first_baby: bool | None = None


@dataclass(frozen=True)
class Advice:
    """An answer ready for either channel, and the context to keep for the next turn."""

    key: str
    topic: str
    sms: str
    telegram: str
    buttons: tuple[tuple[str, str], ...]  # (title, payload) follow-ups
    offer_cafe: bool
    context: AdviceContext  # to keep for the next turn


def _choose_topic(topic_hint: str | None, context: AdviceContext,
                  found: dict[str, TopicMatches], follows_on: bool) -> str:
    """The hinted topic; else the current one unless the message clearly names another."""
    if topic_hint is not None:
        if topic_hint not in TOPICS:
            raise ValueError(f"unknown advice topic: {topic_hint}")
        return topic_hint
    current = context.topic if context.topic in TOPICS else None
    if current is not None and (found[current].strong or follows_on):
        return current
    # Words the current topic also reads ("diabetes") do not name another topic.
    heard = {f.position for f in found[current].weak} if current is not None else set()
    named = [
        (f.position, name)
        for name, m in found.items()
        for f in m.strong[:1]
        if f.position not in heard
    ]
    if named:
        return min(named)[1]
    if current is not None:
        return current
    weak = [(m.weak[0].position, name) for name, m in found.items() if m.weak]
    if weak:
        return min(weak)[1]
    raise LookupError("the message names no advice topic and there is no earlier one")


def _uses_what_was_said(item: Item, new_factors: frozenset[str], said_first: bool | None) -> bool:
    """A bare follow-up that changes the previous answer ("and if I have diabetes?")."""
    if "factors" in item.uses and new_factors:
        return True
    return "parity" in item.uses and said_first is not None


def _personal_factor_keys() -> frozenset[str]:
    return frozenset(
        name
        for topic in topics().values()
        for it in topic.items.values()
        if it.personal is not None
        for name in it.personal.because
        if name != "several"
    )


def answer(text: str, topic_hint: str | None, context: AdviceContext) -> Advice:
    """The advice item for a message, told for what the person has said.

    `topic_hint` is the intent's topic, or None for a follow-up whose intent is unclear.
    Raises LookupError only when neither the message, the hint nor the context names a topic.
    """
    reading = read(text)
    spans = factors_in(reading)
    said_factors = frozenset(spans)
    factors = context.factors | said_factors
    said_first = first_baby_in(reading)
    first_baby = said_first if said_first is not None else context.first_baby
    factor_spans = [span for found in spans.values() for span in found]
    all_topics = topics()
    found = {name: matches(reading, topic, factor_spans) for name, topic in all_topics.items()}
    new_factors = said_factors & _personal_factor_keys()
    previous = _item_or_none(context.last_key)
    follows_on = previous is not None and (
        previous.key in found[previous.topic].follow
        or _uses_what_was_said(previous, new_factors, said_first)
    )
    topic_name = _choose_topic(topic_hint, context, found, follows_on)
    topic = all_topics[topic_name]
    here = found[topic_name]
    last = previous if previous is not None and previous.topic == topic_name else None

    others: list[str] = []
    if here.strong:
        key = here.strong[0].key
        others = [f.key for f in here.strong[1:]]
    elif last is not None and (
        last.key in here.follow or _uses_what_was_said(last, new_factors, said_first)
    ):
        key = last.key
    elif here.weak:
        key = here.weak[0].key
    else:
        key = topic.overview

    chosen = topic.items[key]
    if chosen.personalised_by and chosen.personalised_by in topic.items:
        higher = topic.items[chosen.personalised_by]
        if higher.personal is not None and higher.personal.render(factors) is not None:
            chosen = higher
    if topic_name == BIRTH_SETTING:
        chosen = topic.items[_birth_key(chosen.key, factors, first_baby)]

    sms, telegram = chosen.sms, chosen.telegram
    if chosen.personal is not None:
        personal = chosen.personal.render(factors)
        if personal is not None:
            sms, telegram = personal

    return Advice(
        key=chosen.key,
        topic=topic_name,
        sms=sms,
        telegram=telegram,
        buttons=_buttons(chosen, [topic.items[k] for k in others]),
        offer_cafe=chosen.offer_cafe,
        context=AdviceContext(
            topic=topic_name, last_key=chosen.key, factors=factors, first_baby=first_baby
        ),
    )


def _birth_key(key: str, factors: frozenset[str], first_baby: bool | None) -> str:
    """Safety, figures and home birth told for this person: a factor on the obstetric unit
    list first, then first baby or not."""
    by_parity, applies_to = parity_answers()
    if key not in applies_to:
        return key
    for answer_key, names in factor_answers().items():
        if factors & names:
            return answer_key
    if first_baby is not None:
        return by_parity[first_baby]
    return key


def _item_or_none(key: str | None) -> Item | None:
    for topic in topics().values():
        if key in topic.items:
            return topic.items[key]
    return None


def _buttons(chosen: Item, others: list[Item]) -> tuple[tuple[str, str], ...]:
    """The other questions in the message first, then the item's own follow-ups."""
    buttons = [(other.title, other.ask) for other in others if other.key != chosen.key]
    buttons += list(chosen.follow_ups)
    unique: list[tuple[str, str]] = []
    for title, payload in buttons:
        if payload == chosen.ask or any(payload == p for _, p in unique):
            continue
        unique.append((title, payload))
    return tuple(unique[:MAX_BUTTONS])
