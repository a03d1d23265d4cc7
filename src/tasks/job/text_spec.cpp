#include <fmt/format.h>

#include <set>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "spec_parsers.h"

namespace deepfin::tasks {
TextSpec parse_text_spec(const nlohmann::json& job, const std::string& file) {
  TextSpec s;
  const nlohmann::json data = job.value("data", nlohmann::json::object());
  config::check_keys(data,
                     {"source", "format", "train", "test", "text_column", "label_column", "encoding", "test_split"},
                     "data", file);
  s.format = config::get_or<std::string>(data, "format", s.format, "data", file);
  if (s.format != "csv" && s.format != "phrasebank")
    throw ConfigError(fmt::format("{}: [data] format must be \"csv\" or \"phrasebank\", got \"{}\"", file, s.format));
  s.train = config::get_or<std::string>(data, "train", "", "data", file);
  if (s.train.empty()) throw ConfigError(fmt::format("{}: [data] source \"text\" needs train = a file of texts", file));
  s.test = config::get_or<std::string>(data, "test", "", "data", file);
  s.text_column = config::get_or<std::string>(data, "text_column", s.text_column, "data", file);
  s.label_column = config::get_or<std::string>(data, "label_column", s.label_column, "data", file);
  // PhraseBank files come in both encodings, so they are detected; a CSV is UTF-8 unless
  // the job says otherwise, and a stray byte in it is an error, not a re-reading as Latin-1.
  s.encoding = config::get_or<std::string>(data, "encoding", s.format == "phrasebank" ? "auto" : "utf-8", "data", file);
  if (s.encoding != "auto" && s.encoding != "utf-8" && s.encoding != "latin-1")
    throw ConfigError(
        fmt::format("{}: [data] encoding must be \"auto\", \"utf-8\" or \"latin-1\", got \"{}\"", file, s.encoding));
  s.test_split = config::get_or<double>(data, "test_split", s.test_split, "data", file);
  if (!(s.test_split > 0 && s.test_split < 1))
    throw ConfigError(fmt::format("{}: [data] test_split must lie in (0, 1), got {}", file, s.test_split));

  const nlohmann::json text = job.value("text", nlohmann::json::object());
  config::check_keys(text,
                     {"vocab_size", "min_frequency", "max_length", "lowercase", "strip_accents", "confidence_threshold",
                      "ensemble", "cross_fit", "ngrams", "ngram_buckets", "linear", "linear_features", "lexicon"},
                     "text", file);
  s.vocab_size = config::get_or<int64_t>(text, "vocab_size", s.vocab_size, "text", file);
  s.min_frequency = config::get_or<int64_t>(text, "min_frequency", s.min_frequency, "text", file);
  s.max_length = config::get_or<int64_t>(text, "max_length", s.max_length, "text", file);
  s.lowercase = config::get_or<bool>(text, "lowercase", s.lowercase, "text", file);
  s.strip_accents = config::get_or<bool>(text, "strip_accents", s.strip_accents, "text", file);
  s.confidence_threshold = config::get_or<double>(text, "confidence_threshold", s.confidence_threshold, "text", file);
  s.ngrams = config::get_or<int64_t>(text, "ngrams", s.ngrams, "text", file);
  s.ngram_buckets = config::get_or<int64_t>(text, "ngram_buckets", s.ngram_buckets, "text", file);
  if (s.ngrams < 1 || s.ngrams > 3 || s.ngram_buckets < 1)
    throw ConfigError(fmt::format("{}: [text] ngrams must be 1, 2 or 3 and ngram_buckets >= 1 (got {} and {})", file,
                                  s.ngrams, s.ngram_buckets));
  s.ensemble = config::get_or<int64_t>(text, "ensemble", s.ensemble, "text", file);
  if (s.ensemble < 1 || s.ensemble > 64)
    throw ConfigError(fmt::format("{}: [text] ensemble must lie in [1, 64], got {}", file, s.ensemble));
  s.cross_fit = config::get_or<bool>(text, "cross_fit", s.cross_fit, "text", file);
  if (s.cross_fit && s.ensemble < 2)
    throw ConfigError(
        fmt::format("{}: [text] cross_fit holds out one fold of the training texts per ensemble member, so it needs "
                    "ensemble >= 2 (got {})",
                    file, s.ensemble));
  s.linear = config::get_or<std::string>(text, "linear", s.linear, "text", file);
  if (s.linear != "none" && s.linear != "stack")
    throw ConfigError(fmt::format("{}: [text] linear must be \"none\" or \"stack\", got \"{}\"", file, s.linear));
  s.linear_features = config::get_or<std::string>(text, "linear_features", s.linear_features, "text", file);
  s.lexicon = config::get_or<std::string>(text, "lexicon", s.lexicon, "text", file);
  if (!s.lexicon.empty() && s.linear != "stack")
    throw ConfigError(fmt::format(
        "{}: [text] lexicon gives the linear model word-list features, but linear is \"{}\"; set linear = \"stack\"",
        file, s.linear));
  if (s.linear_features != "tfidf" && s.linear_features != "nb" && s.linear_features != "choose")
    throw ConfigError(fmt::format("{}: [text] linear_features must be \"tfidf\", \"nb\" or \"choose\", got \"{}\"",
                                  file, s.linear_features));
  if (s.vocab_size < 16 || s.max_length < 1 || s.min_frequency < 1)
    throw ConfigError(fmt::format("{}: [text] needs vocab_size >= 16, max_length >= 1 and min_frequency >= 1", file));
  // Texts are encoded as (N, max_length) ids: a typo'd 10^9 would take N x 8 GB.
  constexpr int64_t kMaxLength = 65536;
  if (s.max_length > kMaxLength || s.vocab_size > (int64_t{1} << 24))
    throw ConfigError(
        fmt::format("{}: [text] max_length {} or vocab_size {} is beyond the limits ({} tokens, 2^24 "
                    "entries)",
                    file, s.max_length, s.vocab_size, kMaxLength));
  if (!(s.confidence_threshold >= 0 && s.confidence_threshold <= 1))
    throw ConfigError(fmt::format("{}: [text] confidence_threshold must lie in [0, 1]", file));
  return s;
}

std::map<std::string, std::string> parse_replies_spec(const nlohmann::json& table, const std::string& file) {
  if (!table.is_object()) throw ConfigError(fmt::format("{}: [replies] must be a table of label = \"reply\"", file));
  std::map<std::string, std::string> out;
  for (const auto& [label, reply] : table.items()) {
    if (!reply.is_string() || reply.get<std::string>().empty())
      throw ConfigError(fmt::format("{}: [replies] {} must be the reply's text (a non-empty string)", file, label));
    out[label] = reply.get<std::string>();
  }
  return out;
}

}  // namespace deepfin::tasks
