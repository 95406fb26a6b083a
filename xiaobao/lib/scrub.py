"""Personal data out of text that is about to be published, and the tokens the text is searched by.

Pure functions: text in, text out. The scrubber errs toward removing (a missed ID number is a
breach, an over-scrubbed word is not): every long run of digits goes, whatever its check character
says; the check characters only decide which placeholder it gets. The same placeholder always
stands for the same kind of data, so a reader still follows the story.

`scrub()` segments the text with jieba once and hands back both the scrubbed text and its search
tokens; `search_tokens()` is the analyser for queries, so indexing and searching agree.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jieba
import jieba.posseg

from xiaobao.lib.codes import ID_CHECK, is_valid_id_number, luhn_ok

ID_NUMBER = "【身份证号】"
MOBILE = "【手机号】"
LANDLINE = "【电话号码】"
BANK_CARD = "【银行卡号】"
ACCOUNT = "【账号】"
EMAIL = "【电子邮箱】"
ADDRESS = "【地址】"
NAME = "【姓名】"
PLATE = "【车牌号】"
SOCIAL = "【社交账号】"
CARD_TAIL = "【尾号】"
PLACEHOLDERS = (ID_NUMBER, MOBILE, LANDLINE, BANK_CARD, ACCOUNT, EMAIL, ADDRESS, NAME, PLATE, SOCIAL, CARD_TAIL)

# The 100 most common surnames (公安部 2020 ranking) and the compound ones still in use; a name that
# jieba tags or discovers counts as a person's only when it starts with one of them, so idioms the
# dictionary tags "nr" (一审判决) stay.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢"
    "姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常"
    "汤康易乔赖文施洪辛柴朴萧阎庞齐柳牛殷"
)
COMPOUND_SURNAMES = frozenset(("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙", "宇文"))
# Words after a surname that make the surname alone point at a person (王先生, 李经理, 张某).
TITLES = "先生|女士|小姐|老师|师傅|经理|主任|行长|科长|处长|局长|主管|专员|客服|律师|阿姨|大爷|大妈|大姐|大哥|老板|同志|某某|某"
_SURNAME_CLASS = "".join(sorted(SURNAMES))
_SURNAME = "(?:" + "|".join(sorted(COMPOUND_SURNAMES)) + f"|[{_SURNAME_CLASS}])"
# What comes right before a name in a complaint: a self-introduction, a role or a signature. jieba often
# cuts such a name into its surname and a given name that is also a dictionary word (周 + 建国) or glues
# the surname to the cue (催收员万帆 → 催收 / 员万帆), so these cues are matched in the raw text.
NAME_CUES = (
    "我叫|名叫|叫做|我的名字叫|我的名字是|姓名[:：]?|"
    "(?:投诉|申请|举报|联系|经办|负责|当事|代理|委托|借款|持卡|投保)人[:：\\s]*|(?:签字|签名|落款)[:：\\s]*|"
    "客户经理|理财经理|大堂经理|业务经理|业务员|催收员|销售员|推销员|柜员|专员|工作人员|营销人员|销售人员"
)
# After these a sentence often goes on without a name (本人于…, 我是工行的客户): a name there must end
# the phrase (本人王秀英，…), followed by a punctuation mark, the end, or one of NAME_ENDINGS.
WEAK_NAME_CUES = "本人|我是"
NAME_ENDINGS = "男|女|身份证|电话|手机|联系|今年|现年|现住|住|系|[\\s，。、；：！？,.;:!?（(]"
# Never a given name: pronouns and function words, and words that follow a preposition which is also a
# surname (向银行经理反映) or that jieba would take for a name (金卡).
NOT_GIVEN = frozenset("我你他她它们的了在是于和与及被把也都就又说叫向给将对从到为以让使还再已曾每多")
NOT_GIVEN_WORDS = frozenset(
    (
        "银行",
        "公司",
        "保险",
        "证券",
        "支行",
        "分行",
        "总行",
        "网点",
        "客户",
        "客服",
        "理财",
        "信用",
        "柜台",
        "大堂",
        "营业",
        "部门",
        "平台",
        "工作",
        "业务",
        "经理",
        "先生",
        "女士",
        "金卡",
        "银卡",
        "家人",
        "老人",
    )
)
_CUED_NAME = re.compile(
    rf"(?:(?P<strong>{NAME_CUES})|(?P<weak>{WEAK_NAME_CUES}))(?P<name>{_SURNAME}[\u4e00-\u9fff]{{1,2}})"
)
_NAME_BEFORE_TITLE = re.compile(rf"(?P<name>{_SURNAME}[\u4e00-\u9fff]{{1,2}})(?={TITLES})")
_NAME_ENDING = re.compile(NAME_ENDINGS)

# Provincial abbreviations that open a licence plate (GA 36-2018).
_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_SOCIAL = re.compile(r"((?:微信号?|QQ号?|qq号?|支付宝账?号?)\s*(?:是|为|:|：)?\s*)[A-Za-z0-9_.@-]{5,30}")
_KEYWORD_ACCOUNT = re.compile(
    r"((?:账号|帐号|账户|帐户|卡号|户号|合同号|合同编号|保单号|借据号|订单号|流水号)\s*(?:是|为|:|：)?\s*)"
    r"[A-Za-z0-9][A-Za-z0-9-]{5,}"
)
_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_GROUPED_CARD = re.compile(r"(?<![\d])\d{4}(?:[ -]\d{4}){2,3}(?:[ -]?\d{1,3})?(?![\d])")
_MOBILE = re.compile(r"(?<![\d])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![\d])")
_LANDLINE = re.compile(r"(?<![\d])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ -]?)\d{7,8}(?:-\d{1,5})?(?![\d])")
_PHONE_WORD = re.compile(r"((?:电话|座机|手机|联系方式|号码)\s*(?:是|为|:|：)?\s*)\d{7,8}(?![\d])")
_ID15 = re.compile(r"(?<![\d])\d{15}(?![\d])")
_LONG_DIGITS = re.compile(r"(?<![\d.])\d{9,}(?![\d.])")
_CARD_TAIL = re.compile(r"(尾号\s*(?:是|为)?\s*)\d{3,4}")
_PLATE = re.compile(rf"[{_PLATE_PROVINCES}][A-HJ-NP-Z][·・ ]?[A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳]?")
# Below county level: streets and house numbers, estates and buildings, towns and villages. County
# and city names stay (a county is the finest region published).
_ADDRESS_STOP = r"\s，。、；：！？,.;:!?（）()【】市区县省州旗盟"
_ADDRESS = re.compile(
    rf"(?:[^{_ADDRESS_STOP}]{{1,8}}?(?:镇|乡|街道|街道办事处))?"
    rf"(?:[^{_ADDRESS_STOP}]{{1,10}}?(?:路|大街|街|大道|巷|胡同|弄)\d+(?:-\d+)?号"
    rf"|[^{_ADDRESS_STOP}]{{1,10}}?(?:小区|花园|家园|公寓|新村|社区|村|屯)"
    rf"|[^{_ADDRESS_STOP}]{{1,8}}?(?:镇|乡|街道))"
    rf"(?:[A-Za-z]?\d+(?:号楼|栋|幢|号|单元|层|楼|室|组)|[一二三四五六七八九十]+(?:组|社|单元))*"
)
_BUILDING = re.compile(r"\d+(?:号楼|栋|幢)\d*(?:单元)?\d*(?:室|号)?|\d+单元\d+(?:室|号)")
_TITLED = re.compile(rf"(?<![{_SURNAME_CLASS}])([{_SURNAME_CLASS}])(?=(?:{TITLES}))")
_SURNAME_START = re.compile(f"[{_SURNAME_CLASS}欧司上诸东皇令慕尉长宇]")
_SOCIAL_HINT = re.compile(r"微信|QQ|qq|支付宝")
# Seven or more digits, possibly split by spaces, dashes or brackets: the least any number above needs.
_DIGIT_RUN = re.compile(r"\d(?:[\d ()（）+-]*\d){6,}")
_ADDRESS_HINT = re.compile(r"[路街巷弄镇乡村屯]|胡同|小区|花园|家园|公寓|社区")
_BUILDING_HINT = re.compile(r"\d(?:号楼|栋|幢|单元)")
_PLACEHOLDER = re.compile("(" + "|".join(re.escape(p) for p in PLACEHOLDERS) + ")")
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
# Function words that would match nearly every complaint: not worth a place in the index.
STOPWORDS = frozenset("的了在是我你他她它和与及被把也都就又说叫后等对从向给将其这那有但而之并或")


def _plausible_birth(yyyymmdd: str) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date(2100, 1, 1)


def classify_digits(digits: str) -> str:
    """The placeholder for a run of digits that must go: the check characters pick the label only."""
    digits = digits.upper()
    if len(digits) == 18 and digits[:17].isdigit() and digits[17] in ID_CHECK:
        if is_valid_id_number(digits) or digits.endswith("X"):
            return ID_NUMBER
        if luhn_ok(digits):
            return BANK_CARD
        # An ID number with a mistyped check character is still somebody's ID number.
        return ID_NUMBER if _plausible_birth(digits[6:14]) else ACCOUNT
    if len(digits) == 15 and digits.isdigit() and _plausible_birth("19" + digits[6:12]):
        # GB 11643's predecessor: 6-digit region, YYMMDD, 3-digit sequence, no check character.
        return ID_NUMBER
    if 16 <= len(digits) <= 19 and luhn_ok(digits):
        return BANK_CARD
    return ACCOUNT


def _digits_sub(match: re.Match[str]) -> str:
    return classify_digits(re.sub(r"[ -]", "", match.group(0)))


def _grouped_card_sub(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    return BANK_CARD if luhn_ok(digits) or len(digits) >= 16 else ACCOUNT


def _is_surname_start(word: str) -> bool:
    return word[:2] in COMPOUND_SURNAMES or word[0] in SURNAMES


@lru_cache(maxsize=65_536)
def _segment_block(block: str) -> tuple[str, ...]:
    """jieba's own split runs Han blocks independently, so caching per block changes no result."""
    return tuple(jieba.cut(block, HMM=True))


_BLOCK = re.compile(r"([\u4e00-\u9fff]+)")


def segment(text: str) -> list[str]:
    """jieba's default (precise) mode with HMM discovery of new words such as names."""
    words: list[str] = []
    for part in _BLOCK.split(text):
        if not part:
            continue
        if "\u4e00" <= part[0] <= "\u9fff":
            words.extend(_segment_block(part))
        else:
            words.extend(jieba.cut(part, HMM=False))
    return words


@lru_cache(maxsize=262_144)
def _is_person(word: str) -> bool:
    if not 2 <= len(word) <= 4 or not _is_surname_start(word) or word in NOT_GIVEN_WORDS:
        return False
    tags, known = jieba.posseg.dt.word_tag_tab, jieba.dt.FREQ
    tag = tags.get(word)
    if tag in ("nr", "nrfg"):
        return True
    # A word jieba's HMM found that its dictionary does not know (or knows only as the prefix of a
    # longer word, with frequency 0), shaped like a Chinese name.
    return tag is None and not known.get(word) and len(word) <= 3


def _is_given_name(word: str) -> bool:
    return 1 <= len(word) <= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in word)


@lru_cache(maxsize=262_144)
def _expand(word: str) -> tuple[str, ...]:
    """Search mode: a long word is also found by the dictionary words inside it (信用卡 → 信用)."""
    known = jieba.dt.FREQ
    out = [word]
    if len(word) > 2:
        for n in (2, 3):
            for i in range(len(word) - n + 1):
                gram = word[i : i + n]
                if gram != word and known.get(gram):
                    out.append(gram)
    return tuple(out)


@dataclass
class Scrubbed:
    text: str
    tokens: list[str]
    found: Counter[str] = field(default_factory=Counter)


def _sub_counting(
    pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str], text: str, found: Counter[str], kind: str
) -> str:
    def counted(match: re.Match[str]) -> str:
        out = repl(match) if callable(repl) else match.expand(repl)
        placeholder = _PLACEHOLDER.search(out)
        found[kind or (placeholder.group(0) if placeholder else out)] += 1
        return out

    return pattern.sub(counted, text)


def scrub_patterns(text: str, *, names: Iterable[str] = (), found: Counter[str] | None = None) -> str:
    """Everything a pattern can find: numbers with and without check characters, e-mail addresses,
    plates, addresses and the complainant's own names. Names only jieba can find come in scrub()."""
    found = found if found is not None else Counter()
    if not text:
        return ""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        if name in text:
            found[NAME] += text.count(name)
            text = text.replace(name, NAME)
    # Cheap tests first: most texts have no e-mail address, no long number, no street.
    if "@" in text:
        text = _sub_counting(_EMAIL, EMAIL, text, found, EMAIL)
    if _SOCIAL_HINT.search(text):
        text = _sub_counting(_SOCIAL, r"\g<1>" + SOCIAL, text, found, SOCIAL)
    text = _sub_counting(_KEYWORD_ACCOUNT, lambda m: m.group(1) + _digits_sub_text(m), text, found, "")
    if _DIGIT_RUN.search(text):
        text = _sub_counting(_ID18, _digits_sub, text, found, "")
        text = _sub_counting(_GROUPED_CARD, _grouped_card_sub, text, found, "")
        text = _sub_counting(_MOBILE, MOBILE, text, found, MOBILE)
        text = _sub_counting(_LANDLINE, LANDLINE, text, found, LANDLINE)
        text = _sub_counting(_PHONE_WORD, r"\g<1>" + LANDLINE, text, found, LANDLINE)
        text = _sub_counting(_ID15, _digits_sub, text, found, "")
        text = _sub_counting(_LONG_DIGITS, _digits_sub, text, found, "")
    if "尾号" in text:
        text = _sub_counting(_CARD_TAIL, r"\g<1>" + CARD_TAIL, text, found, CARD_TAIL)
    text = _sub_counting(_PLATE, PLATE, text, found, PLATE)
    if _ADDRESS_HINT.search(text):
        text = _sub_counting(_ADDRESS, ADDRESS, text, found, ADDRESS)
    if _BUILDING_HINT.search(text):
        text = _sub_counting(_BUILDING, ADDRESS, text, found, ADDRESS)
    text = _cued_names(text, found)
    text = _sub_counting(_TITLED, NAME, text, found, NAME)
    return text


def _surname_length(candidate: str) -> int:
    return 2 if candidate[:2] in COMPOUND_SURNAMES else 1


def _given_name_length(text: str, start: int, end: int, *, before_title: bool) -> int:
    """How many characters of text[start:end] (one or two) are a given name, 0 for none.

    Two characters unless the second is a function word or begins a word with what follows (马磊每天:
    磊 alone, since 每天 is a word); before a title the whole span is taken (周建国先生)."""
    given = text[start:end]
    if given in NOT_GIVEN_WORDS or given[0] in NOT_GIVEN:
        return 0
    if len(given) == 1 or before_title:
        return 0 if any(ch in NOT_GIVEN for ch in given) else len(given)
    second = given[1]
    following = text[start + 1 : start + 3]
    if second in NOT_GIVEN or (len(following) == 2 and jieba.dt.FREQ.get(following, 0) >= 50):
        return 1
    return 2


def _cued_names(text: str, found: Counter[str]) -> str:
    """Names that a self-introduction, a role, a signature or a title points at."""
    if not _SURNAME_START.search(text):
        return text
    spans: list[tuple[int, int]] = []
    for match in _CUED_NAME.finditer(text):
        start = match.start("name")
        given_start = start + _surname_length(match.group("name"))
        given = _given_name_length(text, given_start, match.end("name"), before_title=False)
        if not given:
            continue
        end = given_start + given
        if match.group("weak") and end < len(text) and not _NAME_ENDING.match(text, end):
            continue
        spans.append((start, end))
    for match in _NAME_BEFORE_TITLE.finditer(text):
        start = match.start("name")
        given_start = start + _surname_length(match.group("name"))
        if _given_name_length(text, given_start, match.end("name"), before_title=True):
            spans.append((start, match.end("name")))
    for start, end in sorted(set(spans), reverse=True):
        if NAME not in text[start:end]:
            text = text[:start] + NAME + text[end:]
            found[NAME] += 1
    return text


def _digits_sub_text(match: re.Match[str]) -> str:
    value = match.group(0)[len(match.group(1)) :]
    digits = re.sub(r"[ -]", "", value)
    return classify_digits(digits) if digits.isdigit() or digits[:-1].isdigit() else ACCOUNT


def scrub(text: str, *, names: Iterable[str] = ()) -> Scrubbed:
    """The text with personal data replaced by placeholders, and its search tokens, from one
    segmentation; `names` are the complainant's own names (always removed, wherever they appear)."""
    found: Counter[str] = Counter()
    text = scrub_patterns(text, names=names, found=found)
    out: list[str] = []
    words: list[str] = []
    # Placeholders are kept whole: segmenting between them is what jieba does anyway (it splits
    # its input at every non-Han character), and their pieces must not become search tokens.
    for part in _PLACEHOLDER.split(text):
        if not part:
            continue
        if part in PLACEHOLDERS:
            out.append(part)
            continue
        segmented = segment(part)
        skip_next = False
        for i, word in enumerate(segmented):
            if skip_next:
                skip_next = False
                continue
            if word in COMPOUND_SURNAMES and i + 1 < len(segmented) and _is_given_name(segmented[i + 1]):
                # 欧阳 + 娜娜: jieba splits a compound surname from the given name.
                skip_next = True
                out.append(NAME)
                found[NAME] += 1
            elif "\u4e00" <= word[0] <= "\u9fff" and _is_person(word):
                out.append(NAME)
                found[NAME] += 1
            else:
                out.append(word)
                words.append(word)
    return Scrubbed(text="".join(out), tokens=_tokens_of(words), found=found)


def _tokens_of(words: Iterable[str]) -> list[str]:
    """Index tokens: lower-cased words with the words inside them, each once, without function words."""
    tokens: dict[str, None] = {}
    for word in words:
        word = word.strip().lower()
        if not word or word in STOPWORDS or not _WORD.match(word):
            continue
        tokens.update(dict.fromkeys(_expand(word)))
    return list(tokens)


def search_tokens(text: str) -> list[str]:
    """The analyser for queries and for texts that need no scrubbing (category and institution names)."""
    return _tokens_of(segment(text or ""))


def scrub_text(text: str, *, names: Iterable[str] = ()) -> str:
    return scrub(text, names=names).text


def scrub_many(jobs: list[tuple[str, list[str]]]) -> list[Scrubbed]:
    """scrub() over (text, names) pairs: the unit of work a build hands to a worker process."""
    return [scrub(text, names=names) for text, names in jobs]


def warm_up() -> None:
    """Load jieba's dictionary now (a second or so), not inside the first text's timing."""
    jieba.initialize()
