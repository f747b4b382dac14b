"""Service language of the standard's annex A (§8.4): polite phrases by situation (table A.1)
and forbidden phrases by class (table A.2), with a checker for texts staff publish.

The phrases are the standard's own examples, in Mandarin: they are speech guidance for staff,
not UI text, so they are not translated through the catalogs.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidField, Msgid

# Table A.1, in the order of a consultation (§7.1: greet, introduce, ask … close, rating).
POLITE: dict[str, tuple[str, list[str]]] = {
    "first_question": (
        "首问语",
        [
            "您好，请问您需要办理什么业务？",
            "您好，请问您需要什么帮助？",
            "您好，×××社会保险机构咨询工作人员×××，请问有什么可以帮助您？",
            "对不起，刚才因为线路忙，让您久等了！请问有什么可以帮助您？",
        ],
    ),
    "process": (
        "过程语",
        [
            "对不起，正在为您查询，请稍等。",
            "对不起，您的××材料不符合要求，请您重新填写一下，好吗？",
            "请问我刚才的解释您是否听清楚了？",
            "对不起，因为系统正在调整，请您留下联系电话，待系统恢复后通知您，好吗？",
            "对不起，请您到××窗口做详细咨询，好吗？",
        ],
    ),
    "consulting": (
        "征询语",
        [
            "对不起，请您稍等片刻，好吗？",
            "对不起！请您大声一点，好吗？",
            "抱歉/对不起，请您再重复一遍，好吗？",
            "对不起！您的电话声音太小，请您换一部电话打来，好吗？",
            "对不起，为了帮助您解决问题，我可以向您询问几个问题吗？",
            "您看这样可以吗？",
            "不好意思，这件事我会转交相关的工作人员为您处理好吗？",
            "对不起，这超出了我的服务范围，不过我可以请我们上司或领导与您联系，好吗？",
        ],
    ),
    "closing": (
        "结束语",
        [
            "请问对我的帮助满意吗？",
            "请问还有什么可以帮助您？",
            "再见，请走好！",
            "不客气，这是我们应该做的。",
            "不客气，很高兴为您服务。",
            "感谢您的来电，若有问题请再次来电，谢谢再见！",
        ],
    ),
    "welcome": ("欢迎语", ["您好！", "欢迎！", "您请坐！"]),
    "thanks": (
        "感谢语",
        [
            "感谢您为我们提出的宝贵意见！",
            "感谢您对我们工作的支持！",
            "感谢您的配合和理解！",
            "这是我们没有注意到的地方，谢谢您的提醒。",
        ],
    ),
    "apology": ("道歉语", ["对不起，很抱歉！", "对不起，请您原谅！", "给您添麻烦了。"]),
    "sympathy": ("同情语", ["我非常理解您的心情！", "我也很替您着急！"]),
    "confirmation": ("确认语", ["对不起，您的意思是……？", "您是说……吗？"]),
}

SATISFACTION_PROMPT = "请问对我的帮助满意吗？"  # A.1 结束语; §7.1 asks for the rating at the end


def window_prompts(hall_name: str, staff_name: str) -> dict[str, list[str]]:
    """What the window console shows at each step of §7.1."""
    intro = (
        f"您好，{hall_name}咨询工作人员{staff_name}，请问有什么可以帮助您？"
        if staff_name
        else POLITE["first_question"][1][1]
    )
    return {
        # §7.1: greet first, then introduce oneself, then ask what help is needed.
        "on_call": ["您好！欢迎！您请坐！", intro],
        # §7.1: after the answer, prompt for the satisfaction rating; then say goodbye.
        "on_finish": ["请问还有什么可以帮助您？", SATISFACTION_PROMPT, "再见，请走好！"],
        "satisfaction": [SATISFACTION_PROMPT],
    }


# Table A.2. Each example carries the markers that identify it in running text: the whole
# sentence and its distinctive clauses. "…" is a short gap (the annex's "XX"); a marker in
# ⟨…⟩ must be a whole clause (so "不可以！" is caught, "不可以吸烟" wording is judged elsewhere).
FORBIDDEN: dict[str, list[tuple[str, list[str]]]] = {
    "命令语": [
        ("叫号去！排队去！", ["叫号去", "⟨排队去⟩"]),
        ("快点，要下班了。", ["快点要下班了", "要下班了"]),
        ("喂，说话呀！再不说话我就挂了啊！", ["喂说话呀", "再不说话我就挂了"]),
        ("你先听我说。", ["你先听我说"]),
    ],
    "质问语": [
        ("喂（哎）！你找谁！你有什么事？", ["喂你找谁", "哎你找谁", "你找谁你有什么事"]),
        ("刚才和你说过了，怎么还问？", ["刚才和你说过了", "怎么还问"]),
        ("没看我正忙着吗？", ["没看我正忙着"]),
        ("手续不全你来干什么？", ["手续不全你来干什么", "你来干什么"]),
        ("没弄清楚来干嘛！", ["没弄清楚来干嘛", "来干嘛"]),
        ("叫你呢，没听见吗？", ["叫你呢没听见", "没听见吗"]),
        ("喂，听懂了吧？", ["听懂了吧"]),
    ],
    "蔑视语": [
        ("拿好了，丢了不负责！", ["丢了不负责"]),
        ("你去告吧，反正不是我的事。", ["你去告吧", "反正不是我的事"]),
        ("你知道什么？", ["你知道什么"]),
        ("你不可能知道？", ["你不可能知道"]),
    ],
    "烦燥语": [  # sic: the standard writes 烦燥 (for 烦躁)
        ("罗嗦、麻烦，你简单一点。", ["罗嗦", "啰嗦", "你简单一点"]),
        ("不知道、不清楚，你去XX问吧。", ["不知道不清楚你去", "你去…问吧"]),
        ("文件上有规定，自己查去。", ["自己查去"]),
        ("喂，什么？你说什么？", ["喂什么你说什么"]),
        ("你别讲了，我知道怎么回事了。", ["你别讲了", "我知道怎么回事了"]),
    ],
    "否定语": [
        ("你这个办不了！", ["你这个办不了"]),
        ("你这个不行！", ["你这个不行"]),
        ("不可以！", ["⟨不可以⟩"]),
        ("这是规定，我也没办法！", ["我也没办法"]),
    ],
    "斗气语": [
        (
            "政策就这么规定的，有意见告去，找领导去！",
            ["政策就这么规定的", "有意见告去", "找领导去"],
        ),
        ("该找谁找谁去，我不管。", ["该找谁找谁去", "我不管"]),
        ("不清楚，不知道。", ["不清楚不知道"]),
    ],
}

# English msgids of the classes (translated in the catalogs; zh_CN gives the standard's names).
FORBIDDEN_CLASS_MSGIDS = {
    "命令语": "commanding language",
    "质问语": "interrogating language",
    "蔑视语": "contemptuous language",
    "烦燥语": "impatient language",
    "否定语": "flatly refusing language",
    "斗气语": "provoking language",
}

_SEP = "|"
_GAP_MAX = 12


def normalise(text: str) -> str:
    """Full-width → half-width, case folded, whitespace dropped, every punctuation or symbol
    run turned into one clause separator."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "Z" or ch.isspace():
            continue
        if cat[0] in "PS" or cat == "Cc":
            if out and out[-1] != _SEP:
                out.append(_SEP)
            continue
        out.append(ch)
    return "".join(out).strip(_SEP)


def _marker_regex(marker: str) -> re.Pattern:
    whole_clause = marker.startswith("⟨") and marker.endswith("⟩")
    body = marker.strip("⟨⟩")
    parts = []
    for ch in body.casefold():  # markers are written without punctuation
        if ch == "…":
            parts.append(f"[^{re.escape(_SEP)}]{{1,{_GAP_MAX}}}")
        else:
            parts.append(re.escape(ch))
    # Punctuation may sit anywhere between the characters ("你去告吧，反正…" or "你去告吧 反正…").
    pattern = f"{re.escape(_SEP)}?".join(parts)
    if whole_clause:
        pattern = f"(?:^|{re.escape(_SEP)}){pattern}(?:{re.escape(_SEP)}|$)"
    return re.compile(pattern)


_COMPILED = [
    (cls, example, [_marker_regex(m) for m in markers])
    for cls, examples in FORBIDDEN.items()
    for example, markers in examples
]


def forbidden_phrases_in(text: str) -> list[tuple[str, str]]:
    """The annex A.2 examples found in ``text`` as (class, example), in table order."""
    norm = normalise(text)
    if not norm:
        return []
    return [
        (cls, example)
        for cls, example, patterns in _COMPILED
        if any(p.search(norm) for p in patterns)
    ]


# One refusal for every text a citizen may read (§8.4): notices, ledger replies and remarks.
FORBIDDEN_MESSAGE = (
    "The text contains forbidden service language ({category}) like “{phrase}” "
    "(standard annex A.2); please rephrase it politely."
)


def check_service_language(text: str | None, field: str) -> None:
    """Refuse a text staff write for citizens when it contains annex A.2 forbidden language.

    Raises InvalidField naming ``field``, the class (translated with the message) and the
    annex example; every place where staff write such text calls this one function.
    """
    found = forbidden_phrases_in(text or "")
    if found:
        cls, example = found[0]
        raise InvalidField(
            FORBIDDEN_MESSAGE,
            field=field,
            category=Msgid(FORBIDDEN_CLASS_MSGIDS[cls]),
            phrase=example,
        )


MAX_NOTICE = 200  # characters: one line on the hall display


def parse_notice(text, field: str = "text") -> str:
    """The hall notice line the guide publishes (§8.4): text on one line (whitespace runs
    collapsed), at most MAX_NOTICE characters, no annex A.2 forbidden language."""
    if not isinstance(text, str):
        raise InvalidField("{field} must be text.", field=field)
    text = " ".join(text.split())
    if len(text) > MAX_NOTICE:
        raise InvalidField(
            "The notice may have at most {max} characters.", field=field, max=MAX_NOTICE
        )
    check_service_language(text, field)
    return text
