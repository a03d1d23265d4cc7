#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*):
small valid files of every format, plus a few near-misses. Deterministic; uses
only the standard library and, for the model files, a built `deepfin` command.

    fuzz/make_seeds.py [--deepfin build/release/deepfin] [--shared ../shared/data]

Inputs found by fuzzing are added beside the seeds by `fuzz/run.sh --merge`.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zipfile
import gzip
import io

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def npy(descr, shape, payload, fortran=False, version=1):
    shape_text = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", shape_text)
    pre = 10 if version == 1 else 12
    total = (pre + len(header) + 1 + 63) // 64 * 64
    header = header + " " * (total - pre - len(header) - 1) + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode("latin-1") + payload


def npy_seeds():
    put("npy", "f4-2x3", npy("<f4", (2, 3), struct.pack("<6f", 0, 1, 2.5, -3, 1e-3, 7)))
    put("npy", "f8-fortran", npy("<f8", (2, 2), struct.pack("<4d", 1, 2, 3, 4), fortran=True))
    put("npy", "i8-big-endian", npy(">i8", (3,), struct.pack(">3q", -1, 0, 2**40)))
    put("npy", "u1-labels", npy("|u1", (5,), bytes([0, 1, 2, 9, 255])))
    put("npy", "b1-scalar", npy("|b1", (), b"\x01"))
    put("npy", "f2-v2", npy("<f2", (2,), struct.pack("<2e", 1.5, -2.0), version=2))
    put("npy", "empty-0x4", npy("<f4", (0, 4), b""))
    put("npy", "truncated", npy("<f4", (4,), struct.pack("<2f", 1, 2)))


def npz(members, compress):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data, zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED)
    return buf.getvalue()


def npz_seeds():
    x = npy("<f4", (2, 2), struct.pack("<4f", 1, 2, 3, 4))
    y = npy("<i8", (2,), struct.pack("<2q", 0, 1))
    put("npz", "stored", npz([("x.npy", x), ("y.npy", y)], False))
    put("npz", "deflated", npz([("x.npy", x), ("y.npy", y)], True))
    put("npz", "one-member", npz([("data.npy", npy("<f8", (3,), struct.pack("<3d", 1, 2, 3)))], True))


def idx(code, shape, payload):
    return bytes([0, 0, code, len(shape)]) + b"".join(struct.pack(">I", s) for s in shape) + payload


def idx_seeds():
    put("idx", "u8-images", idx(0x08, (2, 2, 2), bytes(range(8))))
    put("idx", "u8-labels", idx(0x08, (4,), bytes([0, 1, 2, 9])))
    put("idx", "i16", idx(0x0B, (2,), struct.pack(">2h", -5, 300)))
    put("idx", "i32", idx(0x0C, (2,), struct.pack(">2i", -5, 70000)))
    put("idx", "f32", idx(0x0D, (1, 3), struct.pack(">3f", 0.5, -1, 2)))
    put("idx", "f64", idx(0x0E, (2,), struct.pack(">2d", 0.25, 3)))
    put("idx", "gz", gzip.compress(idx(0x08, (3, 2), bytes(range(6))), mtime=0))


def text_seeds(shared):
    rows = open(os.path.join(shared, "uci_german_credit", "credit-g.csv"), encoding="utf-8").read().splitlines()
    put("csv", "german-head", "\n".join(rows[:16]) + "\n")
    put("csv", "quoted", 'class,"note, quoted",amount\r\nbad,"he said ""no""",12\r\ngood,"multi\nline",NA\r\nbad,,3.5\r\n')
    put("csv", "bom-latin1", b"\xef\xbb\xbfclass,city\nbad,M\xfcnchen\ngood,Z\xfcrich\n")
    put("csv", "mostly-numeric", "y,x\n" + "".join("%s,%d\n" % ("ab"[i % 2], i) for i in range(40)) + "b,inf\n")
    for name in os.listdir(os.path.join(ROOT, "tests", "unit", "tabular_io", "data")):
        if name.endswith(".arff"):
            put("arff", name[:-5], open(os.path.join(ROOT, "tests", "unit", "tabular_io", "data", name), "rb").read())
    put("arff", "small",
        "% comment\n@relation credit\n@attribute class {good,bad}\n@attribute 'duration' numeric\n"
        "@attribute purpose {car,'radio/tv',education}\n@attribute note string\n@data\n"
        "bad,12,car,'x'\ngood,?,'radio/tv',\"y z\"\nbad,48,education,?\n")
    sp = open(os.path.join(shared, "sp500_fred_daily", "fred_sp500.csv"), encoding="utf-8").read().splitlines()
    put("timeseries_csv", "sp500-head", "\n".join(sp[:30]) + "\n")
    put("timeseries_csv", "decimal-year", "time,DAX,SMI\n1991.496,1628.75,1678.1\n1991.500,1613.63,1688.5\n"
        "1991.504,1606.51,1678.6\n1991.508,1621.04,NA\n1991.512,1618.16,1684.1\n")
    put("timeseries_csv", "out-of-order", "date,close\n2020-01-03,10\n2020-01-02,11\n2020-01-06,12\n")
    put("phrasebank", "utf8", "Operating profit rose to EUR 13.1 mn .@positive\nThe company said @ noon it stays.@neutral\n"
        "Sales fell 5 % .@negative\n\n")
    put("phrasebank", "latin1", b"Profit in \xa3 rose .@positive\nNet sales of 1,2 m\xe4rk .@neutral\n")
    for name in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        if name.endswith(".toml"):
            put("job_toml", name[:-5], open(os.path.join(ROOT, "examples", name), "rb").read())


def model_seeds(deepfin, shared):
    """Trains two tiny models with the command line, then takes their files and JSON apart."""
    work = tempfile.mkdtemp()
    try:
        credit = os.path.join(work, "credit.csv")
        rows = open(os.path.join(shared, "uci_german_credit", "credit-g.csv"), encoding="utf-8").read().splitlines()
        open(credit, "w").write("\n".join(rows[:120]) + "\n")
        texts = os.path.join(work, "texts.csv")
        with open(texts, "w") as f:
            f.write("text,label\n")
            for i in range(24):
                f.write('"my card was lost %d",lost_card\n"send money to my payee %d",transfer\n' % (i, i))
        layers = '[[model.config.layers]]\nclass_name = "Dense"\nconfig = { units = 1, activation = "sigmoid" }\n'
        jobs = {
            "credit": '[data]\nsource = "csv"\npath = "%s"\ntarget = "class"\npositive_label = "bad"\n'
                      '[model]\nclass_name = "Sequential"\n%s[compile]\nloss = "binary_crossentropy"\n'
                      '[fit]\nepochs = 1\nverbose = 0\n[output]\nmodel = "%s/credit.safetensors"\nreport = "%s/r1"\n'
                      % (credit, layers, work, work),
            "text": '[data]\nsource = "text"\ntrain = "%s"\ntest_split = 0.25\n[text]\nvocab_size = 60\nmax_length = 8\n'
                    '[model]\nclass_name = "Sequential"\n[[model.config.layers]]\nclass_name = "Embedding"\n'
                    'config = { input_dim = 0, output_dim = 4 }\n[[model.config.layers]]\n'
                    'class_name = "GlobalAveragePooling1D"\nconfig = {}\n[[model.config.layers]]\nclass_name = "Dense"\n'
                    'config = { units = 2, activation = "softmax" }\n[compile]\nloss = "sparse_categorical_crossentropy"\n'
                    '[fit]\nepochs = 1\nverbose = 0\n[output]\nmodel = "%s/text.safetensors"\nreport = "%s/r2"\n'
                    % (texts, work, work),
        }
        for name, text in jobs.items():
            path = os.path.join(work, name + ".toml")
            open(path, "w").write(text)
            subprocess.run([deepfin, "train", path], check=True, stdout=subprocess.DEVNULL)
            data = open(os.path.join(work, name + ".safetensors"), "rb").read()
            put("safetensors", name, data)
            (n,) = struct.unpack("<Q", data[:8])
            meta = json.loads(data[8:8 + n])["__metadata__"]
            put("model_attachments", name, (b"\x01" if name == "text" else b"\x00") + meta["tabular" if name == "credit" else "text"].encode("utf-8"))
            if name == "text":
                put("tokenizer_json", "wordpiece", json.dumps(json.loads(meta["text"])["tokenizer"]))
    finally:
        shutil.rmtree(work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deepfin", default=os.path.join(ROOT, "build", "release", "deepfin"))
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    args = parser.parse_args()
    npy_seeds()
    npz_seeds()
    idx_seeds()
    text_seeds(args.shared)
    model_seeds(args.deepfin, args.shared)


if __name__ == "__main__":
    main()
