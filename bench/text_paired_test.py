#!/usr/bin/python3
"""Two saved text models on the same test messages, with the exact McNemar test.

One train/test split gives one accuracy per model, and a difference of a point or two
may be chance. McNemar's test looks only at the messages the two models disagree on:
if neither is better, each is the one that is right on half of them (a binomial test
on those counts; scipy's binomtest, two-sided).

    bench/text_paired_test.py out/banking77_encoder.safetensors out/banking77_encoder_rw.safetensors
    bench/text_paired_test.py A B --test ../shared/data/banking77/test.csv --text text --label category

The second model may be `floor`: the TF-IDF + linear SVM floor of ../shared/data/BASELINES.md
(word 1-2-grams and char_wb 2-5-grams, sublinear tf, LinearSVC C=0.5; scikit-learn), fitted on
--train (Banking77's training file by default) and scored on the same test messages:

    bench/text_paired_test.py out/banking77.safetensors floor
"""
import argparse
import csv
import pathlib
import sys

import numpy as np
from scipy.stats import binomtest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build" / "release" / "python"))
import deepfin  # noqa: E402  (the build tree's package)


def correct(model: str, texts, labels) -> np.ndarray:
    predicted = deepfin.TextClassifier.load(model).predict(texts)
    return np.array([p == y for p, y in zip(predicted, labels)])


def floor_correct(train_path: str, text: str, label: str, texts, labels) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    with open(train_path, newline="", encoding="utf-8") as f:
        train = list(csv.DictReader(f))
    floor = make_pipeline(
        make_union(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        LinearSVC(C=0.5))
    floor.fit([r[text] for r in train], [r[label] for r in train])
    return np.array([p == y for p, y in zip(floor.predict(texts), labels)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--test", default=str(ROOT.parent / "shared" / "data" / "banking77" / "test.csv"))
    parser.add_argument("--text", default="text")
    parser.add_argument("--label", default="category")
    parser.add_argument("--train", default=str(ROOT.parent / "shared" / "data" / "banking77" / "train.csv"),
                        help="the floor's training file (when the second model is `floor`)")
    args = parser.parse_args()
    with open(args.test, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [r[args.text] for r in rows]
    labels = [r[args.label] for r in rows]
    a = correct(args.first, texts, labels)
    b = (floor_correct(args.train, args.text, args.label, texts, labels) if args.second == "floor"
         else correct(args.second, texts, labels))
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(~a & b))
    p = binomtest(only_a, only_a + only_b, 0.5).pvalue if only_a + only_b else 1.0
    print(f"{len(texts)} test messages")
    print(f"  {args.first}: accuracy {a.mean():.4f}")
    print(f"  {args.second}: accuracy {b.mean():.4f}")
    print(f"  right in the first only {only_a}, in the second only {only_b}: exact McNemar p = {p:.3g}")


if __name__ == "__main__":
    main()
