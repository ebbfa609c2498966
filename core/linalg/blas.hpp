#pragma once
// The few BLAS/LAPACK/OpenBLAS entry points aelab calls directly (Armadillo covers the rest), with
// float/double overloads so templated code can call them for either dtype.
#include <string>

extern "C" {
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info);
void dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void spotrs_(const char* uplo, const int* n, const int* nrhs, const float* a, const int* lda, float* b,
             const int* ldb, int* info);
void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda, double* b,
             const int* ldb, int* info);
void ssyevr_(const char* jobz, const char* range, const char* uplo, const int* n, float* a, const int* lda,
             const float* vl, const float* vu, const int* il, const int* iu, const float* abstol, int* m, float* w,
             float* z, const int* ldz, int* isuppz, float* work, const int* lwork, int* iwork, const int* liwork,
             int* info);
void dsyevr_(const char* jobz, const char* range, const char* uplo, const int* n, double* a, const int* lda,
             const double* vl, const double* vu, const int* il, const int* iu, const double* abstol, int* m,
             double* w, double* z, const int* ldz, int* isuppz, double* work, const int* lwork, int* iwork,
             const int* liwork, int* info);
// Triangular matrix times / solve with many right-hand sides (BLAS 3): B <- alpha op(A) B or
// B <- alpha op(A)^{-1} B (side 'L'); the exact solver's products with the Cholesky factor of G + Lambda.
void strmm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m, const int* n,
            const float* alpha, const float* a, const int* lda, float* b, const int* ldb);
void dtrmm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m, const int* n,
            const double* alpha, const double* a, const int* lda, double* b, const int* ldb);
void strsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m, const int* n,
            const float* alpha, const float* a, const int* lda, float* b, const int* ldb);
void dtrsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m, const int* n,
            const double* alpha, const double* a, const int* lda, double* b, const int* ldb);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
}

namespace aelab::lapack {

inline void potrf(char uplo, int n, float* a, int lda, int& info) { spotrf_(&uplo, &n, a, &lda, &info); }
inline void potrf(char uplo, int n, double* a, int lda, int& info) { dpotrf_(&uplo, &n, a, &lda, &info); }
inline void potri(char uplo, int n, float* a, int lda, int& info) { spotri_(&uplo, &n, a, &lda, &info); }
inline void potri(char uplo, int n, double* a, int lda, int& info) { dpotri_(&uplo, &n, a, &lda, &info); }
// Solves A X = B in place of B from the Cholesky factor of A left by potrf.
inline void potrs(char uplo, int n, int nrhs, const float* a, int lda, float* b, int ldb, int& info) {
  spotrs_(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info);
}
inline void potrs(char uplo, int n, int nrhs, const double* a, int lda, double* b, int ldb, int& info) {
  dpotrs_(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info);
}

// Eigenvalues il..iu (1-based, ascending) and their vectors of a symmetric matrix (MRRR).
inline void syevr(char jobz, char range, char uplo, int n, float* a, int lda, float vl, float vu, int il, int iu,
                  float abstol, int& m, float* w, float* z, int ldz, int* isuppz, float* work, int lwork, int* iwork,
                  int liwork, int& info) {
  ssyevr_(&jobz, &range, &uplo, &n, a, &lda, &vl, &vu, &il, &iu, &abstol, &m, w, z, &ldz, isuppz, work, &lwork, iwork,
          &liwork, &info);
}
inline void syevr(char jobz, char range, char uplo, int n, double* a, int lda, double vl, double vu, int il, int iu,
                  double abstol, int& m, double* w, double* z, int ldz, int* isuppz, double* work, int lwork,
                  int* iwork, int liwork, int& info) {
  dsyevr_(&jobz, &range, &uplo, &n, a, &lda, &vl, &vu, &il, &iu, &abstol, &m, w, z, &ldz, isuppz, work, &lwork, iwork,
          &liwork, &info);
}

}  // namespace aelab::lapack

namespace aelab::blas {

inline void trmm(char side, char uplo, char transa, char diag, int m, int n, float alpha, const float* a, int lda,
                 float* b, int ldb) {
  strmm_(&side, &uplo, &transa, &diag, &m, &n, &alpha, a, &lda, b, &ldb);
}
inline void trmm(char side, char uplo, char transa, char diag, int m, int n, double alpha, const double* a, int lda,
                 double* b, int ldb) {
  dtrmm_(&side, &uplo, &transa, &diag, &m, &n, &alpha, a, &lda, b, &ldb);
}
inline void trsm(char side, char uplo, char transa, char diag, int m, int n, float alpha, const float* a, int lda,
                 float* b, int ldb) {
  strsm_(&side, &uplo, &transa, &diag, &m, &n, &alpha, a, &lda, b, &ldb);
}
inline void trsm(char side, char uplo, char transa, char diag, int m, int n, double alpha, const double* a, int lda,
                 double* b, int ldb) {
  dtrsm_(&side, &uplo, &transa, &diag, &m, &n, &alpha, a, &lda, b, &ldb);
}

}  // namespace aelab::blas

namespace aelab {

// Sets the number of BLAS threads (0: leave OpenBLAS's default, one per core).
void set_blas_threads(int threads);
int blas_threads();
// "OpenBLAS 0.3.21 ..." as reported by the library at run time.
std::string blas_config();

}  // namespace aelab
