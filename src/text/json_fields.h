#pragma once
// Shared by the tokenizers' JSON readers and fingerprints (private header of the text floor).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace deepfin::text::detail {

// object[key], which must exist and have `type` (number_integer: any integer); FileError
// "<format> JSON: missing key 'k'" or "... key 'k' must be <type_name>, got ..." otherwise.
const nlohmann::json& require_field(const nlohmann::json& object, const std::string& key, nlohmann::json::value_t type,
                                    const char* type_name, const char* format);

// Folds `bytes` into a 64-bit FNV-1a hash (start from kFnvOffset).
inline constexpr uint64_t kFnvOffset = 14695981039346656037ull;
void fnv1a(uint64_t& hash, std::string_view bytes);

}  // namespace deepfin::text::detail
