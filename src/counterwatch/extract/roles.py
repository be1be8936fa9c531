"""The role an organization plays in a sentence about surveillance: operator, supplier or source."""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Span

from counterwatch.data import load
from counterwatch.extract.nlp import lemma

WINDOW = 40  # characters before a mention searched for "developed by", "according to", ...


@cache
def _cfg() -> dict:
    cfg = dict(load("roles.yml"))
    for name in ("source_cues", "supplier_by_cues", "operator_by_cues"):
        cfg[name + "_re"] = re.compile(r"(?:" + "|".join(cfg[name]) + r")\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$", re.I)
    return cfg


def _governing_verb(span: Span):
    """The verb a mention is the agent of (subject, or 'by' object in a passive), and how."""
    root = span.root
    while root.dep_ in ("compound", "amod", "appos", "conj") and root.head is not root:
        if root.dep_ == "conj":
            root = root.head
            continue
        root = root.head
    for child in root.children:  # "Idemia, the company that supplied the kits, ..."
        if child.dep_ == "appos":
            clause = next((c for c in child.children if c.dep_ == "relcl"), None)
            if clause is not None:
                return clause, "active"
    if root.dep_ in ("nsubj", "csubj"):
        return root.head, "active"
    if root.dep_ == "pobj" and root.head.lower_ == "by" and root.head.dep_ == "agent":
        return root.head.head, "passive"
    if root.dep_ == "nsubjpass":
        return root.head, "patient"
    if root.dep_ == "poss":
        return None, "possessive"
    return None, None


def role(span: Span, sentence_text_before: str) -> str | None:
    """'operator', 'supplier', 'source' or None for an organization mention in a sentence."""
    cfg = _cfg()
    before = sentence_text_before[-WINDOW:]
    if cfg["source_cues_re"].search(before):
        return "source"
    if cfg["supplier_by_cues_re"].search(before):
        return "supplier"
    if cfg["operator_by_cues_re"].search(before):
        return "operator"
    verb, how = _governing_verb(span)
    if how == "possessive":
        return "operator"
    if verb is None:
        return None
    verb_lemma = lemma(verb)
    if how == "patient":
        return "operator" if verb_lemma in cfg["penalty_verbs"] else None
    if verb_lemma in cfg["reporting_verbs"]:
        return "source"
    if verb_lemma in cfg["supplier_verbs"] and verb_lemma not in cfg["operator_verbs"]:
        return "supplier"
    if verb_lemma in cfg["operator_verbs"]:
        return "operator"
    if verb_lemma in cfg["supplier_verbs"]:
        return "supplier"
    return None


def target_heads() -> set[str]:
    return set(_cfg()["target_heads"])
