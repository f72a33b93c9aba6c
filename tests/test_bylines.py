import pytest

from newscrawl.extract.bylines import (
    Byline,
    byline_line,
    lead_byline,
    parse_byline,
    person_like,
    split_names,
    staff_line,
    trailing_byline,
)


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ("杨官松郭文波", ["杨官松", "郭文波"]),
        ("孙文昭薛萍", ["孙文昭", "薛萍"]),
        ("张三李四", ["张三", "李四"]),
        ("王刚李明华", ["王刚", "李明华"]),
        ("李明华王刚", ["李明华", "王刚"]),
        ("张伟王芳李娜", ["张伟", "王芳", "李娜"]),
        ("石如宽", ["石如宽"]),
        ("欧阳文华", ["欧阳文华"]),
        ("司马光", ["司马光"]),
        ("欧阳文华张伟", ["欧阳文华", "张伟"]),
        ("诸葛亮李四", ["诸葛亮", "李四"]),
        ("格桑边觉", ["格桑边觉"]),
        ("春春", ["春春"]),
        ("阿卜杜·热合曼", ["阿卜杜·热合曼"]),
        ("何苗 张梦洁", ["何苗", "张梦洁"]),
        ("萧潇、张妍", ["萧潇", "张妍"]),
        ("严玉洁\u3000王辉", ["严玉洁", "王辉"]),
        ("张三，李四,王五/赵六；钱七", ["张三", "李四", "王五", "赵六", "钱七"]),
        ("NF041", ["NF041"]),
        ("alonliu", ["alonliu"]),
        ("Tom Lee 张三", ["Tom Lee", "张三"]),
        ("刘福文摄", ["刘福文"]),
        ("王锋 摄", ["王锋"]),
        ("(本报记者 李方贵 文/图)", ["李方贵"]),
        ("记者 张三 李四", ["张三", "李四"]),
        ("张三 张三", ["张三"]),
        ("张三等", ["张三"]),
        ("", []),
    ],
)
def test_split_names(run, expected):
    assert split_names(run) == expected


@pytest.mark.parametrize(
    ("text", "authors", "editors"),
    [
        ("记者 张国政 通讯员 崔正博 摄影报道", ["张国政", "崔正博"], []),
        ("编辑:张三 校对:李四 美编:王五", [], ["张三", "李四", "王五"]),
        ("记者 张三 编辑 李四", ["张三"], ["李四"]),
        ("杜明阳 制图", ["杜明阳"], []),
        ("新华社 供图", [], []),
        ("来源：新华社 记者 张三", ["张三"], []),
        ("本文来源：21世纪经济报道 作者：何苗 张梦洁", ["何苗", "张梦洁"], []),
        ("2017-03-10 09:58:03来源：网易科学人作者：责任编辑：肖春芳", [], ["肖春芳"]),
        ("审核：张三 责任编辑：李四", [], ["李四"]),
        ("记者 张三 北京报道", ["张三"], []),
        ("口述：张三 整理：李四", ["张三", "李四"], []),
        ("实习生 李四 见习记者 王五", ["李四", "王五"], []),
        ("本报记者 张三 本报通讯员 李四", ["张三", "李四"], []),
        ("聯合報 記者林宸誼／即時報導", ["林宸誼"], []),
    ],
)
def test_parse_byline(text, authors, editors):
    assert parse_byline(text) == Byline(authors, editors, text)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("□本报通讯员杨官松郭文波", ["杨官松", "郭文波"]),
        ("姚洪双 文/图", ["姚洪双"]),
        ("作者:王锋摄", ["王锋"]),
        ("作者：王锋摄", ["王锋"]),
        ("YMG全媒体记者 杨春娜摄", ["杨春娜"]),
        ("记者 张国政 通讯员 崔正博 摄影报道", ["张国政", "崔正博"]),
        ("(本报记者 袁媛)", ["袁媛"]),
        ("（本报记者 袁媛）", ["袁媛"]),
        ("(本报记者 李方贵 文/图)", ["李方贵"]),
        ("记者刘福文摄", ["刘福文"]),
        ("新华社记者朱峥摄", ["朱峥"]),
        ("文/张三", ["张三"]),
        ("文／张三", ["张三"]),
        ("本报记者 张三 李四", ["张三", "李四"]),
        ("□ 本报记者 葛灵丹", ["葛灵丹"]),
        ("记者 刘涛", ["刘涛"]),
        ("记者王敬照", ["王敬照"]),
        ("光明日报记者 王建宏 张文攀", ["王建宏", "张文攀"]),
        ("半月谈记者 史卫燕", ["史卫燕"]),
        ("新华网黑龙江频道  记者  伊琳  李清芬", ["伊琳", "李清芬"]),
        ("作者︱春春", ["春春"]),
        ("全媒体记者 孙文昭薛萍", ["孙文昭", "薛萍"]),
        ("融媒体记者 张三 实习生 李四", ["张三", "李四"]),
        ("特约记者 欧阳文华", ["欧阳文华"]),
        ("撰文：张三 摄影：李四", ["张三", "李四"]),
        ("张三 图", ["张三"]),
        ("通讯员 NF041", ["NF041"]),
        ("评论员 罗博 萧海川", ["罗博", "萧海川"]),
        ("（姚峰 上海报道）", ["姚峰"]),
        ("記者巫其倫／台北報導", ["巫其倫"]),
        ("2020-10-04 15:05聯合報 記者林宸誼／即時報導", ["林宸誼"]),
    ],
)
def test_byline_line(line, authors):
    found = byline_line(line)
    assert found is not None
    assert found.authors == authors
    assert found.editors == []
    assert found.raw == line


@pytest.mark.parametrize(
    "line",
    [
        "记者注意到，目前，全国绝大多数省份均已明确制定了高温津贴标准。",
        "21世纪经济报道记者从各地发改委了解到，目前地方正在配合做的就是互联网+项目信息的统计整理工作。",
        "记者：首先欢迎你来到新华网接受我们的采访？",
        "记者调查",
        "记者手记",
        "记者获悉",
        "新华社记者看河北",
        "首页｜新华社记者看东北｜人物专访",
        "图①:市民在广场上跳舞 记者 张三 摄",
        "图为活动现场 记者 张三 摄",
        "网易商业报道",
        "整点报道",
        "张三 李四",
        "编辑:张三 校对:李四 美编:王五",
        "潍坊新闻,讲述家乡的故事。",
        "(D)④",
        "■A03、06版",
        "新闻推荐",
        "他说：“记者张三昨天来过。”",
        "据记者了解，该项目已经开工，预计明年年底完工并投入使用，届时将大大方便市民出行和生活。",
        "",
    ],
)
def test_byline_line_rejects(line):
    assert byline_line(line) is None


@pytest.mark.parametrize(
    ("line", "authors", "editors"),
    [
        ("编辑:张三 校对:李四 美编:王五", [], ["张三", "李四", "王五"]),
        ("编辑：张三　校对：李四　美编：王五", [], ["张三", "李四", "王五"]),
        ("责任编辑：孙重远", [], ["孙重远"]),
        ("[责任编辑:NF041]", [], ["NF041"]),
        ("(责任编辑：李楠)", [], ["李楠"]),
        ("责编：王五", [], ["王五"]),
        ("(责编：萧潇、张妍)", [], ["萧潇", "张妍"]),
        ("（编辑：严玉洁 王辉）", [], ["严玉洁", "王辉"]),
        ("【责任编辑：严玉洁】", [], ["严玉洁"]),
        ("【责任编辑:张樵苏", [], ["张樵苏"]),
        ("（松花江网编辑 孙桂芳）", [], ["孙桂芳"]),
        ("来源：巴彦淖尔日报     编辑：苏亮", [], ["苏亮"]),
        ("本文编辑 张三", [], ["张三"]),
        ("值班编辑：李四", [], ["李四"]),
        ("杜明阳 制图", ["杜明阳"], []),
        ("2017-03-10 09:58:03来源：网易科学人作者：责任编辑：肖春芳", [], ["肖春芳"]),
        ("责任编辑：", [], []),
    ],
)
def test_staff_line(line, authors, editors):
    assert staff_line(line) == Byline(authors, editors, line)


@pytest.mark.parametrize(
    "line",
    ["记者 张三", "编辑部的故事", "他是一名编辑。", "姚洪双 文/图", "小编为您整理了以下内容，敬请关注编辑推荐。", "相关新闻:"],
)
def test_staff_line_rejects(line):
    assert staff_line(line) is None


@pytest.mark.parametrize(
    ("paragraph", "authors"),
    [
        ("本报讯(记者张传亮)近日，潍坊市举行了会议。", ["张传亮"]),
        ("本报讯（记者 张传亮）近日，潍坊市举行了会议。", ["张传亮"]),
        ("晚报讯(记者孙文昭薛萍)昨日，市民……", ["孙文昭", "薛萍"]),
        ("本报潍坊讯(记者 王某 通讯员 李某)日前……", ["王某", "李某"]),
        ("新华社北京8月13日电(记者 张三 李四)国务院……", ["张三", "李四"]),
        ("本报4月19日讯(通讯员赵国涛)近日……", ["赵国涛"]),
        ("□记者石如宽通讯员胡鹏报道本报潍坊讯 近日，寿光……", ["石如宽", "胡鹏"]),
        ("□本报记者 王某", ["王某"]),
        ("本报讯 记者 张三 通讯员 李四 近日，某地……", ["张三", "李四"]),
        ("记者 张三 北京报道 近日，某地……", ["张三"]),
        ("记者 张三 近日，据新华社报道，……", ["张三"]),
        ("据新华社拉萨电（记者 格桑边觉）记者近日从西藏自治区农业农村厅获悉", ["格桑边觉"]),
        ("〔記者巫其倫／台北報導〕財政部今天下午將公佈", ["巫其倫"]),
        ("（记者 张三）近日，某地……", ["张三"]),
    ],
)
def test_lead_byline(paragraph, authors):
    found = lead_byline(paragraph)
    assert found is not None
    assert found.authors == authors
    assert paragraph.startswith(found.raw)


@pytest.mark.parametrize(
    ("paragraph", "raw"),
    [
        ("本报讯(记者张传亮)近日，潍坊市举行了会议。", "本报讯(记者张传亮)"),
        ("□记者石如宽通讯员胡鹏报道本报潍坊讯 近日，寿光……", "□记者石如宽通讯员胡鹏报道"),
        ("本报讯 记者 张三 通讯员 李四 近日，某地……", "本报讯 记者 张三 通讯员 李四"),
    ],
)
def test_lead_byline_raw_is_the_credit(paragraph, raw):
    assert lead_byline(paragraph).raw == raw


@pytest.mark.parametrize(
    "paragraph",
    [
        "近日，记者从市里获悉此事。(记者 胡晓蓉)",
        "记者注意到，目前全国绝大多数省份均已明确制定了高温津贴标准。",
        "央广网北京2月13日消息 据中央广播电视总台中国之声报道……",
        "本报讯 近日，潍坊市举行了会议。",
        "新华社北京8月13日电 国务院总理……",
        "记者：首先欢迎你来到新华网接受我们的采访。",
        "记者 近日，据新华社报道，……",
        "他打电话(说明情况)给我。",
        "（上）近日，某地……",
        "(图)近日，某地……",
        "昨(23)日，市里召开会议。",
        "",
    ],
)
def test_lead_byline_rejects(paragraph):
    assert lead_byline(paragraph) is None


@pytest.mark.parametrize(
    ("paragraph", "authors", "editors"),
    [
        ("近日，记者从市里获悉此事。(记者 胡晓蓉)", ["胡晓蓉"], []),
        ("……全面推进。（本报记者 李方贵 文/图）", ["李方贵"], []),
        ("……完。(责任编辑：李楠)", [], ["李楠"]),
        ("……温馨、廉洁的新春佳节。（常书香 马丹阳 ）", ["常书香", "马丹阳"], []),
        ("难道不都是利益再分配的过程吗？”（姚峰 上海报道）", ["姚峰"], []),
        ("……发展起到极大推动作用。（总台记者 张倩）", ["张倩"], []),
        ("英雄的城！（评论员 罗博 萧海川）", ["罗博", "萧海川"], []),
        # a contributor's suffix credit
        ("……乡土教材。（欧阳晴参与采写）", ["欧阳晴"], []),
        ("……乡土教材。(王五、李四参与报道)", ["王五", "李四"], []),
        ("……乡土教材。（司马川对此文亦有贡献）", ["司马川"], []),
    ],
)
def test_trailing_byline(paragraph, authors, editors):
    found = trailing_byline(paragraph)
    assert found is not None
    assert (found.authors, found.editors) == (authors, editors)


@pytest.mark.parametrize(
    "paragraph",
    [
        "会议在北京召开(图)",
        "他说(笑)",
        "市场(D)④",
        "没有括号的句子",
        "会议由市长主持（李四）",
        "他说。（完）",
        "见下表。（资料图）",
        "……（来源：人民日报）",
        "……（原标题：潍坊召开会议）",
        "已有3000多名学生参与。",
        "……（共有20人参与报道）",
    ],
)
def test_trailing_byline_rejects(paragraph):
    assert trailing_byline(paragraph) is None


# --- credits found on the real set, each with the neighbours that must stay as they were ---


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        # a picture credit to the interviewee (受访者/受访单位 + 供图) or an archive names no person
        ("顶端新闻·河南商报记者马俊峰/文受访者供图", ["马俊峰"]),
        ("记者 张三 受访单位供图", ["张三"]),
        ("资料图 记者张三摄", ["张三"]),
        ("受访者供图", []),
        # unchanged: a person's 供图 and a plain 文/图 credit
        ("杜明阳 供图", ["杜明阳"]),
        ("记者马俊峰/文", ["马俊峰"]),
        ("姚洪双 文/图", ["姚洪双"]),
        # 编译 credits the writer, before or after the name
        ("编译/林靖东", ["林靖东"]),
        ("腾讯科技 林靖东 编译", ["林靖东"]),
        # unchanged: 翻译 stays no author role
        ("翻译：李四", []),
    ],
)
def test_parse_byline_credit_roles(text, authors):
    assert parse_byline(text).authors == authors


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("■该作者文章", None),  # a role word after a determiner is a common noun (this author's articles)
        ("此作者其他文章", None),
        ("通讯员李其记者张三", ["李其", "张三"]),  # unchanged: 其 ends a name, it is no determiner
        ("作者：文章", ["文章"]),  # unchanged: a labelled name that is also a word
        ("■作者 王锋", ["王锋"]),
        ("高密举办风筝节 本报讯(记者张华)4月...", None),  # another story's teaser, cut with an ellipsis
        ("高密举办风筝节 本报讯(记者张华)4月…", None),
        ("记者 张华", ["张华"]),  # unchanged
    ],
)
def test_byline_line_determiners_and_teasers(line, expected):
    found = byline_line(line)
    assert (found.authors if found else None) == expected


@pytest.mark.parametrize(
    ("paragraph", "authors", "editors"),
    [
        ("……上。（编译/林靖东）", ["林靖东"], []),
        ("……发表在科学刊物《自然》（Nature）上。（编译/林靖东）", ["林靖东"], []),
        # a bracket never closed at the end of the paragraph; names stop at the first garbled token
        ("……造福全人类。（记者宋晨、田中全、胡\ufffd础⒑钗睦ぃ\ufffd", ["宋晨", "田中全"], []),
        ("……造福全人类。（记者宋晨、田中全", ["宋晨", "田中全"], []),
        ("……完。（责任编辑：李楠", [], ["李楠"]),
    ],
)
def test_trailing_byline_translator_and_unclosed(paragraph, authors, editors):
    found = trailing_byline(paragraph)
    assert found is not None
    assert (found.authors, found.editors) == (authors, editors)


@pytest.mark.parametrize(
    "paragraph",
    [
        "……造福全人类。（张三、李四",  # bare names in an open bracket: too weak
        "他说（记者张三",  # not after a sentence
        "……造福全人类。（记者\ufffd\ufffd",  # nothing left before the garbled token
        "……见下图（资料",
        "……（来源：人民日报",
    ],
)
def test_trailing_byline_rejects_open_brackets(paragraph):
    assert trailing_byline(paragraph) is None


@pytest.mark.parametrize(
    ("line", "editors"),
    [
        # rule (LABELS.md): a staff code after a name, glued with "_" or set apart, is dropped and the name
        # is the editor; a code standing alone is the only name and stays (163: 责任编辑：NF041)
        ("责任编辑：王晓易_NF041", ["王晓易"]),
        ("（责任编辑：王晓易_NE0011）", ["王晓易"]),
        ("[责任编辑:NF041]", ["NF041"]),
        ("责任编辑：alonliu", ["alonliu"]),
        ("责任编辑：张三 NF041", ["张三"]),
        ("责任编辑：周丽(PN200)", ["周丽"]),
        ("责任编辑：NF041 张三", ["NF041", "张三"]),  # a code before a name is no code of it
        ("责任编辑：NF041、PK102", ["NF041", "PK102"]),  # codes alone are the names, a code after a code too
    ],
)
def test_staff_codes(line, editors):
    found = staff_line(line)
    assert found is not None and found.editors == editors


@pytest.mark.parametrize(
    ("paragraph", "authors"),
    [
        # 通讯员 is no 讯 dateline, and 晨报 inside a name (秦晨报道) is no paper's dateline
        ("□记者田博然通讯员秦晨报道本报绵阳讯记者了解到，工程计划于6月底前全部完工。", ["田博然", "秦晨"]),
        ("本报通讯员张三报道 近日，某地……", ["张三"]),
        # unchanged
        ("□记者石如宽通讯员胡鹏报道本报潍坊讯 近日，寿光……", ["石如宽", "胡鹏"]),
        ("本报讯(记者张传亮)近日，潍坊市举行了会议。", ["张传亮"]),
    ],
)
def test_lead_byline_datelines(paragraph, authors):
    found = lead_byline(paragraph)
    assert found is not None and found.authors == authors


@pytest.mark.parametrize(
    ("text", "expected"),
    [("顾庆宏", ["顾庆宏"]), ("张三 李四", ["张三", "李四"]), ("浏览", None), ("潍坊晚报", None), ("", None)],
)
def test_surname_names(text, expected):
    from newscrawl.extract.bylines import surname_names

    assert surname_names(text) == expected


# --- label words of a meta or copyright line are never names ---


@pytest.mark.parametrize(
    ("text", "authors", "editors"),
    [
        ("发布日期：2019-03-06 责任编辑：龙慧", [], ["龙慧"]),
        ("发布时间：2019-03-06 10:00 编辑：张三", [], ["张三"]),
        ("版权声明 来源：当代商报 时间：2019-09-23 14:34:05 作者：", [], []),
        ("作者：李四 点击：539", ["李四"], []),
        ("编辑 张三 浏览 120", [], ["张三"]),
        ("日期 2019-03-06 作者 王五 阅读 88", ["王五"], []),
        ("责任编辑：龙慧发布日期：2019-03-06", [], ["龙慧"]),  # glued to the name
        ("编辑：张三点击：100", [], ["张三"]),
        # unchanged: names next to no label word
        ("编辑：张三 李四", [], ["张三", "李四"]),
        ("记者 王小明 通讯员 赵六", ["王小明", "赵六"], []),
    ],
)
def test_label_words_are_not_names(text, authors, editors):
    byline = parse_byline(text)
    assert (byline.authors, byline.editors) == (authors, editors)


def test_staff_line_with_a_publication_label():
    staff = staff_line("发布日期：2019-03-06 责任编辑：龙慧")
    assert staff is not None and staff.editors == ["龙慧"] and staff.authors == []
    assert byline_line("版权声明 来源：当代商报 时间：2019-09-23 14:34:05 作者：") is None


# --- function words that given names use (李在山, 沈从文) ---


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("作者：李在山", ["李在山"]),
        ("记者 王从军", ["王从军"]),
        ("来源：证券时报网作者：李在山", ["李在山"]),
        # unchanged: sentences and glued runs with function words are no names
        ("记者在现场", []),
        ("记者李在家中", []),
        ("作者：在山上", []),
        ("作者：张在说", []),
    ],
)
def test_given_name_function_words(text, authors):
    assert parse_byline(text).authors == authors


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("申屠明", True),
        ("欧阳晓东", True),
        ("张三", True),
        ("李晓明", True),
        # unchanged: organisations, badges, common words, long runs
        ("临江日报", False),
        ("原创", False),
        ("市民", False),
        ("张三李四", False),
        ("新华社", False),
    ],
)
def test_person_like(token: str, expected: bool) -> None:
    assert person_like(token) is expected


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("原创 作者：张三", ["张三"]),
        ("独家 记者 李四", ["李四"]),
        # unchanged: a name that merely starts like a badge word
        ("记者 原创新", ["原创新"]),
    ],
)
def test_badges_are_never_names(text: str, authors: list[str]) -> None:
    assert parse_byline(text).authors == authors
