"""Score extraction with the shared scorers (dev set and AIID subset) — our benchmark of quality."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from counterwatch.extract import Extractor, to_json
from counterwatch.ingest import InputError, iter_sources


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




def evaluate(shared: Path, work: Path) -> dict:
    """Extract both sets into `work` and return the scorers' JSON figures plus speed."""
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
    return {"devset": json.loads(dev.stdout), "aiid": json.loads(ext.stdout), "words": words,
            "words_per_second": words / seconds if seconds else 0.0}
