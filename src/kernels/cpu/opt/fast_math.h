#pragma once
// Branch-free float approximations that GCC vectorizes when a loop inlines them
// (std::exp / std::erf are scalar libm calls).
#include <bit>
#include <cstdint>

namespace deepfin::kernels::opt {

// exp(x) within ~2 ulp over the float range (Cephes' polynomial; n is rounded by
// adding and subtracting 1.5 * 2^23). Inputs below -87 give e^-87, not 0.
inline float exp_approx(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  constexpr float kRound = 12582912.0f;
  const float n = (x * 1.44269504088896341f + kRound) - kRound;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * std::bit_cast<float>((static_cast<int32_t>(n) + 127) << 23);
}

// Abramowitz & Stegun 7.1.26 (1.5e-7 absolute, 5e-7 after float rounding):
// erf(z) = 1 - poly(t) e^{-z^2}, t = 1 / (1 + p z) for z >= 0, odd below. Also
// hands back e^{-z^2}, which gelu's derivative needs.
inline float erf_with_gauss(float z, float& gauss) {
  const float a = z < 0.0f ? -z : z;
  const float t = 1.0f / (1.0f + 0.3275911f * a);
  float poly = 1.061405429f;
  poly = poly * t - 1.453152027f;
  poly = poly * t + 1.421413741f;
  poly = poly * t - 0.284496736f;
  poly = poly * t + 0.254829592f;
  gauss = exp_approx(-a * a);
  const float e = 1.0f - poly * t * gauss;
  return z < 0.0f ? -e : e;
}

}  // namespace deepfin::kernels::opt
