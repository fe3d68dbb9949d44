// Shared state of one native index: the FAISS index, the lock that guards it, and lock-free
// mirrors of its properties so the JS thread never waits on a lock held by a long add.
#pragma once

#include <faiss/Index.h>
#include <pthread.h>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace ann {

using idx_t = faiss::Index::idx_t;

// An error with a stable code that the JS side maps to its own error type.
struct AnnError : std::runtime_error {
  AnnError(std::string code, const std::string& message)
      : std::runtime_error(message), code(std::move(code)) {}
  std::string code;
};

// Writer-preferring readers-writer lock. Searches share it; add, remove, train and close take
// it alone. Preferring writers keeps a steady stream of searches from starving catalog updates.
class RwLock {
 public:
  RwLock() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~RwLock() { pthread_rwlock_destroy(&lock_); }
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

enum class Kind : int { kNone = 0, kFlat = 1, kIvf = 2, kHnsw = 3, kOther = 4 };

struct IndexState {
  RwLock lock;
  std::unique_ptr<faiss::Index> index;  // guarded by lock
  bool closed = false;                  // guarded by lock

  // Mirrors, written under the exclusive lock, read anywhere.
  std::atomic<int> dim{0};
  std::atomic<int64_t> ntotal{0};
  std::atomic<bool> trained{false};
  std::atomic<int> kind{static_cast<int>(Kind::kNone)};
  std::atomic<int> metric{0};
  std::atomic<int64_t> nlist{0};

  // Search knobs: set from JS without the lock, applied per call as FAISS SearchParameters.
  std::atomic<int> nprobe{1};
  std::atomic<int> efSearch{16};
  std::atomic<int> threads{1};

  // Installs a created or loaded index (caller holds the exclusive lock).
  void Install(std::unique_ptr<faiss::Index> created);
  // Refreshes ntotal and trained after a write (caller holds the exclusive lock).
  void Refresh();
  // Copies nprobe and efSearch into the index so a saved file carries them (exclusive lock).
  void StoreKnobs();
  // The index for a read; throws when none is installed (caller holds a lock).
  faiss::Index& Require() const;
};

// Wraps a factory-built or loaded index in an IndexIDMap when it cannot store ids itself, so
// every index accepts caller ids and can drop them again.
std::unique_ptr<faiss::Index> WithIds(std::unique_ptr<faiss::Index> index);

// The efSearch of an HNSW index (through IDMap/PreTransform), or nothing for other kinds.
std::optional<int> HnswEfSearch(const faiss::Index& index);
// Sets it (caller holds the exclusive lock); no-op for other kinds.
void SetHnswEfSearch(faiss::Index& index, int efSearch);

// Turns off polysemous training on PQ indexes. index_factory asks for it on every "PQn" (unless
// spelled "PQnnp"), but it only serves Hamming-filtered search, which this binding never
// enables, and in Debian's generic build (software popcount) it makes training take minutes.
void SkipPolysemousTraining(faiss::Index* index);

// Searches with per-call nprobe/efSearch, without mutating the shared index (shared lock held).
void Search(const faiss::Index& index, idx_t n, const float* x, idx_t k, float* distances,
            idx_t* labels, int nprobe, int efSearch);

}  // namespace ann
