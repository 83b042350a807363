"""The quarter turn the pose model sees: kept unless another is clearly surer."""

from __future__ import annotations

import numpy as np

from motorobs.pose.turns import SWITCH_MARGIN, TurnSchedule, choose_turn

PEOPLE = {turn: [np.full((33, 5), float(turn))] for turn in range(4)}


def test_the_preferred_turn_stays_unless_another_beats_it_by_the_margin():
    close = {0: 0.90, 1: 0.90 + SWITCH_MARGIN}
    assert choose_turn(PEOPLE, close, preferred=0)[0] == 0
    clearly = {0: 0.90, 1: 0.90 + SWITCH_MARGIN + 0.01}
    turn, people, scores = choose_turn(PEOPLE, clearly, preferred=0)
    assert turn == 1 and people is PEOPLE[1] and scores is clearly


def test_a_preferred_turn_that_found_no_one_gives_way_ties_go_to_fewer_turns():
    assert choose_turn(PEOPLE, {2: 0.5, 3: 0.5}, preferred=0)[0] == 2
    assert choose_turn(PEOPLE, {}, preferred=3) == (3, [], {})


def test_checks_on_the_first_frame_then_every_period():
    schedule = TurnSchedule(every_s=1.0)
    due = [ms for ms in range(0, 3000, 250) if schedule.due(ms)]
    assert due == [0, 1000, 2000]
    once = TurnSchedule(every_s=0.0)
    assert [ms for ms in range(0, 3000, 250) if once.due(ms)] == [0]
