#!/usr/bin/python3
"""The credit examples with their model swapped for PLR, TabM-mini or FT-Transformer.

Writes OUT_DIR/NAME_{mlp,plr,tabm,tabm_plr,ft,es}.toml from examples/NAME.toml, changing only
[model] (and, for ft, the optimizer: AdamW 1e-4, weight decay 1e-5, the FT-Transformer paper's
defaults); "es" is the example with `early_stopping = false` removed, so the default early
stopping runs. Paths in the job are made absolute, so the variants run from anywhere. Then
score each with the same folds and pair them (docs/tabular_models.md):

    bench/tabular_variants.py credit_german /tmp/variants
    for v in mlp plr tabm tabm_plr ft es; do
      deepfin cv /tmp/variants/credit_german_$v.toml --folds 10 > /tmp/variants/credit_german_$v.txt
    done
    bench/tabular_variants.py --pair /tmp/variants/credit_german_plr.txt /tmp/variants/credit_german_mlp.txt

--pair prints the per-fold AUC difference of two `deepfin cv` (or `deepfin tune`: its tuned
recipe's outer folds) outputs on the same folds and
the corrected resampled t-test (Nadeau & Bengio 2003), as `deepfin tune` computes it. Either
side may be the output of bench/credit_baselines.py, whose XGBoost fold scores are then used:
`deepfin cv --folds 10` and `deepfin tune` with 10 outer folds cut the same folds (seed 42).
"""
import argparse
import math
import pathlib
import re

from scipy import stats

ROOT = pathlib.Path(__file__).resolve().parents[1]


def layer(class_name, config=None):
    text = f'[[model.config.layers]]\nclass_name = "{class_name}"\n'
    return text + (f"config = {config}\n\n" if config else "\n")


def variants(name, out_dir):
    src = (ROOT / "examples" / f"{name}.toml").read_text()
    src = re.sub(r'"(\.\./shared/[^"]*)"', lambda m: f'"{(ROOT / m.group(1)).resolve()}"', src)
    src = re.sub(r'"(out|report)/', lambda m: f'"{out_dir}/{m.group(1)}/', src)
    start, end = src.index("[[model.config.layers]]"), src.index("[compile]")
    layers = src[start:end]
    hidden = layers[: layers.rindex("[[model.config.layers]]")]  # everything but the output Dense
    plr = layer("PeriodicEmbedding", '{ features = "numeric" }')
    ensemble_in = layer("EnsembleInput", "{ members = 32 }")
    ensemble_out = layer("EnsembleDense", "{ units = 1 }") + layer("EnsembleMean", '{ activation = "sigmoid" }')
    block = ('{ num_heads = 4, ff_dim = 64, norm_first = true, dropout = 0.1, activation = "relu" }')
    ft = (layer("FeatureTokenizer", "{ d_token = 32 }") + layer("TransformerEncoder", block) * 2
          + layer("SelectToken", "{ index = -1 }") + layer("LayerNormalization")
          + layer("Activation", '{ activation = "relu" }') + layer("Dense", '{ units = 1, activation = "sigmoid" }'))
    bodies = {"mlp": layers, "plr": plr + layers, "tabm": ensemble_in + hidden + ensemble_out,
              "tabm_plr": plr + ensemble_in + hidden + ensemble_out, "ft": ft}
    out_dir.mkdir(parents=True, exist_ok=True)
    for variant, body in bodies.items():
        job = src[:start] + body + src[end:]
        if variant == "ft":
            job = re.sub(r"optimizer = .*\n", 'optimizer = { class_name = "AdamW", config = '
                         "{ learning_rate = 0.0001, weight_decay = 0.00001 } }\n", job, count=1)
        (out_dir / f"{name}_{variant}.toml").write_text(job)
    (out_dir / f"{name}_es.toml").write_text(src.replace("early_stopping = false\n", ""))


def fold_aucs(path):
    """Per-fold AUCs of a `deepfin cv` output, XGBoost's from a bench/credit_baselines.py one,
    or the tuned recipe's outer-fold scores from a `deepfin tune` one."""
    text = pathlib.Path(path).read_text()
    xgboost = re.findall(r"^fold \d+: .*XGBoost \(nested grid\) ([0-9.]+)", text, re.M)
    if xgboost:
        return [float(v) for v in xgboost]
    tuned = re.findall(r"^outer fold \d+/\d+: tuned auc ([0-9.]+)", text, re.M)
    if tuned:
        return [float(v) for v in tuned]
    return [float(m.group(1)) for m in re.finditer(r"^fold\s+\d+/\d+: .* auc ([0-9.]+)", text, re.M)]


def pair(a_path, b_path):
    a, b = fold_aucs(a_path), fold_aucs(b_path)
    if not a or len(a) != len(b):
        raise SystemExit(f"need two cv outputs with the same number of folds, got {len(a)} and {len(b)}")
    d = [x - y for x, y in zip(a, b)]
    k = len(d)
    mean = sum(d) / k
    var = sum((x - mean) ** 2 for x in d) / (k - 1)
    t = mean / math.sqrt(var * (1 / k + 1 / (k - 1))) if var > 0 else math.inf
    p = 2 * stats.t.sf(abs(t), k - 1)
    print(f"{a_path} - {b_path}: AUC {sum(a) / k:.4f} vs {sum(b) / k:.4f}, difference {mean:+.4f}, "
          f"t {t:+.2f}, p {p:.2f}, folds won {sum(x > 0 for x in d)}/{k}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pair", nargs=2, metavar=("A", "B"), help="pair two deepfin cv outputs")
    p.add_argument("name", nargs="?", help="an example: credit_german, credit_data, credit_lending_club")
    p.add_argument("out_dir", nargs="?", type=pathlib.Path)
    args = p.parse_args()
    if args.pair:
        pair(*args.pair)
    elif args.name and args.out_dir:
        variants(args.name, args.out_dir.resolve())
    else:
        p.error("give NAME OUT_DIR, or --pair A B")


if __name__ == "__main__":
    main()
