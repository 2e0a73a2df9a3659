"""The three retrieval corpora (closed tickets, published typical cases, published knowledge entries)
and the per-process cache of their TF-IDF indexes (qitong.adapters.textindex). docs/knowledge.md.

Freshness: every search first asks the database for the corpus's signature (one aggregate query). When
it changed, closed tickets and published cases, which only ever grow (a closed ticket stays closed, a
published case is never edited), get just their new rows appended; knowledge entries, which are edited
in place, are re-indexed whole (they are few). So a ticket closed, a case published or an entry changed
a moment ago is found by the next search in every process, without a job or a message between them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from qitong.adapters.textindex import TextIndex, top
from qitong.db.models import CaseStatus, KnowledgeEntry, KnowledgeStatus, Ticket, TypicalCase
from qitong.domain.tickets.lifecycle import Status
from qitong.services.context import Context

CHUNK = 500  # ids per IN (...) when fetching the rows a corpus gained


@dataclass(frozen=True)
class Doc:
    id: int
    text: str
    attrs: tuple[Any, ...] = ()  # what the corpus's filters need, e.g. (ticket_type, confidential)


@dataclass(frozen=True)
class Corpus:
    name: str
    signature: Callable[[Session], tuple[Any, ...]]
    rows: Callable[[], Any]  # a Select of every document of the corpus (its first column: the id)
    id_column: Any
    to_doc: Callable[[Any], Doc]
    append_only: bool = True

    def load(self, s: Session, ids: Sequence[int] | None = None) -> list[Doc]:
        if ids is None:
            return [self.to_doc(r) for r in s.execute(self.rows().order_by(self.id_column))]
        out: list[Doc] = []
        for i in range(0, len(ids), CHUNK):
            stmt = self.rows().where(self.id_column.in_(ids[i:i + CHUNK])).order_by(self.id_column)
            out.extend(self.to_doc(r) for r in s.execute(stmt))
        return out

    def ids(self, s: Session) -> set[int]:
        sub = self.rows().subquery()
        return set(s.scalars(select(sub.c.id)))


@dataclass(frozen=True)
class Indexed:
    """One corpus's documents and their index, immutable: a refresh makes a new one."""

    signature: tuple[Any, ...]
    docs: tuple[Doc, ...]
    index: TextIndex
    positions: dict[int, int] = field(default_factory=dict)

    def search(self, query: str, k: int, min_score: float,
               keep: Callable[[Doc], bool] | None = None) -> list[tuple[Doc, float]]:
        scores = self.index.scores(query)
        allowed = None if keep is None else np.fromiter((keep(d) for d in self.docs), dtype=bool,
                                                        count=len(self.docs))
        return [(self.docs[i], score) for i, score in top(scores, k, min_score, allowed)]


def _build(sig: tuple[Any, ...], docs: Sequence[Doc]) -> Indexed:
    return Indexed(sig, tuple(docs), TextIndex([d.text for d in docs]), {d.id: i for i, d in enumerate(docs)})


def _extend(cur: Indexed, sig: tuple[Any, ...], docs: Sequence[Doc]) -> Indexed:
    all_docs = cur.docs + tuple(docs)
    return Indexed(sig, all_docs, cur.index.extended([d.text for d in docs]),
                   {d.id: i for i, d in enumerate(all_docs)})


_cache: WeakKeyDictionary[sessionmaker[Session], dict[str, Indexed]] = WeakKeyDictionary()
_lock = threading.Lock()


def indexed(ctx: Context, s: Session, corpus: Corpus) -> Indexed:
    """The corpus's index, brought up to date with the database first (see the module docstring)."""
    sig = corpus.signature(s)
    with _lock:
        per = _cache.setdefault(ctx.sessions, {})
        cur = per.get(corpus.name)
        if cur is not None and cur.signature == sig:
            return cur
        fresh: Indexed | None = None
        # the first part of an append-only corpus's signature is its oldest row: if that moved, rows were
        # removed or replaced (the demo data loaded again, say) and only a full build is right
        if cur is not None and corpus.append_only and not cur.index.stale and cur.signature[0] == sig[0]:
            ids = corpus.ids(s)
            if ids >= cur.positions.keys():  # only additions: append them
                fresh = _extend(cur, sig, corpus.load(s, sorted(ids - cur.positions.keys())))
        if fresh is None:
            fresh = _build(sig, corpus.load(s))
        per[corpus.name] = fresh
        return fresh


def invalidate(ctx: Context) -> None:
    """Forget this context's indexes (after the demo data is wiped and loaded again, say)."""
    with _lock:
        _cache.pop(ctx.sessions, None)


# ------------------------------------------------------------------------------------- the corpora


def ticket_text(title: str, content: str) -> str:
    """The matter, for matching: the title counts twice (it is the matter in brief)."""
    return f"{title}。{title}。{content}"


def _ticket_sig(s: Session) -> tuple[Any, ...]:
    row = s.execute(select(func.min(Ticket.closed_at), func.count(Ticket.id), func.max(Ticket.closed_at)).where(
        Ticket.status == Status.closed)).one()
    return tuple(row)


CLOSED_TICKETS = Corpus(
    "closed_tickets", _ticket_sig,
    lambda: select(Ticket.id, Ticket.title, Ticket.content, Ticket.ticket_type, Ticket.confidential).where(
        Ticket.status == Status.closed),
    Ticket.id,
    lambda r: Doc(r.id, ticket_text(r.title, r.content), (r.ticket_type.value, bool(r.confidential))),
)


def _case_sig(s: Session) -> tuple[Any, ...]:
    row = s.execute(select(func.min(TypicalCase.published_at), func.count(TypicalCase.id),
                           func.max(TypicalCase.published_at)).where(
        TypicalCase.status == CaseStatus.published)).one()
    return tuple(row)


PUBLISHED_CASES = Corpus(
    "published_cases", _case_sig,
    lambda: select(TypicalCase.id, TypicalCase.title, TypicalCase.problem, TypicalCase.category).where(
        TypicalCase.status == CaseStatus.published),
    TypicalCase.id,
    lambda r: Doc(r.id, ticket_text(r.title, r.problem), (r.category,)),
)


def _knowledge_sig(s: Session) -> tuple[Any, ...]:
    # every change of an entry raises its version, every new entry the count: a strict signature
    row = s.execute(select(func.count(KnowledgeEntry.id), func.sum(KnowledgeEntry.version))).one()
    return tuple(row)


def knowledge_text(question: str, keywords: Sequence[str], answer: str) -> str:
    """The question and the keywords weigh twice: they are what a business asks in its own words."""
    kw = " ".join(keywords)
    return f"{question}。{question}。{kw}。{kw}。{answer}"


PUBLISHED_KNOWLEDGE = Corpus(
    "published_knowledge", _knowledge_sig,
    lambda: select(KnowledgeEntry.id, KnowledgeEntry.question, KnowledgeEntry.keywords, KnowledgeEntry.answer,
                   KnowledgeEntry.category, KnowledgeEntry.effective_from, KnowledgeEntry.effective_to).where(
        KnowledgeEntry.status == KnowledgeStatus.published),
    KnowledgeEntry.id,
    lambda r: Doc(r.id, knowledge_text(r.question, [str(k) for k in r.keywords or ()], r.answer),
                  (r.category, r.effective_from, r.effective_to)),
    append_only=False,
)


def warm(ctx: Context) -> None:
    """Build every corpus's index now (`qitong serve` runs this in a background thread at start-up), so
    that the first handler to open a ticket does not wait seconds for the closed tickets to be read."""
    with ctx.sessions() as s:
        for corpus in (CLOSED_TICKETS, PUBLISHED_CASES, PUBLISHED_KNOWLEDGE):
            indexed(ctx, s, corpus)
