"""Property tests: notices built from random structures read back as those structures."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from certis.core.text import normalize, to_simplified
from certis.governance.files.notice import Member, Notice, NoticeError, read_notice

UNITS = (
    "认可部", "認可部", "法律部", "科标部", "科標部", "研究所", "认可中心", "認可中心", "协会", "協會",
    "网信办", "網信辦", "财务部", "財務部", "国际部", "國際部", "注册部", "注冊部", "实验室部",
    "實驗室部", "信息中心", "办公室", "辦公室", "机关服务中心", "機關黨委",
)  # fmt: skip
COLLECTIVES = {
    "simplified": (
        "有关部室、下属单位", "各有关部门", "有关单位", "各部室", "各有关单位", "有关部门", "市级各有关部门",
        "各县市区政府", "各县市区人民政府", "市级各有关部门及各县市区政府", "各地", "各区县政府",
    ),
    "traditional": (
        "有關部室、下屬單位", "各有關部門", "有關單位", "各部室", "各有關單位", "有關部門", "市級各有關部門",
        "各縣市區政府", "各縣市區人民政府", "市級各有關部門及各縣市區政府", "各地", "各區縣政府",
    ),
}  # fmt: skip
WORDS = {
    "simplified": {
        "lead": "牵头",
        "support": "配合",
        "charge": "负责",
        "with": "会同",
        "split": "按职责分工负责",
    },
    "traditional": {
        "lead": "牽頭",
        "support": "配合",
        "charge": "負責",
        "with": "會同",
        "split": "按職責分工負責",
    },
}
SENTENCES = (
    "积极采用国际先进质量管理标准", "推动质量管理通用要求与行业特殊要求相结合", "培训普及质量管理知识",
    "積極開發新型質量管理工具", "加強認證監管能力建設", "完善認證機構審批程序", "清理涉及檢驗檢測的行政許可",
)  # fmt: skip
TITLES = ("大力推广质量管理先进标准和方法", "深化質量認證制度改革創新", "加强组织领导和政策保障")
PEOPLE = ("刘卫军", "劉衛軍", "许增德", "梁 钢", "喬 東", "生　飛", "张磊柱", "王学胜")
POSTS = ("主任", "副主任", "秘书长", "所長", "专职副书记")
TASK_MARKERS = ("{}.", "{}、", "{}．", "（{}）", "({})")
DIGITS = "零一二三四五六七八九"


def numeral(number: int) -> str:
    tens, units = divmod(number, 10)
    if not tens:
        return DIGITS[units]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")


@dataclass
class Layout:
    """A notice being written, with the structure a correct reader must find in it."""

    style: dict[str, str]
    lines: list[str] = field(default_factory=list)
    task_lines: list[int] = field(default_factory=list)
    parts: list[tuple[int, str]] = field(default_factory=list)
    measures: list[tuple[int, int, str]] = field(default_factory=list)
    tasks: list[tuple[object, ...]] = field(default_factory=list)


@st.composite
def responsibilities(draw: st.DrawFn, script: str, comma: str) -> tuple[str, tuple[object, ...]]:
    """One parenthesis body and the (lead, support, joint, collective) it states."""
    words, mark = WORDS[script], draw(st.sampled_from(["、", "､"]))
    units = draw(st.lists(st.sampled_from(UNITS), min_size=5, max_size=7, unique_by=normalize))
    named = draw(st.lists(st.sampled_from(units), min_size=1, max_size=3, unique=True))
    first, rest = named[0], [unit for unit in units if unit not in named][:2]
    collective = draw(st.sampled_from(COLLECTIVES[script]))
    listing, others = mark.join(named), mark.join(rest)
    forms = [
        (f"{listing}{words['lead']}", (named, [], [], False)),
        (f"{listing}{words['charge']}", (named, [], [], False)),
        (f"{listing}{words['split']}", ([], [], named, False)),
        (listing, ([], [], named, False)),
        (f"{first}{words['with']}{others}{words['charge']}", ([first], rest, [], False)),
        (f"{first}{words['lead']}{comma}{others}{words['support']}", ([first], rest, [], False)),
        (f"{first}{words['lead']}{comma}{others}", ([first], rest, [], False)),
        (f"{first}{words['lead']}{comma}{collective}{words['support']}", ([first], [], [], True)),
        (
            f"{first}{words['lead']}{comma}{others}{mark}{collective}{words['support']}",
            ([first], rest, [], True),
        ),
        # A collective wherever it stands: first, last, joined by 及, leading or sharing the work.
        (f"{collective}{words['split']}", ([], [], [], True)),
        (f"{collective}{mark}{listing}{words['split']}", ([], [], named, True)),
        (f"{listing}{mark}{collective}{words['split']}", ([], [], named, True)),
        (f"{listing}及{collective}{words['split']}", ([], [], named, True)),
        (f"{collective}{words['lead']}{comma}{listing}{words['support']}", ([], named, [], True)),
        (f"{first}{words['lead']}{comma}{others}及{collective}{words['support']}", ([first], rest, [], True)),
        (f"{first}{words['with']}{collective}{words['charge']}", ([first], [], [], True)),
    ]
    body, (lead, support, joint, flag) = draw(st.sampled_from(forms))
    return body, (tuple(lead), tuple(support), tuple(joint), flag)


@st.composite
def task_lines(draw: st.DrawFn, layout: Layout) -> tuple[list[str], str, tuple[object, ...]]:
    """A task's text wrapped over one to three lines, its responsibility before or after the 。."""
    style = layout.style
    text = "，".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3)))
    body, roles = draw(responsibilities(style["script"], style["comma"]))
    paren = f"{style['open']}{body}{style['close']}"
    whole = f"{text}。{paren}" if draw(st.booleans()) else f"{text}{paren}。"
    breakable = len(whole) - 1 if whole.endswith("。") else len(whole)
    cuts = sorted(draw(st.sets(st.integers(1, breakable - 1), max_size=2)))
    pieces = [whole[start:end] for start, end in zip([0, *cuts], [*cuts, len(whole)], strict=True)]
    return pieces, f"{text}。", roles


@st.composite
def notices(draw: st.DrawFn) -> Layout:
    script = draw(st.sampled_from(["simplified", "traditional"]))
    full = draw(st.booleans())
    style = {
        "script": script,
        "comma": "，" if full else ",",
        "open": "（" if draw(st.booleans()) else "(",
        "close": "）" if draw(st.booleans()) else ")",
        "task": draw(st.sampled_from(TASK_MARKERS)),
        "measure": draw(st.sampled_from(["（{}）", "({})"])),
    }
    layout = Layout(style)
    title = draw(
        st.lists(st.sampled_from(["国家认监委贯彻落实", "《意见》", "实施方案"]), min_size=1, max_size=3)
    )
    layout.lines += title
    if draw(st.booleans()):
        layout.lines.append("为贯彻落实《意见》，制定本实施方案。")
    for part in range(1, draw(st.integers(1, 4)) + 1):
        write_part(draw, layout, part)
    layout.style["title"] = "".join(title)
    return layout


def write_part(draw: st.DrawFn, layout: Layout, part: int) -> None:
    title = draw(st.sampled_from(TITLES))
    layout.lines.append(f"{numeral(part)}、{title}")
    layout.parts.append((part, title))
    measures = draw(st.integers(0, 3))
    if not measures:
        write_tasks(draw, layout, part, 0)
    for _ in range(measures):
        number = len(layout.measures) + 1
        layout.lines.append(layout.style["measure"].format(numeral(number)) + title)
        layout.measures.append((number, part, title))
        if draw(st.booleans()):
            layout.lines.append("全面贯彻党的十九大精神，坚持质量第一。")
        write_tasks(draw, layout, part, number)


def write_tasks(draw: st.DrawFn, layout: Layout, part: int, measure: int) -> None:
    for _ in range(draw(st.integers(0, 3))):
        number = len(layout.tasks) + 1
        pieces, text, roles = draw(task_lines(layout))
        layout.task_lines.append(len(layout.lines))
        layout.lines += [layout.style["task"].format(number) + pieces[0], *pieces[1:]]
        layout.tasks.append((number, part, measure, text, *roles))


@st.composite
def rendered(draw: st.DrawFn) -> tuple[str, Layout, list[int]]:
    """The notice as a file: optional indentation, blank lines, CRLF and byte-order mark."""
    layout = draw(notices())
    indent = draw(st.sampled_from(["", "\u3000\u3000", "  "]))
    gap = draw(st.sampled_from([1, 2]))
    lines: list[str] = []
    for line in layout.lines:
        lines += [f"{indent}{line}"] + [""] * (gap - 1)
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    text = ("\ufeff" if draw(st.booleans()) else "") + text
    return text, layout, [index * gap + 1 for index in layout.task_lines]


def structure(notice: Notice) -> tuple[object, ...]:
    parts = [(part.number, part.title) for part in notice.parts]
    measures = [(measure.number, measure.part, measure.title) for measure in notice.measures]
    tasks = [
        (t.number, t.part, t.measure, t.text, t.lead, t.support, t.joint, t.collective) for t in notice.tasks
    ]
    return parts, measures, tasks


@settings(max_examples=100, deadline=None)
@given(rendered())
def test_well_formed_notices_read_back_as_generated(case: tuple[str, Layout, list[int]]) -> None:
    text, layout, lines = case
    notice = read_notice(text)
    assert structure(notice) == (layout.parts, layout.measures, layout.tasks)
    assert [task.line for task in notice.tasks] == lines
    assert notice.title == layout.style["title"]
    assert (notice.leading_group, notice.office) == (None, None)


@st.composite
def sections(draw: st.DrawFn) -> tuple[str, list[Member]]:
    """The notice's own 一、领导小组 section in front of a plan, with its members."""
    members = []
    lines = ["一、领导小组", "组　长：刘卫军", "副组长：许增德、许武何", "成　员："]
    for _ in range(draw(st.integers(1, 4))):
        name, unit, post = (
            draw(st.sampled_from(PEOPLE)),
            draw(st.sampled_from(UNITS)),
            draw(st.sampled_from(POSTS)),
        )
        lines.append(f"{name}\u3000{unit}{post}")
        members.append(Member("".join(name.split()), f"{unit}{post}", unit))
    lines += [
        "二、领导小组办公室",
        "主　任：黄继先",
        "副主任：张磊柱、王学胜",
        "三、职责分工",
        "详见附件。",
        "附件",
    ]
    return "\n".join(lines), members


@settings(max_examples=50, deadline=None)
@given(sections(), notices())
def test_notice_sections_do_not_disturb_the_plan(head: tuple[str, list[Member]], layout: Layout) -> None:
    text, members = head
    notice = read_notice(text + "\n" + "\n".join(layout.lines))
    assert structure(notice) == (layout.parts, layout.measures, layout.tasks)
    assert notice.leading_group is not None
    assert notice.leading_group.members == tuple(members)
    assert notice.title == layout.style["title"]


JUNK = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("一二三四五六七八九十百零〇()（）、，,.．:：;；。 \u3000\n\r\ufeff0123456789")),
        st.sampled_from(list("牵头配合负责会同有关部室下属单位认可部组长成员主任副牽頭負責")),
        st.characters(),
    ),
    max_size=300,
)


@settings(max_examples=100, deadline=None)
@given(JUNK)
def test_arbitrary_text_raises_nothing_but_notice_error(text: str) -> None:
    try:
        read_notice(text)
    except NoticeError as error:
        assert error.problems


@settings(max_examples=50, deadline=None)
@given(notices(), JUNK, st.integers(0, 40))
def test_damaged_notices_raise_nothing_but_notice_error(layout: Layout, junk: str, at: int) -> None:
    lines = list(layout.lines)
    lines.insert(min(at, len(lines)), junk)
    try:
        read_notice("\n".join(lines))
    except NoticeError as error:
        assert error.problems


def folded(notice: Notice) -> tuple[object, ...]:
    """The structure with every name and text keyed by normalize(), as a script-blind comparison."""

    def keys(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalize(name) for name in names)

    parts = [(part.number, normalize(part.title)) for part in notice.parts]
    measures = [(measure.number, measure.part, normalize(measure.title)) for measure in notice.measures]
    tasks = [
        (
            t.number,
            t.part,
            t.measure,
            normalize(t.text),
            keys(t.lead),
            keys(t.support),
            keys(t.joint),
            t.collective,
        )
        for t in notice.tasks
    ]
    return parts, measures, tasks


@settings(max_examples=50, deadline=None)
@given(rendered())
def test_simplifying_the_whole_notice_keeps_its_structure(case: tuple[str, Layout, list[int]]) -> None:
    text = case[0]
    original, simplified = read_notice(text), read_notice(to_simplified(text))
    assert folded(simplified) == folded(original)
    assert normalize(simplified.title) == normalize(original.title)
