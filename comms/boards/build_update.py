"""What a project's board says for its build update: cards moved to the done list since the last
update (what shipped), the next list (what is next), and cards labelled for the client's decision
(what needs your decision). Read once per draft; a board that cannot be read leaves the draft to
the record alone, and the reason is logged."""

from __future__ import annotations

import logging

from comms import boards, drafts
from comms.carriers import Refused, TryLater

logger = logging.getLogger(__name__)


def board_facts(project):
    """The board's facts for `project` (from `projects_for_drafting`, which gives the time of its
    last update), or None when it has no board, the organisation no board credentials, or the
    board cannot be read."""
    if not project.board:
        return None
    board = boards.adapter()
    if board is None or not board.connected():
        return None
    try:
        shipped = board.done_since(project.board, project.board_done_list, project.last_update_sent_at)
        upcoming = board.cards_in(project.board, project.board_next_list)
        decisions = board.cards_labelled(project.board, project.board_decision_label)
    except (Refused, TryLater) as error:
        logger.warning(
            "%s: could not read its board %s, so its build update is drafted from the record alone: %s",
            project,
            project.board,
            error,
        )
        return None
    promises = {c.board_card: c.description for c in project.commitments.all() if c.board_card}
    shipped_ids = {card.id for card in shipped}

    def facts(cards):
        return tuple(drafts.CardFact(name=card.name, promise=promises.get(card.id, "")) for card in cards)

    return drafts.BoardFacts(
        shipped=facts(shipped),
        upcoming=facts(upcoming),
        # A decision card that shipped meanwhile is decided.
        decisions=facts(card for card in decisions if card.id not in shipped_ids),
    )
