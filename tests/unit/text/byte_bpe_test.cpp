// ByteBpeTokenizer: GPT-2's pre-token splits, hand-computed training, the exact byte round trip,
// the JSON form, GPT-2's vocab.json + merges.txt, and the error for each bad input.
#include "deepfin/text/byte_bpe.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "deepfin/base/error.h"
#include "text/gpt2_pretokenize.h"
#include "unit/text/scratch_dir.h"

namespace deepfin::text {
namespace {

using Strings = std::vector<std::string>;

Strings split(std::string_view text) {
  Strings out;
  for (const auto piece : detail::gpt2_pretokenize(text)) out.emplace_back(piece);
  return out;
}

template <typename Error, typename Fn>
void expect_error(Fn&& fn, const Strings& needles) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected one naming " << needles.front();
  } catch (const Error& e) {
    for (const auto& needle : needles) EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(ByteBpe, PreTokensFollowGpt2sPattern) {
  EXPECT_EQ(split("Hello world's 2024 rates!!  \n"),
            (Strings{"Hello", " world", "'s", " 2024", " rates", "!!", "  \n"}));
  // A whitespace run before a word leaves its last space to the word; a lone "\n" stands alone.
  EXPECT_EQ(split("I'm  here\n\nnow"), (Strings{"I", "'m", " ", " here", "\n", "\n", "now"}));
  EXPECT_EQ(split("don't DON'T x'll've"), (Strings{"don", "'t", " DON", "'", "T", " x", "'ll", "'ve"}));
  EXPECT_EQ(split("$5.2bn (EUR)"), (Strings{"$", "5", ".", "2", "bn", " (", "EUR", ")"}));
  EXPECT_EQ(split("caf\xC3\xA9 cafe\xCC\x81"), (Strings{"caf\xC3\xA9", " cafe", "\xCC\x81"}));  // a mark is "other"
  EXPECT_EQ(split("x\xC2\xBD a\xC2\xA0"
                  "b"),
            (Strings{"x", "\xC2\xBD", " a", "\xC2\xA0", "b"}));  // No; NBSP
  EXPECT_EQ(split("\xF0\x9F\x91\x8D\xF0\x9F\x91\x8D!"), (Strings{"\xF0\x9F\x91\x8D\xF0\x9F\x91\x8D!"}));
  // Each invalid byte is an "other" character.
  EXPECT_EQ(split("ab\xFF\xFE"
                  "cd"),
            (Strings{"ab", "\xFF\xFE", "cd"}));
  EXPECT_EQ(split("\x80 x a \xC3"), (Strings{"\x80", " x", " a", " \xC3"}));
  EXPECT_EQ(split("<|endoftext|>"), (Strings{"<|", "endoftext", "|>"}));
  EXPECT_TRUE(split("").empty());
}

TEST(ByteBpe, TrainsTheHandComputedMerges) {
  // Pre-tokens "ab" x1, " ab" x2, " abc" x1: (a,b) is seen 4 times, then (" ", ab) 3 times; (" ab", c)
  // only once, below min_frequency 2.
  const auto bpe = ByteBpeTokenizer::train({"ab ab ab abc"}, {.vocab_size = 300, .min_frequency = 2});
  EXPECT_EQ(bpe.to_json().at("merges"), (nlohmann::json{"a b", "\xC4\xA0 ab"}));  // "Ġ" spells the space
  EXPECT_EQ(bpe.vocab_size(), 259);
  EXPECT_EQ(bpe.eos_id(), 258);
  EXPECT_EQ(bpe.token_bytes(256), "ab");
  EXPECT_EQ(bpe.token_bytes(257), " ab");
  EXPECT_EQ(bpe.token_bytes(258), "<|endoftext|>");
  EXPECT_EQ(bpe.encode("ab abc"), (std::vector<int64_t>{256, 257, 'c'}));
  EXPECT_EQ(bpe.encode("<|endoftext|>").size(), 13u);  // plain text, never the eos token
  // vocab_size caps the merges (one slot is eos); 257 leaves none.
  EXPECT_EQ(ByteBpeTokenizer::train({"ab ab ab abc"}, {.vocab_size = 258}).num_merges(), 1);
  EXPECT_EQ(ByteBpeTokenizer::train({"ab ab ab abc"}, {.vocab_size = 257}).eos_id(), 256);
  // Equal counts: the smallest pair of bytes first (" " < "x"), so " z", " zw", then "xy".
  const auto tie = ByteBpeTokenizer::train({"xy zw"}, {.vocab_size = 300, .min_frequency = 1});
  EXPECT_EQ(tie.to_json().at("merges"), (nlohmann::json{"\xC4\xA0 z", "\xC4\xA0z w", "x y"}));
}

// Recount-every-pair reference trainer (slow, obviously right): merges as pairs of byte strings.
std::vector<std::pair<std::string, std::string>> naive_merges(const Strings& texts, size_t max_tokens,
                                                              int64_t min_frequency) {
  std::map<std::string, int64_t> counts;
  for (const auto& text : texts)
    for (const auto piece : detail::gpt2_pretokenize(text)) ++counts[std::string(piece)];
  std::vector<std::pair<Strings, int64_t>> words;
  for (const auto& [piece, count] : counts) {
    Strings symbols;
    for (const char c : piece) symbols.emplace_back(1, c);
    words.emplace_back(symbols, count);
  }
  std::set<std::string> tokens;
  for (int b = 0; b < 256; ++b) tokens.insert(std::string(1, static_cast<char>(b)));
  std::vector<std::pair<std::string, std::string>> merges;
  std::set<std::pair<std::string, std::string>> merged;
  while (tokens.size() < max_tokens) {
    std::map<std::pair<std::string, std::string>, int64_t> pairs;
    for (const auto& [s, count] : words)
      for (size_t i = 0; i + 1 < s.size(); ++i) pairs[{s[i], s[i + 1]}] += count;
    auto best = pairs.end();
    for (auto it = pairs.begin(); it != pairs.end(); ++it)
      if (best == pairs.end() || it->second > best->second) best = it;
    if (best == pairs.end() || best->second < min_frequency) break;
    const auto [a, b] = best->first;
    tokens.insert(a + b);
    if (merged.insert(best->first).second) merges.emplace_back(a, b);
    for (auto& [s, count] : words) {
      Strings out;
      for (size_t i = 0; i < s.size(); ++i) {
        if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) {
          out.push_back(a + b);
          ++i;
        } else {
          out.push_back(s[i]);
        }
      }
      s = out;
    }
  }
  return merges;
}

TEST(ByteBpe, IncrementalTrainingMatchesARecountReference) {
  std::mt19937 rng(7);
  const Strings pieces = {"a", "b", "ab", "ba", " ", "  ", "\xC3\xA9", "1", "'s", "!", "\n", "c"};
  Strings texts;
  for (int t = 0; t < 200; ++t) {
    std::string text;
    for (int k = std::uniform_int_distribution<int>(0, 30)(rng); k > 0; --k)
      text += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
    texts.push_back(text);
  }
  texts.push_back("Net sales rose 5.2 % to EUR 205.5 mn; net profit rose, and the outlook for 2024 is stable.");
  for (const int64_t min_frequency : {1, 3}) {
    const auto bpe = ByteBpeTokenizer::train(texts, {.vocab_size = 420, .min_frequency = min_frequency});
    const auto expected = naive_merges(texts, 419, min_frequency);
    const nlohmann::json merges = bpe.to_json().at("merges");
    ASSERT_EQ(merges.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(merges[i], detail::gpt2_bytes_to_unicode(expected[i].first) + " " +
                               detail::gpt2_bytes_to_unicode(expected[i].second))
          << "merge " << i;
    }
    EXPECT_EQ(ByteBpeTokenizer::from_json(bpe.to_json()).fingerprint(), bpe.fingerprint());
  }
}

TEST(ByteBpe, AnyBytesRoundTrip) {
  const auto bpe = ByteBpeTokenizer::train({"Net sales rose 5.2 % to EUR 205.5 mn. Caf\xC3\xA9 r\xC3\xA9sum\xC3\xA9s!",
                                            "The bank's profit fell; it's 2024.\n\n  Shares rose 3 %.",
                                            "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x91\x8D\xF0\x9F\x91\x8D ok ok ok"},
                                           {.vocab_size = 400, .min_frequency = 1});
  std::mt19937 rng(20240611);
  const Strings fragments = {
      "a",  " ", "\n",   "\xC3\xA9",     "\xE6\x97\xA5", "'s", "\xF0\x9F\x91\x8D", "\xC3", "\x80", std::string(1, '\0'),
      "  ", "1", "rose", "\xED\xA0\x80", "\xC2\xA0",     "\t"};
  for (int n = 0; n < 1000; ++n) {
    std::string x;
    for (int k = std::uniform_int_distribution<int>(0, 24)(rng); k > 0; --k) {
      if (rng() % 2)
        x += static_cast<char>(rng() & 0xFF);
      else
        x += fragments[rng() % fragments.size()];
    }
    const std::vector<int64_t> ids = bpe.encode(x);
    ASSERT_EQ(bpe.decode(ids), x) << "case " << n;
    std::string streamed;
    for (const int64_t id : ids) streamed += bpe.token_bytes(id);
    ASSERT_EQ(streamed, x);
  }
}

TEST(ByteBpe, JsonRoundTripKeepsIdsAndTheFingerprintTracksTheMerges) {
  const Strings texts = {"Net profit rose 12 % in the quarter.", "Net sales fell; profit rose again."};
  const auto bpe = ByteBpeTokenizer::train(texts, {.vocab_size = 290, .min_frequency = 1});
  const auto loaded = ByteBpeTokenizer::from_json(nlohmann::json::parse(bpe.to_json().dump()));
  EXPECT_EQ(loaded.fingerprint(), bpe.fingerprint());
  EXPECT_EQ(loaded.vocab_size(), bpe.vocab_size());
  EXPECT_EQ(loaded.eos_id(), bpe.eos_id());
  for (const auto& text : texts) EXPECT_EQ(loaded.encode(text), bpe.encode(text));
  EXPECT_EQ(bpe.fingerprint().size(), 16u);
  EXPECT_NE(ByteBpeTokenizer::train(texts, {.vocab_size = 280, .min_frequency = 1}).fingerprint(), bpe.fingerprint());
  EXPECT_NE(ByteBpeTokenizer::train({"Net loss."}, {.vocab_size = 300}).fingerprint(), bpe.fingerprint());
}

// GPT-2's layout: the 256 byte tokens (those that stand for themselves first), then "Ġt", "he", "Ġthe", eos.
nlohmann::json small_gpt2_vocab() {
  nlohmann::json vocab = nlohmann::json::object();
  const auto& codepoints = detail::gpt2_byte_codepoints();
  for (const bool printable : {true, false})
    for (int b = 0; b < 256; ++b)
      if ((codepoints[static_cast<size_t>(b)] == b) == printable)
        vocab[detail::gpt2_bytes_to_unicode(std::string(1, static_cast<char>(b)))] = vocab.size();
  for (const char* token : {"\xC4\xA0t", "he", "\xC4\xA0the", "<|endoftext|>"}) vocab[token] = vocab.size();
  return vocab;
}
const std::string kSmallMerges = "#version: 0.2\n\xC4\xA0 t\nh e\n\xC4\xA0t he\n";

TEST(ByteBpe, LoadsGpt2VocabAndMerges) {
  const testing::ScratchDir dir;
  const auto bpe = ByteBpeTokenizer::from_gpt2_files(dir.write("vocab.json", small_gpt2_vocab().dump()),
                                                     dir.write("merges.txt", kSmallMerges));
  EXPECT_EQ(bpe.vocab_size(), 260);
  EXPECT_EQ(bpe.eos_id(), 259);
  EXPECT_EQ(bpe.num_merges(), 3);
  // GPT-2's own ids for these bytes: "t" 83, "Ġ" (space) 220, "Ċ" (newline) 198, "!" 0.
  EXPECT_EQ(bpe.encode("the the\n!"), (std::vector<int64_t>{83, 257, 258, 198, 0}));
  EXPECT_EQ(bpe.encode(" "), (std::vector<int64_t>{220}));
  EXPECT_EQ(bpe.decode({258, 259}), " the<|endoftext|>");
  // Windows line ends and no "#version" line load the same.
  const auto crlf = ByteBpeTokenizer::from_gpt2_files(dir.sub("vocab.json"),
                                                      dir.write("crlf.txt", "\xC4\xA0 t\r\nh e\r\n\xC4\xA0t he\r\n"));
  EXPECT_EQ(crlf.fingerprint(), bpe.fingerprint());
  EXPECT_EQ(ByteBpeTokenizer::from_gpt2_files(dir.sub("vocab.json"), dir.write("none.txt", "")).num_merges(), 0);
}

TEST(ByteBpe, EachBadGpt2FileIsNamed) {
  const testing::ScratchDir dir;
  const std::string vocab = dir.write("vocab.json", small_gpt2_vocab().dump());
  const std::string merges = dir.write("merges.txt", kSmallMerges);
  const auto load_vocab = [&](const std::string& text) {
    return [&, text] { ByteBpeTokenizer::from_gpt2_files(dir.write("bad.json", text), merges); };
  };
  const auto load_merges = [&](const std::string& text) {
    return [&, text] { ByteBpeTokenizer::from_gpt2_files(vocab, dir.write("bad.txt", text)); };
  };
  expect_error<FileError>([&] { ByteBpeTokenizer::from_gpt2_files(dir.sub("none.json"), merges); }, {"none.json"});
  expect_error<FileError>([&] { ByteBpeTokenizer::from_gpt2_files(vocab, dir.sub("none.txt")); }, {"none.txt"});
  std::filesystem::create_directory(dir.sub("folder"));
  expect_error<FileError>([&] { ByteBpeTokenizer::from_gpt2_files(vocab, dir.sub("folder")); }, {"folder", "a folder"});
  expect_error<FileError>(load_vocab("[1, 2]"), {"bad.json", "expected a JSON object", "array"});
  expect_error<FileError>(load_vocab("{\"a\": "), {"bad.json", "not valid JSON"});
  auto edited = small_gpt2_vocab();
  edited["he"] = 9999;
  expect_error<FileError>(load_vocab(edited.dump()), {"bad.json", "\"he\"", "[0, 260)", "9999"});
  edited["he"] = 0;
  expect_error<FileError>(load_vocab(edited.dump()), {"bad.json", "id 0 is given to both"});
  edited = small_gpt2_vocab();
  edited["<pad>"] = edited["\xC4\x80"];  // byte 0x00 loses its token
  edited.erase("\xC4\x80");
  expect_error<FileError>(load_vocab(edited.dump()), {"bad.json", "no token for byte 0x00"});
  edited = small_gpt2_vocab();
  edited["<|end|>"] = 259;
  edited.erase("<|endoftext|>");
  expect_error<FileError>(load_vocab(edited.dump()), {"bad.json", "no \"<|endoftext|>\" token"});
  edited["<|end of text|>"] = 259;  // a plain space is not in GPT-2's alphabet
  edited.erase("<|end|>");
  expect_error<FileError>(load_vocab(edited.dump()), {"bad.json", "\"<|end of text|>\"", "alphabet"});

  expect_error<FileError>(load_merges("#version: 0.2\n\xC4\xA0 t\nh e x\n"), {"bad.txt:3", "one space", "h e x"});
  expect_error<FileError>(load_merges("\xC4\xA0 t\nxy z\n"), {"bad.txt:2", "first token", "\"xy\""});
  expect_error<FileError>(load_merges("h e\nt he\n"), {"bad.txt:2", "the result", "\"the\""});
  expect_error<FileError>(load_merges("h e\n\nh e\n"), {"bad.txt:3", "listed twice", "bad.txt:1"});
}

TEST(ByteBpe, EachBadJsonKeyIsNamed) {
  const auto good = ByteBpeTokenizer::train({"ab ab ab abc"}, {.vocab_size = 300}).to_json();
  const auto expect_key = [](const nlohmann::json& json, const Strings& needles) {
    expect_error<FileError>([&] { ByteBpeTokenizer::from_json(json); }, needles);
  };
  expect_key(nlohmann::json::array(), {"expected an object"});
  auto bad = good;
  bad.erase("type");
  expect_key(bad, {"missing key 'type'"});
  bad = good;
  bad["type"] = "wordpiece";
  expect_key(bad, {"'type'", "wordpiece"});
  bad = good;
  bad["version"] = 2;
  expect_key(bad, {"'version'", "2"});
  bad = good;
  bad["vocab"] = "abc";
  expect_key(bad, {"'vocab'", "array"});
  bad = good;
  bad["vocab"][3] = 3;
  expect_key(bad, {"'vocab' entry 3 is not a string"});
  bad = good;
  bad["vocab"][257] = "ab";
  expect_key(bad, {"'vocab'", "\"ab\" is listed twice (ids 256 and 257)"});
  bad = good;
  bad["merges"][1] = "a  b";
  expect_key(bad, {"'merges' entry 1", "two tokens"});
  bad = good;
  bad["merges"][0] = "a q\xC3\xA9";
  expect_key(bad, {"'merges' entry 0", "second token", "\"q\xC3\xA9\""});
  bad = good;
  bad["fingerprint"] = "0123456789abcdef";
  expect_key(bad, {"'fingerprint'", "does not match"});
}

TEST(ByteBpe, BadArgumentsAreNamed) {
  expect_error<ValueError>([] { ByteBpeTokenizer::train({"ab"}, {.vocab_size = 256}); }, {"vocab_size", "256"});
  expect_error<ValueError>([] { ByteBpeTokenizer::train({"ab"}, {.min_frequency = 0}); }, {"min_frequency", "0"});
  const auto bpe = ByteBpeTokenizer::train({"ab ab"}, {.vocab_size = 300});
  expect_error<IndexError>([&] { bpe.decode({97, 9999}); }, {"id 9999", "position 1", "[0, 258)"});
  expect_error<IndexError>([&] { bpe.decode({-1}); }, {"id -1", "position 0"});
  expect_error<IndexError>([&] { bpe.token_bytes(258); }, {"id 258", "[0, 258)"});
}

}  // namespace
}  // namespace deepfin::text
