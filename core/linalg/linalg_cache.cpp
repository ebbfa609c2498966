#include "core/linalg/linalg_cache.hpp"

#include "core/linalg/dense_linalg.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab {

namespace {
template <typename T>
arma::Mat<T>& stored_gram(arma::Mat<float>& f32, arma::Mat<double>& f64) {
  if constexpr (std::is_same_v<T, float>) return f32; else return f64;
}
}  // namespace

LinalgCache::LinalgCache(const BinaryCsr& train, int threads)
    : train_(train), threads_(threads), item_counts_(aelab::item_counts(train)) {}

arma::vec LinalgCache::lambda_diagonal(const Regularizer& reg) const {
  return aelab::lambda_diagonal(item_counts_, reg.lambda, reg.p);
}

template <typename T>
bool LinalgCache::should_keep_gram() const {
  if (keep_gram_) return *keep_gram_;
  const double n = static_cast<double>(n_items());
  return 3.0 * n * n * sizeof(T) < 0.8 * static_cast<double>(available_memory_bytes());
}

template <typename T>
const arma::Mat<T>* LinalgCache::pristine_gram() {
  arma::Mat<T>& kept = stored_gram<T>(gram_f32_, gram_f64_);
  if (kept.n_elem == 0 && n_items() > 0) {
    if (!should_keep_gram<T>()) return nullptr;
    Timer timer;
    dense_gram(train_, kept, threads_);
    ++stats_.gram_builds;
    stats_.gram_seconds += timer.seconds();
  }
  return &kept;
}

template <typename T>
void LinalgCache::gram_into(arma::Mat<T>& out) {
  if (const arma::Mat<T>* kept = pristine_gram<T>()) {
    out = *kept;
    return;
  }
  Timer timer;
  dense_gram(train_, out, threads_);
  ++stats_.gram_builds;
  stats_.gram_seconds += timer.seconds();
}

template <typename T>
SharedInverse<T> LinalgCache::inverse(const Regularizer& reg, bool force_memory) {
  const Dtype dtype = dtype_of<T>();
  if (has_inverse(dtype, reg)) {
    std::shared_ptr<const arma::Mat<T>> C;
    if constexpr (std::is_same_v<T, float>) C = cached_.f32; else C = cached_.f64;
    ++stats_.inverse_reuses;
    return SharedInverse<T>{C, cached_.seconds, true};
  }
  cached_ = CachedInverse{};  // drop the previous inverse before allocating the next
  const double n = static_cast<double>(n_items());
  ensure_memory(static_cast<std::size_t>(n * n * sizeof(T)),
                "the inverse of G + Lambda (" + std::to_string(n_items()) + " x " + std::to_string(n_items()) + " " +
                    dtype_name(dtype) + ")",
                force_memory);
  const arma::vec Lambda = lambda_diagonal(reg);
  Timer timer;
  auto C = std::make_shared<arma::Mat<T>>();
  gram_into(*C);
  C->diag() += arma::conv_to<arma::Col<T>>::from(Lambda);
  spd_inverse_in_place(*C);
  const double seconds = timer.seconds();
  ++stats_.inversions;
  stats_.inverse_seconds += seconds;
  cached_.dtype = dtype;
  cached_.reg = reg;
  cached_.seconds = seconds;
  if constexpr (std::is_same_v<T, float>) cached_.f32 = C; else cached_.f64 = C;
  return SharedInverse<T>{C, seconds, false};
}

template <typename T>
arma::Mat<T> LinalgCache::inverse_to_consume(const Regularizer& reg, bool force_memory, bool& reused,
                                             double& seconds) {
  const SharedInverse<T> shared = inverse<T>(reg, force_memory);
  reused = shared.reused;
  seconds = shared.seconds;
  const std::size_t bytes = shared.C->n_elem * sizeof(T);
  if (static_cast<double>(bytes) < 0.9 * static_cast<double>(available_memory_bytes())) return *shared.C;
  // One more n x n matrix does not fit: hand over the cached matrix itself when nobody else holds it.
  std::shared_ptr<arma::Mat<T>>& held = stored_inverse<T>();
  if (held.use_count() > 2) {  // the cache and `shared`: anyone beyond them still reads it
    ensure_memory(bytes, "a copy of the inverse of G + Lambda to build the model in", force_memory);
    return *shared.C;
  }
  arma::Mat<T> taken = std::move(*held);
  cached_ = CachedInverse{};
  return taken;
}

void LinalgCache::release_inverse() { cached_ = CachedInverse{}; }

bool LinalgCache::has_inverse(Dtype dtype, const Regularizer& reg) const {
  if (cached_.dtype != dtype || !cached_.reg || *cached_.reg != reg) return false;
  return dtype == Dtype::float32 ? static_cast<bool>(cached_.f32) : static_cast<bool>(cached_.f64);
}

std::size_t LinalgCache::inverse_bytes_to_allocate(Dtype dtype, const Regularizer& reg) const {
  if (has_inverse(dtype, reg)) return 0;
  const std::size_t n = n_items(), bytes = n * n * dtype_bytes(dtype), held = held_inverse_bytes();
  return bytes > held ? bytes - held : 0;
}

std::size_t LinalgCache::held_inverse_bytes() const {
  if (cached_.f32) return cached_.f32->n_elem * sizeof(float);
  if (cached_.f64) return cached_.f64->n_elem * sizeof(double);
  return 0;
}

void LinalgCache::release() {
  cached_ = CachedInverse{};
  gram_f32_.reset();
  gram_f64_.reset();
}

template void LinalgCache::gram_into<float>(arma::Mat<float>&);
template void LinalgCache::gram_into<double>(arma::Mat<double>&);
template const arma::Mat<float>* LinalgCache::pristine_gram<float>();
template const arma::Mat<double>* LinalgCache::pristine_gram<double>();
template SharedInverse<float> LinalgCache::inverse<float>(const Regularizer&, bool);
template SharedInverse<double> LinalgCache::inverse<double>(const Regularizer&, bool);
template arma::Mat<float> LinalgCache::inverse_to_consume<float>(const Regularizer&, bool, bool&, double&);
template arma::Mat<double> LinalgCache::inverse_to_consume<double>(const Regularizer&, bool, bool&, double&);

}  // namespace aelab
