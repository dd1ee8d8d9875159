"""Rules from news nobody here annotated (issue 16): each test is a sentence shaped on a real article's."""

from __future__ import annotations

from claims_tracker.ingest.attribution import find_attributions


def pairs(text: str) -> list[tuple[str, str]]:
    return [(a.speaker_text, a.statement) for a in find_attributions(text)]


class TestDoubleApostropheQuotes:
    def test_it_reads_nyt_style_quotes_and_keeps_the_original_text(self):
        text = "''The stock hasn't done well,'' Mr. Rubel said. ''But we are still here.''"
        [found] = find_attributions(text)
        assert found.speaker_text == "Mr. Rubel"
        assert found.statement == "The stock hasn't done well … But we are still here."
        assert [text[a:b] for a, b in found.pieces] == ["The stock hasn't done well", "But we are still here."]

    def test_it_reads_a_double_apostrophe_quote_after_the_verb(self):
        text = "Ms. Ortiz said: ''We have many failed ventures that have not been able to last.''"
        assert pairs(text) == [("Ms. Ortiz", "We have many failed ventures that have not been able to last.")]

    def test_single_apostrophes_stay_apostrophes(self):
        text = "The council agreed to pay victims of the '70s and '80s, the mayor said."
        assert [a.speaker_text for a in find_attributions(text)] == ["the mayor"]


class TestTitledSpeakers:
    def test_a_quote_then_a_titled_name_with_party_and_state(self):
        text = "“That's not accepting responsibility,” Sen. Claire McCaskill (D-Mo.) said."
        assert pairs(text) == [("Sen. Claire McCaskill", "That's not accepting responsibility")]

    def test_a_titled_name_with_party_and_state_then_a_clause(self):
        text = "Rep. Peter Welch (D-Vt.) said the bill would not pass the House this year."
        assert pairs(text) == [("Rep. Peter Welch", "the bill would not pass the House this year")]

    def test_a_quote_then_mr_and_a_surname(self):
        assert pairs("“The stock hasn't done well,” Mr. Rubel said.") == [("Mr. Rubel", "The stock hasn't done well")]


class TestWrongSpeakers:
    def test_a_day_after_the_verb_is_not_the_speaker(self):
        text = "“That would have been the fairer thing to do,” the press secretary, Josh Earnest, said on Tuesday."
        assert pairs(text) == [("Josh Earnest", "That would have been the fairer thing to do")]

    def test_a_subject_phrase_is_not_the_speaker(self):
        # "Everything Trump said …": the verb sits in a relative clause; the critics are the speakers.
        assert pairs("Everything Trump said on the trail was false, critics argued.") == [
            ("critics", "Everything Trump said on the trail was false")
        ]

    def test_the_venue_is_not_the_statement(self):
        assert pairs("Mr. Obama told Morning Joe the deal was good.") == [("Mr. Obama", "the deal was good")]

    def test_a_possessive_does_not_speak(self):
        assert pairs("North Korea's test said nothing new.") == []

    def test_the_place_in_an_aside_is_not_the_speaker(self):
        text = "Sen. Chuck Grassley, facing a spirited challenge in Iowa, a swing state, said he would welcome Cruz."
        assert pairs(text) == [("Sen. Chuck Grassley", "he would welcome Cruz")]

    def test_a_name_before_a_capitalised_appositive_speaks(self):
        text = (
            "Marlon Marshall, Clinton's director of state campaigns, said the campaign is taking nothing for granted."
        )
        assert pairs(text) == [("Marlon Marshall", "the campaign is taking nothing for granted")]

    def test_party_and_state_before_an_aside(self):
        text = "Sen. Claire McCaskill (D-Mo.), who has endorsed Clinton, said Sanders has pushed her to be stronger."
        # The endorsement in the aside is hers too (PolNeAR counts it: "who has endorsed" is an attribution).
        assert pairs(text) == [
            ("Sen. Claire McCaskill", "Clinton"),
            ("Sen. Claire McCaskill", "Sanders has pushed her to be stronger"),
        ]

    def test_an_organisation_of_a_named_person(self):
        assert pairs("Mr. Morgan of the Sierra Club said the plan would fail.") == [
            ("Mr. Morgan of the Sierra Club", "the plan would fail")
        ]


class TestCuesBeyondSpeechVerbs:
    def test_called_with_a_quoted_label(self):
        assert pairs("Romney called Trump's remarks “disqualifying” in a speech.") == [
            ("Romney", "Trump's remarks “disqualifying” in a speech")
        ]

    def test_called_for_and_called_on(self):
        assert pairs("Perez called for an end to the filibuster.") == [("Perez", "for an end to the filibuster")]
        [(speaker, statement)] = pairs("The senator called on Congress to pass the bill before the recess.")
        assert speaker == "The senator" and statement.endswith("to pass the bill before the recess")

    def test_called_alone_is_not_a_cue(self):
        assert pairs("Trump called Clinton on Tuesday. A group called Citizens United sued.") == []

    def test_urged_and_accused(self):
        assert pairs("Sanders urged his supporters to vote for Clinton in November.") == [
            ("Sanders", "his supporters to vote for Clinton in November")
        ]
        assert pairs("Trump accused Clinton of lying about her emails.") == [
            ("Trump", "Clinton of lying about her emails")
        ]

    def test_a_verb_beyond_the_usual_ones(self):
        text = "“If they were serious, they would have gone to the bipartisan bill,” Toomey fumed on Tuesday."
        assert pairs(text) == [("Toomey", "If they were serious, they would have gone to the bipartisan bill")]


class TestIndirectSpeechWithAPronounSubject:
    def test_the_named_speaker_says_he_will(self):
        assert pairs("Sanders says he’s determined to end a “rigged economy” where the rich get richer.") == [
            ("Sanders", "he’s determined to end a “rigged economy” where the rich get richer")
        ]

    def test_an_aside_then_said_he(self):
        text = "Bamberg, who is 28, said he decided to support Sanders after talking with him."
        assert pairs(text) == [("Bamberg", "he decided to support Sanders after talking with him")]

    def test_a_group_of_associates(self):
        assert pairs("Romney's associates said he is not planning to offer an endorsement.") == [
            ("Romney's associates", "he is not planning to offer an endorsement")
        ]

    def test_warned_someone_to_do_something_is_still_an_instruction(self):
        assert pairs("Police warned residents to stay indoors.") == []


class TestOrganisationAfterTheQuote:
    def test_an_organisation_that_says_something_else_does_not_take_the_quote(self):
        text = "In Beijing, a spokesman said China was “resolutely opposed.” The IAEA board said it would meet again."
        assert pairs(text) == [
            ("a spokesman", "China was “resolutely opposed"),
            ("The IAEA board", "it would meet again"),
        ]

    def test_a_quote_alone_then_its_speaker_still_counts(self):
        assert pairs("“We will never give up on this town.” Fedorov said.") == [
            ("Fedorov", "We will never give up on this town.")
        ]


class TestFactCheckJunk:
    def test_a_date_is_not_a_statement(self):
        assert pairs("The viral post was shared widely. On Nov. 15, 2019, reports said.") == []

    def test_a_speaker_cut_by_a_semicolon_is_byline_debris(self):
        assert pairs("The Russian; Syrian defense ministries said the strikes hit militants.") == []


class TestMoreShapesFromUnseenNews:
    def test_title_words_before_the_name_after_a_quote(self):
        text = '"Cruz and Rubio are moving up," former presidential candidate Herman Cain said.'
        assert pairs(text) == [("Herman Cain", "Cruz and Rubio are moving up")]

    def test_three_apostrophes_close_a_single_and_a_double_quote(self):
        text = "''I would use the word 'old-school,''' said Gregory W. Slayton, an adviser."
        [found] = find_attributions(text)
        assert found.speaker_text == "Gregory W. Slayton"
        assert found.statement.startswith("I would use the word 'old-school")

    def test_a_name_with_a_suffix(self):
        assert pairs("James B. Comey Jr. said the bureau was ready.") == [("James B. Comey Jr", "the bureau was ready")]

    def test_a_participle_continues_the_sentence_subject(self):
        text = "Trump mocked the front-runner, saying she would be a bad president."
        assert pairs(text) == [("Trump", "she would be a bad president")]

    def test_a_participle_after_an_opening_pronoun(self):
        text = "Maria Lopez spoke first. She condemned the deal, saying that it would cost jobs in the county."
        assert pairs(text) == [("Maria Lopez", "it would cost jobs in the county")]

    def test_a_share_of_voters_speaks(self):
        assert pairs("Almost half of respondents said the party has become more hostile to Latinos.") == [
            ("Almost half of respondents", "the party has become more hostile to Latinos")
        ]
        assert pairs("Only 24 percent said she did nothing wrong.") == [("24 percent", "she did nothing wrong")]

    def test_a_modifier_before_a_speaker_who_comes_last(self):
        text = "His positions have hurt him among Hispanics from both parties, political experts said."
        assert pairs(text) == [("experts", "His positions have hurt him among Hispanics from both parties")]

    def test_an_indirect_question(self):
        assert pairs("Reporters asked whether the vote would be delayed.") == [
            ("Reporters", "whether the vote would be delayed")
        ]
        assert pairs("She asked that her name not be used.") == []


class TestWhatSomeoneThinksOrWants:
    def test_beliefs_wishes_and_hopes(self):
        assert pairs("Sanders believes the system is rigged against working people.") == [
            ("Sanders", "the system is rigged against working people")
        ]
        assert pairs("Trump wants Mexico to pay for the wall.") == [("Trump", "Mexico to pay for the wall")]
        assert pairs("Clinton pointed out that the economy has grown for six years.") == [
            ("Clinton", "the economy has grown for six years")
        ]

    def test_a_poll_shows_without_that(self):
        assert pairs("Recent polls show Clinton leading in Pennsylvania by six points.") == [
            ("Recent polls", "Clinton leading in Pennsylvania by six points")
        ]
        assert pairs("The video shows the officer running toward the car. Police found the body.") == []

    def test_citing_names_a_source_not_a_statement(self):
        text = "Russian forces destroyed a depot, TASS reported, citing the Defence Ministry."
        assert [statement for _, statement in pairs(text)] == ["Russian forces destroyed a depot"]

    def test_according_to_any_named_source(self):
        text = (
            "Clinton has spent more than $77 million on advertising, according to Kantar Media’s political ad tracker."
        )
        assert pairs(text) == [
            ("Kantar Media’s political ad tracker", "Clinton has spent more than $77 million on advertising")
        ]
        assert pairs("According to FEC records, the club was paid $29,715 in May.") == [
            ("FEC records", "the club was paid $29,715 in May")
        ]

    def test_a_written_source_after_a_quote(self):
        assert pairs("“That is reason enough for Clinton to visit the state,” the editorial said.") == [
            ("the editorial", "That is reason enough for Clinton to visit the state")
        ]

    def test_party_and_state_in_words_are_not_the_name(self):
        text = "“We will win,” Representative Peter T. King, Republican of New York, said of the race."
        assert pairs(text) == [("Representative Peter T. King", "We will win")]
