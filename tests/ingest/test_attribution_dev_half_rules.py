"""Rules tuned on the dev half of PolNeAR's train split (issue 16). Each test is a sentence of our own in the shape
of a real one from that half; none is PolNeAR's text (its articles belong to their publishers)."""

from __future__ import annotations

from claims_tracker.ingest.attribution import find_attributions


def pairs(text: str) -> list[tuple[str, str]]:
    return [(a.speaker_text, a.statement) for a in find_attributions(text)]


def found(text: str) -> list[tuple[str, str, str]]:
    return [(a.speaker_text, a.verb, a.pattern) for a in find_attributions(text)]


class TestBackingAndRefusing:
    def test_an_endorsement_is_attributed_with_its_object(self):
        assert pairs("Governor Ruth Abel endorsed Sam Ortiz last week.") == [
            ("Governor Ruth Abel", "Sam Ortiz last week")
        ]

    def test_a_vote_of_support_or_opposition(self):
        text = "Most voters in both counties supported the levy. The teachers union opposed the new water rule."
        assert pairs(text) == [
            ("Most voters in both counties", "the levy"),
            ("The teachers union", "the new water rule"),
        ]

    def test_a_group_backed_by_donors_is_not_backing_anything(self):
        assert pairs("A group backed by two donors ran the ads.") == []

    def test_citing_a_reason_after_a_statement(self):
        text = "Salix Pharmaceuticals dropped the merger, citing changes in the tax rules."
        assert pairs(text) == [("Salix Pharmaceuticals", "changes in the tax rules")]

    def test_declining_to_comment_is_no_claim(self):
        assert pairs("A spokesman for the company declined to comment on the report.") == []

    def test_a_refusal_to_endorse(self):
        assert pairs("Senator Joan Pike refused to endorse the nominee.") == [
            ("Senator Joan Pike", "to endorse the nominee")
        ]


class TestPlainPresentForms:
    def test_a_plural_subject_insists_believes_or_hopes(self):
        text = "Campaign advisers insist that few talks have taken place about the convention."
        assert pairs(text) == [("Campaign advisers", "few talks have taken place about the convention")]

    def test_they_hope_without_that(self):
        assert pairs("Union leaders hope the plant will reopen by spring.") == [
            ("Union leaders", "the plant will reopen by spring")
        ]

    def test_i_think_alone_names_nobody(self):
        assert pairs("I think the rule is fair.") == []


class TestQuoteOnlyVerbs:
    def test_a_sign_reads_its_words(self):
        assert pairs("“We are still here,” read the sign.") == [("the sign", "We are still here")]

    def test_read_without_a_quote_is_reading(self):
        assert pairs("Judge Amy Roth read the verdict aloud.") == []

    def test_a_shout_after_a_quote(self):
        assert pairs("“All the way!” Dana Fox shouted.") == [("Dana Fox", "All the way!")]


class TestHeadlines:
    def test_a_headline_names_the_speaker_then_a_colon(self):
        text = "Hale: Dam Plan Is ‘A Disaster’ For The Valley.\nThe dam was built in 1950."
        assert found(text) == [("Hale", "said", "headline")]
        assert pairs(text) == [("Hale", "Dam Plan Is ‘A Disaster’ For The Valley")]

    def test_a_column_title_or_an_update_is_no_speaker(self):
        text = "The Latest: Ortiz Wins The County Vote.\nUPDATE: Polls Have Now Closed Across The State."
        assert pairs(text) == []

    def test_a_transcript_turn_in_capitals_counts_once(self):
        text = "DANA WELLS: The mayor released a plan on Friday about the budget."
        assert pairs(text) == [("DANA WELLS", "The mayor released a plan on Friday about the budget")]

    def test_a_sentence_with_a_colon_is_no_headline(self):
        assert pairs("Hale had one request: keep the dam. He left early.") == []


class TestSecondReferences:
    def test_the_nominee_or_the_host_speaks(self):
        text = "“There's no question I'm getting special scrutiny,” the Republican nominee told reporters."
        assert pairs(text) == [("the Republican nominee", "There's no question I'm getting special scrutiny")]

    def test_says_a_narrator(self):
        assert pairs("“Taxes go up, jobs go away,” says a narrator.") == [("a narrator", "Taxes go up, jobs go away")]

    def test_a_title_before_a_name_stays_out_of_the_name(self):
        text = "“We are moving up,” former presidential candidate Ron Vail said."
        assert pairs(text) == [("Ron Vail", "We are moving up")]


class TestAroundTheVerb:
    def test_a_word_inside_the_quote_is_no_passive(self):
        text = "“We win, even though it is close,” said Luis Soto."
        assert pairs(text) == [("Luis Soto", "We win, even though it is close")]

    def test_a_passive_said_is_still_nobody(self):
        assert pairs("The bridge is said to be unsafe.") == []

    def test_lower_case_titles_before_a_full_name_after_the_verb(self):
        text = "“I'm not going to say it is a mistake,” said retired surgeon Ben Corson."
        assert pairs(text) == [("Ben Corson", "I'm not going to say it is a mistake")]

    def test_a_relative_clause_after_the_name_is_no_title(self):
        text = "“It will be a nice resort,” said Lee Sears who is the Lake Vale concessions manager."
        assert [a.speaker_text for a in find_attributions(text)] == ["Lee Sears"]

    def test_the_day_after_an_inverted_speaker_is_no_part_of_it(self):
        assert pairs("“We will not go there,” said the mayor on Monday.") == [("the mayor", "We will not go there")]

    def test_party_and_state_between_commas(self):
        text = "Rep. Glen Tomson, R-Pa., said the convention had been a success."
        assert pairs(text) == [("Rep. Glen Tomson", "the convention had been a success")]

    def test_a_semicolon_ends_a_speaker_last_clause(self):
        text = "Candidates need about 40 percent of the vote to win, political analysts say; in 2012, Ross got 27."
        assert pairs(text) == [("analysts", "Candidates need about 40 percent of the vote to win")]


class TestPollsAndGroups:
    def test_a_whole_opening_phrase_with_a_speaking_head(self):
        text = "Majorities of Democrats in five states voting on Tuesday say they would back either candidate."
        assert pairs(text) == [
            ("Majorities of Democrats in five states voting on Tuesday", "they would back either candidate")
        ]

    def test_an_opening_phrase_without_a_speaking_head_is_nobody(self):
        assert pairs("The plan drawn up in five states would say little about taxes.") == []

    def test_asked_someone_whether(self):
        text = "Last month, reporter Ann Kerr asked the senator whether questions about his age were fair."
        assert pairs(text) == [("reporter Ann Kerr", "whether questions about his age were fair")]

    def test_asked_whether_first_does_not_give_the_question_to_who_answers(self):
        text = "Asked whether the attacks had hurt him, Ryan said, “Sure.”"
        assert found(text) == [("Ryan", "said", "speaker-then-quote")]


class TestVerbFirst:
    def test_said_then_the_name_then_the_quote(self):
        text = "Said Comey, “The thought that our error led to this is painful to us.”"
        assert pairs(text) == [("Comey", "The thought that our error led to this is painful to us.")]

    def test_continued_with_a_colon(self):
        assert found("Continued Stone: “So I think it is a very real problem.”") == [
            ("Stone", "continued", "verb-first-quote")
        ]


class TestWhatPoliticiansDo:
    def test_a_proposal_a_denunciation_and_a_pledge(self):
        text = (
            "Ms. Avery proposed a new tax on stock trades. Mr. Dunn denounced the ad on Monday. "
            "Ms. Avery vowed to fight on."
        )
        assert pairs(text) == [
            ("Ms. Avery", "a new tax on stock trades"),
            ("Mr. Dunn", "the ad on Monday"),
            ("Ms. Avery", "to fight on"),
        ]

    def test_condemning_stays_with_the_participle_that_says_it(self):
        text = "Maria Lopez spoke first. She condemned the deal, saying that it would cost jobs."
        assert pairs(text) == [("Maria Lopez", "it would cost jobs")]


class TestInheritedSpeakers:
    def test_a_second_verb_keeps_the_pronoun_that_named_the_speaker(self):
        text = (
            "Mayor Dana Reyes opened the new library on Monday. "
            "She thanked the donors and said the city would keep it open on Sundays."
        )
        assert [(a.speaker_text, a.mention, a.verb) for a in find_attributions(text)] == [
            ("Mayor Dana Reyes", "She", "thanked"),
            ("Mayor Dana Reyes", "She", "said"),
        ]

    def test_a_participle_keeps_it_too(self):
        text = (
            "Mayor Dana Reyes opened the new library on Monday. "
            "She said the city would keep it open, adding that the hours would grow next year."
        )
        assert [(a.mention, a.verb, a.statement) for a in find_attributions(text)] == [
            ("She", "said", "the city would keep it open"),
            ("She", "adding", "the hours would grow next year"),
        ]

    def test_a_named_speaker_gets_no_mention(self):
        text = "Dana Reyes thanked the donors and said the city would keep the library open."
        assert [a.mention for a in find_attributions(text)] == ["", ""]


class TestLoneNames:
    def test_a_lone_name_then_two_verbs_speaks_both_times(self):
        text = "Ortiz praised the levy and said the schools would get new roofs."
        assert found(text) == [("Ortiz", "praised", "verb-object"), ("Ortiz", "said", "speaker-verb-clause")]
        assert pairs(text)[1] == ("Ortiz", "the schools would get new roofs")

    def test_a_name_alone_is_an_object(self):
        assert pairs("The county sheriff has endorsed Ramirez.") == [("The county sheriff", "Ramirez")]

    def test_a_day_alone_is_no_object(self):
        assert pairs("The county sheriff confirmed Tuesday.") == []


class TestFindingsOfData:
    def test_records_show_at_the_end(self):
        text = "The ferry was insured for $4 million in 2019, records show."
        assert pairs(text) == [("records", "The ferry was insured for $4 million in 2019")]

    def test_polling_and_statistics_show(self):
        text = (
            "Exit polling shows she won most voters under 30 in the county. "
            "Census statistics show that the figures in the mailer are wrong."
        )
        assert pairs(text) == [
            ("Exit polling", "she won most voters under 30 in the county"),
            ("Census statistics", "the figures in the mailer are wrong"),
        ]


class TestObjectsAndClauses:
    def test_that_before_a_lone_noun_is_a_determiner(self):
        assert pairs("Ms. Vance rejected that idea.") == [("Ms. Vance", "that idea")]
        assert pairs("Ms. Vance denied that the fees would rise.") == [("Ms. Vance", "the fees would rise")]

    def test_told_an_outlet_then_a_pronoun_clause_is_no_instruction(self):
        assert pairs("Reyes told the Ledger he planned to stay neutral.") == [("Reyes", "he planned to stay neutral")]
        assert pairs("Reyes warned residents to stay indoors.") == []


class TestMoreSpeakingHeads:
    def test_filings_and_advocates(self):
        text = (
            "The county filings show that the firm paid no rent in May. "
            "Dairy advocates say the new rule will close small farms."
        )
        assert pairs(text) == [
            ("The county filings", "the firm paid no rent in May"),
            ("Dairy advocates", "the new rule will close small farms"),
        ]


class TestMoreCues:
    def test_joking_fearing_and_worrying_take_a_clause(self):
        text = (
            "Ms. Vance joked that the budget had more holes than the roads. "
            "Dairy farmers fear the new rule will close small farms. "
            "Neighbors worried that the plant would close."
        )
        assert found(text) == [
            ("Ms. Vance", "joked", "speaker-verb-that"),
            ("Dairy farmers", "fear", "speaker-verb-clause"),
            ("Neighbors", "worried", "speaker-verb-that"),
        ]

    def test_fears_as_a_noun_or_worried_without_that_is_nothing(self):
        assert pairs("Fears of a recession grew in March. Neighbors worried about the plant.") == []

    def test_stating_continues_the_subject(self):
        text = "Delmar Foods issued a statement, stating that the audit found no fraud."
        assert pairs(text) == [("Delmar Foods", "the audit found no fraud")]


class TestProgressives:
    def test_a_live_blog_progressive_is_no_passive(self):
        text = (
            "Mayor Ann Kerr is touting the new transit plan. "
            "The mayor is saying the city will not pay for the stadium. "
            "Business groups are hailing the tax cut."
        )
        assert found(text) == [
            ("Mayor Ann Kerr", "touting", "verb-object"),
            ("Mayor Ann Kerr", "saying", "speaker-verb-clause"),  # "The mayor" points back to her
            ("Business groups", "hailing", "verb-object"),
        ]

    def test_a_contracted_progressive_keeps_its_pronoun(self):
        text = "Ms. Vance spoke on Monday. She's suggesting that delegates should switch."
        assert [(a.speaker_text, a.mention, a.statement) for a in find_attributions(text)] == [
            ("Ms. Vance", "She", "delegates should switch")
        ]

    def test_a_passive_is_still_nobody(self):
        assert pairs("The bridge is said to be unsafe. The levy was reported by the clerk.") == []

    def test_long_between_the_auxiliary_and_the_verb(self):
        assert pairs("Union leaders have long argued the plant was unsafe.") == [
            ("Union leaders", "the plant was unsafe")
        ]


class TestParticiplesAfterOpeners:
    def test_the_subject_after_an_opening_phrase_speaks_in_the_participle(self):
        text = (
            "At a rally in Dover on Friday night, Gov. Ruth Abel struck a calm tone, saying the strike would end soon."
        )
        assert pairs(text) == [("Gov. Ruth Abel", "the strike would end soon")]

    def test_by_saying_or_after_telling(self):
        text = (
            "Ortiz calmed the room by saying the plant would stay open. "
            "Ms. Vance changed course after telling aides she would run again."
        )
        assert found(text) == [
            ("Ortiz", "saying", "speaker-verb-clause"),
            ("Ms. Vance", "telling", "speaker-verb-clause"),
        ]

    def test_a_participle_with_no_subject_names_nobody(self):
        assert pairs("Saying the plant would stay open was a mistake.") == []
        assert pairs("The bill passed in March, saying little about the plant.") == []


class TestAroundTheSpeakerAndVerb:
    def test_told_a_committee_after_the_clause(self):
        text = "The plan includes two new ferries for the islands, Transport Secretary Ann Reyes told a Senate panel."
        assert pairs(text) == [("Transport Secretary Ann Reyes", "The plan includes two new ferries for the islands")]

    def test_at_the_time_or_on_a_day_between_the_subject_and_the_verb(self):
        text = "Ortiz at the time said he had paid the fees. Ms. Vance on Tuesday said the audit was done."
        assert pairs(text) == [("Ortiz", "he had paid the fees"), ("Ms. Vance", "the audit was done")]

    def test_reiterated_to_an_outlet_that(self):
        assert pairs("Ms. Vance reiterated to the Ledger that the deal was a mistake.") == [
            ("Ms. Vance", "the deal was a mistake")
        ]

    def test_said_of_a_titled_name_then_a_colon(self):
        text = "Ana Ruiz, a former aide, said of Mr. Ortiz: “He is a local man through and through.”"
        assert pairs(text) == [("Ana Ruiz", "He is a local man through and through.")]


class TestQuoteShapes:
    def test_a_space_between_an_inner_and_the_outer_closing_mark(self):
        text = "\"Watch them while someone says, 'We have to keep the lights on,' \" said Mayor Ann Kerr."
        assert pairs(text) == [("Mayor Ann Kerr", "Watch them while someone says, 'We have to keep the lights on,'")]

    def test_an_inverted_speakers_title_is_no_statement(self):
        text = '"It would be a blow to the mayor" if the levy failed, said Dan Reyes, a county analyst.'
        assert pairs(text) == [("Dan Reyes", "It would be a blow to the mayor")]

    def test_said_of_something_then_the_quote_or_the_end(self):
        text = (
            "Asked about the brawl, Ms. Vance said of the episode, “I don't like it.”\n"
            "“Perpetual motion!” Rep. Dale Moss, R-Pa., said of the swirl of events."
        )
        assert pairs(text) == [("Ms. Vance", "I don't like it."), ("Rep. Dale Moss", "Perpetual motion!")]

    def test_a_second_verb_after_an_opening_question(self):
        text = "Asked whether her husband would serve, Mrs. Ortiz shook her head and said, “No.”"
        assert pairs(text) == [("Mrs. Ortiz", "No.")]

    def test_as_an_employee_told_an_outlet(self):
        text = "As one employee told the Weekly, “She wants to put fear in our hearts.”"
        assert pairs(text) == [("employee", "She wants to put fear in our hearts.")]


class TestNamesAndHeads:
    def test_a_news_outlet_reports_after_a_quote(self):
        assert pairs("“The ferry was late again,” KTLA News reported.") == [("KTLA News", "The ferry was late again")]

    def test_the_news_reported_is_still_a_noun(self):
        assert pairs("The news reported on Monday was grim.") == []

    def test_an_actor_a_speaker_or_a_woman_speaks(self):
        text = (
            "“It is like a race where one horse cheats,” the film actor says.\n"
            "“I am here with a group of friends,” the conference speaker says.\n"
            "“My mom always said we were citizens,” said the woman."
        )
        assert [a.speaker_text for a in find_attributions(text)] == [
            "the film actor",
            "the conference speaker",
            "the woman",
        ]

    def test_what_someone_called_a_quote(self):
        text = "The levy was what Sroka called a “let a thousand flowers bloom” plan."
        assert found(text) == [("Sroka", "called", "what-called")]
        assert pairs(text) == [("Sroka", "let a thousand flowers bloom")]

    def test_a_later_quote_is_not_the_one_who_called_it(self):
        text = "He railed against what Ortiz calls the “rigged” process. “The answer is no.”"
        assert pairs(text) == [("Ortiz", "rigged")]


class TestQuoteOnlyCues:
    def test_as_someone_puts_it(self):
        text = 'As the Ledger\'s Dana Wells puts it, "The council is unmoved, and the voters are uninspired."'
        assert pairs(text) == [("the Ledger's Dana Wells", "The council is unmoved, and the voters are uninspired.")]

    def test_a_verb_of_manner_after_a_quote(self):
        text = "“People are afraid of wasting their votes,” Ortiz surmised. “Not here!” the protesters chanted."
        assert found(text) == [
            ("Ortiz", "surmised", "quote-then-speaker"),
            ("the protesters", "chanted", "quote-then-speaker"),
        ]

    def test_a_verb_of_manner_without_a_quote_is_nothing(self):
        assert pairs("The crowd chanted for an hour. Ortiz wondered about the vote.") == []

    def test_who_said_after_an_inverted_speaker_is_a_new_statement(self):
        text = "“It sounds normal for them,” said Weaver, who said executives often fail to see the risk."
        assert pairs(text) == [
            ("Weaver", "It sounds normal for them"),
            ("Weaver", "executives often fail to see the risk"),
        ]


class TestHeadlineSays:
    def test_a_title_case_headline_with_says(self):
        text = "Harbor County Says Ortiz Should Win The Nomination.\nThe county has voted for the winner since 1960."
        assert found(text) == [("Harbor County", "says", "headline")]
        assert pairs(text) == [("Harbor County", "Ortiz Should Win The Nomination")]

    def test_a_headline_with_a_relative_said_is_nothing(self):
        assert pairs("The Man Who Said No To The Mayor.\nHe left town.") == []

    def test_a_sentence_with_says_is_no_headline(self):
        assert found("Harbor County says Ortiz should win the nomination.") == [
            ("Harbor County", "says", "speaker-verb-clause")
        ]


class TestQuoteEndingTheSentenceBefore:
    def test_said_as_after_an_exclaimed_quote(self):
        text = "“The county casts all its votes for Ortiz!” Senator Ann Kerr said as she opened the roll call."
        assert pairs(text) == [("Senator Ann Kerr", "The county casts all its votes for Ortiz!")]

    def test_a_new_statement_after_it_is_not_the_quotes(self):
        text = "“The vote is over!” The board said on Monday it would meet again."
        assert pairs(text) == [("The board", "it would meet again")]


class TestMoreParticipleShapes:
    def test_then_he_opens_the_sentence(self):
        text = "Dan Reyes spoke on Monday. Then he turned on Ortiz, calling him a “stiff” and accusing him of hiding."
        assert [(a.speaker_text, a.mention, a.verb) for a in find_attributions(text)] == [
            ("Dan Reyes", "he", "calling"),
            ("Dan Reyes", "he", "accusing"),
        ]

    def test_a_participle_after_a_closing_quote_mark(self):
        text = "Press secretary Ann Kerr called the plan a “ridiculous idea,” adding that the mayor “needs to listen.”"
        assert found(text)[-1] == ("Press secretary Ann Kerr", "adding", "speaker-verb-that")

    def test_that_then_a_comma(self):
        text = "Ms. Vance pledged that, if elected, she would keep the clinic open."
        assert pairs(text) == [("Ms. Vance", "if elected, she would keep the clinic open")]

    def test_an_opening_phrase_ending_in_to_is_no_speaker(self):
        text = (
            "Lawyers for Delmar Foods appeared to oppose the motion, saying in court files that the files were sealed."
        )
        assert pairs(text) == [("Lawyers for Delmar Foods", "the files were sealed")]


class TestLooseClosingMarks:
    def test_a_space_before_the_closing_mark_after_a_comma(self):
        text = "Senator Ann Kerr spoke last. “I regret having listened to that advice, ” she said."
        assert pairs(text) == [("Senator Ann Kerr", "I regret having listened to that advice")]

    def test_a_space_after_a_word_still_opens_no_quote(self):
        assert pairs("Senator Ann Kerr spoke last. The sign read ” Welcome ” in red.") == []

    def test_boomed_with_a_quote(self):
        text = "Mrs. Ortiz thanked the county and then boomed, “There is no place like home.”"
        assert found(text)[-1] == ("Mrs. Ortiz", "boomed", "speaker-then-quote")


class TestAsSomeoneSaid:
    def test_as_an_outlet_revealed_or_noted(self):
        text = (
            "As the Ledger revealed, the county paid the firm twice. As Ms. Vance noted on Monday, the levy has failed."
        )
        assert found(text) == [("the Ledger", "revealed", "as-someone-said"), ("Ms. Vance", "noted", "as-someone-said")]
        assert pairs(text) == [
            ("the Ledger", "the county paid the firm twice"),
            ("Ms. Vance", "the levy has failed"),
        ]

    def test_as_reported_by(self):
        assert pairs("As reported by the Harbor Times, there are 150 seats at stake.") == [
            ("the Harbor Times", "there are 150 seats at stake")
        ]

    def test_as_with_a_clause_after_the_verb_is_no_aside(self):
        assert found("As the mayor said the plan would fail, the council voted.") == [
            ("the mayor", "said", "speaker-verb-clause")
        ]


class TestSharesOfPeople:
    def test_most_some_or_n_in_m_speak(self):
        text = (
            "Farmers in the valley fear the rule; most said they would sell. "
            "In the survey, two in three said the levy was too high. Some say the rule is fair."
        )
        assert [a.speaker_text for a in find_attributions(text)] == ["most", "two in three", "Some"]

    def test_a_quantifier_inside_a_clause_is_no_speaker(self):
        assert pairs("The new rule will hurt many say the farm groups in the valley.") == []


class TestAddingAfterAQuote:
    def test_adding_after_a_closing_quote_mark_is_a_new_statement(self):
        text = "Reyes told the Ledger that Ortiz “had a plan which was reckless,” adding, “He lost every vote.”"
        assert pairs(text) == [
            ("Reyes", "Ortiz “had a plan which was reckless"),
            ("Reyes", "He lost every vote."),
        ]

    def test_adding_of_a_titled_name(self):
        text = "“We have started the talks,” Mr. Reyes said, adding of Mr. Ortiz, “He cares about the team.”"
        assert pairs(text) == [("Mr. Reyes", "We have started the talks"), ("Mr. Reyes", "He cares about the team.")]


class TestWithSomeoneDoing:
    def test_with_a_speaker_then_a_participle(self):
        text = "A heckler was removed, with Ortiz reportedly yelling: “Get him out of here!”"
        assert found(text) == [("Ortiz", "yelling", "speaker-then-quote")]

    def test_with_a_group_saying(self):
        text = "The hall was loud, with supporters saying the mayor should resign."
        assert pairs(text) == [("supporters", "the mayor should resign")]

    def test_with_a_thing_doing_something_is_nobody(self):
        assert pairs("He left the hall with his hands shaking.") == []

    def test_asking_whether(self):
        text = "Ms. Vance called the office, asking whether the vote would be delayed."
        assert found(text) == [("Ms. Vance", "asking", "asked-whether")]


class TestIntroductions:
    def test_a_colon_after_an_aside_introduces_the_quote_below(self):
        text = (
            "Senator Ann Kerr spoke last.\n"
            "She told her audience, to loud applause:\n"
            "“I can say with confidence there has never been a better mayor.”"
        )
        found_ = find_attributions(text)
        assert [(a.speaker_text, a.mention, a.pattern) for a in found_] == [("Senator Ann Kerr", "She", "intro-colon")]
        assert found_[0].statement == "I can say with confidence there has never been a better mayor."


class TestCrowds:
    def test_the_crowd_or_the_audience_after_a_quote(self):
        text = "“Who will pay for it?” Ortiz asked. “The county!” the crowd yelled. “Out!” the audience chanted."
        assert [a.speaker_text for a in find_attributions(text)] == ["Ortiz", "the crowd", "the audience"]


class TestStateInitials:
    def test_party_and_a_state_in_initials_after_a_quote(self):
        text = "“They have nothing to fear,” Sen. Ann Kerr (D-N.Y.) said Tuesday. “If they did it, they should pay.”"
        assert [a.speaker_text for a in find_attributions(text)] == ["Sen. Ann Kerr"]
        assert find_attributions(text)[0].pieces[0] == (1, text.index(",”"))


class TestQuoteEndingTheSentenceBeforeAndAParticiple:
    def test_a_participle_after_the_verb_leaves_the_quote_before_to_the_speaker(self):
        text = "“The plan failed. Not fit!” Ortiz tweeted, quoting the audit."
        assert pairs(text) == [("Ortiz", "The plan failed. Not fit!")]


class TestGluedClosingMarks:
    def test_no_space_after_the_closing_mark(self):
        text = "“It is surprising to see him traffic in a lot of paranoia,”Kerr said."
        assert pairs(text) == [("Kerr", "It is surprising to see him traffic in a lot of paranoia")]

    def test_an_apostrophe_inside_a_word_closes_nothing(self):
        text = "“The mayor’s plan isn’t ready,” Kerr said."
        assert pairs(text) == [("Kerr", "The mayor’s plan isn’t ready")]


class TestThatAfterAPlace:
    def test_a_place_with_its_state_before_that(self):
        text = "Sen. Ann Kerr (D-Vt.) said Sunday in Burlington, Vermont, that she hoped for a large turnout."
        assert pairs(text) == [("Sen. Ann Kerr", "she hoped for a large turnout")]
