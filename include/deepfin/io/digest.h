#pragma once
// SHA-256 and HMAC-SHA-256 through OpenSSL: model versions, bearer tokens, the
// fingerprint of a job file in a model card, and the keyed applicant ids of a
// decision log.
#include <string>

namespace deepfin::io {

std::string sha256_bytes(const std::string& data);  // the 32-byte digest
std::string sha256_hex(const std::string& data);    // the same as 64 lower-case hex digits
// HMAC-SHA-256 of `data` under `key`, as 64 lower-case hex digits.
std::string hmac_sha256_hex(const std::string& key, const std::string& data);

}  // namespace deepfin::io
