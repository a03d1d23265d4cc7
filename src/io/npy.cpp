#include "deepfin/io/npy.h"

#include <fmt/format.h>

#include "deepfin/io/atomic_file.h"
#include "deepfin/io/read_file.h"
#include "io/bytes.h"
#include "io/npy_format.h"
#include "io/zip_archive.h"

namespace deepfin::io {

Tensor load_npy(const std::string& path) {
  const std::string bytes = read_file(path);
  return detail::decode_npy(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), path);
}

void save_npy(const std::string& path, const Tensor& tensor) {
  if (!tensor.defined()) throw ValueError(fmt::format("save_npy: the tensor for {} is undefined", path));
  write_file_atomic(path, detail::encode_npy(tensor));
}

std::map<std::string, Tensor> load_npz(const std::string& path) {
  const std::string bytes = read_file(path);
  std::map<std::string, Tensor> out;
  for (const detail::ZipMember& m : detail::read_zip(bytes, path)) {
    std::string name = m.name;
    if (name.size() > 4 && name.ends_with(".npy")) name.resize(name.size() - 4);
    const auto* data = reinterpret_cast<const unsigned char*>(m.data.data());
    out[name] = detail::decode_npy(data, m.data.size(), path + ":" + m.name);
  }
  return out;
}

void save_npz(const std::string& path, const std::map<std::string, Tensor>& tensors, bool compressed) {
  std::vector<detail::ZipMember> members;
  for (const auto& [name, tensor] : tensors) {
    if (name.empty()) throw ValueError(fmt::format("save_npz: empty array name for {}", path));
    if (!tensor.defined()) throw ValueError(fmt::format("save_npz: the tensor '{}' for {} is undefined", name, path));
    members.push_back({name + ".npy", detail::encode_npy(tensor)});
  }
  write_file_atomic(path, detail::write_zip(members, compressed));
}

}  // namespace deepfin::io
