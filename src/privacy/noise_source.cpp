#include "deepfin/privacy/noise_source.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/base/threads.h"
#include "privacy/gaussian_block.h"

namespace deepfin::privacy {
namespace {

constexpr size_t kWordsPerRefill = 4096;

// n words from OpenSSL's CSPRNG, in pieces RAND_bytes's int length can hold.
void secure_words(uint64_t* words, size_t n) {
  constexpr size_t kPiece = size_t{1} << 26;  // 512 MB
  for (size_t start = 0; start < n; start += kPiece) {
    const size_t count = std::min(kPiece, n - start);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(words + start), static_cast<int>(count * 8)) != 1)
      throw Error(fmt::format("privacy: OpenSSL's RAND_bytes failed ({}); no noise was drawn and no step was taken",
                              ERR_error_string(ERR_get_error(), nullptr)));
  }
}

}  // namespace

NoiseSource::NoiseSource(bool secure, uint64_t seed) : secure_(secure), generator_(seed) {}

void NoiseSource::refill() {
  buffer_.resize(kWordsPerRefill);
  secure_words(buffer_.data(), buffer_.size());
  next_ = 0;
}

uint64_t NoiseSource::next_u64() {
  if (!secure_) return generator_.next_u64();
  if (next_ >= buffer_.size()) refill();
  return buffer_[next_++];
}

double NoiseSource::uniform01() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

void NoiseSource::add_gaussian(float* values, int64_t n, double stddev) {
  // All the words first, in order, so a seeded run is the same for any thread
  // count; then the normals (the costly part) chunk by chunk on every thread.
  constexpr int64_t kChunk = 4096;  // normals per chunk, from as many words
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  words_.resize(static_cast<size_t>(chunks * kChunk));
  if (secure_) {
    secure_words(words_.data(), words_.size());
  } else {
    for (uint64_t& w : words_) w = generator_.next_u64();
  }
#pragma omp parallel num_threads(get_num_threads()) if (chunks > 1)
  {
    std::vector<double> normals(kChunk);
#pragma omp for schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      detail::normals_from_words(words_.data() + c * kChunk, kChunk / 2, normals.data());
      const int64_t begin = c * kChunk, count = std::min(kChunk, n - begin);
      for (int64_t i = 0; i < count; ++i)
        values[begin + i] = static_cast<float>(values[begin + i] + stddev * normals[static_cast<size_t>(i)]);
    }
  }
}

std::vector<int64_t> NoiseSource::poisson_sample(int64_t n, double q) {
  std::vector<int64_t> chosen;
  if (q >= 1.0) {
    for (int64_t i = 0; i < n; ++i) chosen.push_back(i);
    return chosen;
  }
  if (q <= 0.0) return chosen;
  chosen.reserve(static_cast<size_t>(static_cast<double>(n) * q * 1.2) + 16);
  // The gaps between chosen rows are geometric: P(gap >= k) = (1 - q)^k. Drawing
  // them costs q n draws per step instead of n, the same distribution as one
  // coin per row.
  const double log_keep = std::log1p(-q);
  for (double i = -1.0;;) {
    const double gap = std::floor(std::log1p(-uniform01()) / log_keep);
    i += 1.0 + gap;
    if (!(i < static_cast<double>(n))) break;
    chosen.push_back(static_cast<int64_t>(i));
  }
  return chosen;
}

}  // namespace deepfin::privacy
