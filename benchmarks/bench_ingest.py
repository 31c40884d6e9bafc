"""Ingestion throughput beside the bare embedding throughput of the same texts.

    python benchmarks/bench_ingest.py                       # shipped corpus + evals/documents
    python benchmarks/bench_ingest.py --synthetic 10000     # + a generated corpus of 10,000 articles

Both figures come from one run and one loaded model: first the retrievable texts of every
clause are embedded bare (``get_text_embedding_batch``, the batch size ingestion uses),
then the same files are ingested into a fresh home. Ingestion adds reading, parsing, BM25,
the clause snapshots and the chroma writes; the target is ingestion at ≥ 0.8× the bare rate.
Thread counts are limited as the CLI does (``OMP_NUM_THREADS``, see assistant/index/threads.py).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..9999 as written in article numbers (第二百一十五条)."""
    if not 0 < n < 10000:
        raise ValueError(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and n < 20) else DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def synthetic_corpus(folder: Path, articles: int, per_doc: int = 2000, seed: int = 7) -> list[Path]:
    """Write 办法-shaped Markdown documents with ``articles`` articles in all (chapters of 20),
    their sentences drawn from the shipped document's text. Returns the files."""
    from assistant.corpus import shipped_clauses

    # Plain sentences only: no item markers （一）/1./一是 that would open sub-clauses.
    sentences = sorted({s.strip() + "。" for c in shipped_clauses() for s in c.text.split("。")
                        if 12 <= len(s.strip()) <= 90 and not re.search(r"[（(：:；\n]|\d|[一二三四五六七八九十]是", s)})
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for d, start in enumerate(range(0, articles, per_doc), start=1):
        count = min(per_doc, articles - start)
        lines = [f"# 合成测试管理办法（第{chinese_number(d)}号）", "", "<!-- INFO END -->", ""]
        for a in range(1, count + 1):
            if a % 20 == 1:
                lines += [f"## 第{chinese_number(a // 20 + 1)}章 合成规定", ""]
            body = "".join(rng.sample(sentences, 2))
            lines += [f"第{chinese_number(a)}条 {body}", ""]
        path = folder / f"synthetic-{d}.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=0, metavar="N",
                        help="add a generated corpus of N articles (e.g. 10000)")
    parser.add_argument("--no-evals", action="store_true", help="the shipped corpus only")
    args = parser.parse_args(argv)

    from assistant.index.threads import limit_threads

    threads = limit_threads()
    from assistant.config import Settings
    from assistant.corpus import parse_file
    from assistant.index.embeddings import make_embedding
    from assistant.index.ingest import discover, ingest
    from assistant.index.store import ClauseIndex, retrieval_text

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        paths = [ROOT / "corpus"]
        if not args.no_evals:
            paths.append(ROOT / "evals" / "documents")
        if args.synthetic:
            paths.append(Path(tmp) / "synthetic")
            synthetic_corpus(paths[-1], args.synthetic)
        files = discover(paths)
        texts = []
        for path, meta in files:
            texts += [t for t in (retrieval_text(c) for c in parse_file(path, meta)) if t]
        model = make_embedding(None)
        model.get_text_embedding_batch(texts[:8])  # load the model outside both timings
        batch = ClauseIndex.embed_batch
        t0 = time.perf_counter()
        for start in range(0, len(texts), batch):
            model.get_text_embedding_batch(texts[start:start + batch])
        bare_s = time.perf_counter() - t0

        settings = Settings.from_env(home=Path(tmp) / "home")
        index = ClauseIndex(settings, embed_model=model)
        t0 = time.perf_counter()
        report = ingest(paths, settings, index=index)
        ingest_s = time.perf_counter() - t0
        index.close()

    bare_rate, ingest_rate = len(texts) / bare_s, len(texts) / ingest_s
    print(f"files: {len(files)}; clauses: {report.clauses}; embedded texts: {len(texts)}; "
          f"threads: {threads}; batch: {batch}")
    print(f"bare embedding: {bare_rate:.1f} texts/s ({bare_s:.1f}s)")
    print(f"ingest:         {ingest_rate:.1f} clauses/s ({ingest_s:.1f}s, {report.clauses / ingest_s:.1f} "
          "clauses/s counting containers)")
    ratio = ingest_rate / bare_rate
    print(f"ratio: {ratio:.2f}x (target >= 0.8x) {'ok' if ratio >= 0.8 else 'BELOW TARGET'}")
    return 0 if ratio >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
