// The JS class NativeIndex: argument checks on the JS thread, then one async worker per call.
#pragma once

#include <napi.h>

#include "workers.h"

namespace ann {

class NativeIndex : public Napi::ObjectWrap<NativeIndex> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit NativeIndex(const Napi::CallbackInfo& info);

 private:
  void Create(const Napi::CallbackInfo& info);
  Napi::Value Load(const Napi::CallbackInfo& info);
  Napi::Value Save(const Napi::CallbackInfo& info);
  Napi::Value Train(const Napi::CallbackInfo& info);
  Napi::Value Add(const Napi::CallbackInfo& info);
  Napi::Value Remove(const Napi::CallbackInfo& info);
  Napi::Value Search(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
  void SetNprobe(const Napi::CallbackInfo& info);
  void SetEfSearch(const Napi::CallbackInfo& info);
  void SetThreads(const Napi::CallbackInfo& info);

  // In-flight workers hold their own reference, so a collected wrapper never frees an index
  // that a search is still reading.
  StatePtr state_;
};

}  // namespace ann
