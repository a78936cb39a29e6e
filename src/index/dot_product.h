// Inner product of two float vectors, the similarity of the vector index's exact scans.
// Compiled for AVX-512, AVX2 and baseline x86-64 and picked at run time (GCC target_clones):
// FAISS's own fvec_inner_product is the scalar reference loop in the Debian build we link.
//
// Thread-safety: a pure function.
#pragma once

#include <cstddef>

namespace ragd {

float dot_product(const float* a, const float* b, size_t d);

}  // namespace ragd
