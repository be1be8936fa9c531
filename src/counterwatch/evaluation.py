"""Score extraction with the shared scorers (dev set and AIID subset) — our benchmark of quality."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from counterwatch.extract import Extractor, to_json
from counterwatch.ingest.errors import InputError
from counterwatch.ingest.readers import iter_sources


def extract_to(inputs: list[str], out_dir: Path, extractor: Extractor) -> int:
    """Write <stem>.json for each input; return the number of words read."""
    out_dir.mkdir(parents=True, exist_ok=True)
    words = 0
    for source in iter_sources(inputs):
        if isinstance(source, InputError):
            raise source
        result = extractor(source)
        words += result.words
        (out_dir / f"{source.stem}.json").write_text(json.dumps(to_json(result, source.stem)), encoding="utf-8")
    return words


def corpus_test(shared: Path, corpus: Path, extractor: Extractor) -> dict | None:
    """The annotated corpus's test split (never tuned on), scored by the shared scorer."""
    from counterwatch.ingest.source import Source
    from counterwatch.learn import corpus as C
    from counterwatch.learn.scoring import score
    if not (corpus / "gold").is_dir():
        return None
    docs = C.split(C.load(corpus))["test"]
    pairs = [(d.gold, to_json(extractor(Source(uri=f"{d.id}.txt", text=d.text)), d.id), d.text) for d in docs]
    return {"documents": len(docs), **score(shared, pairs)}


def programs(corpus: Path, extractor: Extractor) -> dict | None:
    """Pairwise deployment merging on the corpus's program ids (learn/program_pairs.py): given gold
    extraction and on extracted deployments, train+dev (tuned on) and test (only scored)."""
    from counterwatch.learn import corpus as C
    from counterwatch.learn import program_pairs
    if not (corpus / "gold").is_dir():
        return None
    return program_pairs.evaluate(C.load(corpus), extractor)


def evaluate(shared: Path, work: Path, corpus: Path = Path("corpus"), with_programs: bool = False) -> dict:
    """Extract the corpus test split, the dev set and AIID; return the scorers' figures plus speed.
    With `with_programs`, also deployment merging on the corpus's program ids (extracts the whole
    corpus once more: minutes)."""
    devset, aiid = shared / "devset", shared / "external" / "aiid"
    extractor = Extractor()
    started = time.perf_counter()
    words = extract_to([str(devset / "docs")], work / "devset", extractor)
    seconds = time.perf_counter() - started
    extract_to([str(aiid / "docs")], work / "aiid", extractor)
    dev = subprocess.run([sys.executable, str(devset / "score.py"), "--gold", str(devset / "gold"), "--docs",
                          str(devset / "docs"), "--pred", str(work / "devset"), "--json"],
                         check=True, capture_output=True, text=True)
    ext = subprocess.run([sys.executable, str(aiid / "score_aiid.py"), "--pred", str(work / "aiid"), "--json"],
                         check=True, capture_output=True, text=True)
    return {"corpus_test": corpus_test(shared, corpus, extractor), "programs": programs(corpus, extractor) if with_programs else None,
            "devset": json.loads(dev.stdout),
            "aiid": json.loads(ext.stdout), "model": extractor.refiner.version if extractor.refiner else "rules", "words": words,
            "words_per_second": words / seconds if seconds else 0.0}
