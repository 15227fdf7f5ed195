"""The implementation-plan reader on the 2018 CNCA notice and on small notices of the same family."""

from __future__ import annotations

from pathlib import Path

import pytest

from certis.governance.files.notice import (
    EXPECTED_MEASURE_NUMBER,
    EXPECTED_PART,
    EXPECTED_PART_BEFORE_TASK,
    EXPECTED_PART_NUMBER,
    EXPECTED_RESPONSIBILITY,
    EXPECTED_TASK_NUMBER,
    EXPECTED_UNITS,
    Member,
    Notice,
    NoticeError,
    Task,
    read_notice,
)

SEED_NAME = "cnca-2018-implementation-plan.txt"
SEED = Path(__file__).resolve().parents[1] / "seed" / SEED_NAME
SHARED_SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / SEED_NAME


@pytest.fixture(scope="module")
def seed() -> Notice:
    return read_notice(SEED.read_text(encoding="utf-8"))


def _task(seed: Notice, number: int) -> Task:
    return next(task for task in seed.tasks if task.number == number)


def _units(listed: str) -> tuple[str, ...]:
    return tuple(listed.split("、")) if listed else ()


# --- the seed notice -----------------------------------------------------------------------------


def test_package_seed_is_a_copy_of_the_shared_seed() -> None:
    if not SHARED_SEED.exists():
        pytest.skip("shared/ is not beside the repository")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_has_8_parts_27_measures_and_50_tasks(seed: Notice) -> None:
    assert (len(seed.parts), len(seed.measures), len(seed.tasks)) == (8, 27, 50)
    assert [part.number for part in seed.parts] == list(range(1, 9))
    assert [measure.number for measure in seed.measures] == list(range(1, 28))
    assert [task.number for task in seed.tasks] == list(range(1, 51))


def test_seed_title_joins_the_lines_above_the_plan(seed: Notice) -> None:
    assert seed.title == "國家認監委貫徹落實《國務院關于加強質量認證體系建設促進全面質量管理的意見》實施方案"


def test_seed_part_and_measure_titles_are_as_written(seed: Notice) -> None:
    assert seed.parts[1].title == "大力推廣質量管理先進標準和方法"
    assert (seed.parts[1].line, seed.parts[0].line) == (51, 40)
    assert (seed.measures[3].number, seed.measures[3].part) == (4, 2)
    assert seed.measures[3].title == "創新質量管理工具"
    assert seed.measures[26].title == "加強督促落實"


def test_seed_leading_group_leader_and_deputies(seed: Notice) -> None:
    group = seed.leading_group
    assert group is not None
    assert group.leader == ("劉衛軍",)
    assert group.deputy_leaders == ("許增德", "許武何", "董樂群", "薄昱民")


def test_seed_members_continue_one_per_line_with_padded_names(seed: Notice) -> None:
    assert seed.leading_group is not None
    assert seed.leading_group.members == (
        Member("黃繼先", "辦公室主任", "辦公室"),
        Member("梁鋼", "機關黨委專職副書記", "機關黨委"),
        Member("劉仲書", "法律部主任", "法律部"),
        Member("葛紅梅", "認可部副主任", "認可部"),
        Member("李春江", "認證部主任", "認證部"),
        Member("顧紹平", "注冊部主任", "注冊部"),
        Member("喬東", "實驗室部主任", "實驗室部"),
        Member("陳英", "國際部主任", "國際部"),
        Member("潘麗芬", "財務部主任", "財務部"),
        Member("劉先德", "科標部主任", "科標部"),
        Member("崔紅衛", "機關服務中心主任", "機關服務中心"),
        Member("龐翔", "信息中心主任", "信息中心"),
        Member("劉宗德", "研究所所長", "研究所"),
        Member("肖建華", "認可中心主任", "認可中心"),
        Member("生飛", "協會秘書長", "協會"),
    )


def test_seed_office(seed: Notice) -> None:
    assert seed.office is not None
    assert seed.office.director == ("黃繼先",)
    assert seed.office.deputy_directors == (
        "張磊柱", "王學勝", "劉昌宙", "王昆", "黃斌", "沈軍", "唐冀平",
        "王瑞峰", "王曉冬", "譚敏清", "林峰", "劉克", "董德山",
    )  # fmt: skip


ALL = "認可部、認證部、注冊部、實驗室部"
# (task, lead, support, joint, collective), copied by hand from the notice's parentheses.
SEED_RESPONSIBILITIES = [
    (1, "認可部", "科標部、法律部、研究所、認可中心、協會", "", False),
    (2, "認可部", "科標部、法律部、研究所、認可中心、協會", "", False),
    (3, "認可部", "認證部、注冊部、實驗室部、科標部、法律部、研究所", "", False),
    (4, "認可部", "", "", True),
    (5, "認可部", "", "", True),
    (6, "", "", f"{ALL}、法律部、科標部", False),
    (7, "", "", f"{ALL}、法律部、科標部", False),
    (8, "認可部", "", "", True),
    (9, "認可部", "", "", True),
    (10, "", "", f"{ALL}、科標部、研究所、認可中心、協會", False),
    (11, "", "", "認可部、認證部、注冊部、法律部、研究所", False),
    (12, "", "", f"{ALL}、法律部、科標部、研究所", False),
    (13, "認證部", "", "", True),
    (14, "認證部", "", "", True),
    (15, "認證部", "", "", True),
    (16, "", "", "認證部、認可部、注冊部、科標部、法律部、研究所", False),
    (17, "", "", "認證部、認可部、注冊部、法律部", False),
    (18, "", "", f"{ALL}、法律部、財務部、科標部、認可中心、協會", False),
    (19, "認證部", "", "", True),
    (20, "認證部", "注冊部、法律部、國際部、科標部", "", False),
    (21, "", "", "實驗室部、認可部、認證部、注冊部、法律部", False),
    (22, "", "", "認可部、實驗室部、法律部、認可中心、協會", False),
    (23, "法律部", f"{ALL}、認可中心、協會", "", False),
    (24, "網信辦", f"{ALL}、法律部、認可中心、協會", "", False),
    (25, "", "", f"{ALL}、法律部、科標部、信息中心、認可中心、協會", False),
    (26, "", "", "法律部、認可部、認證部、注冊部、實驗室部", False),
    (27, "", "", f"{ALL}、法律部、認可中心、協會", False),
    (28, "", "", f"{ALL}、法律部、認可中心、協會", False),
    (29, "", "", f"{ALL}、法律部", False),
    (30, "", "", f"{ALL}、科標部", False),
    (31, "實驗室部", "", "", True),
    (32, "認可部", "", "", True),
    (33, "", "", ALL, False),
    (34, "實驗室部", "", "", True),
    (35, "實驗室部", "", "", True),
    (36, "國際部", "", "", True),
    (37, "國際部", "", "", True),
    (38, "國際部", "", "", True),
    (39, "國際部", "", "", True),
    (40, "國際部", "", "", True),
    (41, "辦公室", "", "", True),
    (42, "認可部", "", "", True),
    (43, "", "", "辦公室、法律部、財務部", False),
    (44, "法律部", "", "", True),
    (45, "辦公室", "", "", True),
    (46, "", "", "法律部、財務部、網信辦、研究所", False),
    (47, "辦公室", "", "", True),
    (48, "法律部", "", "", True),
    (49, "辦公室", "", "", True),
    (50, "辦公室", "", "", True),
]


@pytest.mark.parametrize(("number", "lead", "support", "joint", "collective"), SEED_RESPONSIBILITIES)
def test_seed_task_responsibility(
    seed: Notice, number: int, lead: str, support: str, joint: str, collective: bool
) -> None:
    task = _task(seed, number)
    assert (task.lead, task.support, task.joint) == (_units(lead), _units(support), _units(joint))
    assert task.collective is collective


def test_seed_table_covers_every_task() -> None:
    assert [row[0] for row in SEED_RESPONSIBILITIES] == list(range(1, 51))


def test_seed_first_task_text_drops_the_parenthesis(seed: Notice) -> None:
    assert _task(seed, 1).text == (
        "積極采用國際先進質量管理標準,將全面質量管理、六西格瑪、精益管理等國際先進質量管理方法"
        "結合中國實際加以改造提升,積極開發追溯管理、供應鏈管理、業務連續性管理等適應新業態需求的"
        "質量管理工具,打造中國質量管理“工具箱”。"
    )


def test_seed_task_36_keeps_the_full_stop_after_its_parenthesis(seed: Notice) -> None:
    assert _task(seed, 36).text == (
        "加強政府間、從業機構間多層次合作,拓展合作領域、合作對象和合作渠道,推動合格評定政策溝通、"
        "標準協調、制度對接、技術合作和人才交流,制定合作共贏的互認安排,加快可再生資源、綠色低碳、"
        "跨境電商等新領域互認進程,推動多雙邊互信互認協議數量持續增長,促進對外貿易穩定發展。"
    )


def test_seed_last_task_ignores_the_trailing_advertisement(seed: Notice) -> None:
    assert _task(seed, 50).text == (
        "組織開展《意見》貫徹落實工作專題調研和督促檢查,協調指導各地各單位做好貫徹落實工作,"
        "分析研究和解決貫徹落實工作中的問題和困難,推動建立貫徹落實工作的長效機制。"
    )


@pytest.mark.parametrize(
    ("number", "part", "measure", "line"),
    [(1, 2, 4, 53), (6, 2, 6, 60), (24, 5, 14, 89), (36, 7, 20, 109), (43, 8, 24, 121), (50, 8, 27, 131)],
)
def test_seed_task_position(seed: Notice, number: int, part: int, measure: int, line: int) -> None:
    task = _task(seed, number)
    assert (task.part, task.measure, task.line) == (part, measure, line)


def test_seed_units_in_order_of_first_mention(seed: Notice) -> None:
    assert seed.units() == (
        "認可部", "科標部", "法律部", "研究所", "認可中心", "協會", "認證部", "注冊部", "實驗室部",
        "財務部", "國際部", "網信辦", "信息中心", "辦公室", "機關黨委", "機關服務中心",
    )  # fmt: skip


def test_seed_as_json_shape(seed: Notice) -> None:
    document = seed.as_json()
    assert list(document) == ["title", "leading_group", "office", "parts", "measures", "tasks"]
    assert (document["parts"], document["measures"], len(document["tasks"])) == (8, 27, 50)
    assert document["leading_group"]["members"][1] == {
        "name": "梁鋼",
        "post": "機關黨委專職副書記",
        "unit": "機關黨委",
    }
    assert document["office"]["director"] == ["黃繼先"]
    assert document["tasks"][3] == {
        "number": 4,
        "part": 2,
        "measure": 5,
        "text": "發揮國有企業特別是中央企業的“主力軍”作用,開展中央企業質量管理“領跑者”行動,帶動各行業質量管理水平整體躍升。",
        "lead": ["認可部"],
        "support": [],
        "joint": [],
        "collective": True,
    }


# --- variants of the family ----------------------------------------------------------------------

SIMPLIFIED = """\
国家认监委关于成立领导小组的通知
各部室、下属单位：
一、领导小组
组　长：刘卫军
副组长：许增德，许武何
成　员：黄继先　办公室主任
梁　钢　机关党委专职副书记
生　飞　协会秘书长
二、领导小组办公室
主　任：黄继先
副主任：张磊柱、王学胜
三、职责分工
详见实施方案。
国家认监委贯彻落实
《意见》实施方案
为贯彻落实《意见》，制定本实施方案。
一、总体要求
（一）指导思想
全面贯彻党的十九大精神。
二、大力推广质量管理先进标准和方法
（二）创新质量管理工具
1．积极采用国际先进质量管理标准。（认可部牵头，科标部、协会配合）
2．充分发挥行业主管部门作用。（认可部牵头，有关部室、下属单位配合）
"""


def _plan(*task_lines: str, measure: str = "（一）创新质量管理工具") -> str:
    return "\n".join(["某某实施方案", "一、大力推广质量管理先进标准和方法", measure, *task_lines])


def _only_task(*task_lines: str) -> Task:
    (task,) = read_notice(_plan(*task_lines)).tasks
    return task


def test_simplified_notice_with_full_width_labels_and_padding() -> None:
    notice = read_notice(SIMPLIFIED)
    assert notice.title == "国家认监委贯彻落实《意见》实施方案"
    assert notice.leading_group is not None
    assert notice.leading_group.leader == ("刘卫军",)
    assert notice.leading_group.deputy_leaders == ("许增德", "许武何")
    assert notice.leading_group.members == (
        Member("黄继先", "办公室主任", "办公室"),
        Member("梁钢", "机关党委专职副书记", "机关党委"),
        Member("生飞", "协会秘书长", "协会"),
    )
    assert notice.office is not None
    assert notice.office.deputy_directors == ("张磊柱", "王学胜")
    assert [(task.lead, task.support, task.collective) for task in notice.tasks] == [
        (("认可部",), ("科标部", "协会"), False),
        (("认可部",), (), True),
    ]


def test_traditional_notice_keeps_traditional_names() -> None:
    task = _only_task("1.積極采用國際先進標準。(認可部牽頭,法律部、協會配合)")
    assert (task.lead, task.support, task.text) == (("認可部",), ("法律部", "協會"), "積極采用國際先進標準。")


@pytest.mark.parametrize(
    "line",
    [
        "1.推广先进标准。(认可部牵头,法律部、协会配合)",
        "1.推广先进标准。（认可部牵头，法律部、协会配合）",
        "1.推广先进标准。(认可部牵头，法律部､协会配合)",
        "1.推广先进标准。（认可部牵头,法律部、协会配合)",
    ],
)
def test_bracket_comma_and_enumeration_widths(line: str) -> None:
    task = _only_task(line)
    assert (task.lead, task.support, task.text) == (("认可部",), ("法律部", "协会"), "推广先进标准。")


@pytest.mark.parametrize("marker", ["1.", "1、", "1．", "（1）", "(1)", "1. ", "（ 1 ）"])
def test_task_numbering_styles(marker: str) -> None:
    task = _only_task(f"{marker}推广先进标准。（认可部牵头）")
    assert (task.number, task.text, task.lead) == (1, "推广先进标准。", ("认可部",))


@pytest.mark.parametrize("heading", ["（一）创新质量管理工具", "(一)创新质量管理工具"])
def test_measure_bracket_widths(heading: str) -> None:
    notice = read_notice(_plan("1.推广先进标准。（认可部牵头）", measure=heading))
    assert [(m.number, m.title) for m in notice.measures] == [(1, "创新质量管理工具")]
    assert notice.tasks[0].measure == 1


def _numeral(number: int) -> str:
    digits = "零一二三四五六七八九"
    tens, units = divmod(number, 10)
    if not tens:
        return digits[units]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")


def test_part_numerals_up_to_ninety_nine() -> None:
    lines = ["某某实施方案"]
    for number in range(1, 100):
        lines += [f"{_numeral(number)}、第{number}部分", f"{number}.开展工作。(认可部负责)"]
    notice = read_notice("\n".join(lines))
    assert [part.number for part in notice.parts] == list(range(1, 100))
    assert [(task.number, task.part, task.measure) for task in notice.tasks][-1] == (99, 99, 0)


def test_measure_numerals_run_through_the_whole_plan() -> None:
    lines = ["某某实施方案", "一、总体要求"]
    lines += [f"（{_numeral(number)}）举措{number}" for number in range(1, 27)]
    lines += ["二、组织保障", "（二十七）加强督促落实", "1.推动落实。（法律部牵头）"]
    notice = read_notice("\n".join(lines))
    assert [measure.number for measure in notice.measures] == list(range(1, 28))
    assert notice.measures[10].title == "举措11"
    assert (notice.tasks[0].part, notice.tasks[0].measure) == (2, 27)


@pytest.mark.parametrize(
    ("body", "lead", "support", "joint", "collective"),
    [
        ("认可部牵头，法律部配合", "认可部", "法律部", "", False),
        ("认可部牵头", "认可部", "", "", False),
        ("认可部、认证部牵头", "认可部、认证部", "", "", False),
        ("认可部负责", "认可部", "", "", False),
        ("认可部会同法律部、协会负责", "认可部", "法律部、协会", "", False),
        ("认可部、法律部按职责分工负责", "", "", "认可部、法律部", False),
        ("認可部、法律部按職責分工負責", "", "", "認可部、法律部", False),
        ("认可部牵头，各有关部门配合", "认可部", "", "", True),
        ("认可部、法律部、协会", "", "", "认可部、法律部、协会", False),
        ("网信办牵头，认可部、法律部", "网信办", "认可部、法律部", "", False),
        ("由认可部牵头，法律部参与", "认可部", "法律部", "", False),
        ("认可部、法律部等按职责分工负责", "", "", "认可部、法律部", False),
        ("認可部牽頭負責，法律部協助", "認可部", "法律部", "", False),
    ],
)
def test_responsibility_forms(body: str, lead: str, support: str, joint: str, collective: bool) -> None:
    task = _only_task(f"1.推广先进标准。（{body}）")
    assert (task.lead, task.support, task.joint) == (_units(lead), _units(support), _units(joint))
    assert task.collective is collective


@pytest.mark.parametrize(
    "phrase",
    [
        "有关部室、下属单位", "有關部室、下屬單位", "有关部室", "下属单位", "各有关部门", "各有關部門",
        "有关部门", "有关单位", "有關單位", "各有关单位", "各部室", "各部門",
    ],
)  # fmt: skip
def test_collective_phrases_are_a_flag_not_units(phrase: str) -> None:
    task = _only_task(f"1.推广先进标准。（认可部牵头，{phrase}配合）")
    assert (task.lead, task.support, task.collective) == (("认可部",), (), True)
    assert read_notice(_plan(f"1.推广先进标准。（认可部牵头，{phrase}配合）")).units() == ("认可部",)


def test_collective_mixed_with_named_units_keeps_the_named_units() -> None:
    task = _only_task("1.推广先进标准。（认可部牵头，法律部、协会、有关部门配合）")
    assert (task.support, task.collective) == (("法律部", "协会"), True)


def test_wrapped_task_joins_its_continuation_lines() -> None:
    notice = read_notice(
        _plan(
            "1.推广先进标准，",
            "培训普及质量管理知识，",
            "开展质量服务行动。（认可部牵头）",
            "2.加强督查。（法律部负责）",
        )
    )
    assert notice.tasks[0].text == "推广先进标准，培训普及质量管理知识，开展质量服务行动。"
    assert (notice.tasks[0].line, notice.tasks[1].line) == (4, 7)


def test_responsibility_wrapped_over_two_lines() -> None:
    task = _only_task("1.推广先进标准。（认可部牵头，", "法律部配合）")
    assert (task.text, task.lead, task.support) == ("推广先进标准。", ("认可部",), ("法律部",))


def test_parenthesis_inside_the_text_does_not_close_the_task() -> None:
    task = _only_task("1.建设质量认证示范区（点）", "（减程序、减环节）", "引导企业获得认证。（认证部牵头）")
    assert task.text == "建设质量认证示范区（点）（减程序、减环节）引导企业获得认证。"
    assert task.lead == ("认证部",)


def test_parenthesis_before_the_final_full_stop() -> None:
    task = _only_task("1.促进对外贸易稳定发展（国际部牵头，有关部室、下属单位配合）。")
    assert (task.text, task.lead, task.collective) == ("促进对外贸易稳定发展。", ("国际部",), True)


def test_full_width_spaces_and_blank_lines_everywhere() -> None:
    text = "\n\n".join(f"\u3000\u3000{line}\u3000" for line in SIMPLIFIED.splitlines())
    notice = read_notice(text)
    assert notice.title == "国家认监委贯彻落实《意见》实施方案"
    assert notice.leading_group is not None and len(notice.leading_group.members) == 3
    assert [task.line for task in notice.tasks] == [43, 45]
    assert notice.tasks[1].text == "充分发挥行业主管部门作用。"


def test_crlf_line_endings_and_byte_order_mark() -> None:
    notice = read_notice("\ufeff" + SIMPLIFIED.replace("\n", "\r\n"))
    assert notice.title == "国家认监委贯彻落实《意见》实施方案"
    assert [(task.number, task.line) for task in notice.tasks] == [(1, 22), (2, 23)]
    assert notice.tasks[0].text == "积极采用国际先进质量管理标准。"


def test_notice_without_sections_has_no_leading_group_or_office() -> None:
    notice = read_notice(_plan("1.推广先进标准。（认可部牵头）"))
    assert (notice.title, notice.leading_group, notice.office) == ("某某实施方案", None, None)


def test_task_under_a_part_without_measures_has_measure_zero() -> None:
    notice = read_notice(
        "某某实施方案\n一、总体要求\n（一）指导思想\n二、保障措施\n1.加强督查。（法律部负责）"
    )
    assert (notice.tasks[0].part, notice.tasks[0].measure) == (2, 0)


def test_numbering_may_restart_under_each_heading() -> None:
    notice = read_notice(
        "某某实施方案\n一、甲\n（一）子甲\n1.做甲。（认可部负责）\n（二）子乙\n1.做乙。（法律部负责）\n"
        "二、乙\n（一）子丙\n1.做丙。（协会负责）"
    )
    assert [(task.number, task.part, task.measure) for task in notice.tasks] == [
        (1, 1, 1),
        (1, 1, 2),
        (1, 2, 1),
    ]


def test_numbered_items_inside_an_open_task_stay_in_its_text() -> None:
    task = _only_task("1.做好以下工作：", "（1）建立制度；", "（2）完善机制。（认可部负责）")
    assert (task.number, task.text) == (1, "做好以下工作：（1）建立制度；（2）完善机制。")


def test_units_are_deduplicated_across_scripts_keeping_the_first_spelling() -> None:
    notice = read_notice(_plan("1.做甲。（認可部牽頭，法律部配合）", "2.做乙。（认可部、協會、协会）"))
    assert notice.units() == ("認可部", "法律部", "協會")


# --- notices the reader refuses ------------------------------------------------------------------


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(NoticeError) as caught:
        read_notice(text)
    return [(problem.line, problem.expected) for problem in caught.value.problems]


def test_text_without_any_part_heading_is_refused() -> None:
    assert _problems("\n某某实施方案\n全面贯彻党的十九大精神。") == [(2, EXPECTED_PART)]


def test_empty_text_is_refused() -> None:
    assert _problems("") == [(1, EXPECTED_PART)]


def test_task_without_responsibility_names_the_tasks_line() -> None:
    problems = _problems(_plan("1.推广先进标准。", "继续推广。", "2.加强督查。（法律部负责）"))
    assert problems == [(4, EXPECTED_RESPONSIBILITY)]


def test_last_task_without_responsibility_is_refused() -> None:
    assert _problems(_plan("1.推广先进标准。（认可部牵头）", "2.加强督查。")) == [
        (5, EXPECTED_RESPONSIBILITY)
    ]


def test_task_number_out_of_sequence() -> None:
    problems = _problems(_plan("1.做甲。（认可部负责）", "3.做丙。（认可部负责）", "4.做丁。（认可部负责）"))
    assert problems == [(5, EXPECTED_TASK_NUMBER.format(number=2))]


def test_measure_numeral_out_of_sequence() -> None:
    text = _plan("1.做甲。（认可部负责）") + "\n（三）另一举措\n2.做乙。（认可部负责）"
    assert _problems(text) == [(5, EXPECTED_MEASURE_NUMBER.format(number=2))]


def test_part_numeral_out_of_sequence() -> None:
    text = _plan("1.做甲。（认可部负责）") + "\n三、另一部分\n2.做乙。（认可部负责）"
    assert _problems(text) == [(5, EXPECTED_PART_NUMBER.format(number=2))]


@pytest.mark.parametrize("empty", ["（）", "()", "（ ）", "（牵头）"])
def test_empty_responsibility_is_refused(empty: str) -> None:
    assert _problems(_plan(f"1.推广先进标准。{empty}")) == [(4, EXPECTED_UNITS)]


def test_task_before_any_part_is_refused() -> None:
    text = "某某实施方案\n1.推广先进标准。（认可部牵头）\n一、总体要求\n（一）指导思想\n"
    assert _problems(text) == [(2, EXPECTED_PART_BEFORE_TASK)]


def test_every_problem_is_reported_together() -> None:
    text = _plan("1.做甲。", "3.做丙。（）", "4.做丁。（认可部负责）")
    with pytest.raises(NoticeError) as caught:
        read_notice(text)
    problems = caught.value.problems
    assert [(p.line, p.expected) for p in problems] == [
        (4, EXPECTED_RESPONSIBILITY),
        (5, EXPECTED_TASK_NUMBER.format(number=2)),
        (5, EXPECTED_UNITS),
    ]
    assert problems[0].text == "1.做甲。"
    assert "line 4" in str(caught.value)
