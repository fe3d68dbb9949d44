#include "workers.h"

#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_io.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <shared_mutex>

namespace ann {
namespace {

using Exclusive = std::unique_lock<RwLock>;
using Shared = std::shared_lock<RwLock>;

// Rows in a flat buffer, after checking the index dimension (fixed once installed).
idx_t Rows(const faiss::Index& index, size_t size) {
  if (size == 0 || size % static_cast<size_t>(index.d) != 0) {
    throw AnnError("ERR_ANN_ARGUMENT", "vector length " + std::to_string(size) +
                                           " is not a positive multiple of dim " +
                                           std::to_string(index.d));
  }
  return static_cast<idx_t>(size / static_cast<size_t>(index.d));
}

void CheckFinite(const float* x, size_t size, int dim) {
  for (size_t i = 0; i < size; i++) {
    if (!std::isfinite(x[i])) {
      throw AnnError("ERR_ANN_ARGUMENT",
                     "vectors contain NaN or Infinity in row " + std::to_string(i / dim));
    }
  }
}

void RequireTrained(const faiss::Index& index) {
  if (!index.is_trained) throw AnnError("ERR_ANN_STATE", "index is not trained: call train first");
}

// One query at a time is the serving path: parallelism comes from concurrent calls on the
// thread pool, so an OpenMP team per call would only oversubscribe the cores.
void UseThreads(const IndexState& state, idx_t rows) { omp_set_num_threads(rows == 1 ? 1 : state.threads.load()); }

class LoadWorker : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, StatePtr state, std::string path)
      : PromiseWorker(env, std::move(state)), path_(std::move(path)) {}

 protected:
  void Run() override {
    std::unique_ptr<faiss::Index> loaded(faiss::read_index(path_.c_str()));
    loaded = WithIds(std::move(loaded));
    Exclusive lock(state_->lock);
    if (state_->index || state_->closed) throw AnnError("ERR_ANN_STATE", "index already in use");
    state_->Install(std::move(loaded));
  }

 private:
  std::string path_;
};

class SaveWorker : public PromiseWorker {
 public:
  SaveWorker(Napi::Env env, StatePtr state, std::string path)
      : PromiseWorker(env, std::move(state)), path_(std::move(path)) {}

 protected:
  void Run() override {
    {
      Exclusive lock(state_->lock);
      state_->Require();
      state_->StoreKnobs();
    }
    Shared lock(state_->lock);  // writing only reads the index: searches go on meanwhile
    faiss::write_index(&state_->Require(), path_.c_str());
  }

 private:
  std::string path_;
};

class TrainWorker : public PromiseWorker {
 public:
  TrainWorker(Napi::Env env, StatePtr state, Vectors vectors)
      : PromiseWorker(env, std::move(state)), vectors_(std::move(vectors)) {}

 protected:
  void Run() override {
    Exclusive lock(state_->lock);
    faiss::Index& index = state_->Require();
    const idx_t n = Rows(index, vectors_.size());
    CheckFinite(vectors_.data(), vectors_.size(), index.d);
    UseThreads(*state_, n);
    index.train(n, vectors_.data());
    state_->Refresh();
  }

 private:
  Vectors vectors_;
};

class AddWorker : public PromiseWorker {
 public:
  AddWorker(Napi::Env env, StatePtr state, Vectors vectors, Ids ids, bool replace)
      : PromiseWorker(env, std::move(state)),
        vectors_(std::move(vectors)),
        ids_(std::move(ids)),
        replace_(replace) {}

 protected:
  void Run() override {
    Exclusive lock(state_->lock);
    faiss::Index& index = state_->Require();
    const idx_t n = Rows(index, vectors_.size());
    if (static_cast<size_t>(n) != ids_.size()) {
      throw AnnError("ERR_ANN_ARGUMENT", std::to_string(n) + " vectors but " +
                                             std::to_string(ids_.size()) + " ids");
    }
    CheckFinite(vectors_.data(), vectors_.size(), index.d);
    RequireTrained(index);
    UseThreads(*state_, n);
    // Upserts drop the old vectors under the same lock, so no search sees the item missing.
    if (replace_) removed_ = index.remove_ids(faiss::IDSelectorBatch(ids_.size(), ids_.data()));
    index.add_with_ids(n, vectors_.data(), ids_.data());
    state_->Refresh();
  }
  Napi::Value Result(Napi::Env env) override {
    return Napi::Number::New(env, static_cast<double>(removed_));
  }

 private:
  Vectors vectors_;
  Ids ids_;
  bool replace_;
  size_t removed_ = 0;
};

class RemoveWorker : public PromiseWorker {
 public:
  RemoveWorker(Napi::Env env, StatePtr state, Ids ids)
      : PromiseWorker(env, std::move(state)), ids_(std::move(ids)) {}

 protected:
  void Run() override {
    Exclusive lock(state_->lock);
    faiss::Index& index = state_->Require();
    UseThreads(*state_, static_cast<idx_t>(ids_.size()));
    removed_ = index.remove_ids(faiss::IDSelectorBatch(ids_.size(), ids_.data()));
    state_->Refresh();
  }
  Napi::Value Result(Napi::Env env) override {
    return Napi::Number::New(env, static_cast<double>(removed_));
  }

 private:
  Ids ids_;
  size_t removed_ = 0;
};

class SearchWorker : public PromiseWorker {
 public:
  SearchWorker(Napi::Env env, StatePtr state, Vectors queries, idx_t k, int nprobe, int efSearch)
      : PromiseWorker(env, std::move(state)),
        queries_(std::move(queries)),
        k_(k),
        nprobe_(nprobe),
        efSearch_(efSearch) {}

 protected:
  void Run() override {
    // HNSW explores at least k candidates, as later FAISS versions do; fewer loses recall.
    const int ef = std::max<int>(efSearch_ > 0 ? efSearch_ : state_->efSearch.load(),
                                 static_cast<int>(std::min<idx_t>(k_, 1 << 24)));
    for (;;) {
      {
        Shared lock(state_->lock);
        const faiss::Index& index = state_->Require();
        if (HnswEfSearch(index).value_or(ef) == ef) {
          SearchLocked(index, ef);
          return;
        }
      }
      // FAISS 1.7.3's HNSW ignores efSearch in SearchParameters and reads its own field, so
      // a different value is written under the exclusive lock (no search is running then)
      // and the search retried. Calls that alternate values serialise: prefer setEfSearch.
      Exclusive lock(state_->lock);
      SetHnswEfSearch(state_->Require(), ef);
    }
  }

  void SearchLocked(const faiss::Index& index, int ef) {
    const idx_t n = Rows(index, queries_.size());
    CheckFinite(queries_.data(), queries_.size(), index.d);
    RequireTrained(index);
    UseThreads(*state_, n);
    distances_.resize(static_cast<size_t>(n * k_));
    labels_.resize(static_cast<size_t>(n * k_));
    Search(index, n, queries_.data(), k_, distances_.data(), labels_.data(),
           nprobe_ > 0 ? nprobe_ : state_->nprobe.load(), ef);
  }
  Napi::Value Result(Napi::Env env) override {
    auto distances = Napi::Float32Array::New(env, distances_.size());
    std::copy(distances_.begin(), distances_.end(), distances.Data());
    auto labels = Napi::TypedArrayOf<int64_t>::New(env, labels_.size(), napi_bigint64_array);
    std::copy(labels_.begin(), labels_.end(), labels.Data());
    auto result = Napi::Object::New(env);
    result.Set("distances", distances);
    result.Set("labels", labels);
    return result;
  }

 private:
  Vectors queries_;
  idx_t k_;
  int nprobe_;
  int efSearch_;
  std::vector<float> distances_;
  std::vector<idx_t> labels_;
};

class CloseWorker : public PromiseWorker {
 public:
  using PromiseWorker::PromiseWorker;

 protected:
  void Run() override {
    Exclusive lock(state_->lock);  // waits for in-flight searches, then frees the memory
    state_->index.reset();
    state_->closed = true;
    state_->Refresh();
  }
};

template <typename W, typename... Args>
Napi::Promise Launch(Napi::Env env, Args&&... args) {
  return (new W(env, std::forward<Args>(args)...))->Start();  // deleted by node-addon-api
}

}  // namespace

PromiseWorker::PromiseWorker(Napi::Env env, StatePtr state)
    : Napi::AsyncWorker(env, "ann"),
      state_(std::move(state)),
      deferred_(Napi::Promise::Deferred::New(env)) {}

Napi::Promise PromiseWorker::Start() {
  Queue();
  return deferred_.Promise();
}

void PromiseWorker::Execute() {
  try {
    Run();
  } catch (const AnnError& e) {
    code_ = e.code;
    SetError(e.what());
  } catch (const faiss::FaissException& e) {
    code_ = "ERR_FAISS";
    SetError(e.what());
  } catch (const std::exception& e) {
    code_ = "ERR_ANN_NATIVE";
    SetError(e.what());
  } catch (...) {
    code_ = "ERR_ANN_NATIVE";
    SetError("unknown native error");
  }
}

void PromiseWorker::OnOK() { deferred_.Resolve(Result(Env())); }

void PromiseWorker::OnError(const Napi::Error& error) {
  error.Set("code", Napi::String::New(Env(), code_));
  deferred_.Reject(error.Value());
}

Napi::Promise StartLoad(Napi::Env env, StatePtr state, std::string path) {
  return Launch<LoadWorker>(env, std::move(state), std::move(path));
}
Napi::Promise StartSave(Napi::Env env, StatePtr state, std::string path) {
  return Launch<SaveWorker>(env, std::move(state), std::move(path));
}
Napi::Promise StartTrain(Napi::Env env, StatePtr state, Vectors vectors) {
  return Launch<TrainWorker>(env, std::move(state), std::move(vectors));
}
Napi::Promise StartAdd(Napi::Env env, StatePtr state, Vectors vectors, Ids ids, bool replace) {
  return Launch<AddWorker>(env, std::move(state), std::move(vectors), std::move(ids), replace);
}
Napi::Promise StartRemove(Napi::Env env, StatePtr state, Ids ids) {
  return Launch<RemoveWorker>(env, std::move(state), std::move(ids));
}
Napi::Promise StartSearch(Napi::Env env, StatePtr state, Vectors queries, idx_t k, int nprobe,
                          int efSearch) {
  return Launch<SearchWorker>(env, std::move(state), std::move(queries), k, nprobe, efSearch);
}
Napi::Promise StartClose(Napi::Env env, StatePtr state) {
  return Launch<CloseWorker>(env, std::move(state));
}

}  // namespace ann
