#pragma once
// Bearer-token authentication: the token comes from a file (so it is never on
// a command line, where `ps` shows it), and a presented token is compared in
// constant time (both are hashed with SHA-256, and the digests compared with
// CRYPTO_memcmp), so the time taken says nothing about how much of it matched.
#include <string>

namespace deepfin::serve {

class BearerToken {
 public:
  // The file's contents without surrounding whitespace. FileError if unreadable;
  // ConfigError if empty or shorter than 16 characters.
  static BearerToken from_file(const std::string& path);
  explicit BearerToken(std::string token);

  // True when `authorization` is "Bearer <the token>".
  bool accepts(const std::string& authorization) const;

 private:
  std::string digest_;  // SHA-256 of the token
};

}  // namespace deepfin::serve
