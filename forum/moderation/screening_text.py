"""Text helpers for screening: normalisation, phrase patterns, and reading a match's context.

Everything here works on text that has already been through `normalise`, so the
patterns only ever see straight quotes, single spaces and casefolded letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Typographic quotes become ASCII, so one apostrophe in a phrase covers don't, dont and don’t.
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'",
        "\u0060": "'", "\u00b4": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2033": '"',
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
        "\ufeff": None,
    }
)  # fmt: skip
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_SEPARATORS = re.compile(r"[\s\-]+")
SEPARATOR = r"[\s\-]+"
# Ends a phrase that finishes on a letter or digit, so "kms" never matches inside "kmsx".
_WORD_END = r"(?!\w)"

# Negation: a negator a few words before the match, in the same clause, cancels it.
_CLAUSE_BREAK = re.compile(r"[,:;()\u2013\u2014]|\s-\s|\b(?:but|and|so|because|cos|though|although|yet)\b")
_NEGATOR = re.compile(
    r"\b(?:not|never|no longer|no way|no|don'?t|do not|doesn'?t|didn'?t|isn'?t|wasn'?t|aren'?t"
    r"|weren'?t|won'?t|wouldn'?t|shouldn'?t|nor|hardly|nothing)\b"
)
# "I don't know if I can go on" is a hedge, not a denial: these words undo the negator.
_HEDGE_AFTER_NEGATOR = re.compile(
    r"\s*(?:know|think|care|understand|get|realise|realize|remember|sure|okay|ok|fine|good|well"
    r"|alright|see|mind|blame|deserve|want to be (?:alive|here))\b"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|i'll|me)\b")
_NEGATION_WINDOW_WORDS = 6

# Talking about the past: a marker in the same sentence turns a crisis match into history.
_PAST = re.compile(
    r"\b(?:(?:years?|decades?) ago|a long time ago|long ago|used to|back when|back then|in the past"
    r"|at my (?:lowest|worst)|when i was (?:younger|little|young|a (?:kid|child|teen|teenager|student)"
    r"|at school|in (?:school|college|uni|university|my teens|my twenties)|\d{1,2})|in my (?:teens|twenties"
    r"|younger days)|as a (?:teen|teenager|kid|child)|last year|years clean|i survived)\b"
)
# ...unless the same sentence says it is happening again now.
_PRESENT_AGAIN = re.compile(r"\b(?:again|still|tonight|relapsed|relapse|relapsing)\b")

# Someone else is the subject: "my son", "she", "he keeps saying".
_RELATIONS = (
    r"friend|best friend|mate|bestie|son|daughter|kid|kids|child|boy|girl|mum|mom|mother|dad"
    r"|father|parent|brother|sister|sibling|partner|husband|wife|boyfriend|girlfriend|bf|gf"
    r"|fiance|fiancee|cousin|aunt|auntie|uncle|niece|nephew|grandma|grandad|grandpa"
    r"|grandfather|grandmother|nan|colleague|coworker|co-worker|flatmate|roommate|housemate"
    r"|classmate|student|pupil|client|patient|neighbour|neighbor|teen|teenager|ex|stepson"
    r"|stepdaughter|twin"
)
_SUBJECT = re.compile(
    r"\b(?:(?P<first>i|i'm|im|i've|ive|i'd|i'll|me|myself)"
    r"|(?P<third>he|she|they|he's|she's|they're|hes|shes|theyre|he'd|she'd|they'd|he'll|she'll"
    r"|they'll|him|her|them|someone|somebody|this (?:person|guy|girl|user|member)"
    rf"|(?:my|our|a|his|her|their|one of my|the) (?:{_RELATIONS})s?))\b"
)
_THIRD_SELF = re.compile(
    r"\b(?:him|her|them|their|one)\s?sel(?:f|ves)\b|\bthemselves\b|\b(?:his|her|their) (?:own )?li(?:fe|ves)\b"
)
_FIRST_SELF = re.compile(r"\b(?:my\s?self|my (?:own )?life|me|i|i'm|im)\b")
_SENTENCE_ENDS = ".!?\n"
_SENTENCE_REACH = 240

# Figures of speech: "I nearly killed myself laughing".
_FIGURATIVE_AFTER = re.compile(
    r"[\s,]*(?:(?:from|with|of) )?(?:laughing|laughter|embarrassment|boredom|cringe)\b"
)
_DOUBLE_QUOTED = re.compile(r'"[^"\n]{1,400}"')
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'(?=\S)[^'\n]{0,400}?(?<=\S)'(?!\w)")


def normalise(text: str) -> str:
    """Return `text` as rules see it: NFKC, straight quotes, casefolded, runs of spaces as one."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return _HORIZONTAL_SPACE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def canonical(phrase: str) -> str:
    """Return the spelling-free form of a phrase or matched text: no apostrophes, single spaces."""
    return _SEPARATORS.sub(" ", phrase.replace("'", "")).strip()


def starts_with_word(phrase: str) -> bool:
    """Whether a normalised phrase begins with a letter or digit (and so needs a word start)."""
    return bool(re.match(r"\w", phrase))


def phrases_pattern(phrases: Iterable[str]) -> str:
    """Return one regex for normalised `phrases`, factored as a trie so scanning stays cheap.

    Spaces and hyphens match any run of whitespace or hyphens, an apostrophe is optional,
    and a phrase ending in a letter or digit must end on a word boundary. Longer phrases
    are tried first. The caller adds the leading word boundary.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for symbol in _symbols(phrase):
            node = node.setdefault(symbol, {})
        node[""] = {"tail": _WORD_END if re.search(r"\w$", phrase) else ""}
    return _trie_pattern(trie)


def _symbols(phrase: str) -> list[str]:
    """Split a phrase into regex pieces: separators, optional apostrophes and escaped characters."""
    symbols: list[str] = []
    for part in re.findall(r"[\s\-]+|'|.", phrase.strip()):
        if part.isspace() or part.strip() == "-" or set(part) <= {" ", "-", "\n", "\t"}:
            symbols.append(SEPARATOR)
        elif part == "'":
            symbols.append("'?")
        else:
            symbols.append(re.escape(part))
    return symbols


def _trie_pattern(node: dict[str, dict]) -> str:
    """Render a trie node: children first (longest match wins), then the end of a phrase."""
    branches = [symbol + _trie_pattern(child) for symbol, child in node.items() if symbol]
    if "" in node:
        branches.append(node[""]["tail"])
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def has_top_level_alternation(pattern: str) -> bool:
    """Whether `pattern` has a `|` outside any group or class (so a prefix would not cover it)."""
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span of the sentence around text[start:end], looking at most a few lines away."""
    low = max(0, start - _SENTENCE_REACH)
    high = min(len(text), end + _SENTENCE_REACH)
    begin = max(text.rfind(mark, low, start) for mark in _SENTENCE_ENDS) + 1
    stops = [i for i in (text.find(mark, end, high) for mark in _SENTENCE_ENDS) if i != -1]
    return max(begin, low), min(stops, default=high)


def is_quoted(text: str, start: int) -> bool:
    """Whether `start` lies in a Markdown blockquote line or between quotation marks on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end == -1 else line_end]
    if line.lstrip().startswith(">"):
        return True
    offset = start - line_start
    for pattern in (_DOUBLE_QUOTED, _SINGLE_QUOTED):
        if any(m.start() < offset < m.end() for m in pattern.finditer(line)):
            return True
    return False


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


def is_figurative(after: str) -> bool:
    """Whether the words right after a match make it a figure of speech ("...laughing")."""
    return bool(_FIGURATIVE_AFTER.match(after))


def mentions_past(sentence: str) -> bool:
    """Whether a sentence places the matched words in the past and not again now."""
    return bool(_PAST.search(sentence)) and not _PRESENT_AGAIN.search(sentence)


def is_about_someone_else(matched: str, before: str) -> bool:
    """Whether the subject of a crisis match is another person ("my son", "she", "himself")."""
    if _THIRD_SELF.search(matched):
        return True
    if _FIRST_SELF.search(matched):
        return False
    subjects = list(_SUBJECT.finditer(before))
    return bool(subjects) and subjects[-1].lastgroup == "third"
