"""Benchmark of the automated review checks: 1 MB of Chinese text against a 10,000-entry
错敏词 lexicon, with a naive str.find loop as the baseline.

Run: .venv/bin/python benchmarks/bench_checks.py
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from govinfo_wagtail.review.checks import LexiconEntry, LexiconMatcher, check_text
from govinfo_wagtail.review.checks.personal_data import find_personal_data
from govinfo_wagtail.review.checks.secrecy import find_secrecy_markers
from govinfo_wagtail.text import normalise

SEED = 20240501
TARGET_BYTES = 1024 * 1024  # UTF-8
LEXICON_SIZE = 10_000
BASELINE_SIZE = 1_000
RUNS = 5

# Common characters of government documents, for plausible (not real) lexicon words.
POOL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各"
    "重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
    "想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接"
    "知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质信息公开审核办"
)
SENTENCES = [
    "根据《中华人民共和国政府信息公开条例》第{n}条规定，现将有关情况公告如下。",
    "{y}年{m}月{d}日，县人民政府召开常务会议，研究部署{w}工作。",
    "各镇人民政府、县直各单位要高度重视，切实加强组织领导，确保{w}各项任务落到实处。",
    "本年度共收到政府信息公开申请{n}件，其中当面申请{k}件，网络申请{j}件。",
    "经审查，该信息属于国家秘密，根据条例第十四条规定不予公开。",
    "项目编号：{code}，采购预算{n}万元，资金来源为财政资金。",
    "请于{y}年{m}月{d}日前将{w}情况报送县政府办公室，联系电话：0660-{tel}。",
    "下一步，我局将继续深化{w}改革，不断提升政务公开标准化规范化水平。",
]
TOPICS = ["政务公开", "交通运输", "乡村振兴", "安全生产", "营商环境", "生态环境", "教育", "医疗"]


def make_lexicon(rng: random.Random, size: int) -> list[LexiconEntry]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(POOL, k=rng.randint(2, 6))))
    entries = []
    for word in sorted(words):
        correction = "".join(rng.choices(POOL, k=len(word))) if rng.random() < 0.6 else ""
        entries.append(LexiconEntry(word, correction))
    rng.shuffle(entries)
    return entries


def make_text(rng: random.Random, lexicon: list[LexiconEntry], target_bytes: int) -> str:
    parts: list[str] = []
    size = 0
    while size < target_bytes:
        sentence = rng.choice(SENTENCES).format(
            n=rng.randint(1, 999),
            k=rng.randint(1, 99),
            j=rng.randint(1, 99),
            y=rng.randint(2015, 2024),
            m=rng.randint(1, 12),
            d=rng.randint(1, 28),
            w=rng.choice(TOPICS),
            tel=rng.randint(1000000, 9999999),
            code=rng.randint(10**18, 10**19 - 1),
        )
        if rng.random() < 0.05:  # now and then a listed word in the running text
            sentence = sentence[:-1] + rng.choice(lexicon).word + "。"
        if rng.random() < 0.1:
            sentence += "\n"
        parts.append(sentence)
        size += len(sentence.encode())
    return "".join(parts)


def median_time(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_find(text: str, words: list[str]) -> int:
    hits = 0
    for word in words:
        pos = text.find(word)
        while pos != -1:
            hits += 1
            pos = text.find(word, pos + 1)
    return hits


def main() -> None:
    rng = random.Random(SEED)
    lexicon = make_lexicon(rng, LEXICON_SIZE)
    text = make_text(rng, lexicon, TARGET_BYTES)
    mb = len(text.encode()) / (1024 * 1024)
    print(f"checks: text {mb:.2f} MB UTF-8 ({len(text):,} characters), lexicon {len(lexicon):,}")

    build, matcher = median_time(lambda: LexiconMatcher(lexicon), runs=3)
    assert isinstance(matcher, LexiconMatcher)
    print(f"checks: lexicon build 10k entries: {build:.3f} s")

    norm_time, norm = median_time(lambda: normalise(text))
    print(f"checks: normalise 1 MB: median {norm_time:.3f} s")

    match_time, matches = median_time(lambda: matcher.match(norm))  # type: ignore[arg-type]
    baseline_words = [normalise(e.word).text for e in lexicon[:BASELINE_SIZE]]
    naive_time, _ = median_time(lambda: naive_find(norm.text, baseline_words))  # type: ignore[union-attr]
    print(
        f"checks: 1 MB vs 10k entries: median {match_time:.3f} s, {len(matches):,} matches "  # type: ignore[arg-type]
        f"(baseline: naive str.find loop over 1,000 entries: {naive_time:.3f} s, "
        f"ratio {naive_time / match_time:.1f}x; x10 for 10k entries: {naive_time * 10:.2f} s)"
    )

    pd_time, _ = median_time(lambda: find_personal_data(norm))  # type: ignore[arg-type]
    sec_time, _ = median_time(lambda: find_secrecy_markers(norm))  # type: ignore[arg-type]
    print(f"checks: personal data 1 MB: median {pd_time:.3f} s")
    print(f"checks: secrecy markers 1 MB: median {sec_time:.3f} s")

    total_time, findings = median_time(lambda: check_text(text, "body", matcher))
    print(
        f"checks: check_text 1 MB, all detectors, 10k lexicon: median {total_time:.3f} s, "
        f"{len(findings):,} findings"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    main()
