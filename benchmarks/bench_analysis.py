"""Segmentation throughput: rjieba vs jieba (when installed) and the full analysis step.

Run: ``python benchmarks/bench_analysis.py``. Prints one line per figure, in characters/s.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable

SAMPLE = (
    "海丰县交通运输局2019年政府信息公开工作年度报告。根据《中华人民共和国政府信息公开条例》"
    "（国务院令第711号）和海府〔2020〕12号文件要求，现将本局2019年度政府信息公开工作情况报告如下。"
    "一、总体情况：全年主动公开政府信息1,234条，其中财政预算、决算信息56条，重大建设项目信息"
    "78条；收到依申请公开12件，均已按时答复。二、存在的主要问题及改进情况：个别栏目更新不及时，"
    "下一步将加强乡村振兴、交通运输、安全生产等重点领域信息公开。索引号：000014349/2017-00110。"
)
TARGET_CHARS = 1_000_000
REPEATS = 3


def _rate(func: Callable[[str], object], docs: list[str]) -> float:
    func(docs[0])  # load dictionaries outside the timing
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for doc in docs:
            func(doc)
        best = min(best, time.perf_counter() - start)
    return sum(map(len, docs)) / best


def main() -> None:
    doc = SAMPLE * 4  # about 1,000 characters, a typical disclosure item
    text = [doc] * (TARGET_CHARS // len(doc) + 1)
    import rjieba

    print(f"rjieba.cut_for_search: {_rate(rjieba.cut_for_search, text):,.0f} chars/s")
    if importlib.util.find_spec("jieba") is not None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        rate = _rate(lambda t: jieba.lcut_for_search(t), text)
        print(f"jieba.lcut_for_search: {rate:,.0f} chars/s")
    else:
        print("jieba.lcut_for_search: not installed (pip install jieba to compare)")

    from govinfo_wagtail.text.analysis import index_text, mysql_index_text, search_form

    print(f"analysis.search_form (NFKC + OpenCC t2s): {_rate(search_form, text):,.0f} chars/s")
    print(f"analysis.index_text (full step): {_rate(index_text, text):,.0f} chars/s")
    rate = _rate(lambda t: mysql_index_text(index_text(t)), text)
    print(f"analysis.index_text + MariaDB encoding: {rate:,.0f} chars/s")


if __name__ == "__main__":
    main()
