#pragma once
// SHA-256 through OpenSSL, for model versions and bearer-token comparison.
#include <string>

namespace deepfin::serve {

std::string sha256_bytes(const std::string& data);  // the 32-byte digest
std::string sha256_hex(const std::string& data);    // the same as 64 lower-case hex digits

}  // namespace deepfin::serve
