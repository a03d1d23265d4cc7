#include "deepfin/io/digest.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace deepfin::io {
namespace {

std::string to_hex(const unsigned char* bytes, unsigned int length) {
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

}  // namespace

struct Sha256::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256() = default;

Sha256& Sha256::update(const void* data, size_t size) {
  EVP_DigestUpdate(context_->ctx, data, size);
  return *this;
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->ctx, digest, &length);
  return to_hex(digest, length);
}

std::string sha256_bytes(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string sha256_hex(const std::string& data) {
  const std::string digest = sha256_bytes(data);
  return to_hex(reinterpret_cast<const unsigned char*>(digest.data()), static_cast<unsigned int>(digest.size()));
}

std::string hmac_sha256_hex(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &length);
  return to_hex(digest, length);
}

}  // namespace deepfin::io
