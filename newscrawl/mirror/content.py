"""Generated content of the mirror site: stories, the article pages that show them, and their gold truth.

Pure and deterministic for a seed. No markup here: `render.py` turns these records into pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from newscrawl.yybnet import CITIES, PORTAL_NAME, ArticleRef, channel_name

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

TEMPLATES = ("desktop-a", "desktop-b", "mobile-old", "mobile-new")
ENCODINGS = ("utf-8", "gbk")

# (city, channel) -> its share of the stories (apportioned, not drawn); every other channel stays empty.
CHANNEL_WEIGHTS: dict[tuple[str, str], int] = {
    ("weifang", "news"): 6,
    ("weifang", "shouguang"): 3,
    ("weifang", "qingzhou"): 2,
    ("mianyang", "news"): 5,
    ("mianyang", "anxian"): 2,
    ("xianyang", "binxian"): 2,
    ("zibo", "news"): 2,
    ("jinan", "news"): 3,
}

SOURCES: dict[str, tuple[str, ...]] = {
    "weifang": ("潍坊日报", "潍坊晚报"),
    "mianyang": ("绵阳日报", "绵阳晚报"),
    "xianyang": ("咸阳日报",),
    "zibo": ("淄博晚报", "淄博日报"),
    "jinan": ("济南日报", "济南时报"),
}
AGENCY_SOURCES = ("新华社", "人民网")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
    "汪范金廖贾夏韦付邹孟熊秦邱尹薛闫段雷侯史陶贺顾毛郝龚邵钱严武戴莫孔汤"
)
# Given-name characters; none of them is a surname, so a run of names splits one way only.
GIVEN = "".join(
    c
    for c in "伟芳娜敏静丽强磊洋勇艳杰娟涛明超霞刚桂英华玉萍玲飞建国文辉鹏宇浩凯晨欣雪梅琳晓波宁志海斌俊峰亮婷慧颖倩佳"
    "振兴福荣庆永春秋云东红军民德胜利祥瑞鑫昊然子轩博翔彬松坤昭宏卫新平光传忠晶蕾"
    if c not in SURNAMES
)

TOWNS = ("东城街道", "西关街道", "南湖镇", "北王镇", "新华街道", "古城街道", "双河镇", "青云街道")
ORGS = ("农业农村局", "市场监管局", "人民医院", "第一中学", "公安局交警大队", "住建局", "文旅局", "供电公司", "团委", "妇联")
EVENTS = (
    "安全生产检查",
    "文明城市创建",
    "植树造林",
    "义诊进社区",
    "全民健身运动会",
    "春季招聘会",
    "农产品展销会",
    "防汛应急演练",
    "消防安全宣传",
    "非遗文化展演",
    "读书分享会",
    "志愿服务",
    "科技下乡",
    "廉政教育",
    "交通安全宣传",
)
PROJECTS = ("道路改造", "污水管网", "蔬菜大棚", "乡村振兴示范片区", "老旧小区改造", "农村饮水安全", "智慧社区", "公园绿地", "产业园区")
PEOPLE = ("志愿者", "居民", "学生", "农户", "企业代表", "党员干部", "医护人员", "退休职工")
GOALS = ("高质量发展", "群众满意度提升", "城市品质提升", "产业转型升级", "民生改善")

HEADLINES = (
    "{place}{event}顺利举行",
    "{place}：{count}个{project}项目集中开工",
    "{place}{org}开展{event}活动",
    "{place}{project}工程进展顺利",
    "{people}{count}余人参加{place}{event}",
    "{place}今年投入{money}万元推进{project}",
    "“{event}”走进{place}{town}",
    "{place}{town}：{project}让群众得实惠",
)
SUBTITLES = ("——{place}{event}工作侧记", "——记{place}{org}{people}{name}", "——{place}扎实推进{project}综述")
SENTENCES = (
    "{when}，{place}{org}组织开展{event}活动，{count}余名{people}参加。",
    "据了解，{place}今年以来累计投入资金{money}万元，用于{project}建设。",
    "活动现场，{people}纷纷表示，这样的活动办到了大家心坎上。",
    "{org}负责人{name}介绍，下一步将继续做好{event}，推动{goal}。",
    "截至目前，已完成{project}项目{count}个，惠及群众{count2}余户。",
    "“以前办事要跑好几趟，现在一次就办好了。”{town}{people}{name}说。",
    "今年是{place}实施{project}工程的第{small}年，各项工作有序推进。",
    "在{town}，工作人员逐一登记{people}的需求，并现场解答相关问题。",
    "{place}将以此次{event}为契机，进一步完善长效机制。",
    "记者了解到，{project}工程计划于{month}月底前全部完工。",
    "为确保活动取得实效，{org}成立了工作专班，明确责任分工。",
    "{town}党工委书记{name}表示，要把好事办好、实事办实。",
    "不少{people}还带来了自己制作的展板和宣传材料。",
    "近年来，{place}坚持问题导向，持续加大{project}投入力度。",
    "现场还设置了咨询台，发放宣传资料{count2}余份。",
    "下一步，{place}将继续围绕{goal}，扎实做好各项工作。",
    "据统计，今年{place}共接待群众来访{count}批次。",
    "{people}{name}告诉记者，参加活动后收获很大。",
)

LEADS = (
    ("本报讯(记者{a})", 1),
    ("本报讯(记者{a}{b})", 2),
    ("{paper}讯(记者{a}{b})", 2),
    ("本报{month}月{day}日讯(通讯员{a})", 1),
    ("□记者{a}通讯员{b}报道本报{city}讯", 2),
)
START_BYLINES = (
    ("□本报通讯员{a}{b}", 2),
    ("{a} 文/图", 1),
    ("作者:{a}摄", 1),
    ("记者 {a} 通讯员 {b} 摄影报道", 2),
)
END_BYLINES = (
    ("(本报记者 {a})", 1),
    ("(本报记者 {a} 文/图)", 1),
    ("记者{a}摄", 1),
    ("新华社记者{a}摄", 1),
)
STAFF_LINES = (("编辑:{a} 校对:{b} 美编:{c}", 3), ("责任编辑：{a}", 1), ("编辑：{a} 校对：{b}", 2))
CAPTIONS = (
    "{people}在{town}参加{event}。",
    "{place}{project}工程施工现场。",
    "工作人员向{people}介绍{event}相关知识。",
)
MARKERS = "①②③④⑤"

TAGLINES = (
    "{city}新闻,讲述家乡的故事。关注{city},关注家乡每一天。",
    "{city}新闻,家乡人自己的新闻网站,为您带来{city}最新资讯。",
    "{city}新闻,用镜头记录{city}的变化,用文字讲述身边的感动。",
    "{city}新闻,看家乡事,品故乡情,{city}人的网上家园。",
    "{city}新闻,权威发布{city}本地新闻,贴近百姓生活。",
    "{city}新闻,传递{city}正能量,分享家乡好声音。",
)


@dataclass(frozen=True)
class Image:
    """A picture of a photo story; its caption is shown as a body paragraph right after it."""

    path: str
    caption: str


@dataclass(frozen=True)
class Story:
    """What every copy of a story shows, whichever channel prints it."""

    number: int
    title: str
    subtitle: str | None
    source: str
    blocks: tuple[str | Image, ...]  # body in page order: paragraphs (str) and pictures
    start_byline: str | None
    end_byline: str | None
    staff_line: str | None
    authors: tuple[str, ...]
    editors: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"s{self.number:04d}"

    @property
    def paragraphs(self) -> list[str]:
        """Body paragraphs as the truth has them: captions included, pictures dropped."""
        return [b.caption if isinstance(b, Image) else b for b in self.blocks]

    @property
    def images(self) -> list[Image]:
        return [b for b in self.blocks if isinstance(b, Image)]

    @property
    def first_text(self) -> str:
        return next(b for b in self.blocks if isinstance(b, str))


@dataclass(frozen=True)
class MirrorArticle:
    """One served article page: a story shown under one channel, at one URL, with one template."""

    story: Story
    city: str
    channel: str
    id: str
    published: datetime  # Beijing time, to the minute
    template: str
    encoding: str
    wide_colon: bool  # meta line label `来源：` instead of `来源:`
    variant_link: str | None = None  # list pages add a second link: "other-host", "from-index" or "comments"
    reprint: bool = False

    @property
    def ref(self) -> ArticleRef:
        return ArticleRef(self.city, self.channel, self.published.strftime("%Y%m"), self.id)

    @property
    def path(self) -> str:
        return self.ref.path

    @property
    def channel_name(self) -> str:
        return channel_name(self.city, self.channel) or ""

    @property
    def time_text(self) -> str:
        return self.published.strftime("%Y-%m-%d %H:%M")

    def truth(self, base_url: str) -> dict:
        """The gold row for this page, following shared/eval/LABELS.md."""
        story = self.story
        return {
            "article_key": self.ref.key,
            "url": self.ref.url(base_url),
            "city": self.city,
            "channel": self.channel_name,
            "story": story.key,
            "template": self.template,
            "encoding": self.encoding,
            "title": story.title,
            "subtitle": story.subtitle[2:] if story.subtitle else None,
            "source": story.source,
            "published_at": self.published.isoformat(),
            "authors": list(story.authors),
            "editors": list(story.editors),
            "body": "\n".join(story.paragraphs),
            "images": [{"url": base_url.rstrip("/") + i.path, "caption": i.caption} for i in story.images],
        }


def city_name(city: str) -> str:
    return CITIES[city][0]


def place_name(city: str, channel: str) -> str:
    return (channel_name(city, channel) or city_name(city) + "新闻").removesuffix("新闻")


def person_name(rng: random.Random) -> str:
    """A plausible 2-3 character Chinese name."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


class _Writer:
    """Makes up names, sentences and whole stories from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        return person_name(self.rng)

    def names(self, count: int) -> list[str]:
        result: list[str] = []
        while len(result) < count:
            if (n := self.name()) not in result:
                result.append(n)
        return result

    def slots(self, city: str, channel: str, when: datetime) -> dict[str, str]:
        rng = self.rng
        return {
            "place": place_name(city, channel),
            "city": city_name(city),
            "town": rng.choice(TOWNS),
            "org": rng.choice(ORGS),
            "event": rng.choice(EVENTS),
            "project": rng.choice(PROJECTS),
            "people": rng.choice(PEOPLE),
            "goal": rng.choice(GOALS),
            "name": self.name(),
            "count": str(rng.randint(2, 300)),
            "count2": str(rng.randint(300, 9000)),
            "money": str(rng.randint(50, 5000)),
            "small": "二三四五"[rng.randrange(4)],
            "month": str(rng.randint(1, 12)),
            "when": rng.choice((f"昨({when.day - 1 or 1})日", f"{when.month}月{when.day}日", "近日", "日前")),
        }

    def credit(self, forms: tuple[tuple[str, int], ...], extra: dict[str, str]) -> tuple[str, list[str]]:
        form, count = self.rng.choice(forms)
        people = self.names(count)
        return form.format(**dict(zip("abc", people, strict=False)), **extra), people

    def story(self, number: int, city: str, channel: str, when: datetime, taken: set[str]) -> Story:
        rng = self.rng
        while True:
            title = rng.choice(HEADLINES).format(**self.slots(city, channel, when))
            if title not in taken:
                taken.add(title)
                break
        subtitle = rng.choice(SUBTITLES).format(**self.slots(city, channel, when)) if rng.random() < 0.25 else None
        source = rng.choice(AGENCY_SOURCES) if rng.random() < 0.08 else rng.choice(SOURCES[city])
        sentences = iter(rng.sample(SENTENCES, len(SENTENCES)))  # no sentence twice in one story
        paragraphs = [
            "".join(next(sentences).format(**self.slots(city, channel, when)) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(3, 6))
        ]
        photo = rng.random() < 0.15
        kind = rng.choices(("lead", "start", "end", "none"), (45, 25, 20, 10))[0]
        if photo and kind == "lead":
            kind = "start"
        start = end = None
        authors: list[str] = []
        paper = "晚报" if source.endswith("晚报") else "本报"
        extra = {"paper": paper, "month": str(when.month), "day": str(when.day), "city": city_name(city)}
        if kind == "lead":
            lead, authors = self.credit(LEADS, extra)
            paragraphs[0] = lead + paragraphs[0]
        elif kind == "start":
            start, authors = self.credit(START_BYLINES, extra)
        elif kind == "end":
            end, authors = self.credit(END_BYLINES, extra)
        blocks: list[str | Image] = list(paragraphs)
        if photo:
            count = rng.randint(2, 4)
            blocks[0] = MARKERS[:count] + paragraphs[0]  # blocks[0] is still paragraphs[0]
            pictures: list[str | Image] = []
            for i in range(count):
                caption = f"图{MARKERS[i]}:" + rng.choice(CAPTIONS).format(**self.slots(city, channel, when))
                if rng.random() < 0.3:
                    caption += f"(通讯员{self.name()} 摄)"  # a photographer named only in a caption is no author
                pictures.append(Image(f"/uploads/{when:%Y%m}/p{number:04d}_{i + 1}.jpg", caption))
            blocks = pictures + blocks
        staff, editors = self.credit(STAFF_LINES, {}) if rng.random() < 0.3 else (None, [])
        return Story(number, title, subtitle, source, tuple(blocks), start, end, staff, tuple(authors), tuple(editors))


def _random_time(rng: random.Random) -> datetime:
    start = datetime(2011, 1, 1, tzinfo=BEIJING)
    day = start + timedelta(days=rng.randrange((datetime(2022, 1, 1, tzinfo=BEIJING) - start).days))
    return day.replace(hour=rng.randint(6, 22), minute=rng.randrange(60))


def generate_articles(count: int, seed: int, variations: bool = False) -> list[MirrorArticle]:
    """`count` article pages: about one story in ten is reprinted as a second page under another channel.

    `variations` adds pages after those (`add_variations`): edited reprints and different stories that share
    boilerplate. The `count` pages stay as they are either way.
    """
    rng = random.Random(seed)
    writer = _Writer(rng)
    channels = list(CHANNEL_WEIGHTS)
    reprints = max(1, round(count * 0.1)) if count >= 2 else 0
    stories = count - reprints
    ids = [str(n) for n in rng.sample(range(1_000_000, 100_000_000), count)]
    reprinted = rng.sample(range(stories), reprints)
    looks = [(t, e) for e in ENCODINGS for t in TEMPLATES] * (count // 8 + 1)
    looks = looks[:count]
    rng.shuffle(looks)
    variants = rng.choices((None, "other-host", "from-index", "comments"), (70, 10, 10, 10), k=count)
    homes = _apportion(stories)
    rng.shuffle(homes)
    taken: set[str] = set()
    articles: list[MirrorArticle] = []
    for n in range(count):
        template, encoding = looks[n]
        if n < stories:
            city, channel = homes[n]
            when = _random_time(rng)
            story = writer.story(n + 1, city, channel, when, taken)
            reprint = False
        else:
            original = articles[reprinted[n - stories]]
            story = original.story
            elsewhere = [c for c in channels if c != (original.city, original.channel)]
            same_city = [c for c in elsewhere if c[0] == original.city]  # papers are mostly reprinted in their own city
            city, channel = rng.choice(same_city if same_city and rng.random() < 0.7 else elsewhere)
            when = original.published + timedelta(minutes=rng.randint(30, 3 * 24 * 60))
            reprint = True
        articles.append(MirrorArticle(story, city, channel, ids[n], when, template, encoding, rng.random() < 0.5, variants[n], reprint))
    return articles + add_variations(articles, seed) if variations else articles


def _apportion(count: int) -> list[tuple[str, str]]:
    """`count` channel slots shared by CHANNEL_WEIGHTS (largest remainder): channel sizes do not depend on the seed."""
    total = sum(CHANNEL_WEIGHTS.values())
    exact = {c: count * w / total for c, w in CHANNEL_WEIGHTS.items()}
    sizes = {c: int(x) for c, x in exact.items()}
    for c in sorted(exact, key=lambda c: sizes[c] - exact[c])[: count - sum(sizes.values())]:
        sizes[c] += 1
    return [c for c, size in sizes.items() for _ in range(size)]


# ---- variations (`generate_articles(..., variations=True)`): near-copies and look-alikes, from their own stream

# A recurring column opens each of its stories with the same editor's note; the stories themselves differ.
COLUMNS = (
    "编者按：民生无小事，枝叶总关情。本栏目聚焦百姓身边的大事小情，倾听群众呼声，反映社情民意，欢迎广大读者积极参与。",
    "编者按：为展现基层干部群众干事创业的精神风貌，本报即日起开设“基层一线”专栏，记录发生在田间地头、街头巷尾的新变化。",
    "编者按：文明城市创建工作开展以来，全市上下积极行动。本报推出“文明创建进行时”栏目，集中展示各地的好做法、好经验。",
)
# A paper's standard closing lines, the same under every story of that paper that carries them.
AREA_CODES = {"weifang": "0536", "mianyang": "0816", "xianyang": "029", "zibo": "0533", "jinan": "0531"}
CLOSING = "新闻热线：{code}-{line}。欢迎广大读者提供新闻线索，一经采用，即付稿酬。本报将持续关注此事进展。"
# How an edited reprint differs from the page it copies (one or two of these per copy).
EDITS = ("byline", "cut", "add", "headline", "width")
HEADLINE_EDITS = (
    lambda t: t + "（图）",
    lambda t: "【关注】" + t,
    lambda t: t.replace("：", "，") if "：" in t else t + "！",
    lambda t: t.replace("顺利", "").replace("集中", "") if ("顺利" in t or "集中" in t) else "聚焦：" + t,
)
HALF_TO_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
WIDE_TO_NARROW = str.maketrans({"，": ", ", "：": ":", "；": ";", "！": "!"})


def add_variations(articles: list[MirrorArticle], seed: int) -> list[MirrorArticle]:
    """Pages to add to `articles`: about one story in ten copied with edits (another byline or editor line, a
    paragraph cut or added, a reworded headline, other punctuation and digit widths) under the original's story
    key, and groups of two or three new stories of one column on one topic, sharing the column's editor's note
    and the paper's closing lines. Drawn from their own random stream: `articles` decide nothing but the seed."""
    rng = random.Random(f"{seed}/variations")
    writer = _Writer(rng)
    originals = [a for a in articles if not a.reprint and not a.story.images]
    taken_ids = {a.id for a in articles}
    taken_titles = {a.story.title for a in articles}
    number = max((a.story.number for a in articles), default=0) + 1
    channels = list(CHANNEL_WEIGHTS)
    added: list[MirrorArticle] = []

    def page(story: Story, city: str, channel: str, when: datetime, reprint: bool) -> MirrorArticle:
        while (article_id := str(rng.randrange(1_000_000, 100_000_000))) in taken_ids:
            pass
        taken_ids.add(article_id)
        template, encoding = rng.choice(TEMPLATES), rng.choice(ENCODINGS)
        return MirrorArticle(story, city, channel, article_id, when, template, encoding, rng.random() < 0.5, None, reprint)

    for original in rng.sample(originals, min(len(originals), max(1, round(len(articles) * 0.1)))):
        story = original.story
        for edit in rng.sample(EDITS, rng.randint(1, 2)):
            story = _edit_copy(story, edit, original, writer, taken_titles)
        elsewhere = [c for c in channels if c != (original.city, original.channel)]
        city, channel = rng.choice(elsewhere)
        added.append(page(story, city, channel, original.published + timedelta(minutes=rng.randint(30, 3 * 24 * 60)), True))
    for column in range(max(1, len(articles) // 20)):
        city, channel = rng.choice(channels)
        topic = writer.slots(city, channel, _random_time(rng))
        topic_writer = _TopicWriter(rng, {k: topic[k] for k in ("event", "project")})
        note = COLUMNS[column % len(COLUMNS)]
        closing = CLOSING.format(code=AREA_CODES[city], line=rng.randint(1000000, 9999999))
        for _ in range(rng.randint(2, 3)):
            when = _random_time(rng)
            while True:  # a credit that is not a lead: the editor's note opens the body
                story = topic_writer.story(number, city, channel, when, taken_titles)
                if not story.images and (story.start_byline or story.end_byline or not story.authors):
                    break
            blocks = (note, *story.blocks, closing)
            added.append(page(replace(story, blocks=blocks), city, channel, when, False))
            number += 1
    return added


class _TopicWriter(_Writer):
    """A writer whose stories are all about one topic: the same event and project."""

    def __init__(self, rng: random.Random, topic: dict[str, str]) -> None:
        super().__init__(rng)
        self.topic = topic

    def slots(self, city: str, channel: str, when: datetime) -> dict[str, str]:
        return {**super().slots(city, channel, when), **self.topic}


def _edit_copy(story: Story, edit: str, original: MirrorArticle, writer: _Writer, taken_titles: set[str]) -> Story:
    """`story` as another paper reprints it, changed by one of EDITS."""
    rng = writer.rng
    blocks = list(story.blocks)
    texts = [i for i, b in enumerate(blocks) if isinstance(b, str)]
    if edit == "byline":  # the reprinting paper's own editor line, and other reporters in a lead
        editor = writer.name()
        if story.authors and not (story.start_byline or story.end_byline):
            names = writer.names(len(story.authors))
            first = blocks[texts[0]]
            assert isinstance(first, str)
            for old, new in zip(story.authors, names, strict=True):
                first = first.replace(old, new, 1)
            blocks[texts[0]] = first
            story = replace(story, authors=tuple(names))
        return replace(story, blocks=tuple(blocks), staff_line=f"责任编辑：{editor}", editors=(editor,))
    if edit == "cut" and len(texts) > 2:
        del blocks[rng.choice(texts[1:])]
        return replace(story, blocks=tuple(blocks))
    if edit in ("cut", "add"):
        when = original.published
        sentences = rng.sample(SENTENCES, 2)
        paragraph = "".join(s.format(**writer.slots(original.city, original.channel, when)) for s in sentences)
        blocks.insert(rng.choice(texts[1:] or texts) + 1, paragraph)
        return replace(story, blocks=tuple(blocks))
    if edit == "headline":
        for change in rng.sample(HEADLINE_EDITS, len(HEADLINE_EDITS)):
            if (title := change(story.title)) != story.title and title not in taken_titles:
                taken_titles.add(title)
                return replace(story, title=title)
        return story
    # width: digits full width, full-width punctuation narrow; the first paragraph may hold a lead: left alone
    for i in texts[1:]:
        text = blocks[i]
        assert isinstance(text, str)
        blocks[i] = text.translate(HALF_TO_FULL).translate(WIDE_TO_NARROW)
    return replace(story, blocks=tuple(blocks), title=story.title.translate(HALF_TO_FULL))


def tagline(city: str, pick: int) -> str:
    return TAGLINES[pick % len(TAGLINES)].format(city=city_name(city))


def page_title(article: MirrorArticle) -> str:
    return f"{article.story.title}_{article.channel_name}_{PORTAL_NAME}"


# ---- later days: new articles and edits, each day from its own random stream

# "Today" of day 0. Base articles run to 2021-12-31 (reprints up to 3 days later), so it must come after that.
MIRROR_EPOCH = datetime(2022, 1, 5, 8, 0, tzinfo=BEIJING)


def site_today(day: int) -> datetime:
    return MIRROR_EPOCH + timedelta(days=day)


def day_rng(seed: int, day: int) -> random.Random:
    return random.Random(f"{seed}/day/{day}")


def new_articles(rng: random.Random, count: int, day: int, first_number: int, taken_ids: set[str], taken_titles: set[str]) -> list[MirrorArticle]:
    """`count` new single-channel articles published during day `day` (the 24 hours before its "today")."""
    writer = _Writer(rng)
    channels = list(CHANNEL_WEIGHTS)
    start = site_today(day - 1)
    articles: list[MirrorArticle] = []
    for n in range(count):
        city, channel = rng.choices(channels, list(CHANNEL_WEIGHTS.values()))[0]
        when = start + timedelta(minutes=rng.randint(1, 24 * 60 - 1))
        while (article_id := str(rng.randrange(1_000_000, 100_000_000))) in taken_ids:
            pass
        taken_ids.add(article_id)
        story = writer.story(first_number + n, city, channel, when, taken_titles)
        template, encoding = rng.choice(TEMPLATES), rng.choice(ENCODINGS)
        variant = rng.choices((None, "other-host", "from-index", "comments"), (70, 10, 10, 10))[0]
        articles.append(MirrorArticle(story, city, channel, article_id, when, template, encoding, rng.random() < 0.5, variant))
    return articles


def edit_story(story: Story, city: str, channel: str, when: datetime, rng: random.Random) -> Story:
    """The story with one body paragraph rewritten; never the first one, which may carry the byline lead."""
    texts = [i for i, b in enumerate(story.blocks) if isinstance(b, str)]
    index = rng.choice(texts[1:] or texts)
    writer = _Writer(rng)
    old = story.blocks[index]
    while True:
        sentences = rng.sample(SENTENCES, rng.randint(2, 3))
        paragraph = "".join(s.format(**writer.slots(city, channel, when)) for s in sentences)
        if paragraph != old and paragraph not in story.blocks:
            break
    blocks = list(story.blocks)
    blocks[index] = paragraph
    return replace(story, blocks=tuple(blocks))
