#include "deepfin/privacy/noise_source.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"
#include "privacy/gaussian_block.h"

namespace deepfin::privacy {
namespace {
constexpr size_t kWordsPerRefill = 4096;
}

NoiseSource::NoiseSource(bool secure, uint64_t seed) : secure_(secure), generator_(seed) {}

void NoiseSource::refill() {
  buffer_.resize(kWordsPerRefill);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buffer_.data()), static_cast<int>(buffer_.size() * 8)) != 1)
    throw Error(fmt::format("privacy: OpenSSL's RAND_bytes failed ({}); no noise was drawn and no step was taken",
                            ERR_error_string(ERR_get_error(), nullptr)));
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

double NoiseSource::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform01();
  while (u1 == 0.0) u1 = uniform01();  // log(0) would be -inf
  const double u2 = uniform01();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  spare_ = radius * std::sin(2.0 * M_PI * u2);
  has_spare_ = true;
  return radius * std::cos(2.0 * M_PI * u2);
}

void NoiseSource::add_gaussian(float* values, int64_t n, double stddev) {
  // Blocks of words, then normals from them many at a time (gaussian_block.cpp).
  constexpr int64_t kBlock = 4096;
  std::vector<uint64_t> words(kBlock);
  std::vector<double> normals(kBlock);
  for (int64_t start = 0; start < n; start += kBlock) {
    const int64_t count = std::min(kBlock, n - start);
    const int64_t pairs = (count + 1) / 2;
    for (int64_t k = 0; k < 2 * pairs; ++k) words[static_cast<size_t>(k)] = next_u64();
    detail::normals_from_words(words.data(), pairs, normals.data());
    for (int64_t i = 0; i < count; ++i)
      values[start + i] = static_cast<float>(values[start + i] + stddev * normals[static_cast<size_t>(i)]);
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
