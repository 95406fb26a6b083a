"""The scrubbing corpus: every kind of personal data a narrative can carry, with valid and invalid
check characters, must be gone from what the public sees; ordinary words must survive."""

from django.test import SimpleTestCase

from xiaobao.lib import scrub as s
from xiaobao.lib.codes import id_check_char


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


VALID_ID = _id("22010219900307123")
VALID_ID_X = next(i for i in (_id(f"22010219850612{n:03d}") for n in range(1000)) if i.endswith("X"))
BAD_CHECK_ID = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
LUHN_CARD = "6222021234567890128"  # 19 digits, Luhn-valid
BAD_LUHN_CARD = "6222021234567890127"

# (text with personal data, the data that must be gone, the placeholder that must stand in its place)
CORPUS = [
    (f"我的身份证号是{VALID_ID}。", VALID_ID, s.ID_NUMBER),
    (f"身份证{VALID_ID_X}，请核实。", VALID_ID_X, s.ID_NUMBER),
    (f"身份证{VALID_ID_X.lower()}，请核实。", VALID_ID_X.lower(), s.ID_NUMBER),
    (f"身份证号码{BAD_CHECK_ID}（校验位错）。", BAD_CHECK_ID, s.ID_NUMBER),
    ("老身份证220102900307123还能用吗", "220102900307123", s.ID_NUMBER),
    ("手机13812345678打不通", "13812345678", s.MOBILE),
    ("电话：138 1234 5678", "138 1234 5678", s.MOBILE),
    ("联系+86 139-1234-5678", "139-1234-5678", s.MOBILE),
    ("座机0431-88886666转分机", "0431-88886666", s.LANDLINE),
    ("打(0431)88886666找我", "88886666", s.LANDLINE),
    ("家里电话：88886666", "88886666", s.LANDLINE),
    (f"信用卡卡号{LUHN_CARD}被盗刷", LUHN_CARD, s.BANK_CARD),
    ("借记卡6222 0212 3456 7890 128", "6222 0212 3456 7890 128", s.BANK_CARD),
    (f"转入{BAD_LUHN_CARD}的账户", BAD_LUHN_CARD, s.ACCOUNT),
    ("对公账号：0702 1234 5678 9012", "0702 1234 5678 9012", s.BANK_CARD),
    ("账户为07021234567", "07021234567", s.ACCOUNT),
    ("保单号P2025ABC123456", "P2025ABC123456", s.ACCOUNT),
    ("邮件发到zhang.li+bank@example.com.cn了", "zhang.li+bank@example.com.cn", s.EMAIL),
    ("住在长春市朝阳区人民大街1234号3单元501室", "人民大街1234号", s.ADDRESS),
    ("家住南关区幸福家园小区5号楼2单元", "幸福家园小区", s.ADDRESS),
    ("在农安县合隆镇陈家店村三组", "陈家店村", s.ADDRESS),
    ("车牌吉A12345被拖走", "吉A12345", s.PLATE),
    ("新能源车吉AD12345", "吉AD12345", s.PLATE),
    ("尾号1234的卡片", "1234", s.CARD_TAIL),
    ("加微信号zl_2020abc联系", "zl_2020abc", s.SOCIAL),
    ("客户经理王建国说可以免年费", "王建国", s.NAME),
    ("大堂的李经理态度很差", "李经理", s.NAME),
    ("我和欧阳娜娜一起去的", "欧阳娜娜", s.NAME),
]


class ScrubCorpusTests(SimpleTestCase):
    def test_it_removes_every_kind_of_personal_data_in_the_corpus(self) -> None:
        for text, secret, placeholder in CORPUS:
            with self.subTest(text=text):
                out = s.scrub_text(text)
                self.assertNotIn(secret, out)
                self.assertIn(placeholder, out)

    def test_it_removes_the_complainants_own_names_wherever_they_appear(self) -> None:
        out = s.scrub_text("我叫张丽，张丽的卡被盗刷了，小丽很着急。", names=["张丽"])
        self.assertNotIn("张丽", out)
        self.assertEqual(out.count(s.NAME), 2)

    def test_it_names_the_placeholder_by_the_check_character(self) -> None:
        self.assertEqual(s.classify_digits(VALID_ID), s.ID_NUMBER)
        self.assertEqual(s.classify_digits(LUHN_CARD), s.BANK_CARD)
        self.assertEqual(s.classify_digits(BAD_LUHN_CARD), s.ACCOUNT)
        # A mistyped check character still leaves a birth date and a region: still an ID number.
        self.assertEqual(s.classify_digits(BAD_CHECK_ID), s.ID_NUMBER)

    def test_it_keeps_amounts_dates_hotlines_and_ordinary_words(self) -> None:
        text = "2025年3月4日扣收年费600元，拨打95588和12378反映，工作人员承诺三个工作日内回电，一审判决已生效。"
        self.assertEqual(s.scrub_text(text), text)

    def test_it_keeps_county_and_city_names(self) -> None:
        out = s.scrub_text("我在长春市朝阳区人民大街88号的网点办理")
        self.assertIn("长春市朝阳区", out)
        self.assertNotIn("人民大街88号", out)

    def test_it_indexes_words_but_no_personal_data_or_placeholders(self) -> None:
        result = s.scrub(f"客户经理王建国说信用卡年费可免，手机13812345678，身份证{VALID_ID}。")
        self.assertIn("信用卡", result.tokens)
        self.assertIn("信用", result.tokens)  # search mode: words inside a longer word are found too
        self.assertIn("年费", result.tokens)
        joined = " ".join(result.tokens)
        for leaked in ("王建国", "13812345678", VALID_ID, "【", "身份证号"):
            self.assertNotIn(leaked, joined)
        self.assertEqual(result.found[s.NAME], 1)

    def test_it_analyses_queries_as_it_analyses_texts(self) -> None:
        indexed = set(s.scrub("信用卡年费未经同意被扣收").tokens)
        self.assertTrue(set(s.search_tokens("信用卡年费")) <= indexed)
        self.assertEqual(s.search_tokens("Credit CARD"), ["credit", "card"])


class NamesInContextTests(SimpleTestCase):
    """Names a complainant writes in plain contexts, where jieba cuts them into a surname and a word."""

    NAMED = [
        ("我叫周建国，今年65岁，在银行办了一张借记卡。", "周建国"),
        ("我叫郑海燕，在工行买了理财。", "郑海燕"),
        ("本人王秀英，身份证丢失后卡被盗刷。", "王秀英"),
        ("我是李明，工行的老客户。", "李明"),
        ("客户经理李娜向我推荐理财，说保本。", "李娜"),
        ("催收员刘洋多次打电话骂人。", "刘洋"),
        ("业务员马丽丽上门推销保险。", "马丽丽"),
        ("理财经理孙红说保本保息。", "孙红"),
        ("经办的周建国先生说会处理。", "周建国"),
        ("柜台的郑海燕女士拒绝办理。", "郑海燕"),
        ("请尽快处理。\n投诉人：赵丽华", "赵丽华"),
        ("此致 敬礼 签名 高建国", "高建国"),
        ("催收员马磊每天打电话。", "马磊"),
    ]
    UNNAMED = [
        "本人于2026年3月在银行办卡。",
        "本人向银行反映多次未果。",
        "我是工行的客户，卡被冻结。",
        "我向银行经理反映，没人理。",
        "我叫了客服也没用。",
        "借款金额一万，实际到账八千。",
        "客户经理说可以免年费。",
        "我是黄金会员，却被收了费。",
        "打客服说是金卡必须刷满6次才免。",
        "银行说是本人签字取走的，签名根本不是我写的。",
    ]

    def test_it_removes_names_after_introductions_roles_titles_and_in_signatures(self) -> None:
        for text, name in self.NAMED:
            with self.subTest(text=text):
                out = s.scrub_text(text)
                self.assertNotIn(name, out)
                self.assertIn(s.NAME, out)

    def test_it_replaces_the_name_alone_and_keeps_the_words_around_it(self) -> None:
        self.assertEqual(s.scrub_text("催收员刘洋多次打电话骂人。"), "催收员【姓名】多次打电话骂人。")
        self.assertEqual(s.scrub_text("我叫周建国，今年65岁。"), "我叫【姓名】，今年65岁。")

    def test_it_leaves_sentences_without_a_name_unchanged(self) -> None:
        for text in self.UNNAMED:
            with self.subTest(text=text):
                self.assertEqual(s.scrub_text(text), text)
