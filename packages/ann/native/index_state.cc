#include "index_state.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexPreTransform.h>

#include <numeric>
#include <vector>

namespace ann {
namespace {

// The IVF or HNSW index reached through IDMap and PreTransform wrappers only: those are the
// chains whose per-call SearchParameters FAISS 1.7.3 honours (IndexRefine takes none).
template <typename T>
T* Find(faiss::Index* index) {
  if (auto idmap = dynamic_cast<faiss::IndexIDMap*>(index)) return Find<T>(idmap->index);
  if (auto pt = dynamic_cast<faiss::IndexPreTransform*>(index)) return Find<T>(pt->index);
  return dynamic_cast<T*>(index);
}

Kind KindOf(faiss::Index* index) {
  if (Find<faiss::IndexIVF>(index) != nullptr) return Kind::kIvf;
  if (Find<faiss::IndexHNSW>(index) != nullptr) return Kind::kHnsw;
  const faiss::Index* inner = index;
  if (auto idmap = dynamic_cast<const faiss::IndexIDMap*>(index)) inner = idmap->index;
  if (dynamic_cast<const faiss::IndexFlat*>(inner) != nullptr) return Kind::kFlat;
  return Kind::kOther;
}

// Per-call parameters for the chain PreTransform -> IVF | HNSW. IndexIDMap in FAISS 1.7.3
// rejects parameters, so Search unwraps it before this runs.
struct ParamChain {
  faiss::SearchParametersPreTransform pre;
  faiss::SearchParametersIVF ivf;
  faiss::SearchParametersHNSW hnsw;

  faiss::SearchParameters* For(const faiss::Index* index) {
    if (auto pt = dynamic_cast<const faiss::IndexPreTransform*>(index)) {
      pre.index_params = For(pt->index);
      return pre.index_params != nullptr ? &pre : nullptr;
    }
    if (dynamic_cast<const faiss::IndexIVF*>(index) != nullptr) return &ivf;
    if (dynamic_cast<const faiss::IndexHNSW*>(index) != nullptr) return &hnsw;
    return nullptr;
  }
};

}  // namespace

void IndexState::Install(std::unique_ptr<faiss::Index> created) {
  index = std::move(created);
  dim = index->d;
  metric = static_cast<int>(index->metric_type);
  kind = static_cast<int>(KindOf(index.get()));
  if (auto ivf = Find<faiss::IndexIVF>(index.get())) {
    nlist = static_cast<int64_t>(ivf->nlist);
    nprobe = static_cast<int>(ivf->nprobe);
  }
  if (auto hnsw = Find<faiss::IndexHNSW>(index.get())) efSearch = hnsw->hnsw.efSearch;
  Refresh();
}

void IndexState::Refresh() {
  ntotal = index ? index->ntotal : 0;
  trained = index && index->is_trained;
}

void IndexState::StoreKnobs() {
  if (auto ivf = Find<faiss::IndexIVF>(index.get())) ivf->nprobe = nprobe;
  if (auto hnsw = Find<faiss::IndexHNSW>(index.get())) hnsw->hnsw.efSearch = efSearch;
}

faiss::Index& IndexState::Require() const {
  if (closed) throw AnnError("ERR_ANN_CLOSED", "index is closed");
  if (!index) throw AnnError("ERR_ANN_STATE", "no index: call create or load first");
  return *index;
}

std::unique_ptr<faiss::Index> WithIds(std::unique_ptr<faiss::Index> index) {
  if (dynamic_cast<faiss::IndexIDMap*>(index.get()) != nullptr) return index;
  if (Find<faiss::IndexIVF>(index.get()) != nullptr) return index;  // IVF stores ids
  // IndexIDMap's constructor insists on an empty index; a loaded file may hold rows, which it
  // numbered 0..n-1, so the map is filled in by hand with those numbers.
  auto wrapped = std::make_unique<faiss::IndexIDMap>();
  wrapped->d = index->d;
  wrapped->metric_type = index->metric_type;
  wrapped->metric_arg = index->metric_arg;
  wrapped->is_trained = index->is_trained;
  wrapped->ntotal = index->ntotal;
  wrapped->id_map.resize(static_cast<size_t>(index->ntotal));
  std::iota(wrapped->id_map.begin(), wrapped->id_map.end(), idx_t{0});
  wrapped->index = index.release();
  wrapped->own_fields = true;
  return wrapped;
}

std::optional<int> HnswEfSearch(const faiss::Index& index) {
  auto hnsw = Find<faiss::IndexHNSW>(const_cast<faiss::Index*>(&index));
  if (hnsw == nullptr) return std::nullopt;
  return hnsw->hnsw.efSearch;
}

void SetHnswEfSearch(faiss::Index& index, int efSearch) {
  if (auto hnsw = Find<faiss::IndexHNSW>(&index)) hnsw->hnsw.efSearch = efSearch;
}

void SkipPolysemousTraining(faiss::Index* index) {
  if (auto ivfpq = Find<faiss::IndexIVFPQ>(index)) ivfpq->do_polysemous_training = false;
  if (auto pq = Find<faiss::IndexPQ>(index)) pq->do_polysemous_training = false;
}

void Search(const faiss::Index& index, idx_t n, const float* x, idx_t k, float* distances,
            idx_t* labels, int nprobe, int efSearch) {
  if (auto idmap = dynamic_cast<const faiss::IndexIDMap*>(&index)) {
    Search(*idmap->index, n, x, k, distances, labels, nprobe, efSearch);
    const auto& ids = idmap->id_map;
    for (idx_t i = 0; i < n * k; i++) {
      if (labels[i] >= 0) labels[i] = ids[static_cast<size_t>(labels[i])];
    }
    return;
  }
  ParamChain chain;
  chain.ivf.nprobe = static_cast<size_t>(nprobe);
  chain.hnsw.efSearch = efSearch;
  index.search(n, x, k, distances, labels, chain.For(&index));
}

}  // namespace ann
