// Async FAISS operations: each runs on the libuv thread pool and settles a Promise, so no
// search, add, train, load or save ever runs on the event loop.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "index_state.h"

namespace ann {

// A typed-array argument readable from a worker thread. Small inputs (every search and live
// update) are copied so the caller may reuse its buffer at once; bulk inputs are pinned instead
// of copied, keeping a 256 MB memcpy off the event loop. Pinned inputs must not be mutated or
// transferred until the promise settles.
template <typename T>
class Input {
 public:
  static constexpr size_t kCopyLimit = 4 << 20;

  explicit Input(Napi::TypedArrayOf<T> array) : size_(array.ElementLength()) {
    if (array.ByteLength() <= kCopyLimit) {
      copy_.assign(array.Data(), array.Data() + size_);
    } else {
      pinned_ = array.Data();
      ref_ = Napi::Persistent(array.template As<Napi::Object>());
    }
  }
  const T* data() const { return pinned_ != nullptr ? pinned_ : copy_.data(); }
  size_t size() const { return size_; }

 private:
  size_t size_;
  std::vector<T> copy_;
  const T* pinned_ = nullptr;
  Napi::ObjectReference ref_;
};

using Vectors = Input<float>;
using Ids = Input<int64_t>;
using StatePtr = std::shared_ptr<IndexState>;

// Settles a Promise with the outcome of Run(); every C++ exception becomes a rejected Error
// carrying a `code` (ERR_FAISS, ERR_ANN_ARGUMENT, ERR_ANN_STATE, ERR_ANN_CLOSED, ERR_ANN_NATIVE).
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env, StatePtr state);
  Napi::Promise Start();

 protected:
  virtual void Run() = 0;  // worker thread: may throw
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }
  StatePtr state_;

 private:
  void Execute() final;
  void OnOK() final;
  void OnError(const Napi::Error& error) final;

  Napi::Promise::Deferred deferred_;
  std::string code_;
};

Napi::Promise StartLoad(Napi::Env env, StatePtr state, std::string path);
Napi::Promise StartSave(Napi::Env env, StatePtr state, std::string path);
Napi::Promise StartTrain(Napi::Env env, StatePtr state, Vectors vectors);
Napi::Promise StartAdd(Napi::Env env, StatePtr state, Vectors vectors, Ids ids, bool replace);
Napi::Promise StartRemove(Napi::Env env, StatePtr state, Ids ids);
Napi::Promise StartSearch(Napi::Env env, StatePtr state, Vectors queries, idx_t k, int nprobe,
                          int efSearch);
Napi::Promise StartClose(Napi::Env env, StatePtr state);

}  // namespace ann
