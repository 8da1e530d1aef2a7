#include "voice/lpc.h"

#include <algorithm>
#include <cmath>

namespace vox::voice {

std::vector<double> Lpc(std::span<const double> frame, int order) {
  const int n = static_cast<int>(frame.size());
  if (order < 1 || n <= order) return {};
  std::vector<double> r(order + 1, 0.0);
  for (int lag = 0; lag <= order; ++lag) {
    double sum = 0.0;
    for (int i = lag; i < n; ++i) sum += frame[i] * frame[i - lag];
    r[lag] = sum;
  }
  if (!(r[0] > 1e-12)) return {};
  r[0] *= 1.0 + 1e-9;  // a whisper of white noise keeps the recursion stable

  std::vector<double> a(order + 1, 0.0), prev(order + 1, 0.0);
  a[0] = 1.0;
  double error = r[0];
  for (int i = 1; i <= order; ++i) {
    double acc = r[i];
    for (int j = 1; j < i; ++j) acc += a[j] * r[i - j];
    const double k = -acc / error;
    if (!(std::abs(k) < 1.0)) return {};
    prev = a;
    for (int j = 1; j < i; ++j) a[j] = prev[j] + k * prev[i - j];
    a[i] = k;
    error *= 1.0 - k * k;
    if (!(error > 0.0)) return {};
  }
  return a;
}

std::vector<std::complex<double>> PolynomialRoots(std::span<const double> coeffs) {
  using C = std::complex<double>;
  const int degree = static_cast<int>(coeffs.size()) - 1;
  if (degree < 1 || coeffs[0] == 0.0) return {};
  std::vector<C> monic(degree + 1);
  for (int i = 0; i <= degree; ++i) monic[i] = coeffs[i] / coeffs[0];

  // Start on a circle inside the unit disk (LPC roots live there), at angles
  // that are not symmetric so conjugate pairs separate.
  std::vector<C> roots(degree);
  const C seed(0.4, 0.9);
  roots[0] = 1.0;
  for (int i = 0; i < degree; ++i) roots[i] = std::pow(seed, i) * 0.9;

  for (int iter = 0; iter < 500; ++iter) {
    double change = 0.0;
    for (int i = 0; i < degree; ++i) {
      C value = monic[0];
      for (int k = 1; k <= degree; ++k) value = value * roots[i] + monic[k];
      C denom = 1.0;
      for (int j = 0; j < degree; ++j) {
        if (j != i) denom *= roots[i] - roots[j];
      }
      if (std::abs(denom) < 1e-300) denom = 1e-300;
      const C step = value / denom;
      roots[i] -= step;
      change = std::max(change, std::abs(step));
    }
    if (change < 1e-12) return roots;
  }
  // Not fully converged: still usable when the residuals are small.
  for (const C& z : roots) {
    C value = monic[0];
    for (int k = 1; k <= degree; ++k) value = value * z + monic[k];
    if (!(std::abs(value) < 1e-6)) return {};
  }
  return roots;
}

}  // namespace vox::voice
