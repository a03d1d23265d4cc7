#include "deepfin/io/safetensors.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "deepfin/io/atomic_file.h"
#include "deepfin/io/json_text.h"
#include "io/bytes.h"
#include "io/half_float.h"

namespace deepfin::io {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the reference implementation's cap
constexpr const char* kMetadataKey = "__metadata__";
// Metadata entry deepfin adds: {"tensor name": "8 hex digits of its CRC-32"}. Other
// readers ignore it; load_safetensors verifies it when present (files from other
// writers have none), so a flipped bit in a weight is an error, not a worse model.
constexpr const char* kChecksumKey = "deepfin_crc32";
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
constexpr bool kVerifyChecksums = false;  // let mutated files reach load_model (fuzz builds only)
#else
constexpr bool kVerifyChecksums = true;
#endif

uint32_t crc32_of(const void* data, size_t size);

// The metadata's checksum: every entry but the checksums themselves, in key order.
std::string metadata_crc(const std::map<std::string, std::string>& metadata) {
  std::string all;
  for (const auto& [key, value] : metadata)
    if (key != kChecksumKey) all.append(key).append(1, '\0').append(value).append(1, '\0');
  return fmt::format("{:08x}", crc32_of(all.data(), all.size()));
}

uint32_t crc32_of(const void* data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = static_cast<const Bytef*>(data);
  while (size > 0) {  // zlib takes 32-bit lengths
    const auto chunk = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    size -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

const char* safetensors_dtype(DType t) {
  switch (t) {
    case DType::float32:
      return "F32";
    case DType::float64:
      return "F64";
    default:
      return "I64";
  }
}

struct Entry {
  std::string name;
  DType dtype;  // as loaded; F16 and BF16 are widened to float32
  Shape shape;
  uint64_t begin, end;
  std::string stored = "F32";  // the dtype in the file
};

Entry parse_entry(const std::string& path, const std::string& name, const nlohmann::json& j, uint64_t data_size) {
  auto fail = [&](const std::string& what) { return FileError(fmt::format("{}: tensor '{}': {}", path, name, what)); };
  if (!j.is_object()) throw fail("header entry is not a JSON object");
  if (!j.contains("dtype") || !j["dtype"].is_string()) throw fail("missing or non-string \"dtype\"");
  if (!j.contains("shape") || !j["shape"].is_array()) throw fail("missing or non-array \"shape\"");
  if (!j.contains("data_offsets") || !j["data_offsets"].is_array() || j["data_offsets"].size() != 2)
    throw fail("\"data_offsets\" must be an array [begin, end]");
  Entry e{name, DType::float32, {}, 0, 0};
  const std::string dtype = j["dtype"].get<std::string>();
  if (dtype == "F32")
    e.dtype = DType::float32;
  else if (dtype == "F64")
    e.dtype = DType::float64;
  else if (dtype == "I64")
    e.dtype = DType::int64;
  else if (dtype == "F16" || dtype == "BF16")
    e.dtype = DType::float32;
  else
    throw fail(fmt::format("unsupported dtype \"{}\" (deepfin reads F32, F64, I64, F16, BF16)", dtype));
  e.stored = dtype;
  const uint64_t element_bytes = e.dtype == DType::float32 && dtype != "F32" ? 2 : dtype_size(e.dtype);

  uint64_t numel = 1;
  for (const auto& d : j["shape"]) {
    if (!d.is_number_unsigned() && !(d.is_number_integer() && d.get<int64_t>() >= 0))
      throw fail(fmt::format("shape entries must be non-negative integers, got {}", d.dump()));
    const uint64_t v = d.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) || (v != 0 && numel > (uint64_t{1} << 60) / v))
      throw fail("shape is too large");
    numel *= v;
    e.shape.push_back(static_cast<int64_t>(v));
  }
  detail::check_declared_shape(e.shape, fmt::format("{}: tensor '{}'", path, name));
  for (const auto& o : j["data_offsets"])
    if (!o.is_number_unsigned() && !(o.is_number_integer() && o.get<int64_t>() >= 0))
      throw fail(fmt::format("data_offsets must be non-negative integers, got {}", o.dump()));
  e.begin = j["data_offsets"][0].get<uint64_t>();
  e.end = j["data_offsets"][1].get<uint64_t>();
  if (e.begin > e.end) throw fail(fmt::format("data_offsets [{}, {}] are reversed", e.begin, e.end));
  if (e.end > data_size)
    throw fail(
        fmt::format("data_offsets [{}, {}] lie outside the data section of {} bytes", e.begin, e.end, data_size));
  const uint64_t expected = numel * element_bytes;
  if (e.end - e.begin != expected)
    throw fail(fmt::format("data_offsets [{}, {}] span {} bytes but {} {} needs {}", e.begin, e.end, e.end - e.begin,
                           dtype, shape_str(e.shape), expected));
  return e;
}

}  // namespace

void save_safetensors(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  if (metadata.count(kChecksumKey))
    throw ValueError(
        fmt::format("save_safetensors: the metadata key '{}' is reserved for the checksums", kChecksumKey));
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  std::set<std::string> seen;
  nlohmann::ordered_json checksums = nlohmann::ordered_json::object();
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name == kMetadataKey) throw ValueError("save_safetensors: '__metadata__' is reserved, not a tensor name");
    if (!seen.insert(name).second) throw ValueError(fmt::format("save_safetensors: duplicate tensor name '{}'", name));
    if (!t.defined()) throw ValueError(fmt::format("save_safetensors: tensor '{}' is undefined", name));
    const uint64_t bytes = static_cast<uint64_t>(t.numel()) * dtype_size(t.dtype());
    header[name] = {
        {"dtype", safetensors_dtype(t.dtype())}, {"shape", t.shape()}, {"data_offsets", {offset, offset + bytes}}};
    uint32_t crc;
    if (t.is_contiguous()) {
      crc = crc32_of(t.raw_data(), bytes);
    } else {
      const std::string copy = detail::tensor_bytes(t);
      crc = crc32_of(copy.data(), copy.size());
    }
    checksums[name] = fmt::format("{:08x}", crc);
    offset += bytes;
  }
  checksums[kMetadataKey] = metadata_crc(metadata);  // a threshold or a scaler is as much the model as a weight
  nlohmann::ordered_json meta(metadata);
  meta[kChecksumKey] = checksums.dump();
  // __metadata__ first, as the reference writer puts it.
  nlohmann::ordered_json ordered = {{kMetadataKey, meta}};
  for (auto& [key, value] : header.items()) ordered[key] = std::move(value);
  header = std::move(ordered);
  std::string json;
  try {
    json = header.dump();
  } catch (const nlohmann::json::type_error& e) {  // a name or metadata value that is not UTF-8
    throw ValueError(
        fmt::format("save_safetensors: {}: a tensor name or metadata value is not valid UTF-8 ({})", path, e.what()));
  }
  json.append((8 - json.size() % 8) % 8, ' ');  // the data section starts 8-byte aligned
  // Refuse what no reader would open (this one included), before the file exists.
  if (json.size() > kMaxHeaderBytes) {
    std::string largest;
    size_t largest_size = 0;
    for (const auto& [key, value] : metadata)
      if (value.size() > largest_size) largest = key, largest_size = value.size();
    throw ValueError(fmt::format(
        "save_safetensors: {}: the header would take {} bytes, over the {} MiB limit that safetensors readers "
        "enforce; the largest metadata entry is '{}' ({} bytes)",
        path, json.size(), kMaxHeaderBytes >> 20, largest, largest_size));
  }

  std::string prefix;
  detail::put_u64le(prefix, json.size());
  AtomicFileWriter writer(path);
  writer.write(prefix);
  writer.write(json);
  for (const auto& [name, t] : tensors) {
    if (t.is_contiguous())
      writer.write(t.raw_data(), static_cast<size_t>(t.numel()) * dtype_size(t.dtype()));
    else
      writer.write(detail::tensor_bytes(t));
  }
  writer.commit();
}

SafetensorsFile load_safetensors(const std::string& path) {
  detail::InputFile file(path);
  if (file.size() < 8)
    throw FileError(fmt::format("{}: truncated: {} bytes, too short for the 8-byte header length", path, file.size()));
  unsigned char length_field[8];
  file.read_at(0, length_field, 8, "header length");
  const uint64_t header_len = detail::ByteReader(length_field, 8, path).u64le("header length");
  if (header_len > kMaxHeaderBytes)
    throw FileError(fmt::format("{}: header length {} exceeds the {}-byte limit (corrupt file?)", path, header_len,
                                kMaxHeaderBytes));
  if (header_len > file.size() - 8)
    throw FileError(fmt::format("{}: truncated: header length {} exceeds the {} bytes after the length field", path,
                                header_len, file.size() - 8));
  std::string text(header_len, '\0');
  file.read_at(8, text.data(), header_len, "header");
  const nlohmann::json header = parse_json_text(text, path + ": header");
  if (!header.is_object()) throw FileError(fmt::format("{}: header JSON is not an object", path));

  SafetensorsFile out;
  const uint64_t data_start = 8 + header_len;
  const uint64_t data_size = file.size() - data_start;
  std::vector<Entry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      if (!value.is_object()) throw FileError(fmt::format("{}: \"__metadata__\" must be an object of strings", path));
      for (const auto& [mk, mv] : value.items()) {
        if (!mv.is_string()) throw FileError(fmt::format("{}: metadata value for '{}' is not a string", path, mk));
        out.metadata[mk] = mv.get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(path, key, value, data_size));
  }

  // Sorted by offset, the tensors must tile the data section exactly.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t expected_begin = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.begin < expected_begin)
      throw FileError(fmt::format("{}: tensor '{}': data_offsets [{}, {}] overlap tensor '{}'", path, e.name, e.begin,
                                  e.end, entries[i - 1].name));
    if (e.begin > expected_begin)
      throw FileError(
          fmt::format("{}: tensor '{}': unused gap in the data section before offset {}", path, e.name, e.begin));
    expected_begin = e.end;
  }
  if (expected_begin != data_size)
    throw FileError(
        fmt::format("{}: data section has {} bytes but the tensors cover {}", path, data_size, expected_begin));

  nlohmann::json checksums;
  if (auto it = out.metadata.find(kChecksumKey); it != out.metadata.end()) {
    checksums = parse_json_text(it->second, path + ": metadata '" + kChecksumKey + "'");
    if (!checksums.is_object()) throw FileError(fmt::format("{}: metadata '{}' is not an object", path, kChecksumKey));
    out.metadata.erase(it);
    const auto stored = checksums.find(kMetadataKey);
    if (kVerifyChecksums &&
        (stored == checksums.end() || !stored->is_string() || stored->get<std::string>() != metadata_crc(out.metadata)))
      throw FileError(
          fmt::format("{}: the metadata (model config, preprocessing, threshold ...) is corrupt or was "
                      "edited: its CRC-32 does not match",
                      path));
    if (stored != checksums.end()) checksums.erase(stored);
  }
  for (const Entry& e : entries) {
    Tensor t = Tensor::empty(e.shape, e.dtype);
    std::vector<uint16_t> halves;  // a 16-bit tensor's bytes, widened below
    const bool half = e.stored == "F16" || e.stored == "BF16";
    if (half) halves.resize(static_cast<size_t>(t.numel()));
    void* bytes = half ? static_cast<void*>(halves.data()) : t.raw_data();
    file.read_at(data_start + e.begin, bytes, e.end - e.begin, "tensor '" + e.name + "'");
    if (half) {
      float* out_values = t.data<float>();
      for (size_t i = 0; i < halves.size(); ++i)
        out_values[i] = e.stored == "F16" ? detail::half_to_float(halves[i]) : detail::bfloat16_to_float(halves[i]);
    }
    if (kVerifyChecksums && !checksums.is_null()) {
      const auto it = checksums.find(e.name);
      if (it == checksums.end() || !it->is_string())
        throw FileError(
            fmt::format("{}: tensor '{}' has no checksum in '{}' (the file was edited?)", path, e.name, kChecksumKey));
      const std::string actual = fmt::format("{:08x}", crc32_of(bytes, e.end - e.begin));
      if (actual != it->get<std::string>())
        throw FileError(fmt::format("{}: tensor '{}' is corrupt: its bytes have CRC-32 {} but the file records {}",
                                    path, e.name, actual, it->get<std::string>()));
    }
    out.tensors.emplace_back(e.name, std::move(t));
  }
  if (kVerifyChecksums && checksums.is_object() && checksums.size() != entries.size())
    throw FileError(fmt::format("{}: '{}' lists {} tensors but the file holds {}", path, kChecksumKey, checksums.size(),
                                entries.size()));
  return out;
}

}  // namespace deepfin::io
