#include "native_index.h"

#include <faiss/impl/FaissException.h>
#include <faiss/index_factory.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <mutex>

namespace ann {
namespace {

constexpr double kMaxResults = double{1 << 28};  // n * k result slots per call

[[noreturn]] void Throw(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = code == "ERR_ANN_ARGUMENT" ? Napi::TypeError::New(env, message)
                                                 : Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

[[noreturn]] void ThrowArg(Napi::Env env, const std::string& message) {
  Throw(env, "ERR_ANN_ARGUMENT", message);
}

int64_t IntArg(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t min,
               int64_t max) {
  const double v = info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : NAN;
  if (!std::isfinite(v) || std::floor(v) != v || v < double(min) || v > double(max)) {
    ThrowArg(info.Env(), std::string(name) + " must be an integer in [" + std::to_string(min) +
                             ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(v);
}

std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsString()) ThrowArg(info.Env(), std::string(name) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

template <typename T>
Napi::TypedArrayOf<T> ArrayArg(const Napi::CallbackInfo& info, size_t i, const char* name,
                               napi_typedarray_type type, const char* type_name) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != type) {
    ThrowArg(info.Env(), std::string(name) + " must be a " + type_name);
  }
  return info[i].As<Napi::TypedArrayOf<T>>();
}

Vectors VectorsArg(const Napi::CallbackInfo& info, size_t i, const char* name, int dim) {
  auto array = ArrayArg<float>(info, i, name, napi_float32_array, "Float32Array");
  if (dim <= 0) Throw(info.Env(), "ERR_ANN_STATE", "no index: call create or load first");
  if (array.ElementLength() == 0 || array.ElementLength() % size_t(dim) != 0) {
    ThrowArg(info.Env(), std::string(name) + " length " + std::to_string(array.ElementLength()) +
                             " is not a positive multiple of dim " + std::to_string(dim));
  }
  return Vectors(array);
}

Ids IdsArg(const Napi::CallbackInfo& info, size_t i) {
  return Ids(ArrayArg<int64_t>(info, i, "ids", napi_bigint64_array, "BigInt64Array"));
}

}  // namespace

Napi::Function NativeIndex::Define(Napi::Env env) {
  return DefineClass(env, "NativeIndex",
                     {
                         InstanceMethod<&NativeIndex::Create>("create"),
                         InstanceMethod<&NativeIndex::Load>("load"),
                         InstanceMethod<&NativeIndex::Save>("save"),
                         InstanceMethod<&NativeIndex::Train>("train"),
                         InstanceMethod<&NativeIndex::Add>("add"),
                         InstanceMethod<&NativeIndex::Remove>("remove"),
                         InstanceMethod<&NativeIndex::Search>("search"),
                         InstanceMethod<&NativeIndex::Close>("close"),
                         InstanceMethod<&NativeIndex::Info>("info"),
                         InstanceMethod<&NativeIndex::SetNprobe>("setNprobe"),
                         InstanceMethod<&NativeIndex::SetEfSearch>("setEfSearch"),
                         InstanceMethod<&NativeIndex::SetThreads>("setThreads"),
                     });
}

NativeIndex::NativeIndex(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<NativeIndex>(info), state_(std::make_shared<IndexState>()) {
  state_->threads = omp_get_max_threads();
}

// Building an index from a factory string only allocates; it is quick enough for the JS thread.
void NativeIndex::Create(const Napi::CallbackInfo& info) {
  const int dim = static_cast<int>(IntArg(info, 0, "dim", 1, 65536));
  const std::string factory = StringArg(info, 1, "factory");
  const std::string metric = StringArg(info, 2, "metric");
  if (metric != "ip" && metric != "l2") ThrowArg(info.Env(), "metric must be 'ip' or 'l2'");
  std::unique_ptr<faiss::Index> index;
  try {
    index.reset(faiss::index_factory(
        dim, factory.c_str(), metric == "ip" ? faiss::METRIC_INNER_PRODUCT : faiss::METRIC_L2));
    SkipPolysemousTraining(index.get());
    index = WithIds(std::move(index));
  } catch (const std::exception& e) {
    Throw(info.Env(), "ERR_FAISS", e.what());
  }
  std::unique_lock<RwLock> lock(state_->lock);  // uncontended: nothing else has this index yet
  if (state_->index || state_->closed) Throw(info.Env(), "ERR_ANN_STATE", "index already in use");
  state_->Install(std::move(index));
}

Napi::Value NativeIndex::Load(const Napi::CallbackInfo& info) {
  return StartLoad(info.Env(), state_, StringArg(info, 0, "path"));
}

Napi::Value NativeIndex::Save(const Napi::CallbackInfo& info) {
  return StartSave(info.Env(), state_, StringArg(info, 0, "path"));
}

Napi::Value NativeIndex::Train(const Napi::CallbackInfo& info) {
  return StartTrain(info.Env(), state_, VectorsArg(info, 0, "vectors", state_->dim));
}

Napi::Value NativeIndex::Add(const Napi::CallbackInfo& info) {
  Vectors vectors = VectorsArg(info, 0, "vectors", state_->dim);
  Ids ids = IdsArg(info, 1);
  if (ids.size() * size_t(state_->dim) != vectors.size()) {
    ThrowArg(info.Env(), "ids length " + std::to_string(ids.size()) + " does not match " +
                             std::to_string(vectors.size() / size_t(state_->dim)) + " vectors");
  }
  const bool replace = info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
  return StartAdd(info.Env(), state_, std::move(vectors), std::move(ids), replace);
}

Napi::Value NativeIndex::Remove(const Napi::CallbackInfo& info) {
  return StartRemove(info.Env(), state_, IdsArg(info, 0));
}

Napi::Value NativeIndex::Search(const Napi::CallbackInfo& info) {
  Vectors queries = VectorsArg(info, 0, "queries", state_->dim);
  const int64_t k = IntArg(info, 1, "k", 1, 1 << 20);
  const auto nprobe = static_cast<int>(IntArg(info, 2, "nprobe", 0, 1 << 24));
  const auto efSearch = static_cast<int>(IntArg(info, 3, "efSearch", 0, 1 << 24));
  if (double(queries.size() / size_t(state_->dim)) * double(k) > kMaxResults) {
    ThrowArg(info.Env(), "queries x k exceeds " + std::to_string(int64_t(kMaxResults)));
  }
  return StartSearch(info.Env(), state_, std::move(queries), k, nprobe, efSearch);
}

Napi::Value NativeIndex::Close(const Napi::CallbackInfo& info) {
  return StartClose(info.Env(), state_);
}

Napi::Value NativeIndex::Info(const Napi::CallbackInfo& info) {
  static const char* kKinds[] = {"none", "flat", "ivf", "hnsw", "other"};
  auto out = Napi::Object::New(info.Env());
  out.Set("dim", state_->dim.load());
  out.Set("ntotal", double(state_->ntotal.load()));
  out.Set("trained", state_->trained.load());
  out.Set("kind", kKinds[state_->kind.load()]);
  out.Set("metric", state_->metric.load() == faiss::METRIC_INNER_PRODUCT ? "ip" : "l2");
  out.Set("nlist", double(state_->nlist.load()));
  out.Set("nprobe", state_->nprobe.load());
  out.Set("efSearch", state_->efSearch.load());
  out.Set("threads", state_->threads.load());
  return out;
}

void NativeIndex::SetNprobe(const Napi::CallbackInfo& info) {
  state_->nprobe = static_cast<int>(IntArg(info, 0, "nprobe", 1, 1 << 24));
}

void NativeIndex::SetEfSearch(const Napi::CallbackInfo& info) {
  state_->efSearch = static_cast<int>(IntArg(info, 0, "efSearch", 1, 1 << 24));
}

void NativeIndex::SetThreads(const Napi::CallbackInfo& info) {
  state_->threads = static_cast<int>(IntArg(info, 0, "threads", 1, 1024));
}

}  // namespace ann
