// Entry point of ann.node: the NativeIndex class and the FAISS version it was built against.
#include <faiss/Index.h>
#include <napi.h>

#include "native_index.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeIndex", ann::NativeIndex::Define(env));
  exports.Set("faissVersion", std::to_string(FAISS_VERSION_MAJOR) + "." +
                                  std::to_string(FAISS_VERSION_MINOR) + "." +
                                  std::to_string(FAISS_VERSION_PATCH));
  return exports;
}

}  // namespace

NODE_API_MODULE(ann, Init)
