"""Worked examples for every instrument, by hand from the published scoring keys."""

import pytest

from bot.mood.scoring import ScoringError, score, scoring_key_version


@pytest.mark.parametrize(("answers", "positive"), [
    ((False, False), False), ((True, False), True), ((False, True), True), ((True, True), True),
])
def test_whooley_a_yes_to_either_question_is_positive(answers, positive):
    result = score("whooley", answers)
    assert (result.positive, result.total, result.risk) == (positive, sum(answers), False)


@pytest.mark.parametrize(("answers", "total", "positive"), [
    ((0, 0), 0, False), ((1, 1), 2, False), ((2, 1), 3, True), ((0, 3), 3, True),
    ((3, 3), 6, True),
])
def test_gad2_is_positive_at_three_or_more(answers, total, positive):
    result = score("gad2", answers)
    assert (result.total, result.positive) == (total, positive)


def test_phq9_totals_and_the_item_9_rule():
    low = score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
    assert (low.total, low.positive, low.risk) == (8, False, False)
    at_cut = score("phq9", [2, 2, 1, 1, 1, 1, 1, 1, 0])
    assert (at_cut.total, at_cut.positive, at_cut.risk) == (10, True, False)
    # Item 9 above 0 is the risk pathway whatever the total, even a total of 1.
    only_item_9 = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (only_item_9.total, only_item_9.positive, only_item_9.risk) == (1, False, True)


def test_gad7_is_positive_at_ten_or_more():
    assert score("gad7", [2, 2, 2, 1, 1, 1, 0]).positive is False  # 9
    assert score("gad7", [2, 2, 2, 2, 1, 1, 0]).positive is True  # 10


def test_epds_reverse_scores_items_3_and_5_to_10():
    # The first option of every item: items 1, 2, 4 score 0; the seven reversed items score 3.
    first_options = score("epds", [0] * 10)
    assert (first_options.total, first_options.positive, first_options.risk) == (21, True, True)
    # The last option of the reversed items and the first of the others: all zero.
    calm = score("epds", [0, 0, 3, 0, 3, 3, 3, 3, 3, 3])
    assert (calm.total, calm.positive, calm.risk) == (0, False, False)


def test_epds_worked_examples_at_both_thresholds():
    # Item scores 1,1,1,1,1,1,1,1,0,0 = 8.
    eight = [1, 1, 2, 1, 2, 2, 2, 2, 3, 3]
    assert score("epds", eight).total == 8
    # Item scores 1,1,1,1,1,1,1,1,1,1 = 10: positive only at the sensitive threshold.
    ten = [1, 1, 2, 1, 2, 2, 2, 2, 2, 2]
    assert score("epds", ten).total == 10
    assert score("epds", ten).positive is False
    assert score("epds", ten, sensitive=True).positive is True
    # Item scores 2,2,2,2,2,1,1,1,0,0 = 13: positive at the usual threshold.
    thirteen = [2, 2, 1, 2, 1, 2, 2, 2, 3, 3]
    result = score("epds", thirteen)
    assert (result.total, result.positive, result.risk) == (13, True, False)


def test_epds_item_10_above_zero_is_the_risk_pathway_whatever_the_total():
    # Item 10's third option ("hardly ever") scores 1; everything else scores 0.
    result = score("epds", [0, 0, 3, 0, 3, 3, 3, 3, 3, 2])
    assert (result.total, result.positive, result.risk) == (1, False, True)


def test_results_keep_raw_answers_and_the_key_version():
    result = score("gad2", [2, 1])
    assert result.as_dict() == {"instrument": "gad2", "answers": [2, 1], "total": 3,
                                "positive": True, "risk": False,
                                "version": scoring_key_version()}


@pytest.mark.parametrize(("name", "answers", "message"), [
    ("gad2", [1], "needs 2 answers"),
    ("phq9", [0] * 8 + [4], "must be 0-3"),
    ("whooley", [2, 0], "must be 0-1"),
    ("epds", [-1] + [0] * 9, "must be 0-3"),
    ("bdi", [0], "unknown instrument"),
])
def test_answers_that_cannot_be_scored_are_refused(name, answers, message):
    with pytest.raises(ScoringError, match=message):
        score(name, answers)


def test_epds_wording_comes_from_the_services_file_and_scores_by_position(tmp_path):
    from pathlib import Path

    from bot.mood.epds import EpdsFileError, load_items

    items = load_items(Path(__file__).parent.parent / "data" / "epds_test_items.yml")
    assert len(items) == 10 and items[2].options[3] == "Option D"
    # Choosing option D (position 3) everywhere: items 1, 2, 4 score 3, the reversed ones 0.
    assert score("epds", [3] * 10).total == 9
    broken = tmp_path / "epds.yml"
    broken.write_text("items: [{text: only one, options: [a, b, c, d]}]")
    with pytest.raises(EpdsFileError, match="list of 10"):
        load_items(broken)
    with pytest.raises(EpdsFileError, match="cannot read"):
        load_items(tmp_path / "missing.yml")
