"""Reading a screening match in its context: the sentence, quotes, negation, tense and subject.

Everything here works on text that has already been through `screening_text.normalise`.
`reading` puts it together for one crisis or self-harm hit.
"""

from __future__ import annotations

import re

# Negation: a negator a few words before the match, in the same clause, cancels it.
_CLAUSE_BREAK = re.compile(
    r"[,:;()\u2013\u2014]|\s-\s|\b(?:but|and|so|because|cos|though|although|yet)\b"
)
_NEGATOR = re.compile(
    r"\b(?:not|never|no longer|no way|no|don'?t|do not|doesn'?t|didn'?t|isn'?t|wasn'?t|aren'?t"
    r"|weren'?t|won'?t|wouldn'?t|shouldn'?t|haven'?t|hasn'?t|hadn'?t|nor|hardly|nothing|without)\b"
)
# "I don't know if I can go on" is a hedge, not a denial: these words undo the negator.
_HEDGE_AFTER_NEGATOR = re.compile(
    r"\s*(?:know|think|care|understand|get|realise|realize|remember|sure|okay|ok|fine|good|well"
    r"|alright|see|mind|stop|stopped|been able|managed)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|i'll|me)\b")
_NEGATION_WINDOW_WORDS = 6
_SUBJECT_BREAK = re.compile(r"[;:\u2013\u2014]|\s-\s|\b(?:but|and|so|because|cos)\b")

# Talking about the past: a marker in the same sentence turns a crisis match into history.
_PAST = re.compile(
    r"\b(?:(?:years?|decades?) ago|a long time ago|long ago|used to|back when|back then"
    r"|in the past|at my (?:lowest|worst)|when i was (?:younger|little|young|\d{1,2}"
    r"|a (?:kid|child|teen|teenager|student)|(?:at|in) (?:school|college|uni|university"
    r"|secondary school|high school|sixth form|my teens|my twenties))"
    r"|in my (?:teens|twenties|younger days)|as a (?:teen|teenager|kid|child)|last year"
    r"|(?:days?|weeks?|months?|years) clean|i survived"
    r"|(?:in|of|during|until|till|throughout) (?:19|20)\d\d"
    # Recovery anniversaries: "two years since my overdose", "self-harm free for a year".
    r"|(?:years?|months?) since (?:my|the|that) (?:overdose|od|(?:last |suicide )?attempt"
    r"|last relapse)|(?:free|clean|sober) for (?:over |nearly |almost )?"
    r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several) (?:years?|months?)"
    r"|(?:in|during) (?:my|the) (?:first|second|third|final) year"
    r"|(?:helped|got|pulled|brought) me through|came out the other side|i'?m still here"
    # Recovered now: "I'm 25 now", "life is good now", "it does get better".
    r"|i'?m \d{1,2} now|life is (?:good|better) now"
    r"|(?:doing|feeling) (?:a lot |much |so )?better now"
    r"|in a (?:much |far |way )?(?:better|good) place(?: now)?|it (?:does |really )?gets? better)\b"
)
# ...unless the sentence says it is happening again, or "now" comes between marker and match.
_AGAIN = re.compile(r"\b(?:again|still|tonight|relapsed|relapse|relapsing)\b")
_NOW = re.compile(r"\b(?:now|today|tonight|lately|recently|these days|this week|at the moment)\b")

# Someone else is the subject: "my son", "she", "he keeps saying".
_RELATIONS = (
    r"friend|best friend|mate|bestie|son|daughter|kids?|child|boy|girl|mum|mom|mother|dad|father"
    r"|parent|brother|sister|sibling|partner|husband|wife|boyfriend|girlfriend|bf|gf|fiancee?|cousin"
    r"|aunt|auntie|uncle|niece|nephew|grandma|grandad|grandpa|grandfather|grandmother|nan|colleague"
    r"|co-?worker|flatmate|roommate|housemate|classmate|student|pupil|client|patient|neighbou?r|teen"
    r"|teenager|ex|stepson|stepdaughter|twin|lad|lass|guy|bloke|man|woman|person|member|user"
    r"|gran|granny|grandson|granddaughter|stepdad|stepmum|stepmom|spouse|carer|boss|manager|teacher"
)
# "my mum's tablets": the relation owns the means (or the cue right after), not the subject.
_BELONGINGS = (
    r"(?:old |own |spare |sleeping |heart |pain |prescription )*(?:pills|tablets|meds|medication"
    r"|medicine|prescription|insulin|morphine|gun|shotgun|rifle|pistol|car|belt|rope|razor|knife"
    r"|patches|painkillers|stash|cabinet|cupboard|garage|shed)"
)
_SUBJECT = re.compile(
    r"\b(?:(?P<first>i|i'm|im|i've|ive|i'd|i'll|me|myself)"
    # A generic or addressed subject: advice and support, not the writer's own crisis.
    r"|(?P<second>(?:if|when|whenever|in case) (?:you|u|anyone|anybody|someone|somebody|people)"
    r"|(?:anyone|anybody|someone|somebody|people|those|others) (?:who|that)"
    r"|you(?:'re| are|re) (?:ever |currently |still )?(?:feeling|having|thinking|struggling)"
    r"|you (?:ever |still |also )?(?:feel|find|think|get|start|struggle))"
    r"|(?P<third>he|she|they|he's|she's|they're|hes|shes|theyre|he'd|she'd|they'd|he'll|she'll"
    r"|they'll|him|his|her|them|(?<!can )(?<!could )(?<!would )(?<!will )(?:someone|somebody)"
    r"|this (?:person|guy|girl|user|member)"
    rf"|(?:my|our|a|his|her|their|one of my|the)(?: [\w'-]+){{0,2}}? (?:{_RELATIONS})s?))\b"
    rf"(?!'s ?$|'?s? (?:{_BELONGINGS})\b)"
)
_THIRD_SELF = re.compile(
    r"\b(?:him|her|them|their|one)\s?sel(?:f|ves)\b|\bthemselves\b"
    r"|\b(?:his|her|their) (?:own )?li(?:fe|ves)\b"
)
# Right after a match: "cutting his arms", "cut herself".
_THIRD_AFTER = re.compile(
    r"\s*(?:his|her|their) (?:own )?(?:arms?|legs?|wrists?|thighs?|skin|body|face|chest|stomach"
    r"|neck|hands?|fingers?|li(?:fe|ves))\b"
)
_PRONOUN = re.compile(r"(?:i|i'm|im|i am|i've|ive|i have|i'll|i will|i'd|me|myself|my|mine)")
_FIRST_SELF = re.compile(r"\b(?:my\s?self|my|mine|me|i|i'm|im|i'll|i've|ive)\b")
_SENTENCE_ENDS = ".!?\n"
_SENTENCE_REACH = 240
_BETWEEN_SENTENCES = frozenset(_SENTENCE_ENDS + " ")

# Figures of speech: "I nearly killed myself laughing", "...out the window lol".
_FIGURATIVE_AFTER = re.compile(
    r"[\s,]*(?:(?:(?:from|with|of) )?(?:laughing|laughter|embarrassment|boredom|cringe)\b"
    # A joke marker right after the words: "I'll throw myself out the window lol".
    r"|(?:lol|lmao|lmfao|rofl|haha\w*|jk)\b|[\U0001f602\U0001f923\U0001f606\U0001f605])"
)
BLOCKQUOTE = -1  # quote_opening's answer for a Markdown `>` line: someone else's words
_DOUBLE_QUOTED = re.compile(r'"[^"\n]{1,400}"')
# An apostrophe between letters ("won't") does not close a single-quoted passage.
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'(?=\S)(?:[^'\n]|(?<=\w)'(?=\w)){0,400}?(?<=\S)'(?!\w)")


def reading(text: str, start: int, end: int, cues: list[tuple[int, int]] | None = None
            ) -> str | None:  # fmt: skip
    """How a crisis or self-harm hit at text[start:end] reads, in its context.

    None when it is not a crisis at all (a figure of speech, denied, a lyric or a reply's
    blockquote, or advice to "you"); "quoted" when someone else said it; "history" when it
    is in the past; "someone" when another person is its subject; "writer" otherwise.
    For a combo, `cues` are the spans of its cues: negation was read cue by cue, a quoted
    cue makes it quoted, it is history only when each sentence with a cue is in the past at
    its first cue ("He died last year. I've decided to be with him" is not), the cues' words
    (not the text between them) say whose crisis it is.
    """
    if is_figurative(text[end : end + 30]):
        return None
    spans = cues or [(start, end)]
    speaker = _speaker(text, spans)
    if speaker in ("nobody", "someone"):
        return None if speaker == "nobody" else "quoted"
    before = text[sentence_bounds(text, start, end)[0] : start]
    if cues is None and is_negated(before):
        return None
    if all(_in_the_past(text, *span) for span in _first_in_each_sentence(text, spans)):
        return "history"
    if cues:
        subject = _cues_subject(text, cues)
    else:
        subject = subject_of(" ".join(text[start:end].split()), before, text[end : end + 12])
    return {"second": None, "third": "someone"}.get(subject or "", "writer")


def _first_in_each_sentence(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The earliest span in each sentence that has one: it sets that sentence's tense.

    A bare pronoun ("i") only stands in when its sentence has no other cue: it would split
    a marker like "when i was 17".
    """
    firsts: dict[int, tuple[int, int]] = {}
    for span in sorted(spans, key=lambda s: (is_pronoun(text[s[0] : s[1]]), s)):
        firsts.setdefault(sentence_bounds(text, *span)[0], span)
    return list(firsts.values())


def _in_the_past(text: str, start: int, end: int) -> bool:
    """Whether the sentence around text[start:end] places it in the past.

    The match's own words count too: "used to cut" is history.
    """
    begin, stop = sentence_bounds(text, start, end)
    return mentions_past(text[begin:end], text[end:stop])


def _cues_subject(text: str, cues: list[tuple[int, int]]) -> str | None:
    """Whose crisis a combo describes: the writer's if any cue is, else another person's.

    Each cue is read in its own clause; a cue that is only a pronoun ("I'm") says nothing.
    """
    subjects = set()
    for start, end in cues:
        words = text[start:end]
        if is_pronoun(words):
            continue
        begin, _ = sentence_bounds(text, start, end)
        subjects.add(subject_of(words, text[begin:start], text[end : end + 12]))
    return next((s for s in ("first", "third", "second") if s in subjects), None)


def _speaker(text: str, spans: list[tuple[int, int]]) -> str | None:
    """Who says the first quoted cue (see `quote_speaker`); None when no cue is quoted."""
    for start, end in sorted(spans):
        begin, _ = sentence_bounds(text, start, end)
        speaker = quote_speaker(text, start, begin)
        if speaker is not None:
            return speaker
    return None


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span of the sentence around text[start:end], looking at most a few lines away."""
    low = max(0, start - _SENTENCE_REACH)
    high = min(len(text), end + _SENTENCE_REACH)
    begin = max(text.rfind(mark, low, start) for mark in _SENTENCE_ENDS) + 1
    stops = [i for i in (text.find(mark, end, high) for mark in _SENTENCE_ENDS) if i != -1]
    return max(begin, low), min(stops, default=high)


def neighbour_bounds(text: str, begin: int, stop: int) -> tuple[int, int]:
    """Widen a sentence's span (begin, stop) by the sentence before it and the one after it."""
    before = begin - 1
    while before > 0 and text[before] in _BETWEEN_SENTENCES:
        before -= 1
    after = stop
    while after < len(text) and text[after] in _BETWEEN_SENTENCES:
        after += 1
    low = sentence_bounds(text, before, before)[0] if before > 0 else 0
    high = sentence_bounds(text, after, after)[1] if after < len(text) else len(text)
    return min(low, begin), max(high, stop)


def is_quoted(text: str, start: int) -> bool:
    """Whether `start` lies in a Markdown blockquote line or between quotation marks on its line."""
    return quote_opening(text, start) is not None


def quote_opening(text: str, start: int) -> int | None:
    """Where the quotation around `start` opens: None if unquoted, BLOCKQUOTE for a `>` line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end == -1 else line_end]
    if line.lstrip().startswith(">"):
        return BLOCKQUOTE
    offset = start - line_start
    for pattern in (_DOUBLE_QUOTED, _SINGLE_QUOTED):
        for found in pattern.finditer(line):
            if found.start() < offset < found.end():
                return line_start + found.start()
    return None


def quote_speaker(text: str, start: int, begin: int) -> str | None:
    """Who says the quoted words at `start`, in the sentence that begins at `begin`.

    None when they are not quoted. "nobody" for a blockquote (a reply quoting a post) or a
    quotation nobody is said to have written (a lyric, a title); "someone" when another
    person is the first subject before it ("my mate texted me '...'"); "author" when the
    writer is ("I told my GP '...'").
    """
    opening = quote_opening(text, start)
    if opening is None:
        return None
    if opening == BLOCKQUOTE:
        return "nobody"
    first = _SUBJECT.search(text, begin, max(begin, opening))
    if first is None:
        return "nobody"
    return "someone" if first.lastgroup == "third" else "author"


def is_negated(before: str) -> bool:
    """Whether the clause just before a match denies it ("I'm not", "would never", "no longer")."""
    clause = _CLAUSE_BREAK.split(before)[-1]
    tail = " ".join(clause.split()[-_NEGATION_WINDOW_WORDS:])
    negators = list(_NEGATOR.finditer(tail))
    if not negators:
        return False
    last = negators[-1]
    after = tail[last.end() :]
    if _HEDGE_AFTER_NEGATOR.match(after):
        return False
    # "Not gonna lie, I want to die": a new first-person subject starts a new thought.
    return last.group() == "no way" or not _FIRST_PERSON.search(after)


def negator_spans(text: str) -> list[tuple[int, int]]:
    """Where the negators in `text` are, in order."""
    return [found.span() for found in _NEGATOR.finditer(text)]


def is_figurative(after: str) -> bool:
    """Whether the words right after a match make it a figure of speech ("...laughing")."""
    return bool(_FIGURATIVE_AFTER.match(after))


def mentions_past(before: str, after: str) -> bool:
    """Whether the sentence around a match (`before` it, `after` it) places it in the past.

    "Years ago I tried to..." is history; "I lost my job last year and now I want to..."
    is not, and neither is anything that is happening "again".
    """
    if _AGAIN.search(before) or _AGAIN.search(after):
        return False
    earlier = list(_PAST.finditer(before))
    if earlier:
        return not _NOW.search(before[earlier[-1].end() :].removeprefix(" today"))
    return bool(_PAST.search(after))


def subject_of(matched: str, before: str, after: str = "") -> str | None:
    """Whose words a crisis match is: "first", "second" (generic or addressed), "third", or None.

    The match's own words decide first ("kill myself" vs "kill himself"), then the words
    right after it ("cutting his arms"), then the last subject before it in its sentence.
    """
    if _THIRD_SELF.search(matched):
        return "third"
    if _FIRST_SELF.search(matched):
        return "first"
    if _THIRD_AFTER.match(after):
        return "third"
    # "my parents will find out, so tonight is it": a new clause brings its own subject.
    clause = _SUBJECT_BREAK.split(before)[-1]
    subjects = list(_SUBJECT.finditer(clause))
    return subjects[-1].lastgroup if subjects else None


def is_pronoun(words: str) -> bool:
    """Whether `words` are only a first-person pronoun ("i'm", "me")."""
    return bool(_PRONOUN.fullmatch(words))


def is_about_someone_else(matched: str, before: str) -> bool:
    """Whether the subject of a crisis match is another person ("my son", "she", "himself")."""
    return subject_of(matched, before) == "third"
