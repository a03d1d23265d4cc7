#!/usr/bin/env python3
"""Reference ids for the GPT-2 byte-level BPE tokenizer (src/text/byte_bpe.cpp).

An independent re-implementation of GPT-2's encoder.py: bytes_to_unicode() and bpe() as
encoder.py writes them, and the pre-tokenizer pattern

    's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+

matched alternative by alternative with backtracking, as a regex engine does (Debian has no
python3-regex, and the C++ side scans the classes by hand, so the two share no code). \\s is
Unicode White_Space. Invalid UTF-8 is decoded with "surrogateescape": each bad byte becomes a lone
surrogate (category Cs), an "other" character, which is the rule deepfin documents.

Nothing is trained: a fixed, hand-written vocabulary and merge list in GPT-2's layout (the 256
byte tokens in bytes_to_unicode order, then one token per new merge result, then
"<|endoftext|>") and ~40 texts with their pre-token pieces and ids. Only the standard library:

    /usr/bin/python3 tests/parity/generate_bpe_fixtures.py
"""
import json
import pathlib
import unicodedata

OUT = pathlib.Path(__file__).resolve().parent / "fixtures" / "bpe_gpt2_small.json"


def bytes_to_unicode():  # encoder.py
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2**8):
        if b not in bs:
            bs.append(b)
            cs.append(2**8 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


WHITE_SPACE = {chr(c) for c in [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                0x2028, 0x2029, 0x202F, 0x205F, 0x3000]}


def is_letter(ch):
    return unicodedata.category(ch)[0] == "L"


def is_number(ch):
    return unicodedata.category(ch)[0] == "N"


def is_other(ch):  # [^\s\p{L}\p{N}]
    return ch not in WHITE_SPACE and not is_letter(ch) and not is_number(ch)


def match_at(s, i):
    """End of the first alternative of the pattern that matches at s[i]."""
    for c in ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d"):
        if s.startswith(c, i):
            return i + len(c)
    for in_class in (is_letter, is_number, is_other):  # " ?X+": the space taken first, then given back
        for start in ((i + 1, i) if s[i] == " " else (i,)):
            j = start
            while j < len(s) and in_class(s[j]):
                j += 1
            if j > start:
                return j
    j = i  # \s+(?!\S): the longest run, shortened until no non-space follows
    while j < len(s) and s[j] in WHITE_SPACE:
        j += 1
    for end in range(j, i, -1):
        if end == len(s) or s[end] in WHITE_SPACE:
            return end
    assert j > i  # \s+
    return j


def pretokenize(s):
    pieces, i = [], 0
    while i < len(s):
        j = match_at(s, i)
        pieces.append(s[i:j])
        i = j
    return pieces


def get_pairs(word):  # encoder.py
    return set(zip(word, word[1:]))


def bpe(token, bpe_ranks):  # encoder.py (without the cache)
    word = tuple(token)
    pairs = get_pairs(word)
    if not pairs:
        return token
    while True:
        bigram = min(pairs, key=lambda pair: bpe_ranks.get(pair, float("inf")))
        if bigram not in bpe_ranks:
            break
        first, second = bigram
        new_word = []
        i = 0
        while i < len(word):
            try:
                j = word.index(first, i)
            except ValueError:
                new_word.extend(word[i:])
                break
            new_word.extend(word[i:j])
            i = j
            if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                new_word.append(first + second)
                i += 2
            else:
                new_word.append(word[i])
                i += 1
        word = tuple(new_word)
        if len(word) == 1:
            break
        pairs = get_pairs(word)
    return " ".join(word)


def B(x):
    return x if isinstance(x, bytes) else x.encode("utf-8")


# Merges as raw byte strings, in rank order. Chosen to exercise: ranks deciding between
# overlapping pairs ("e r" before "r e"), all occurrences merged left to right ("a a" on
# "aaaaa"), two merges with the same result ("ab c" and "a bc"), bytes inside one UTF-8
# character (é, 日, 👍), runs of spaces and newlines, digits and contractions.
MERGES = [(B(a), B(b)) for a, b in [
    (" ", "t"), ("h", "e"), ("i", "n"), (" ", "a"), ("e", "r"), ("r", "e"), ("o", "n"), (" t", "he"),
    (" ", "s"), ("a", "t"), ("e", "n"), ("o", "r"), (" ", "w"), ("e", "s"), (" ", "o"), ("i", "s"),
    (" ", "c"), ("l", "l"), (" ", "p"), ("a", "n"), (" ", "f"), ("o", "u"), ("r", "a"), (" ", "r"),
    (" r", "at"), (" rat", "es"), ("'", "s"), ("'", "t"), ("'", "ll"), ("'", "re"), ("v", "e"), ("'", "ve"),
    ("2", "0"), (" ", "2"), (" 2", "0"), (" 20", "2"), ("1", "0"), ("0", "0"), ("00", "0"),
    (" ", " "), ("  ", "  "), ("\n", "\n"), (" ", "\n"), ("\n", " "), ("!", "!"), (".", " "),
    ("a", "a"), ("aa", "aa"), ("a", "b"), ("b", "c"), ("ab", "c"), ("a", "bc"), (" ", "abc"),
    (b"\xc3", b"\xa9"), ("a", "f"), ("c", "af"), ("caf", "é"), (" ", "é"),
    (b"\xe6", b"\x97"), (b"\xe6\x97", b"\xa5"), (b"\xe6", b"\x9c"), (b"\xe6\x9c", b"\xac"),
    (b"\xf0", b"\x9f"), (b"\xf0\x9f", b"\x91"), (b"\xf0\x9f\x91", b"\x8d"), ("👍", "👍"),
    ("H", "e"), ("He", "ll"), ("Hell", "o"), (" w", "or"), ("l", "d"), (" wor", "ld"),
    ("%", ")"), ("$", "1"), (",", "000"), ("<", "|"), ("|", ">"), ("en", "d"), ("o", "f"), ("end", "of"),
]]

TEXTS = [B(t) for t in [
    "Hello world's 2024 rates!!  \n",
    "The rate is 5.25% (up from 4.75%) \u2014 isn't that high?",
    "I'm sure they'll say we've done it; you'd agree, they're right.",
    "DON'T SHOUT'S 'S",
    "caf\u00e9 r\u00e9sum\u00e9 na\u00efve",
    "cafe\u0301 combining",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3001\u65e5\u672c\u3002",
    "\u80a1\u4ef7\u4e0a\u6da8\u4e863.5%",
    "\U0001f44d\U0001f44d great!! \U0001f680\U0001f680\U0001f680",
    "   leading spaces",
    "trailing spaces   ",
    "tabs\tand\nnewlines\n\n\nend",
    "mixed \t \n whitespace\r\n",
    "aaaaa aaaa aaa a",
    "abc bcd abcd xabc",
    "error erer rer there",
    "\u00dcmlaut \u00c4\u00d6\u00dc stra\u00dfe",
    "x\u00b2 + y\u00b3 = \u00bd and \u216b",
    "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
    "a\u00a0b\u2003c\u3000d \u00a0e",
    "<|endoftext|> after",
    "",
    " ",
    "\n",
    "'s's 's ''s x'",
    "$1,000,000.00 USD",
    "hello\x00world\x7f",
    "1234567890 12 345",
    "skin \U0001f44d\U0001f3fd zwj \U0001f468\u200d\U0001f469\u200d\U0001f467",
    "e.g. U.S.A. i.e.",
    "line\u2028sep\u2029para",
    "  \n\n  x  \n",
]] + [
    b"ab\xff\xfecd",
    b"\x80 x",
    b"\xe2\x82 euro",
    b"caf\xc3",
    b"\xed\xa0\x80 surrogate",
    b"\xc0\x80 overlong",
    b"\xf4\x90\x80\x80 too big",
    b"\xf0\x9f\x91 cut \xf0\x9f\x91\x8d",
    b" \xff\xff!",
]


def main():
    byte_encoder = bytes_to_unicode()

    def spell(raw):
        return "".join(byte_encoder[b] for b in raw)

    vocab = {}
    for b in byte_encoder:  # bytes_to_unicode order: GPT-2's ids 0..255
        vocab[byte_encoder[b]] = len(vocab)
    lines = []
    for a, b in MERGES:
        assert spell(a) in vocab and spell(b) in vocab, (a, b)
        vocab.setdefault(spell(a + b), len(vocab))
        lines.append(f"{spell(a)} {spell(b)}")
    vocab.setdefault("<|endoftext|>", len(vocab))
    assert len(set(lines)) == len(lines)
    ranks = {tuple(line.split(" ")): r for r, line in enumerate(lines)}

    cases = []
    for raw in TEXTS:
        text = raw.decode("utf-8", "surrogateescape")
        pieces = [p.encode("utf-8", "surrogateescape") for p in pretokenize(text)]
        assert b"".join(pieces) == raw
        ids = [vocab[t] for p in pieces for t in bpe(spell(p), ranks).split(" ")] if raw else []
        case = {"hex": raw.hex(), "pieces": [p.hex() for p in pieces], "ids": ids}
        try:
            case["text"] = raw.decode("utf-8")  # for a reader; the test uses "hex"
        except UnicodeDecodeError:
            pass
        cases.append(case)
    out = {
        "source": "tests/parity/generate_bpe_fixtures.py (encoder.py re-implemented; unicodedata "
                  + unicodedata.unidata_version + ")",
        "vocab": vocab,
        "merges_txt": "#version: 0.2\n" + "".join(line + "\n" for line in lines),
        "eos_id": vocab["<|endoftext|>"],
        "cases": cases,
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(vocab)} tokens, {len(lines)} merges, {len(cases)} texts")


if __name__ == "__main__":
    main()
