#pragma once
// Open MPI behind the Communicator. A program started by mpirun (or srun) opens
// one MpiSession at the top of main(); while it is open, world() is
// MPI_COMM_WORLD and fit() trains data-parallel over its ranks:
//
//   int main(int argc, char** argv) {
//     deepfin::train::MpiSession mpi;   // a no-op when not started by mpirun
//     ...
//     model.fit(x, y, {.epochs = 10, .batch_size = 64});   // 64 over all ranks
//   }
#include <memory>

#include "deepfin/train/communicator.h"

namespace deepfin::train {

// Whether an MPI launcher started this process (mpirun, or srun with PMI/PMIx).
bool launched_by_mpi();

class MpiSession {
 public:
  // Initializes MPI and sets world() when launched_by_mpi() or `force`; else
  // does nothing and world() stays one process. Error if MPI fails to start.
  // Ranks sharing a machine split its cores between them (unless
  // DEEPFIN_NUM_THREADS says otherwise; --threads still wins).
  explicit MpiSession(bool force = false);
  // Finalizes MPI; world() is one process again.
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  bool active() const { return comm_ != nullptr; }
  const std::shared_ptr<Communicator>& communicator() const { return comm_; }

 private:
  std::shared_ptr<Communicator> comm_;
};

}  // namespace deepfin::train
