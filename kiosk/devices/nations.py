"""GB/T 3304 nation codes as the ID card carries them ("01".."56") → the name printed on the
card (民族 汉, without 族). 97 and 98 are GB/T 3304's 其他 and 外国血统中国籍人士."""

from __future__ import annotations

NATIONS = (
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
)
_OTHER = {97: "其他", 98: "外国血统中国籍人士"}


def nation_name(code: str) -> str:
    """The name for a two-digit code; "" for a code outside GB/T 3304 (the card still reads)."""
    if len(code) != 2 or not code.isdigit():
        return ""
    number = int(code)
    if 1 <= number <= len(NATIONS):
        return NATIONS[number - 1]
    return _OTHER.get(number, "")
