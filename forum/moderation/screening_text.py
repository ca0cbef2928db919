"""Text helpers for screening: normalisation, phrase patterns, and reading a match's context.

Everything here works on text that has already been through `normalise`, so the
patterns only ever see straight quotes, single spaces and casefolded letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

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


def phrase_prefix(phrase: str) -> str:
    """The literal start every match of a normalised phrase begins with ("" if none)."""
    return re.split(r"[\s\-']", phrase.strip(), maxsplit=1)[0]


def literals_pattern(strings: Iterable[str]) -> str:
    """Return a trie regex matching any of `strings` exactly, longest first."""
    trie: dict[str, dict] = {}
    for string in strings:
        node = trie
        for char in string:
            node = node.setdefault(re.escape(char), {})
        node[""] = {"tail": ""}
    return _trie_pattern(trie)


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


# Reading a regex's parse tree (the same one `re` compiles) to find the literal text its
# matches start with. Anything unexpected gives up, which costs speed but never a match.
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_MAX_PREFIXES = 512
_MAX_CLASS = 10
_Items = Sequence[tuple[object, object]]


def literal_prefixes(pattern: str) -> set[str] | None:
    """Literal strings one of which starts every match of `pattern`; None when unknown.

    A rule is only tried where one of these occurs, so each must be exact text (the
    patterns run on normalised text, so inline case-insensitivity gives up).
    """
    try:
        parsed = sre_parse.parse(pattern, re.MULTILINE)
        if parsed.state.flags & re.IGNORECASE:
            return None
        prefixes, _ = _prefixes(parsed.data)
    except Exception:  # noqa: BLE001 - a private parser may change; the fallback is only slower
        return None
    return None if not prefixes or "" in prefixes else prefixes


def _prefixes(items: _Items) -> tuple[set[str], bool]:
    """Prefixes of a sequence, and whether all of it was literal (so what follows may extend)."""
    found = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        step = _item_prefixes(op, av)
        if step is None:
            return found, False
        options, complete = step
        if len(found) * len(options) > _MAX_PREFIXES:
            return found, False
        found = {start + option for start in found for option in options}
        if not complete:
            return found, False
    return found, True


def _item_prefixes(op: object, av: object) -> tuple[set[str], bool] | None:
    """Prefixes of one parsed item: a literal, a small class, a group, a branch or `x?`."""
    if op is sre.LITERAL:
        return {chr(av)}, True  # type: ignore[arg-type]
    if op is sre.IN:
        chars = _class_chars(av)  # type: ignore[arg-type]
        return None if chars is None else (chars, True)
    if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:  # type: ignore[index]
        return _prefixes(av[3])  # type: ignore[index]
    if op is sre.BRANCH:
        branches = [_prefixes(branch) for branch in av[1]]  # type: ignore[index]
        return set().union(*(b[0] for b in branches)), all(b[1] for b in branches)
    if op in _REPEATS:
        low, high, item = av  # type: ignore[misc]
        options, complete = _prefixes(item)
        # Only "x" once or "x?" leaves the text after it known; "x+" or "x{2}" stops here.
        complete = complete and (low, high) in {(1, 1), (0, 1)}
        return (options | {""} if low == 0 else options), complete
    return None


def _class_chars(items: _Items) -> set[str] | None:
    """The characters of a small positive class like [0-9] or [kms]; None for anything else."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))  # type: ignore[arg-type]
        elif op is sre.RANGE:
            low, high = av  # type: ignore[misc]
            chars.update(map(chr, range(low, min(high, low + _MAX_CLASS) + 1)))
        else:
            return None
    return chars if len(chars) <= _MAX_CLASS else None


def required_literal(pattern: str) -> str:
    """The longest literal run every match of `pattern` contains at its top level ("" if none)."""
    try:
        parsed = sre_parse.parse(pattern, re.MULTILINE)
    except Exception:  # noqa: BLE001 - see literal_prefixes
        return ""
    if parsed.state.flags & re.IGNORECASE:
        return ""
    items = parsed.data
    runs, run = [""], ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
        else:
            runs.append(run)
            run = ""
    return max([*runs, run], key=len)


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
