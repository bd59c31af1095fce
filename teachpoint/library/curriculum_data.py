"""The national curriculum vocabulary as plain data (DESIGN §5); parsing lives in ``curriculum``.

Sources: 义务教育课程方案 (2022) for grades 1–9 and 普通高中课程方案 (2017, revised 2020) for
grades 10–12. Grades are ints 1..12 internally. Aliases are matched after NFKC normalisation,
lower-casing and removal of whitespace (see ``curriculum._key``), so they are written here in
their natural form.
"""

from __future__ import annotations

PRIMARY, JUNIOR, SENIOR = "小学", "初中", "高中"

# 学段 → the grades it covers, in teaching order.
STAGES: dict[str, tuple[int, ...]] = {
    PRIMARY: (1, 2, 3, 4, 5, 6),
    JUNIOR: (7, 8, 9),
    SENIOR: (10, 11, 12),
}

# Canonical display name of each grade (what the UI and the catalogue show).
GRADES: dict[int, str] = {
    1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级",
    7: "七年级", 8: "八年级", 9: "九年级",
    10: "高一", 11: "高二", 12: "高三",
}

CHINESE_DIGITS = "零一二三四五六七八九"

# Subject → the stages it is taught in. Order follows the 2022/2020 programmes; art (艺术) is split
# into its parts (音乐, 美术, 舞蹈, 戏剧, 影视), foreign language (外语) into 英语, 日语, 俄语 and
# senior technology (技术) into 信息技术, 通用技术.
ALL = (PRIMARY, JUNIOR, SENIOR)
SUBJECTS: dict[str, tuple[str, ...]] = {
    "道德与法治": (PRIMARY, JUNIOR),
    "语文": ALL,
    "数学": ALL,
    "英语": ALL,
    "日语": (JUNIOR, SENIOR),
    "俄语": (JUNIOR, SENIOR),
    "历史": (JUNIOR, SENIOR),
    "地理": (JUNIOR, SENIOR),
    "科学": (PRIMARY, JUNIOR),  # integrated science; some provinces teach it instead of 物理/化学/生物学
    "物理": (JUNIOR, SENIOR),
    "化学": (JUNIOR, SENIOR),
    "生物学": (JUNIOR, SENIOR),
    "信息科技": (PRIMARY, JUNIOR),
    "体育与健康": ALL,
    "音乐": ALL,
    "美术": ALL,
    "舞蹈": ALL,
    "戏剧": ALL,
    "影视": ALL,
    "劳动": ALL,
    "综合实践活动": ALL,
    "思想政治": (SENIOR,),
    "信息技术": (SENIOR,),
    "通用技术": (SENIOR,),
}

# Other names people and spreadsheets use → canonical subject. Pinyin spellings of the canonical
# names and of the Chinese aliases (shuxue, tiyu, …) are added by ``curriculum`` on first use.
# 外语 maps to 英语 because English is what nearly every school teaches as its foreign language.
SUBJECT_ALIASES: dict[str, str] = {
    "道法": "道德与法治", "德法": "道德与法治", "品德": "道德与法治", "思想品德": "道德与法治",
    "品德与生活": "道德与法治", "品德与社会": "道德与法治", "思品": "道德与法治",
    "morality and law": "道德与法治", "morality": "道德与法治",
    "中文": "语文", "chinese": "语文",
    "math": "数学", "maths": "数学", "mathematics": "数学",
    "外语": "英语", "英文": "英语", "english": "英语",
    "japanese": "日语", "russian": "俄语",
    "history": "历史", "geography": "地理", "science": "科学",
    "physics": "物理", "chemistry": "化学",
    "生物": "生物学", "biology": "生物学",
    "信科": "信息科技", "information science and technology": "信息科技",
    "体育": "体育与健康", "体育和健康": "体育与健康", "体健": "体育与健康",
    "pe": "体育与健康", "physical education": "体育与健康", "p.e.": "体育与健康",
    "music": "音乐",
    "art": "美术", "arts": "美术", "fine art": "美术", "fine arts": "美术", "drawing": "美术",
    "dance": "舞蹈", "drama": "戏剧", "theatre": "戏剧", "theater": "戏剧",
    "film": "影视", "film and television": "影视",
    "劳动教育": "劳动", "labor": "劳动", "labour": "劳动",
    "综合实践": "综合实践活动", "综实": "综合实践活动",
    "政治": "思想政治", "思政": "思想政治", "politics": "思想政治",
    "it": "信息技术", "information technology": "信息技术", "信技": "信息技术",
    "通用": "通用技术", "general technology": "通用技术",
}

# Textbook editions (教材版本). Unknown editions are allowed (regions have their own); these are
# the common ones, so that aliases of them normalise to one spelling.
EDITIONS: tuple[str, ...] = (
    "统编版", "人教版", "北师大版", "苏教版", "外研版", "湘教版", "沪教版", "冀教版", "青岛版",
    "西师大版", "人音版", "人美版", "译林版", "教科版", "浙教版", "鲁教版", "粤教版", "华师大版",
    "沪科版", "鲁科版", "科粤版", "中图版", "湘艺版", "花城版", "岭南版", "浙美版", "湘美版",
    "川教版", "鄂教版", "闽教版", "晋教版", "北京版", "接力版", "仁爱版", "陕旅版", "沪粤版",
    "科学版", "地质版", "人教PEP版",
)

EDITION_ALIASES: dict[str, str] = {
    "部编版": "统编版", "部编": "统编版", "统编": "统编版", "部编本": "统编版", "统编本": "统编版",
    "人教统编版": "统编版",
    "人教": "人教版", "人教社": "人教版", "人民教育出版社": "人教版", "人民教育版": "人教版",
    "新人教版": "人教版",
    "pep": "人教PEP版", "人教pep": "人教PEP版",
    "北师": "北师大版", "北师版": "北师大版", "北京师范大学出版社": "北师大版",
    "江苏教育出版社": "苏教版", "外研社": "外研版", "外研社版": "外研版",
    "外语教学与研究出版社": "外研版",
    "湖南教育出版社": "湘教版", "上海教育出版社": "沪教版", "上教版": "沪教版",
    "河北教育出版社": "冀教版", "青岛出版社": "青岛版",
    "西师版": "西师大版", "西南师大版": "西师大版", "西南师范大学出版社": "西师大版",
    "人民音乐出版社": "人音版", "人民美术出版社": "人美版",
    "教育科学出版社": "教科版", "华东师大版": "华师大版",
    "上海科技版": "沪科版", "上科版": "沪科版",
}

# Volumes (册). Grades 1–9 use 上册/下册 (or 全一册); senior secondary uses 必修/选择性必修.
VOLUMES: tuple[str, ...] = (
    "上册", "下册", "全一册",
    "必修上册", "必修下册",
    "必修第一册", "必修第二册", "必修第三册", "必修第四册",
    "选择性必修上册", "选择性必修中册", "选择性必修下册",
    "选择性必修第一册", "选择性必修第二册", "选择性必修第三册", "选择性必修第四册",
    "选修",
)

VOLUME_ALIASES: dict[str, str] = {
    "上": "上册", "上学期": "上册", "第一学期": "上册",
    "下": "下册", "下学期": "下册", "第二学期": "下册",
    "全册": "全一册", "全一本": "全一册",
    "必修上": "必修上册", "必修下": "必修下册",
    "选择性必修上": "选择性必修上册", "选择性必修中": "选择性必修中册", "选择性必修下": "选择性必修下册",
    "选必上": "选择性必修上册", "选必中": "选择性必修中册", "选必下": "选择性必修下册",
}
