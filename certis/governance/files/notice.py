"""Reader for government implementation-plan notices (实施方案).

Such a notice assigns numbered tasks to the units of an administration: every task ends with a
parenthesis naming who leads it, who supports it, or who shares it ("(认可部牵头，法律部配合)").
The notice may come in simplified or traditional script, with half- or full-width punctuation,
so every line is matched on a folded copy (width-folded, simplified) while everything returned is
sliced from the line as the notice writes it.

A notice may open with its own sections (一、领导小组 / 二、领导小组办公室 / 三、职责分工), numbered
like the plan's parts; the plan proper is the last run of 一、二、… headings.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext, gettext_noop

from certis.core.text import fold_width, normalize, to_simplified

# What the reader expected where it stopped; marked for translation here and translated when shown.
EXPECTED_PART = gettext_noop("a part heading such as 一、…")
EXPECTED_PART_BEFORE_TASK = gettext_noop("a part heading before the first task")
EXPECTED_RESPONSIBILITY = gettext_noop("a responsibility parenthesis such as (…牵头) closing the task")
EXPECTED_UNITS = gettext_noop("responsible units inside the parentheses")
EXPECTED_PART_NUMBER = gettext_noop("part number {number}")
EXPECTED_MEASURE_NUMBER = gettext_noop("measure number {number}")
EXPECTED_TASK_NUMBER = gettext_noop("task number {number}")

_NUMERAL = "[一二三四五六七八九十百零〇]+"
_PART = re.compile(rf"(?P<num>{_NUMERAL})\s*、\s*(?P<rest>.*)")
_MEASURE = re.compile(rf"\(\s*(?P<num>{_NUMERAL})\s*\)\s*(?P<rest>.*)")
_TASK_STYLES = (
    re.compile(r"(?P<num>[0-9]{1,4})\s*(?:\.(?![0-9])|、)\s*(?P<rest>.*)"),
    re.compile(r"\(\s*(?P<num>[0-9]{1,4})\s*\)\s*(?P<rest>.*)"),
)
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
_TRAILING_PAREN = re.compile(r"\((?P<body>[^()]*)\)\s*(?P<tail>[。.;]?)\s*$")
_UNIT_SUFFIX = (
    "部|室|办|中心|研究所|研究院|协会|学会|委员会|联合会|委|局|处|司|厅|院|署|站|组|银行|公司|集团|政府"
)
_UNIT_END = re.compile(rf"(?:{_UNIT_SUFFIX})$")
_POST = re.compile(
    rf"(?P<unit>.*?(?:{_UNIT_SUFFIX}))\s*(?:专职|常务|执行)?副?"
    r"(?:主任|所长|秘书长|书记|部长|局长|处长|司长|厅长|院长|站长|组长|主席|会长|理事长|巡视员|调研员"
    r"|总工程师|总经济师|总会计师|负责人|总经理|经理|馆长|社长|科长|董事长|主任委员|委员|专员)"
)
_KEYWORD = re.compile(r"牵头|负责|配合|会同|参与|协助")
# Collectives name no unit: "各有关部门", "有关部室", "下属单位", "市级各有关部门", "各县市区政府", "各地".
# Matched on the folded (simplified) key, so traditional script is covered too.
_LEVEL = "省|市|县|区|州|盟|旗|乡镇|乡|镇|街道"
_COLLECTIVE = re.compile(
    rf"(?:(?:{_LEVEL})(?:级|直|属))?(?:"
    r"(?:各|其他|其它)?(?:有关|相关|下属|直属)?(?:部室|部门|单位|司局|部门和单位|部门单位|机构)"
    rf"|各级?(?:{_LEVEL}|地区|地)+(?:人民)?(?:政府|党委|党委和政府|部门|单位)?"
    rf"|(?:{_LEVEL})(?:{_LEVEL})+(?:人民)?(?:政府|党委|党委和政府)"
    r")"
)
# Items joined by 及 or 和 ("市级各有关部门及各县市区政府") are split only when every piece is a unit or a
# collective: "工业和信息化部" and "发展和改革委员会" are one unit each.
_JOINED = re.compile(r"以及|及|和|与")
_TOGETHER = re.compile(r"\s*(?P<lead>.+?)会同(?P<support>.+?)(?:共同)?(?:牵头负责|负责|牵头)?\s*")
_ROLE_ENDINGS = (
    ("joint", re.compile(r"(?:按照职责分工|按职责分工|按职责|按分工|分别)负责\s*$")),
    ("lead", re.compile(r"(?:牵头负责|牵头|负责)\s*$")),
    ("support", re.compile(r"(?:配合|参与|参加|协助|协同)\s*$")),
)
_ITEM_HEAD = re.compile(r"\s*由")
_ITEM_TAIL = re.compile(r"(?:等(?:有关)?(?:部门|单位)?)?\s*$")
_LABEL = re.compile(r"(?P<label>副\s*组\s*长|组\s*长|成\s*员|副\s*主\s*任|主\s*任)\s*:\s*(?P<rest>.*)")
_PROSE_END = re.compile(r"[。:;!?]$")
_DATE = re.compile(r"[0-9〇零一二三四五六七八九十]+年[0-9〇零一二三四五六七八九十]+月")
_ATTACHMENT = re.compile(r"附件\s*[0-9]*")
_NAME = re.compile(r"[\u3400-\u9fff·]{2,5}")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(
    r"(?:(?P<hundreds>[一二三四五六七八九])百(?P<zero>[零〇])?)?"
    r"(?:(?P<tens>[一二三四五六七八九])?(?P<ten>十))?(?P<units>[一二三四五六七八九])?"
)


@dataclass(frozen=True)
class Member:
    name: str
    post: str
    unit: str


@dataclass(frozen=True)
class LeadingGroup:
    leader: tuple[str, ...]
    deputy_leaders: tuple[str, ...]
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Office:
    director: tuple[str, ...]
    deputy_directors: tuple[str, ...]


@dataclass(frozen=True)
class Part:
    number: int
    title: str
    line: int


@dataclass(frozen=True)
class Measure:
    number: int
    part: int
    title: str
    line: int


@dataclass(frozen=True)
class Task:
    number: int
    part: int
    measure: int
    text: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    joint: tuple[str, ...]
    collective: bool
    line: int


@dataclass(frozen=True)
class Notice:
    title: str
    leading_group: LeadingGroup | None
    office: Office | None
    parts: tuple[Part, ...]
    measures: tuple[Measure, ...]
    tasks: tuple[Task, ...]

    def units(self) -> tuple[str, ...]:
        """Units in order of first mention; two spellings of one unit (認可部/认可部) count once."""
        named = [unit for task in self.tasks for unit in (*task.lead, *task.support, *task.joint)]
        if self.leading_group is not None:
            named += [member.unit for member in self.leading_group.members if member.unit]
        spellings: dict[str, str] = {}
        for name in named:
            spellings.setdefault(normalize(name), name)
        return tuple(spellings.values())

    def as_json(self) -> dict[str, Any]:
        group, office = self.leading_group, self.office
        tasks = [{key: value for key, value in asdict(task).items() if key != "line"} for task in self.tasks]
        document = {
            "title": self.title,
            "leading_group": None if group is None else asdict(group),
            "office": None if office is None else asdict(office),
            "parts": len(self.parts),
            "measures": len(self.measures),
            "tasks": tasks,
        }
        return {key: _listed(value) for key, value in document.items()}


@dataclass(frozen=True)
class Problem:
    line: int
    text: str
    what: str  # one of the EXPECTED_ messages, untranslated
    number: int | None = None  # the number expected, for the numbering messages

    @property
    def expected(self) -> str:
        """What was expected, in English (for logs and the command line)."""
        return self.what.format(number=self.number)

    @property
    def message(self) -> str:
        """What was expected, in the reader's language."""
        return gettext(self.what).format(number=self.number)


class NoticeError(ValueError):
    problems: tuple[Problem, ...]

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {p.line}: expected {p.expected}" for p in problems))


def read_notice(text: str) -> Notice:
    """Read a whole notice; every problem found is reported at once, so a clerk fixes them in one go."""
    lines = _split_lines(text)
    start = _plan_start(lines)
    head = lines if start is None else lines[:start]
    problems = _stray_tasks(head)
    plan = _PlanReader()
    if start is None:
        first = next((line for line in lines if line.text), lines[0])
        problems.insert(0, Problem(first.number, first.text, EXPECTED_PART))
    else:
        for line in lines[start:]:
            plan.feed(line)
        plan.finish()
    problems += plan.problems
    if problems:
        raise NoticeError(tuple(sorted(problems, key=lambda problem: problem.line)))
    group, office = _read_sections(lines)
    title = _title(lines, len(head))
    return Notice(title, group, office, tuple(plan.parts), tuple(plan.measures), tuple(plan.tasks))


# --- folding -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Folded:
    """A text with its folded key; origin[i] is the index in text of the character key[i] came from."""

    text: str
    key: str
    origin: tuple[int, ...]

    def source(self, start: int, end: int) -> str:
        """The text as written behind key[start:end]."""
        if start >= end:
            return ""
        return self.text[self.origin[start] : self.origin[end - 1] + 1]


@dataclass(frozen=True)
class _Line(_Folded):
    number: int = 0


@lru_cache(maxsize=16384)
def _fold_char(char: str) -> str:
    """A lone surrogate (text decoded with surrogateescape) cannot reach opencc; it folds to itself."""
    if "\ud800" <= char <= "\udfff":
        return char
    return to_simplified(fold_width(char))


def _fold(text: str) -> _Folded:
    """Fold character by character so that every key position maps back to the original."""
    key: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        key.append(folded)
        origin.extend([index] * len(folded))
    return _Folded(text, "".join(key), tuple(origin))


def _split_lines(text: str) -> list[_Line]:
    raw_lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    folded = [_fold(raw.strip()) for raw in raw_lines]
    return [_Line(f.text, f.key, f.origin, number) for number, f in enumerate(folded, start=1)]


def _chinese_number(numeral: str) -> int | None:
    """一 … 九百九十九; None for anything that is not a well-formed numeral (一一, 零, 十十)."""
    match = _CN_NUMBER.fullmatch(numeral)
    if not numeral or match is None or (match["zero"] and match["ten"]):
        return None
    hundreds = _CN_DIGITS.get(match["hundreds"] or "", 0)
    tens = _CN_DIGITS.get(match["tens"] or "", 1) if match["ten"] else 0
    return hundreds * 100 + tens * 10 + _CN_DIGITS.get(match["units"] or "", 0)


def _heading(pattern: re.Pattern[str], key: str) -> tuple[int, re.Match[str]] | None:
    match = pattern.fullmatch(key)
    number = _chinese_number(match["num"]) if match else None
    return None if match is None or number is None else (number, match)


def _task_match(key: str, styles: tuple[re.Pattern[str], ...]) -> re.Match[str] | None:
    return next((m for style in styles if (m := style.fullmatch(key))), None)


def _listed(value: Any) -> Any:
    """JSON wants lists where the dataclasses keep tuples."""
    if isinstance(value, tuple | list):
        return [_listed(item) for item in value]
    if isinstance(value, dict):
        return {key: _listed(item) for key, item in value.items()}
    return value


# --- responsibilities ----------------------------------------------------------------------------


@dataclass
class _Roles:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    joint: list[str] = field(default_factory=list)
    collective: bool = False
    led: bool = False

    def add(self, role: str, folded: _Folded, start: int, end: int) -> None:
        """Add the 、-separated items of key[start:end]; collective phrases only raise the flag."""
        segment = folded.key[start:end]
        head = _ITEM_HEAD.match(segment)
        tail = _ITEM_TAIL.search(segment)
        start, end = start + (head.end() if head else 0), start + (tail.start() if tail else len(segment))
        self.collective = self.collective or bool(tail and re.search("部门|单位", tail.group()))
        names: list[str] = getattr(self, role)
        for item_start, item_end in _items(folded.key, start, end):
            key = re.sub(r"\s+", "", folded.key[item_start:item_end])
            if _COLLECTIVE.fullmatch(key):
                self.collective = True
            elif key and normalize(key) not in {normalize(name) for name in names}:
                names.append(folded.source(item_start, item_end).strip())


def _is_item(key: str) -> bool:
    key = re.sub(r"\s+", "", key)
    return bool(_COLLECTIVE.fullmatch(key) or _UNIT_END.search(key))


def _items(key: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of each item of key[start:end]: split at 、, and at 及/和 between whole items."""
    spans = []
    for item in re.finditer(r"[^、]+", key[start:end]):
        at, pieces = start + item.start(), []
        for joint in _JOINED.finditer(item.group()):
            pieces.append((at, start + item.start() + joint.start()))
            at = start + item.start() + joint.end()
        pieces.append((at, start + item.end()))
        whole = len(pieces) > 1 and all(_is_item(key[a:b]) for a, b in pieces)
        spans += pieces if whole else [(start + item.start(), start + item.end())]
    return spans


def _looks_like_responsibility(body: str) -> bool:
    """Tell "(认可部、法律部)" from a parenthesis inside the text such as "(点)" or "(减程序、减环节)"."""
    items = [
        re.sub(r"\s+", "", body[a:b])
        for clause in re.finditer(r"[^,;]+", body)
        for a, b in _items(body, clause.start(), clause.end())
    ]
    if not body.strip() or _KEYWORD.search(body) or any(_COLLECTIVE.fullmatch(i) for i in items):
        return True
    short = all(0 < len(item) <= 20 for item in items)
    return short and any(_UNIT_END.search(item) for item in items)


def _read_responsibility(folded: _Folded, start: int, end: int) -> _Roles | None:
    if not _looks_like_responsibility(folded.key[start:end]):
        return None
    roles = _Roles()
    for clause in re.finditer(r"[^,;]+", folded.key[start:end]):
        _read_clause(roles, folded, start + clause.start(), start + clause.end())
    return roles


def _read_clause(roles: _Roles, folded: _Folded, start: int, end: int) -> None:
    """One comma-separated clause; a clause without keyword supports a lead named before it."""
    clause = folded.key[start:end]
    if together := _TOGETHER.fullmatch(clause):
        roles.led = True
        roles.add("lead", folded, start + together.start("lead"), start + together.end("lead"))
        support = (start + together.start("support"), start + together.end("support"))
        roles.add("support", folded, *support)
        return
    for role, ending in _ROLE_ENDINGS:
        if match := ending.search(clause):
            roles.led = roles.led or role == "lead"
            roles.add(role, folded, start, start + match.start())
            return
    roles.add("support" if roles.led else "joint", folded, start, end)


# --- the plan ------------------------------------------------------------------------------------


@dataclass
class _OpenTask:
    """A task read so far; opening is the segment holding its last "(", where a closing one must start."""

    number: int
    part: int
    measure: int
    line: _Line
    segments: list[str] = field(default_factory=list)
    opening: int | None = None

    def extend(self, segment: str) -> bool:
        """Add a line of text; true if the task may now end with a parenthesis."""
        key = _fold(segment).key
        self.segments.append(segment)
        if "(" in key:
            self.opening = len(self.segments) - 1
        return self.opening is not None and ")" in key


class _PlanReader:
    """Walks the plan line by line; a task stays open until a responsibility parenthesis closes it.

    Numbering may run through the whole plan (as the seed notice does) or restart at 1 (一) under
    each new heading; anything else is out of sequence. While a task is open, only its own numbering
    style starts a new task, so "(1)…(2)…" items inside a "1." task stay part of its text.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.parts: list[Part] = []
        self.measures: list[Measure] = []
        self.tasks: list[Task] = []
        self.open: _OpenTask | None = None
        self.styles: tuple[re.Pattern[str], ...] = _TASK_STYLES
        self.last = {"part": 0, "measure": 0, "task": 0}
        self.measure = 0
        self.fresh = {"measure": True, "task": True}

    def feed(self, line: _Line) -> None:
        if not line.text:
            return
        if part := _heading(_PART, line.key):
            self._part(line, *part)
        elif measure := _heading(_MEASURE, line.key):
            self._measure(line, *measure)
        elif task := _task_match(line.key, self.styles if self.open else _TASK_STYLES):
            self._task(line, task)
        elif self.open is not None and self.open.extend(line.text):
            self._try_close()

    def finish(self) -> None:
        if self.open is not None:
            line = self.open.line
            self.problems.append(Problem(line.number, line.text, EXPECTED_RESPONSIBILITY))
            self.open = None

    def _sequence(self, line: _Line, kind: str, number: int, template: str) -> None:
        restart = self.fresh.get(kind, False) and number == 1
        if number != self.last[kind] + 1 and not restart:
            self.problems.append(Problem(line.number, line.text, template, self.last[kind] + 1))
        self.last[kind] = number

    def _part(self, line: _Line, number: int, match: re.Match[str]) -> None:
        self.finish()
        self._sequence(line, "part", number, EXPECTED_PART_NUMBER)
        self.parts.append(Part(number, line.source(*match.span("rest")).strip(), line.number))
        self.measure = 0
        self.fresh = {"measure": True, "task": True}

    def _measure(self, line: _Line, number: int, match: re.Match[str]) -> None:
        self.finish()
        self._sequence(line, "measure", number, EXPECTED_MEASURE_NUMBER)
        title = line.source(*match.span("rest")).strip()
        self.measures.append(Measure(number, self.last["part"], title, line.number))
        self.measure = number
        self.fresh = {"measure": False, "task": True}

    def _task(self, line: _Line, match: re.Match[str]) -> None:
        self.finish()
        self.styles = tuple(style for style in _TASK_STYLES if style is match.re)
        number = int(match["num"])
        self._sequence(line, "task", number, EXPECTED_TASK_NUMBER)
        self.fresh["task"] = False
        self.open = _OpenTask(number, self.last["part"], self.measure, line)
        if self.open.extend(line.source(*match.span("rest")).strip()):
            self._try_close()

    def _try_close(self) -> None:
        """Close the open task if its text now ends with a responsibility parenthesis.

        Only the lines from the last "(" on are folded again, so a long task stays linear to read.
        """
        assert self.open is not None and self.open.opening is not None
        task = self.open
        folded = _fold("".join(task.segments[task.opening :]))
        match = _TRAILING_PAREN.search(folded.key)
        roles = None if match is None else _read_responsibility(folded, *match.span("body"))
        if match is None or roles is None:
            return
        self.open = None
        if not (roles.lead or roles.support or roles.joint or roles.collective):
            self.problems.append(Problem(task.line.number, task.line.text, EXPECTED_UNITS))
            return
        before = "".join(task.segments[: task.opening]) + folded.source(0, match.start())
        text = before.rstrip() + folded.source(*match.span("tail"))
        named = (tuple(roles.lead), tuple(roles.support), tuple(roles.joint), roles.collective)
        self.tasks.append(Task(task.number, task.part, task.measure, text.strip(), *named, task.line.number))


def _plan_start(lines: list[_Line]) -> int | None:
    """Index of the plan's first part: the last 一、 heading (the notice's own sections come first)."""
    headings = [(index, found[0]) for index, line in enumerate(lines) if (found := _heading(_PART, line.key))]
    firsts = [index for index, number in headings if number == 1]
    if firsts:
        return firsts[-1]
    return headings[0][0] if headings else None


def _stray_tasks(head: list[_Line]) -> list[Problem]:
    """Tasks before the plan: any before the first heading, and those with a responsibility after it.

    Numbered prose under the notice's own sections (一、领导小组 …) is not a task.
    """
    problems: list[Problem] = []
    heading_seen = False
    for line in head:
        heading_seen = heading_seen or _heading(_PART, line.key) is not None
        paren = _TRAILING_PAREN.search(line.key)
        responsible = paren is not None and _looks_like_responsibility(paren["body"])
        if _task_match(line.key, _TASK_STYLES) and (not heading_seen or responsible):
            problems.append(Problem(line.number, line.text, EXPECTED_PART_BEFORE_TASK))
    return problems


# --- title and the notice's own sections ---------------------------------------------------------


def _title(lines: list[_Line], start: int) -> str:
    """Join the title lines above the plan, skipping the preamble prose between them."""
    index = start - 1
    while index >= 0 and (not lines[index].text or _is_prose(lines[index])):
        index -= 1
    title: list[str] = []
    while index >= 0 and len(title) < 4 and (not lines[index].text or _is_title_line(lines[index])):
        title[:0] = [lines[index].text] if lines[index].text else []
        index -= 1
    joined = "".join(title)
    return joined or next((line.text for line in lines if line.text), "")


def _is_prose(line: _Line) -> bool:
    return len(line.key) > 60 or bool(_PROSE_END.search(line.key))


def _is_title_line(line: _Line) -> bool:
    key = line.key
    structural = _heading(_PART, key) or _heading(_MEASURE, key) or _task_match(key, _TASK_STYLES)
    marker = ":" in key or _DATE.search(key) or _ATTACHMENT.fullmatch(key)
    return not (structural or marker or _is_prose(line))


def _read_sections(lines: list[_Line]) -> tuple[LeadingGroup | None, Office | None]:
    """The labelled lines of 领导小组 and its 办公室; members continue one per line after 成员:.

    The labels are looked for everywhere, so a notice whose sections are numbered as the plan's parts
    (no restart at 一) still yields its leading group.
    """
    roles: dict[str, list[str]] = {}
    members: list[Member] = []
    in_members = False
    for line in lines:
        label = _LABEL.fullmatch(line.key)
        if label:
            role = re.sub(r"\s+", "", label["label"])
            rest = line.source(*label.span("rest")).strip()
            roles.setdefault(role, []).extend([] if role == "成员" else _names(rest))
            members += _members_from(rest) if role == "成员" else []
            in_members = role == "成员"
        elif in_members and line.text:
            member = _member(line.text)
            members += [member] if member else []
            in_members = member is not None
    return _group(roles, members), _office(roles)


def _group(roles: dict[str, list[str]], members: list[Member]) -> LeadingGroup | None:
    if not {"组长", "副组长", "成员"} & roles.keys():
        return None
    return LeadingGroup(tuple(roles.get("组长", ())), tuple(roles.get("副组长", ())), tuple(members))


def _office(roles: dict[str, list[str]]) -> Office | None:
    if not {"主任", "副主任"} & roles.keys():
        return None
    return Office(tuple(roles.get("主任", ())), tuple(roles.get("副主任", ())))


def _names(text: str) -> list[str]:
    """Names listed with 、 or commas; padding inside a name ("梁 钢") is not part of it."""
    names: list[str] = []
    for piece in re.split(r"[、､,，;；]", text):
        tokens = piece.split()
        if len(tokens) > 1 and all(len(token) > 1 for token in tokens):
            names += tokens
        elif tokens:
            names.append("".join(tokens))
    return names


def _members_from(text: str) -> list[Member]:
    if not text:
        return []
    member = _member(text)
    return [member] if member else [Member(name, "", "") for name in _names(text)]


def _member(text: str) -> Member | None:
    """ "梁 钢 机关党委专职副书记": single-character tokens at the start are one padded name."""
    tokens = list(re.finditer(r"\S+", text))
    if len(tokens) < 2:
        return None
    single = [len(token.group()) == 1 for token in tokens]
    count = 1
    while count < min(3, len(tokens) - 1) and single[count - 1] and single[count]:
        count += 1
    name = "".join(token.group() for token in tokens[:count])
    if not _NAME.fullmatch(name) or _PROSE_END.search(fold_width(text)):
        return None
    post = text[tokens[count].start() :].strip()
    return Member(name, post, _unit_of(post))


def _unit_of(post: str) -> str:
    folded = _fold(post)
    match = _POST.fullmatch(folded.key)
    if match:
        return folded.source(*match.span("unit")).strip()
    return post if _UNIT_END.search(folded.key) else ""
