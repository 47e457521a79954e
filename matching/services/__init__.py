"""Matching operations: post and confirm needs, post offers, propose matches behind the capacity
guard, let the partner answer, walk both sides through the points of attention, and judge the
organisations students propose. Web, API, commands and tests all call these.

Secrets of mail links never rest in the database: a need or match holds only the sha256 of its
token, minted by the mail task right before sending (see ``matching.tasks``).
"""

from matching.services.common import hash_token, new_token
from matching.services.matches import (
    default_channel,
    issue_response_link,
    match_for_token,
    override_hold,
    propose_match,
    respond_to_match,
    response_link_open,
    save_attention_checklist,
    withdraw_match,
)
from matching.services.needs import (
    accept_need,
    add_need_note,
    confirm_need,
    issue_confirm_link,
    need_for_token,
    post_need,
    post_offer,
    reject_need,
    update_need,
    update_offer,
)
from matching.services.proposals import criteria_for, decide_proposal, propose_organisation, resubmit_proposal

__all__ = [
    "accept_need",
    "add_need_note",
    "confirm_need",
    "criteria_for",
    "decide_proposal",
    "default_channel",
    "hash_token",
    "issue_confirm_link",
    "issue_response_link",
    "match_for_token",
    "need_for_token",
    "new_token",
    "override_hold",
    "post_need",
    "post_offer",
    "propose_match",
    "propose_organisation",
    "reject_need",
    "respond_to_match",
    "response_link_open",
    "resubmit_proposal",
    "save_attention_checklist",
    "update_need",
    "update_offer",
    "withdraw_match",
]
