#pragma once
// The Fortran entry points of ScaLAPACK and the C interface of BLACS that aelab calls. Debian's
// libscalapack-openmpi ships no C header, so the prototypes are declared here (all arguments by
// reference, Fortran style; descriptors are int[9]).
#include <type_traits>

extern "C" {
void Cblacs_pinfo(int* rank, int* size);
void Cblacs_get(int context, int what, int* value);
void Cblacs_gridinit(int* context, const char* order, int rows, int cols);
void Cblacs_gridinfo(int context, int* rows, int* cols, int* row, int* col);
void Cblacs_gridexit(int context);
int Csys2blacs_handle(int mpi_comm);

int numroc_(const int* n, const int* nb, const int* iproc, const int* isrcproc, const int* nprocs);
void descinit_(int* desc, const int* m, const int* n, const int* mb, const int* nb, const int* irsrc,
               const int* icsrc, const int* context, const int* lld, int* info);

void pdpotrf_(const char* uplo, const int* n, double* a, const int* ia, const int* ja, const int* desca, int* info);
void pdpotri_(const char* uplo, const int* n, double* a, const int* ia, const int* ja, const int* desca, int* info);
void pdtran_(const int* m, const int* n, const double* alpha, const double* a, const int* ia, const int* ja,
             const int* desca, const double* beta, double* c, const int* ic, const int* jc, const int* descc);
void pdgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const double* alpha,
             const double* a, const int* ia, const int* ja, const int* desca, const double* b, const int* ib,
             const int* jb, const int* descb, const double* beta, double* c, const int* ic, const int* jc,
             const int* descc);
void pspotrf_(const char* uplo, const int* n, float* a, const int* ia, const int* ja, const int* desca, int* info);
void pspotri_(const char* uplo, const int* n, float* a, const int* ia, const int* ja, const int* desca, int* info);
void pstran_(const int* m, const int* n, const float* alpha, const float* a, const int* ia, const int* ja,
             const int* desca, const float* beta, float* c, const int* ic, const int* jc, const int* descc);
void psgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const float* alpha,
             const float* a, const int* ia, const int* ja, const int* desca, const float* b, const int* ib,
             const int* jb, const int* descb, const float* beta, float* c, const int* ic, const int* jc,
             const int* descc);
void pssyevr_(const char* jobz, const char* range, const char* uplo, const int* n, float* a, const int* ia,
              const int* ja, const int* desca, const float* vl, const float* vu, const int* il, const int* iu,
              int* m, int* nz, float* w, float* z, const int* iz, const int* jz, const int* descz, float* work,
              const int* lwork, int* iwork, const int* liwork, int* info);
void pdsyevr_(const char* jobz, const char* range, const char* uplo, const int* n, double* a, const int* ia,
              const int* ja, const int* desca, const double* vl, const double* vu, const int* il, const int* iu,
              int* m, int* nz, double* w, double* z, const int* iz, const int* jz, const int* descz, double* work,
              const int* lwork, int* iwork, const int* liwork, int* info);
}

// The same routines by element type (p d* for double, p s* for float), always on whole matrices
// (ia = ja = 1), so templates in core/distributed/ name one function per operation.
namespace aelab::distributed::scalapack {

inline void potrf(int n, double* a, const int* desc, int& info) {
  const int one = 1;
  pdpotrf_("U", &n, a, &one, &one, desc, &info);
}
inline void potrf(int n, float* a, const int* desc, int& info) {
  const int one = 1;
  pspotrf_("U", &n, a, &one, &one, desc, &info);
}
inline void potri(int n, double* a, const int* desc, int& info) {
  const int one = 1;
  pdpotri_("U", &n, a, &one, &one, desc, &info);
}
inline void potri(int n, float* a, const int* desc, int& info) {
  const int one = 1;
  pspotri_("U", &n, a, &one, &one, desc, &info);
}
// c <- a^T (m x n a, n x m c).
inline void tran(int m, int n, const double* a, const int* desca, double* c, const int* descc) {
  const int one = 1;
  const double unit = 1, none = 0;
  pdtran_(&m, &n, &unit, a, &one, &one, desca, &none, c, &one, &one, descc);
}
inline void tran(int m, int n, const float* a, const int* desca, float* c, const int* descc) {
  const int one = 1;
  const float unit = 1, none = 0;
  pstran_(&m, &n, &unit, a, &one, &one, desca, &none, c, &one, &one, descc);
}
// c <- alpha a b + beta c (m x k a, k x n b).
inline void gemm(int m, int n, int k, double alpha, const double* a, const int* desca, const double* b,
                 const int* descb, double beta, double* c, const int* descc) {
  const int one = 1;
  pdgemm_("N", "N", &m, &n, &k, &alpha, a, &one, &one, desca, b, &one, &one, descb, &beta, c, &one, &one, descc);
}
inline void gemm(int m, int n, int k, float alpha, const float* a, const int* desca, const float* b,
                 const int* descb, float beta, float* c, const int* descc) {
  const int one = 1;
  psgemm_("N", "N", &m, &n, &k, &alpha, a, &one, &one, desca, b, &one, &one, descb, &beta, c, &one, &one, descc);
}
// Eigenpairs il..iu (ascending) of the symmetric a, upper triangle; lwork = liwork = -1 queries.
template <typename T>
void syevr(int n, T* a, const int* desca, int il, int iu, int& found, int& found_vectors, T* w, T* z,
           const int* descz, T* work, int lwork, int* iwork, int liwork, int& info) {
  const int one = 1;
  const T vl = 0, vu = 0;
  if constexpr (std::is_same_v<T, float>)
    pssyevr_("V", "I", "U", &n, a, &one, &one, desca, &vl, &vu, &il, &iu, &found, &found_vectors, w, z, &one, &one,
             descz, work, &lwork, iwork, &liwork, &info);
  else
    pdsyevr_("V", "I", "U", &n, a, &one, &one, desca, &vl, &vu, &il, &iu, &found, &found_vectors, w, z, &one, &one,
             descz, work, &lwork, iwork, &liwork, &info);
}

}  // namespace aelab::distributed::scalapack
