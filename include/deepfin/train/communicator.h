#pragma once
// The processes ("ranks") of a data-parallel run, and the few collectives that
// training needs. One process on its own is a world of size 1; an MpiSession
// (train/mpi_session.h) makes MPI_COMM_WORLD the world. fit() takes one in
// FitOptions::communicator, else uses world().
//
// Collectives are called by every rank, in the same order, with the same sizes,
// like MPI's. A rank that stops calling them (an error) leaves the others
// waiting: a program must then end the run with abort().
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace deepfin::train {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // For the run header, e.g. "Open MPI 4.1.4, 2 ranks".
  virtual std::string describe() const = 0;

  // Sums `values` element by element over the ranks, in place, on every rank.
  virtual void allreduce_sum(double* values, int64_t n) = 0;
  // Starts summing `values` in place without waiting (a gradient bucket while
  // backward goes on). The memory must stay put until finish_sums().
  virtual void start_sum(float* values, int64_t n) = 0;
  // Lets started sums advance (MPI moves a non-blocking collective along only
  // inside its calls); cheap, called between backward steps.
  virtual void progress() {}
  // Waits until every started sum is done.
  virtual void finish_sums() = 0;
  // Every rank's bytes, in rank order, on every rank.
  virtual std::vector<std::string> allgather(const std::string& bytes) = 0;
  // `root`'s bytes on every rank (resized to fit).
  virtual void broadcast(std::string& bytes, int root) = 0;
  // `root`'s values on every rank; n must be the same on all.
  virtual void broadcast(float* values, int64_t n, int root) = 0;
  // Ends every rank of the run with exit code `code`.
  [[noreturn]] virtual void abort(int code) = 0;
};

// A world of one process: the collectives copy nothing and wait for nobody.
std::shared_ptr<Communicator> single_process();

// The communicator of this process's run: single_process() unless set_world
// (an MpiSession) made it another. Not thread-safe: set it at start-up.
std::shared_ptr<Communicator> world();
void set_world(std::shared_ptr<Communicator> communicator);

// Helpers over the collectives.
// Whether every rank passed the same bytes (e.g. a fingerprint of its data).
bool same_on_all_ranks(Communicator& comm, const std::string& bytes);

}  // namespace deepfin::train
