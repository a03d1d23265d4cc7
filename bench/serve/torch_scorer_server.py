#!/usr/bin/python3
"""The baseline for bench/serve/serve_bench.py: a minimal Python scoring server
(http.server's ThreadingHTTPServer) with a PyTorch scorer, for the same credit
model file deepfin serves.

It reads the deepfin model file itself (safetensors: an 8-byte header length, a
JSON header, raw little-endian tensors), rebuilds the Dense network in PyTorch
from the saved config, and applies the saved preprocessing (standardized
numerics, one-hot categories, booleans, missing-value fill) in NumPy, so it
answers the same probability, decision and points as `deepfin serve` with
"explain": false. Float32 on both sides, as deepfin computes.

    torch_scorer_server.py MODEL.safetensors PORT
"""
import json
import math
import struct
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__")
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
    return tensors, meta


class Scorer:
    def __init__(self, path):
        tensors, meta = read_safetensors(path)
        tab = json.loads(meta["tabular"])
        if tab["calibration"]["method"] != "none":
            raise SystemExit("the baseline scorer handles uncalibrated models only")
        self.columns = tab["preprocessor"]["columns"]
        self.threshold = tab["threshold"]
        card = tab["scorecard"]
        self.factor = card["points_to_double_odds"] / math.log(2.0)
        self.offset = card["base_score"] - self.factor * math.log(card["base_odds"])
        layers = []
        for layer in json.loads(meta["model_config"])["config"]["layers"]:
            cfg = layer["config"]
            if layer["class_name"] == "Dropout":
                continue
            if layer["class_name"] != "Dense":
                raise SystemExit("the baseline scorer handles Dense networks only, not " + layer["class_name"])
            kernel = torch.from_numpy(tensors["layers/%s/kernel" % cfg["name"]].copy())
            linear = torch.nn.Linear(kernel.shape[0], kernel.shape[1])
            with torch.no_grad():
                linear.weight.copy_(kernel.T)
                linear.bias.copy_(torch.from_numpy(tensors["layers/%s/bias" % cfg["name"]].copy()))
            layers.append(linear)
            act = cfg["activation"]
            if act == "relu":
                layers.append(torch.nn.ReLU())
            elif act == "sigmoid":
                layers.append(torch.nn.Sigmoid())
            elif act != "linear":
                raise SystemExit("unsupported activation " + act)
        self.net = torch.nn.Sequential(*layers).eval()

    def features(self, row):
        out = []
        for c in self.columns:
            v = row[c["name"]]
            if c["kind"] == "numeric":
                x = c["fill"] if v is None else float(v)
                out.append((x - c["center"]) / c["scale"])
                if c["has_indicator"]:
                    out.append(1.0 if v is None else 0.0)
            elif c["kind"] == "boolean":
                x = c["fill"] if v is None else (1.0 if str(v).lower() == c["categories"][1] else 0.0)
                out.append(x)
                if c["has_indicator"]:
                    out.append(1.0 if v is None else 0.0)
            else:
                v = c["fill_category"] if v is None else str(v)
                out.extend(1.0 if v == k else 0.0 for k in c["categories"])
        return out

    def score(self, rows):
        x = torch.tensor([self.features(r) for r in rows], dtype=torch.float32)
        with torch.no_grad():
            p = self.net(x).reshape(-1).tolist()
        return [{"probability": q,
                 "decision": "adverse" if q >= self.threshold else "accept",
                 "points": self.offset - self.factor * (math.log(min(max(q, 1e-6), 1 - 1e-6))
                                                        - math.log1p(-min(max(q, 1e-6), 1 - 1e-6)))}
                for q in p]


def main():
    scorer = Scorer(sys.argv[1])
    torch.set_num_threads(1)  # one request's tiny batch; the server's threads run requests side by side

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
        # Without it the headers and the body leave as two segments and Nagle holds the
        # second until the client's delayed ACK: 44 ms per request, a baseline far below
        # what Python can do. deepfin serve sets TCP_NODELAY too.
        disable_nagle_algorithm = True

        def do_POST(self):
            try:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                out = json.dumps({"predictions": scorer.score(body["instances"])}).encode()
                self.send_response(200)
            except Exception as e:  # noqa: BLE001 - a baseline: any failure is a 400
                out = json.dumps({"error": str(e)}).encode()
                self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 1024  # the default backlog of 5 drops 64 connecting clients' SYNs
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()


if __name__ == "__main__":
    main()
