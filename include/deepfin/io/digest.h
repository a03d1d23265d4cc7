#pragma once
// SHA-256 and HMAC-SHA-256 through OpenSSL: model versions, bearer tokens, the
// fingerprint of a job file in a model card, and the keyed applicant ids of a
// decision log.
#include <cstddef>
#include <memory>
#include <string>

namespace deepfin::io {

// SHA-256 over data given in parts, e.g. the tensors a training run starts from,
// without first copying them into one string.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256& update(const void* data, size_t size);
  Sha256& update(const std::string& bytes) { return update(bytes.data(), bytes.size()); }
  // 64 lower-case hex digits; call once.
  std::string hex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

std::string sha256_bytes(const std::string& data);  // the 32-byte digest
std::string sha256_hex(const std::string& data);    // the same as 64 lower-case hex digits
// HMAC-SHA-256 of `data` under `key`, as 64 lower-case hex digits.
std::string hmac_sha256_hex(const std::string& key, const std::string& data);

}  // namespace deepfin::io
