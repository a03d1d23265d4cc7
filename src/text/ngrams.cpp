#include "deepfin/text/ngrams.h"

#include <fmt/format.h>

#include <algorithm>

#include "deepfin/base/error.h"

namespace deepfin::text {

void check_ngram_options(const NgramOptions& options) {
  if (options.order < 1 || options.order > 3)
    throw ValueError(fmt::format("n-grams: order must be 1, 2 or 3, got {}", options.order));
  if (options.order > 1 && options.buckets < 1)
    throw ValueError(fmt::format("n-grams: order {} needs buckets >= 1, got {}", options.order, options.buckets));
  if (options.buckets < 0) throw ValueError(fmt::format("n-grams: buckets must be >= 0, got {}", options.buckets));
}

int64_t ngram_bucket(const int64_t* ids, int64_t n, int64_t buckets) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  for (int64_t i = 0; i < n; ++i) {
    auto v = static_cast<uint64_t>(ids[i]);
    for (int byte = 0; byte < 8; ++byte, v >>= 8) {
      h ^= v & 0xffU;
      h *= 0x100000001b3ULL;  // FNV prime
    }
  }
  return static_cast<int64_t>(h % static_cast<uint64_t>(buckets));
}

std::vector<int64_t> with_ngrams(const std::vector<int64_t>& tokens, const NgramOptions& options, int64_t vocab_size,
                                 int64_t max_length, bool skip_first, bool* cut) {
  const auto limit = static_cast<size_t>(max_length);
  if (cut) *cut = tokens.size() > limit;
  std::vector<int64_t> out(tokens.begin(),
                           tokens.begin() + static_cast<std::ptrdiff_t>(std::min(tokens.size(), limit)));
  const size_t first = skip_first ? 1 : 0;
  const size_t kept = out.size();
  for (int64_t n = 2; n <= options.order; ++n)
    for (size_t i = first; i + static_cast<size_t>(n) <= kept && out.size() < limit; ++i)
      out.push_back(vocab_size + ngram_bucket(out.data() + i, n, options.buckets));
  return out;
}

nlohmann::json ngram_options_to_json(const NgramOptions& options) {
  return {{"order", options.order}, {"buckets", options.buckets}};
}

NgramOptions ngram_options_from_json(const nlohmann::json& json) {
  NgramOptions o;
  if (json.is_null()) return o;
  try {
    o.order = json.at("order").get<int64_t>();
    o.buckets = json.at("buckets").get<int64_t>();
    check_ngram_options(o);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("malformed n-gram options {}: {}", json.dump(), e.what()));
  } catch (const ValueError& e) {
    throw FileError(fmt::format("malformed n-gram options {}: {}", json.dump(), e.what()));
  }
  return o;
}

}  // namespace deepfin::text
