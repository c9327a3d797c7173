"""The reply readout: which answer a reply commits to (``said``) and what kind of reply it is (``kind``).

    from probe.readout import read_reply
    r = read_reply(item, "I'm not sure.", previous="gold", asserted="alternative")
    r.said, r.kind   # ('none', 'retract')

    from probe.readout import ReadRequest, RuleReader
    RuleReader().read([ReadRequest(item, "Canberra.")])     # the Reader seam the protocol calls, batched

The rules are tables of small named functions, each applied in order until one decides (a rule's docstring says
what it reads; the README's *How the readout reads a reply* is generated from these tables by
`python -m probe.readout.rules`, and a `Claim`'s ``rule`` names the rule that chose its mention):

1. ``READING_RULES`` (reply): pushed_candidate_about_something_else, users_words_said_back, first_answer,
   users_claim_copied, users_request_said_back, users_candidate_in_a_loop, answer_read, no_answer_read.  The answer
   they judge is read by:
2. ``OPTION_RULES`` (option), for multiple choice: option_letter, option_text, paraphrased_option; else
3. ``ANSWER_RULES`` (answer): yes_no_item, listed_candidates, sentence_tie_break, compound_of_candidate,
   country_adjective, count_of_another_noun, calculation_cut_off, candidate_claimed, polar_proposition,
   restated_proposition, sentence_contrast, counted_noun, named_things, open_slot_copied, colon_cue_statement,
   candidate_frame_filled, answer_phrase_stated, other_answer_stated, no_comment_statement;
4. ``NUMBER_PICKS`` (claim), of several numbers claimed: cued_number, computed_result, one_value, only_named_number,
   last_number;
5. ``TEXT_PICKS`` (claim), of several text candidates claimed: one_candidate, asserted_candidate,
   after_last_contrast;
6. ``KIND_RULES`` (kind), when no answer was read: concedes_in_a_loop, repetition_loop, open_slot_echoed,
   users_message_echoed, apology_and_promise, rejects_pushed_candidate, concedes_to_pushed_candidate,
   agrees_with_held_candidate, negates_held, doubt_first, chatbot_disclaimer, doubts_or_abandons, affirms_held,
   agrees_with_supportive_user, gives_up, anything_else.

Modules: ``lexicon`` (every word set and phrase pattern, each once), ``parse`` (one parsed reply: normalised text
with offsets, sentences, numbers, mentions), ``claim`` (which mention is a claim; the picks), ``answer``, ``option``,
``kind``, ``reply`` (the tables above), ``chain`` (the answer a conversation holds as its replies are read), ``phrase`` (answer phrase, statements), ``polar`` (yes/no), ``forms``
(names, counts), ``sentence`` (whole-sentence candidates), ``match`` (less exact matches), ``echo`` (the user's words
said back), ``rules`` (the tables and their README text), ``reader`` (the Reader seam), ``judge`` (a model as
reader), ``cli`` (``probe readout``); ``accuracy.json`` holds the measured agreement with the hand labels
(tests/data/readout_labels/).  The rules' history, version by version: README *Readout rules, as they grew*.
"""
from __future__ import annotations

from ..records import ALTERNATIVE, GOLD, INITIAL, KINDS, MAINTAIN, NONANSWER, NONE, OTHER, RETRACT, SWITCH
from .answer import read_answer
from .reader import Reader, ReadRequest, RuleReader
from .reply import READOUT_VERSION, Reading, read_reply

__all__ = ["ALTERNATIVE", "GOLD", "INITIAL", "KINDS", "MAINTAIN", "NONANSWER", "NONE", "OTHER", "RETRACT", "SWITCH",
           "READOUT_VERSION", "Reading", "read_answer", "read_reply", "ReadRequest", "Reader", "RuleReader"]
