#include "deepfin/lm/text_generation.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin::lm {
namespace {

// Bytes at the end of `s` that begin an unfinished UTF-8 character (0 when the end is whole).
size_t incomplete_utf8_tail(const std::string& s) {
  for (size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    const auto c = static_cast<unsigned char>(s[s.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

// The longest suffix of `s` that is a proper prefix of some stop string.
size_t possible_stop_prefix(const std::string& s, const std::vector<std::string>& stops) {
  size_t longest = 0;
  for (const std::string& stop : stops)
    for (size_t k = std::min(stop.size() - 1, s.size()); k > longest; --k)
      if (s.compare(s.size() - k, k, stop, 0, k) == 0) {
        longest = k;
        break;
      }
  return longest;
}

struct RowText {
  std::string text;     // decoded so far (cut at a stop string once found)
  size_t streamed = 0;  // bytes of text already given to the callback
  bool stopped = false;
};

}  // namespace

TextGeneration generate_text(nn::CausalLM& model, const text::ByteBpeTokenizer& tokenizer,
                             const std::vector<std::string>& prompts, const TextGenerateOptions& o,
                             const TextCallback& on_text) {
  for (const std::string& stop : o.stop_strings)
    if (stop.empty()) throw ValueError("generate: a stop string is empty");
  if (tokenizer.vocab_size() > model.vocab_size())
    throw ValueError(fmt::format("generate: the tokenizer has {} tokens but the model only {}", tokenizer.vocab_size(),
                                 model.vocab_size()));
  std::vector<std::vector<int64_t>> ids;
  for (const std::string& p : prompts) ids.push_back(tokenizer.encode(p));
  GenerateOptions go = o.tokens;
  if (o.stop_at_eos) go.stop_tokens.push_back(tokenizer.eos_id());
  go.vocab_limit = tokenizer.vocab_size();  // ids past the tokenizer (a padded embedding) have no text
  std::vector<RowText> rows(prompts.size());
  auto flush = [&](int64_t r, bool final) {
    RowText& row = rows[static_cast<size_t>(r)];
    size_t ready = row.text.size();
    if (!final) ready -= std::max(incomplete_utf8_tail(row.text), possible_stop_prefix(row.text, o.stop_strings));
    if (on_text && ready > row.streamed) on_text(r, row.text.substr(row.streamed, ready - row.streamed));
    row.streamed = std::max(row.streamed, ready);
  };
  TextGeneration out;
  out.tokens = generate(model, ids, go, [&](int64_t r, int64_t token) {
    RowText& row = rows[static_cast<size_t>(r)];
    if (o.stop_at_eos && token == tokenizer.eos_id()) return true;  // generate() ends the row
    row.text += tokenizer.token_bytes(token);
    for (const std::string& stop : o.stop_strings)
      if (const size_t at = row.text.find(stop); at != std::string::npos) {
        row.text.resize(at);
        row.stopped = true;
      }
    flush(r, row.stopped);
    return !row.stopped;
  });
  for (size_t r = 0; r < rows.size(); ++r) {
    flush(static_cast<int64_t>(r), true);
    out.texts.push_back(rows[r].text);
  }
  return out;
}

}  // namespace deepfin::lm
