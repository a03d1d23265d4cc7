// MPI_COMM_WORLD as a Communicator. Only the main thread calls MPI
// (MPI_THREAD_FUNNELED): the loader's prefetch thread and OpenMP's never do.
// Errors are returned, not fatal, so each becomes an exception naming the call.
#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <thread>

#include "deepfin/base/error.h"
#include "deepfin/base/threads.h"
#include "deepfin/train/mpi_session.h"

namespace deepfin::train {
namespace {

// MPI counts are int: longer ranges go in parts of this many elements.
constexpr int64_t kMaxCount = int64_t{1} << 30;

void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw Error(fmt::format("{} failed: {}", call, std::string(text, static_cast<size_t>(length))));
}

class MpiWorld final : public Communicator {
 public:
  MpiWorld() {
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  }
  ~MpiWorld() override {
    if (!pending_.empty()) MPI_Waitall(static_cast<int>(pending_.size()), pending_.data(), MPI_STATUSES_IGNORE);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string describe() const override {
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    MPI_Get_library_version(version, &length);
    std::string name(version, static_cast<size_t>(length));
    name = name.substr(0, name.find_first_of(",\n"));
    return fmt::format("{}, {} ranks", name, size_);
  }

  void allreduce_sum(double* values, int64_t n) override {
    for (int64_t at = 0; at < n; at += kMaxCount)
      check(MPI_Allreduce(MPI_IN_PLACE, values + at, static_cast<int>(std::min(kMaxCount, n - at)), MPI_DOUBLE, MPI_SUM,
                          MPI_COMM_WORLD),
            "MPI_Allreduce");
  }
  void start_sum(float* values, int64_t n) override {
    for (int64_t at = 0; at < n; at += kMaxCount) {
      MPI_Request request;
      check(MPI_Iallreduce(MPI_IN_PLACE, values + at, static_cast<int>(std::min(kMaxCount, n - at)), MPI_FLOAT, MPI_SUM,
                           MPI_COMM_WORLD, &request),
            "MPI_Iallreduce");
      pending_.push_back(request);
    }
  }
  void progress() override {
    if (pending_.empty()) return;
    int done = 0;
    check(MPI_Testall(static_cast<int>(pending_.size()), pending_.data(), &done, MPI_STATUSES_IGNORE), "MPI_Testall");
    if (done) pending_.clear();
  }
  void finish_sums() override {
    if (pending_.empty()) return;
    const int rc = MPI_Waitall(static_cast<int>(pending_.size()), pending_.data(), MPI_STATUSES_IGNORE);
    pending_.clear();
    check(rc, "MPI_Waitall");
  }
  std::vector<std::string> allgather(const std::string& bytes) override {
    if (bytes.size() > static_cast<size_t>(INT_MAX))
      throw ValueError(fmt::format("allgather: {} bytes is more than MPI can send at once", bytes.size()));
    int mine = static_cast<int>(bytes.size());
    std::vector<int> sizes(static_cast<size_t>(size_)), offsets(sizes.size());
    check(MPI_Allgather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    int64_t total = 0;
    for (size_t r = 0; r < sizes.size(); ++r) {
      offsets[r] = static_cast<int>(total);
      total += sizes[r];
    }
    if (total > INT_MAX) throw ValueError(fmt::format("allgather: {} bytes in all is more than MPI can send", total));
    std::string all(static_cast<size_t>(total), '\0');
    check(MPI_Allgatherv(bytes.data(), mine, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE,
                         MPI_COMM_WORLD),
          "MPI_Allgatherv");
    std::vector<std::string> out;
    for (size_t r = 0; r < sizes.size(); ++r)
      out.push_back(all.substr(static_cast<size_t>(offsets[r]), static_cast<size_t>(sizes[r])));
    return out;
  }
  void broadcast(std::string& bytes, int root) override {
    long long size = static_cast<long long>(bytes.size());
    check(MPI_Bcast(&size, 1, MPI_LONG_LONG, root, MPI_COMM_WORLD), "MPI_Bcast");
    bytes.resize(static_cast<size_t>(size));
    for (long long at = 0; at < size; at += kMaxCount)
      check(MPI_Bcast(bytes.data() + at, static_cast<int>(std::min<long long>(kMaxCount, size - at)), MPI_BYTE, root,
                      MPI_COMM_WORLD),
            "MPI_Bcast");
  }
  void broadcast(float* values, int64_t n, int root) override {
    for (int64_t at = 0; at < n; at += kMaxCount)
      check(MPI_Bcast(values + at, static_cast<int>(std::min(kMaxCount, n - at)), MPI_FLOAT, root, MPI_COMM_WORLD),
            "MPI_Bcast");
  }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this is for the compiler
  }

 private:
  int rank_ = 0, size_ = 1;
  std::vector<MPI_Request> pending_;
};

}  // namespace

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

MpiSession::MpiSession(bool force) {
  if (!force && !launched_by_mpi()) return;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) throw Error("MpiSession: MPI is already initialized (open one session per process)");
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  comm_ = std::make_shared<MpiWorld>();
  set_world(comm_);
  // Ranks on one machine share its cores: each takes its part, unless told otherwise.
  MPI_Comm node;
  int local = 1;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
  }
  if (!std::getenv("DEEPFIN_NUM_THREADS") && local > 1)
    set_num_threads(std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / local));
}

MpiSession::~MpiSession() {
  if (!comm_) return;
  set_world(nullptr);
  comm_.reset();
  MPI_Finalize();
}

}  // namespace deepfin::train
