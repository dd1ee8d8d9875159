"""The held-out evaluation's own parts (bench/polnear.py): export reads only the train split, the halves are fixed
by file name, discontinuous spans parse, and the scorer counts a quote in pieces once and refuses a wrong speaker.
The texts here are our own sentences in PolNeAR's file layout."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
TEXT = "“We will win,” Mayor Ivan Fedorov said. “The city will stand.” Ann Lee said the bridge was cut."
ANN = (
    "T1\tContent 1 12;41 61\tWe will win The city will stand.\n"
    "T2\tSource 15 33\tMayor Ivan Fedorov\n"
    "T3\tCue 34 38\tsaid\n"
    "E1\tAttribution:T3 Content:T1 Cue:T3 Source:T2\n"
    "T4\tSource 63 70\tAnn Lee\n"
    "T5\tCue 71 75\tsaid\n"
    "T6\tContent 76 94\tthe bridge was cut\n"
    "E2\tAttribution:T5 Content:T6 Cue:T5 Source:T4\n"
)


def _polnear():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("polnear", ROOT / "bench" / "polnear.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def _found(start, end, speaker, pieces=(), speaker_span=(None, None), mention="", confidence=0.9):
    return SimpleNamespace(
        start=start,
        end=end,
        pieces=pieces or ((start, end),),
        speaker_text=speaker,
        speaker_start=speaker_span[0],
        speaker_end=speaker_span[1],
        mention=mention,
        confidence=confidence,
    )


class TestPolnearEvaluation:
    def test_export_reads_the_train_split_and_nothing_else(self, tmp_path):
        polnear = _polnear()
        for split in ("train", "dev", "test"):
            (tmp_path / "src" / "data" / split / "text").mkdir(parents=True)
            (tmp_path / "src" / "data" / split / "attributions").mkdir(parents=True)
            (tmp_path / "src" / "data" / split / "text" / f"{split}_a.txt").write_text(TEXT)
            (tmp_path / "src" / "data" / split / "attributions" / f"{split}_a_x1.ann").write_text(ANN)
        assert polnear.export(tmp_path / "src", tmp_path / "out") == 1
        assert sorted(p.name for p in (tmp_path / "out" / "text").iterdir()) == ["train_a.txt"]
        [article] = polnear.load(tmp_path / "out")
        assert [r.content.pieces for r in article.relations] == [((1, 12), (41, 61)), ((76, 94),)]
        first, second = article.relations
        assert [TEXT[a:b] for a, b in first.content.pieces] == ["We will win", "The city will stand."]
        assert TEXT[slice(*first.source.pieces[0])] == "Mayor Ivan Fedorov"
        assert (TEXT[slice(*second.source.pieces[0])], TEXT[slice(*second.content.pieces[0])]) == (
            "Ann Lee",
            "the bridge was cut",
        )

    def test_the_halves_are_fixed_by_the_file_name(self):
        polnear = _polnear()
        names = [f"nyt_2016-0{i}_story" for i in range(1, 10)]
        assert [polnear.half(n) for n in names] == [polnear.half(n) for n in names]
        assert {polnear.half(n) for n in names} == {"dev", "test"}

    def test_a_quote_in_pieces_is_one_right_answer_and_a_wrong_speaker_is_refused(self):
        polnear = _polnear()
        article = polnear.Article("a", TEXT, polnear.parse_ann(ANN))
        right = [
            _found(1, 61, "Mayor Ivan Fedorov", pieces=((1, 12), (41, 61))),
            _found(76, 94, "Lee", speaker_span=(63, 70)),
        ]
        scores = polnear.score([article], lambda text: right)
        assert (scores["precision"], scores["recall"], scores["quoted_recall"]) == (1.0, 1.0, 1.0)
        pieces_apart = [_found(1, 12, "Fedorov"), _found(41, 61, "Fedorov")]
        scores = polnear.score([article], lambda text: pieces_apart)
        assert (scores["predicted"], scores["precision"], scores["recall"]) == (2, 0.5, 0.5)
        wrong = [_found(76, 94, "Mayor Ivan Fedorov"), _found(20, 30, "Ann Lee")]
        assert polnear.score([article], lambda text: wrong)["precision"] == 0.0

    def test_a_pronoun_counts_by_its_mention_or_the_resolved_name(self):
        polnear = _polnear()
        text = "Ann Lee spoke. She said the bridge was cut."
        gold = polnear.Span(((15, 18),))
        assert polnear.same_speaker(_found(0, 0, "Ann Lee", mention="She"), text, gold)
        assert polnear.same_speaker(_found(0, 0, "Ann Lee"), text, gold, resolved="Ann Lee")
        assert not polnear.same_speaker(_found(0, 0, "Bob Marsh"), text, gold, resolved="Ann Lee")

    def test_who_counts_for_the_phrase_right_before_it(self):
        polnear = _polnear()
        text = "Weaver, who said the plan would fail, left early."
        gold = polnear.Span(((8, 11),))
        assert polnear.same_speaker(_found(0, 0, "Weaver", speaker_span=(0, 6)), text, gold)
        assert not polnear.same_speaker(_found(0, 0, "Mr. Cole", speaker_span=(40, 44)), text, gold)
