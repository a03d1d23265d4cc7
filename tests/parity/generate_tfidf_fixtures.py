#!/usr/bin/env python3
"""Reference values for the TF-IDF features and the linear text model.

deepfin's TfidfVectorizer (src/text/tfidf.cpp) is checked against scikit-learn's
TfidfVectorizer with the floor's settings (word 1-2-grams and char_wb 2-5-grams,
sublinear tf, smoothed idf, L2 norm per block), and LinearTextModel
(src/text_model/linear_text_model.cpp, over Debian's LIBLINEAR) against
scikit-learn's LinearSVC (the same dual coordinate descent, from its own
copy of LIBLINEAR), both run to a tight tolerance, plainly and as NB-SVM. Only Debian's python3-sklearn is needed:

    /usr/bin/python3 tests/parity/generate_tfidf_fixtures.py > tests/parity/fixtures/tfidf_linear.json
"""
import json

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

# Short financial messages: repeats (sublinear tf), one- and two-letter words
# (dropped by the word pattern, kept as characters), digits and punctuation.
TRAIN = [
    ("Profit rose 12% in the third quarter, profit margins widened", "positive"),
    ("Operating loss widened to EUR 3.1 mn from EUR 2.0 mn", "negative"),
    ("The company will hold its annual general meeting on 5 May", "neutral"),
    ("Net sales increased by 8 % and profit rose", "positive"),
    ("The bank cut 200 jobs after the loss", "negative"),
    ("Shares of the firm are listed in Helsinki", "neutral"),
    ("Orders grew strongly ; a record quarter", "positive"),
    ("Sales fell and the outlook was lowered", "negative"),
    ("A is a b c d e", "neutral"),
]
UNSEEN = ["profit fell sharply", "zzz qqq", "EUR rose"]


def vectorizers():
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)
    return word, char


def main():
    texts = [t for t, _ in TRAIN]
    labels = sorted({l for _, l in TRAIN})
    y = np.array([labels.index(l) for _, l in TRAIN])
    word, char = vectorizers()
    xw, xc = word.fit_transform(texts), char.fit_transform(texts)
    x = sp.hstack([xw, xc]).tocsr()
    both = texts + UNSEEN
    dense = sp.hstack([word.transform(both), char.transform(both)]).toarray()
    lr = LinearSVC(C=4.0, loss="squared_hinge", dual=True, tol=1e-10, intercept_scaling=1.0, max_iter=1000000)
    lr.fit(x, y)
    # NB-SVM (Wang & Manning 2012): per class, the features scaled by the naive-Bayes
    # log-count ratio of the rows they occur in, then a binary LinearSVC of the class
    # against the rest; its decision values on the scaled rows.
    occurs = (x > 0).astype(np.float64)
    nb_decision = []
    for k in range(len(labels)):
        p = 1.0 + np.asarray(occurs[y == k].sum(axis=0)).ravel()
        q = 1.0 + np.asarray(occurs[y != k].sum(axis=0)).ravel()
        ratio = np.log(p / p.sum()) - np.log(q / q.sum())
        svm = LinearSVC(C=4.0, loss="squared_hinge", dual=True, tol=1e-10, intercept_scaling=1.0, max_iter=1000000)
        svm.fit(x.multiply(ratio).tocsr(), (y == k).astype(int))
        nb_decision.append(svm.decision_function(sp.csr_matrix(dense * ratio)))
    out = {
        "texts": texts,
        "labels": y.tolist(),
        "unseen": UNSEEN,
        "words": word.get_feature_names_out().tolist(),
        "chars": char.get_feature_names_out().tolist(),
        "idf": np.concatenate([word.idf_, char.idf_]).tolist(),
        "features": dense.tolist(),  # rows: texts then unseen
        "c": 4.0,
        "decision": lr.decision_function(sp.csr_matrix(dense)).tolist(),
        "nb_decision": np.column_stack(nb_decision).tolist(),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
