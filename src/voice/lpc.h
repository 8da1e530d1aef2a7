// Linear prediction and polynomial roots, the two halves of formant tracking.
#pragma once

#include <complex>
#include <span>
#include <vector>

namespace vox::voice {

// LPC coefficients a[0..order] (a[0] = 1) of A(z) = sum a[k] z^-k by the
// autocorrelation method and Levinson-Durbin. Returns an empty vector for a
// silent or degenerate frame (zero energy, unstable recursion).
std::vector<double> Lpc(std::span<const double> frame, int order);

// Roots of the polynomial c[0] z^n + c[1] z^(n-1) + ... + c[n] (c[0] != 0) by
// the Durand-Kerner iteration. Adequate for the well-conditioned, low-order
// (<= ~24) polynomials LPC produces; returns an empty vector if it does not
// converge.
std::vector<std::complex<double>> PolynomialRoots(std::span<const double> coeffs);

}  // namespace vox::voice
