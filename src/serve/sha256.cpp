#include "serve/sha256.h"

#include <fmt/format.h>
#include <openssl/evp.h>

namespace deepfin::serve {

std::string sha256_bytes(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string sha256_hex(const std::string& data) {
  std::string hex;
  for (unsigned char c : sha256_bytes(data)) hex += fmt::format("{:02x}", c);
  return hex;
}

}  // namespace deepfin::serve
