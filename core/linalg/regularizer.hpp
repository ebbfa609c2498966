#pragma once
// The regulariser of every linear autoencoder here (docs/MATH.md, "Notation"):
//   Lambda = lambda I + p / (1 - p) diagMat(g),  g = diag(G) the item counts,
// i.e. a uniform L2 weight lambda >= 0 plus the dropout-style term of probability 0 <= p < 1.
// Fits with equal (lambda, p) share G + Lambda and its inverse C.
#include <string>

namespace aelab {

struct Regularizer {
  double lambda = 300;
  double p = 0.33;
  bool operator==(const Regularizer& o) const { return lambda == o.lambda && p == o.p; }
  bool operator!=(const Regularizer& o) const { return !(*this == o); }
  bool operator<(const Regularizer& o) const { return lambda != o.lambda ? lambda < o.lambda : p < o.p; }
  std::string str() const;  // "lambda=300,p=0.33"
};

}  // namespace aelab
