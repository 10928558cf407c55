"""Advice on preconception, birth setting and breastfeeding, chosen from content files.

`answer(text, topic_hint, context)` picks the item and its wording; the texts, sources and
keyword patterns live in `bot/content/advice/*.yml`.
"""

from bot.advice.select import Advice, AdviceContext, answer

__all__ = ["Advice", "AdviceContext", "answer"]
