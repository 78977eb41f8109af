"""Ranked full-text search over the cards and their snippet files, without importing them."""

# Where a word is found, and what a hit there is worth: a match in a name beats one in code.
FIELD_WEIGHTS = (
    ("topic", 8),
    ("aliases", 6),
    ("title", 5),
    ("summary", 3),
    ("note", 2),
    ("pitfalls", 2),
    ("code", 1),
)
MAX_COUNTED = 3  # a word repeated all over a long note should not drown a match in a title


def card_fields(card, code):
    """The searchable text of one card, lower-cased, by field."""
    return {
        "topic": card.topic,
        "aliases": " ".join(card.aliases),
        "title": card.title,
        "summary": card.summary,
        "note": card.note,
        "pitfalls": " ".join(card.pitfalls),
        "code": code,
    }


def rank(query, cards, code_of):
    """[(card, score, matched fields)] for cards matching every word of `query`, best first.

    `code_of(card)` returns the snippet text. Matching is case-insensitive substring matching,
    so `conv` finds Conv2D and `normal` finds BatchNormalization.
    """
    words = query.lower().split()
    if not words:
        return []
    hits = []
    for order, card in enumerate(cards):
        fields = {name: text.lower() for name, text in card_fields(card, code_of(card)).items()}
        score, matched = 0, []
        for word in words:
            word_score = 0
            for name, weight in FIELD_WEIGHTS:
                count = fields[name].count(word)
                if count:
                    word_score += weight * min(count, MAX_COUNTED)
                    if name not in matched:
                        matched.append(name)
            if not word_score:
                break  # every word must match somewhere
            score += word_score
        else:
            hits.append((card, score, matched, order))
    hits.sort(key=lambda hit: (-hit[1], hit[3]))  # ties keep roadmap order
    return [(card, score, matched) for card, score, matched, _ in hits]
