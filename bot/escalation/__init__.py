"""Escalations: persisted first, paged to the on-duty health visitor, cascaded if unanswered."""
