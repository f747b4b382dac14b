"""Fictitious people for the demo records database (``queue-server demo-records``).

Every person is made from the seed and their own index alone, so person 0 is the same whatever
``--people`` says and the README can name the first few. They have valid GB 11643 ID numbers
(check digit from core.idnumber), Chinese names, careers with employers, gaps, flexible
employment, late payments and arrears; monthly bases between 60 % and 300 % of the average
wage, changing each July; the demo province's contribution rates by period; pension
personal-account credits with the published 记账利率; pensions and unemployment benefits; open
cases. All of it is invented: any resemblance of an ID number to a real one is chance.

Wages and rates are demo values after DOMAIN.md (national averages, typical rates; 以当地规定为准).
"""

from __future__ import annotations

import os
import random
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlite_utils

from ..core.idnumber import check_digit
from ..core.insurance import month_index, month_of
from .accrual import pct
from .sqlite_provider import (
    SCHEMA_VERSION,
    create_indexes,
    create_schema,
    key_path,
    pin_mac,
    subkey,
)

# 城镇非私营单位在岗职工年平均工资 (yuan), national figures as the demo province's; later years
# grow 3 % a year.
AVG_WAGE = {
    1991: 2340,
    1992: 2711,
    1993: 3371,
    1994: 4538,
    1995: 5348,
    1996: 5980,
    1997: 6444,
    1998: 7446,
    1999: 8319,
    2000: 9333,
    2001: 10834,
    2002: 12373,
    2003: 13969,
    2004: 15920,
    2005: 18200,
    2006: 20856,
    2007: 24721,
    2008: 28898,
    2009: 32244,
    2010: 36539,
    2011: 41799,
    2012: 46769,
    2013: 51483,
    2014: 56360,
    2015: 62029,
    2016: 67569,
    2017: 74318,
    2018: 82413,
    2019: 90501,
    2020: 97379,
    2021: 106837,
    2022: 114029,
    2023: 120698,
    2024: 124110,
}
# (insurance, payer kind, from month, unit %, personal %, into the personal account %) in basis
# points. 养老 unit 20 % → 16 % from May 2019; 医疗 from 1999 (国发〔1998〕44号), 生育 merged in
# 2019; 失业 cut in 2015, 2016 and 2017; 工伤 from 2004 at the employer's own class rate (None).
RATES = [
    ("pension", "unit", "1992-01", 2000, 800, 800),
    ("pension", "unit", "2019-05", 1600, 800, 800),
    ("pension", "self", "1992-01", 0, 2000, 800),
    ("medical", "unit", "1999-01", 600, 200, 0),
    ("medical", "unit", "2019-01", 800, 200, 0),
    ("medical", "self", "1999-01", 0, 800, 0),
    ("unemployment", "unit", "1999-01", 200, 100, 0),
    ("unemployment", "unit", "2015-03", 150, 50, 0),
    ("unemployment", "unit", "2016-05", 100, 50, 0),
    ("unemployment", "unit", "2017-01", 50, 50, 0),
    ("injury", "unit", "2004-01", None, 0, 0),
]
# 记账利率: published for 2016–2024 (人社部、财政部); earlier years the one-year deposit rate the
# provinces used (approximate). A year missing here is not yet published.
INTEREST_BP = {
    1992: 760,
    1993: 1098,
    1994: 1098,
    1995: 1098,
    1996: 747,
    1997: 567,
    1998: 477,
    1999: 225,
    2000: 225,
    2001: 225,
    2002: 198,
    2003: 198,
    2004: 225,
    2005: 225,
    2006: 252,
    2007: 414,
    2008: 225,
    2009: 225,
    2010: 275,
    2011: 350,
    2012: 300,
    2013: 300,
    2014: 275,
    2015: 150,
    2016: 831,
    2017: 712,
    2018: 829,
    2019: 761,
    2020: 604,
    2021: 669,
    2022: 612,
    2023: 397,
    2024: 262,
}
# Yearly pension rises (基本养老金调整), from January of the year.
PENSION_RAISE_BP = {
    2016: 650,
    2017: 550,
    2018: 500,
    2019: 500,
    2020: 500,
    2021: 450,
    2022: 400,
    2023: 380,
    2024: 300,
    2025: 200,
}
SPLITS = (month_index(1999, 1), month_index(2004, 1))  # 医疗/失业 and 工伤 begin

REGIONS = [
    "110105",
    "110108",
    "310104",
    "310115",
    "440305",
    "440106",
    "510107",
    "330106",
    "420106",
    "320102",
    "370102",
    "610113",
    "210102",
    "500103",
    "650102",
    "650104",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
)
DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方")
GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文斌峰"
GIVEN_F = "芳娜敏静丽艳娟霞秀英华慧巧美娅玲燕萍红琳雪婷颖露瑶怡佳欣梅兰凤洁琴云莉"
UYGHUR_M = ("艾力", "买买提", "阿不都", "吐尔逊", "艾买提", "热合曼", "努尔", "亚森")
UYGHUR_F = ("古丽", "阿依", "热依拉", "帕丽达", "米娜", "再努尔", "阿依古丽", "努尔古丽")

CITY_WORDS = ("示范", "东城", "西湖", "滨江", "南山", "天山", "锦江", "高新", "临港", "北辰")
FIRM_WORDS = (
    "华兴",
    "宏达",
    "恒信",
    "中联",
    "远航",
    "金桥",
    "瑞丰",
    "新元",
    "嘉禾",
    "博远",
    "天成",
    "润泽",
    "永安",
    "鼎盛",
    "海纳",
    "星辰",
    "广源",
    "同创",
    "立信",
    "和光",
)
# Industry and its 工伤 class rate (bp), 0.2 %–1.9 % by risk class.
INDUSTRIES = (
    ("科技", 20),
    ("商贸", 20),
    ("餐饮", 40),
    ("物流", 70),
    ("纺织", 90),
    ("医药", 110),
    ("机械", 130),
    ("建设", 160),
    ("矿业", 190),
)
FORMS = ("有限公司", "股份有限公司", "有限责任公司")
EMPLOYERS = 2000

# Cases: (item, window hint, working days promised).
CASE_ITEMS = (
    ("职工养老保险关系转移接续", "3–5号窗口", 45),
    ("退休待遇申领", "3–5号窗口", 20),
    ("丧葬补助金、抚恤金申领", "3–5号窗口", 15),
    ("医疗费零星报销", "6–7号窗口", 30),
    ("生育津贴申领", "6–7号窗口", 20),
    ("失业保险金申领", "8号窗口", 5),
    ("工伤医疗费报销", "8号窗口", 30),
    ("劳动能力鉴定", "8号窗口", 60),
    ("社保卡补换", "9–10号窗口", 30),
)
NEXT = {
    "received": "review",
    "review": "approval",
    "approval": "done",
    "correction": "review",
    "done": None,
    "rejected": None,
}


@dataclass(frozen=True)
class DemoPerson:
    index: int
    person_id: int
    id_number: str
    name: str
    password: str
    story: str  # what is interesting about them, Chinese


def avg_wage_fen(year: int) -> int:
    if year in AVG_WAGE:
        return AVG_WAGE[year] * 100
    last = max(AVG_WAGE)
    if year > last:
        return int(AVG_WAGE[last] * 100 * 1.03 ** (year - last))
    return AVG_WAGE[min(AVG_WAGE)] * 100


def base_for(month: int, ratio: float) -> int:
    """The monthly base: last year's wage clamped to 60–300 % of the average wage of the year
    before the contribution year (July–June), whole yuan."""
    avg = _MONTHLY_AVG.get(month)
    if avg is None:
        year, m = divmod(month, 12)
        avg = _MONTHLY_AVG[month] = avg_wage_fen(year - 1 if m >= 6 else year - 2) // 12
    return max(avg * 60 // 100, min(avg * 3, int(avg * ratio))) // 100 * 100


_MONTHLY_AVG: dict[int, int] = {}


def id_number(region: str, born: date, seq: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


class _Builder:
    """Collects the rows of one person (spells, benefits, cases)."""

    def __init__(self, pid: int, rng: random.Random, today: date, employers: list[tuple]):
        self.pid, self.rng, self.today = pid, rng, today
        self.now_month = month_of(today)
        self.employers = employers
        self.spells: list[tuple] = []
        self.benefits: list[tuple] = []
        self.cases: list[tuple] = []
        self.paid_months = 0

    def job(
        self,
        first: int,
        last: int,
        employer: int | None,
        ratio: float,
        state="paid",
        arrears_tail: int = 0,
    ) -> float:
        """Spells for one job, split each July (new base) and where insurances begin."""
        month = first
        while month <= last:
            year, m = divmod(month, 12)
            end = min(last, month_index(year if m < 6 else year + 1, 7) - 1)
            for split in SPLITS:
                if month < split <= end:
                    end = split - 1
            base = base_for(month, ratio)
            letters = "p" + ("m" if month >= SPLITS[0] else "")
            if employer is not None:
                letters += ("u" if month >= SPLITS[0] else "") + ("i" if month >= SPLITS[1] else "")
            tail_from = last - arrears_tail + 1 if arrears_tail else last + 1
            if end >= tail_from > month:
                self._spell(month, tail_from - 1, employer, base, state, letters)
                self._spell(tail_from, end, employer, base, "arrears", letters)
            else:
                self._spell(
                    month, end, employer, base, "arrears" if month >= tail_from else state, letters
                )
            month = end + 1
            ratio = min(3.5, max(0.45, ratio * self.rng.uniform(0.96, 1.05)))
        return ratio

    def _spell(self, first, last, employer, base, state, letters) -> None:
        self.spells.append((self.pid, first, last, employer, base, state, letters))
        if state != "arrears":
            self.paid_months += last - first + 1

    def balance_at(self, year_end: int) -> int:
        """The pension account at the end of ``year_end`` (credits 8 % of the base)."""
        credits: dict[int, int] = {}
        for _, first, last, _, base, state, _ in self.spells:
            if state == "arrears":
                continue
            for year in range(first // 12, last // 12 + 1):
                n = min(last, year * 12 + 11) - max(first, year * 12) + 1
                credits[year] = credits.get(year, 0) + n * pct(base, 800)
        balance = 0
        for year in range(min(credits, default=year_end), year_end + 1):
            bp = INTEREST_BP.get(year, 0)
            credit = credits.get(year, 0)
            balance += credit + pct(balance, bp) + (credit * bp * 1083 + 10_000_000) // 20_000_000
        return balance

    def career(
        self,
        start: int,
        end: int,
        *,
        flexible_p=0.12,
        gap_p=0.35,
        retire: bool = False,
        arrears_p=0.06,
        back_paid_p=0.04,
    ) -> int:
        """Jobs and gaps from ``start`` to ``end``; returns the month the last job ended."""
        rng = self.rng
        month, ratio, ended = start, rng.uniform(0.55, 1.8), start - 1
        while month <= end:
            length = rng.randint(18, 120)
            last = min(end, month + length - 1)
            flexible = rng.random() < flexible_p
            employer = None if flexible else rng.randrange(len(self.employers)) + 1
            current = last == end and not retire and end == self.now_month
            state = "back_paid" if rng.random() < back_paid_p else "paid"
            tail = rng.randint(1, 3) if current and rng.random() < arrears_p else 0
            ratio = self.job(month, last, employer, ratio, state, tail)
            ended = last
            month = last + 1
            if month <= end and rng.random() < gap_p:
                gap = rng.randint(1, 18)
                if not flexible and gap >= 3 and self.paid_months >= 12:
                    self.unemployment(month, min(gap, self.entitlement()))
                month += gap
        return ended

    def entitlement(self) -> int:
        years = self.paid_months // 12
        return 12 if years < 5 else 18 if years < 10 else 24

    def unemployment(self, first: int, months: int) -> None:
        last = min(first + months - 1, self.now_month)
        if last < first:
            return
        minimum = avg_wage_fen(first // 12) // 12 * 30 // 100  # a demo 最低工资标准
        amount = minimum * 90 // 100 // 1000 * 1000
        self.benefits.append((self.pid, "unemployment", first, last, amount))

    def pension(self, retired: int, years_paid: int) -> None:
        """Basic pension from the month after retiring, raised each January."""
        avg = avg_wage_fen(retired // 12 - 1) // 12
        basic = avg * (100 + 90) // 200 * years_paid // 100
        amount = basic + self.balance_at(retired // 12) // 139
        month = retired + 1
        while month <= self.now_month:
            year = month // 12
            last = min(self.now_month, year * 12 + 11)
            self.benefits.append((self.pid, "pension", month, last, amount // 10 * 10))
            amount = amount * (10000 + PENSION_RAISE_BP.get(year + 1, 200)) // 10000
            month = last + 1

    def case(self, used: set[str], stage: str | None = None, item: int | None = None) -> None:
        rng = self.rng
        name, window, days = CASE_ITEMS[rng.randrange(len(CASE_ITEMS)) if item is None else item]
        received = self.today - timedelta(days=rng.randint(1, 40))
        stage = stage or rng.choices(list(NEXT), weights=(15, 35, 20, 12, 13, 5))[0]
        nxt = NEXT[stage]
        expected = received + timedelta(days=days * 7 // 5 + 1) if nxt else None
        if expected and expected <= self.today:
            expected = self.today + timedelta(days=rng.randint(1, 5))
        while True:
            number = f"SB{received:%Y%m%d}{rng.randrange(10**6):06d}"
            if number not in used:
                used.add(number)
                break
        self.cases.append(
            (
                number,
                self.pid,
                name,
                received.isoformat(),
                stage,
                nxt,
                expected.isoformat() if expected else None,
                window,
            )
        )


def demo_password(seed: int, index: int) -> str:
    """The person's 6-digit 查询密码, from the seed and index alone (the demo prints it again)."""
    return f"{random.Random(seed * 7_000_003 + index).randrange(10**6):06d}"


def _name(rng: random.Random, male: bool, uyghur: bool) -> str:
    if uyghur:
        given = rng.choice(UYGHUR_M if male else UYGHUR_F)
        return f"{given}·{rng.choice(UYGHUR_M)}"
    surname = rng.choice(DOUBLE_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    pool = GIVEN_M if male else GIVEN_F
    given = "".join(rng.choice(pool) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def _employers(seed: int) -> list[tuple]:
    rng = random.Random(f"employers:{seed}")
    out, seen = [], set()
    while len(out) < EMPLOYERS:
        industry, bp = rng.choice(INDUSTRIES)
        name = f"{rng.choice(CITY_WORDS)}市{rng.choice(FIRM_WORDS)}{industry}{rng.choice(FORMS)}"
        if name in seen:
            name = f"{name[:-4]}（{len(out)}）{name[-4:]}"
        seen.add(name)
        out.append((len(out) + 1, name, bp))
    return out


# The first people are chosen to show each kind of record; the rest are drawn at random.
STORIES = (
    "三十年职工参保，三家单位，中间断缴数月；有一件在办的养老保险关系转移",
    "女职工，2016 年退休，领取基本养老金（每年调整）",
    "八个月前失业，正在领取失业保险金；失业保险金申领已办结",
    "近几年灵活就业，个人缴纳养老、医疗；最近两个月欠缴",
    "维吾尔族青年职工，有补缴记录",
)


def _person(
    index: int,
    seed: int,
    today: date,
    employers,
    used_ids: set[str],
    used_cases: set[str],
    pin_key: bytes,
):
    rng = random.Random(seed * 1_000_003 + index)
    pid = index + 1
    now_month = month_of(today)
    b = _Builder(pid, rng, today, employers)
    story = STORIES[index] if index < len(STORIES) else ""
    # who
    if index == 0:
        male, born, region = True, date(1976, 5, 17), "110105"
    elif index == 1:
        male, born, region = False, date(1966, 3, 8), "310104"
    elif index == 2:
        male, born, region = True, date(1988, 11, 2), "440305"
    elif index == 3:
        male, born, region = False, date(1983, 7, 21), "510107"
    elif index == 4:
        male, born, region = True, date(1992, 9, 14), "650102"
    else:
        male = rng.random() < 0.5
        born = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 50))
        region = rng.choice(REGIONS)
    uyghur = region.startswith("65") and (index == 4 or rng.random() < 0.6)
    seq = rng.randrange(500) * 2 + (1 if male else 0)
    number = id_number(region, born, seq)
    while number in used_ids:  # keeps earlier people unchanged whatever comes later
        seq = (seq + 2) % 1000
        number = id_number(region, born, seq)
    used_ids.add(number)
    name = _name(rng, male, uyghur)
    pin = demo_password(seed, index)
    # career
    retire_age = 60 if male else (50 if rng.random() < 0.6 else 55)
    if index == 1:
        retire_age = 50
    retire_month = month_index(born.year + retire_age, born.month)
    start = max(
        month_index(1992, 1), month_index(born.year + rng.randint(18, 24), rng.randint(1, 12))
    )
    if index == 0:
        start = month_index(1996, 7)
    retired = retire_month <= now_month
    end = retire_month - 1 if retired else now_month
    if index == 0:
        b.job(start, month_index(2003, 8), 17, 0.8)
        b.job(month_index(2003, 9), month_index(2012, 2), 412, 1.3, "paid")
        b.job(month_index(2012, 7), now_month, 1033, 1.9)
        b.case(used_cases, "review", item=0)
    elif index == 2:
        last_job = now_month - 8
        b.career(start, last_job - 1, flexible_p=0, gap_p=0.2, retire=True)
        b.unemployment(last_job, b.entitlement())
        b.case(used_cases, "done", item=5)
    elif index == 3:
        b.career(start, now_month - 61, flexible_p=0, retire=True)
        b.job(now_month - 60, now_month, None, 0.6, arrears_tail=2)
    elif index == 4:
        b.job(start, now_month - 40, 88, 0.7, "back_paid")
        b.job(now_month - 39, now_month, 1500, 0.9)
    elif start <= end:
        b.career(start, end, retire=retired)
    if retired and b.spells:
        b.pension(retire_month - 1, b.paid_months // 12)
    if index > 4 and rng.random() < 0.25:
        b.case(used_cases)
    person = (
        pid,
        number,
        name,
        "M" if male else "F",
        born.isoformat(),
        "05" if uyghur else "01",
        pin_mac(pin_key, number, pin),
        retire_month - 1 if retired else None,
    )
    demo = DemoPerson(index, pid, number, name, pin, story)
    return person, b, demo


def generate(
    path: str | Path, people: int, seed: int = 1, today: date | None = None, show: int = 5
) -> list[DemoPerson]:
    """Write a records database of ``people`` fictitious people to ``path`` (replacing it) and
    its key file; returns the first ``show`` people (ID numbers and query passwords)."""
    if people < 1:
        raise ValueError("at least one person")
    today = today or date.today()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    master = secrets.token_bytes(32)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY, 0o600))  # personal data: private file
    conn = sqlite3.connect(tmp, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA journal_mode = OFF")  # a fresh file: no crash to recover from
    conn.execute("PRAGMA synchronous = OFF")
    create_schema(db)
    employers = _employers(seed)
    pin_key = subkey(master, "pin")
    shown: list[DemoPerson] = []
    used_ids: set[str] = set()
    used_cases: set[str] = set()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO employers VALUES (?, ?, ?)", employers)
    conn.executemany(
        "INSERT INTO rates VALUES (?, ?, ?, ?, ?, ?)",
        [(i, k, month_index(int(m[:4]), int(m[5:])), u, p, a) for i, k, m, u, p, a in RATES],
    )
    conn.executemany("INSERT INTO interest_rates VALUES (?, ?)", sorted(INTEREST_BP.items()))
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("schema_version", SCHEMA_VERSION),
            ("generated_on", today.isoformat()),
            ("seed", str(seed)),
            ("people", str(people)),
            ("fictitious", "yes"),
        ],
    )
    batch: dict[str, list] = {"people": [], "spells": [], "benefits": [], "cases": []}
    for index in range(people):
        person, b, demo = _person(index, seed, today, employers, used_ids, used_cases, pin_key)
        batch["people"].append(person)
        batch["spells"] += b.spells
        batch["benefits"] += b.benefits
        batch["cases"] += b.cases
        if index < show:
            shown.append(demo)
        if len(batch["spells"]) > 200_000 or index == people - 1:
            _flush(conn, batch)
    conn.execute("COMMIT")
    create_indexes(db)
    conn.execute("ANALYZE")
    conn.close()
    kp = key_path(path)
    kp.unlink(missing_ok=True)
    with os.fdopen(os.open(kp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600), "w") as fh:
        fh.write(master.hex())
    os.replace(tmp, path)  # readers never see a half-written database
    return shown


def _flush(conn: sqlite3.Connection, batch: dict[str, list]) -> None:
    conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch["people"])
    conn.executemany("INSERT INTO spells VALUES (?, ?, ?, ?, ?, ?, ?)", batch["spells"])
    conn.executemany("INSERT INTO benefits VALUES (?, ?, ?, ?, ?)", batch["benefits"])
    conn.executemany("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch["cases"])
    for rows in batch.values():
        rows.clear()


def essc_code(path: str | Path, person_id: int, now, lifetime_s: int = 600) -> str:
    """A demo e-SSC code for a person of the database at ``path`` (the CLI prints one)."""
    from . import essc

    master = bytes.fromhex(key_path(path).read_text().strip())
    return essc.issue(subkey(master, "essc"), person_id, now, lifetime_s)
