#include "deepfin/serve/bearer_token.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <strings.h>

#include "deepfin/base/error.h"
#include "deepfin/io/digest.h"
#include "deepfin/io/read_file.h"

namespace deepfin::serve {

BearerToken BearerToken::from_file(const std::string& path) {
  std::string token = io::read_file(path);
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
  if (token.size() < 16)
    throw ConfigError(
        fmt::format("--token-file {}: the token has {} characters; use at least 16 (e.g. `openssl rand "
                    "-hex 32 > {}`)",
                    path, token.size(), path));
  return BearerToken(std::move(token));
}

BearerToken::BearerToken(std::string token) : digest_(io::sha256_bytes(token)) {
  if (token.empty()) throw ConfigError("bearer token: the token is empty");
}

bool BearerToken::accepts(const std::string& authorization) const {
  // The scheme is case-insensitive (RFC 7235); the token is not.
  if (authorization.size() < 7 || strncasecmp(authorization.c_str(), "Bearer ", 7) != 0) return false;
  const std::string presented = io::sha256_bytes(authorization.substr(7));
  return CRYPTO_memcmp(presented.data(), digest_.data(), digest_.size()) == 0;
}

}  // namespace deepfin::serve
